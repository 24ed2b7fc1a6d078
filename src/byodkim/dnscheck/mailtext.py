"""check-mail's lines, in English and Japanese, from the catalogue's ``mail.*`` keys (:mod:`byodkim.messages.mail`).

Japanese follows how mail operators write about authentication results: the result words
``pass``/``fail``/``temperror`` are left as they are (as in Authentication-Results), never
"合格". dkimpy's reasons and header values are data and are shown as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.dnscheck import receiver

if TYPE_CHECKING:
    from byodkim.dnscheck.mailcheck import MailVerdict, SignatureVerdict


def say(key: str, lang: str, **values: object) -> str:
    """Return the line ``mail.key`` of the catalogue in ``lang`` (``en`` or ``ja``), filled with ``values``."""
    from byodkim import messages

    return messages.render(messages.say(f"mail.{key}", **values), lang)


def message_lines(verdict: MailVerdict, lang: str) -> list[str]:
    """Return check-mail's lines for one message: each signature, the header summary, the verdict."""
    lines: list[str] = []
    for sig in verdict.signatures:
        align = "aligned_strict" if sig.aligned_strict else "aligned_relaxed" if sig.aligned_relaxed else "not_aligned"
        values = {"d": sig.domain, "s": sig.selector, "a": sig.algorithm, "f": verdict.from_domain}
        lines.append(say("signature", lang, **values, state=_state(verdict, sig, lang), align=say(align, lang)))
        body = "body_unknown" if sig.body_hash_ok is None else "body_ok" if sig.body_hash_ok else "body_changed"
        signed = "from_signed" if sig.from_signed else "from_unsigned"
        lines.append(
            say("body", lang, body=say(body, lang), signed=say(signed, lang), headers=", ".join(sig.signed_headers))
        )
        if sig.length is not None:
            strict = say("length_strict", lang) if verdict.strict and sig.unsigned_tail else ""
            lines.append(say("length", lang, l=sig.length, n=sig.unsigned_tail, strict=strict))
    if not verdict.signatures:
        lines.append(say("none", lang))
    lines.append(verdict.authentication_results())
    lines += _summary(verdict, lang)
    return lines


def mailbox_lines(verdicts: list[MailVerdict], lang: str) -> list[str]:
    """Return one line per message of an mbox, then how many pass."""
    lines = []
    for n, verdict in enumerate(verdicts, 1):
        found, stuck = verdict.aligned_pass, verdict.temperror
        if found is not None:
            state = say("message_pass", lang, d=found.domain, s=found.selector)
        elif stuck is not None:
            state = say("message_temperror", lang, why=stuck.reason)
        else:
            state = say("message_fail", lang, why=_why(verdict, lang))
        lines.append(say("message", lang, n=n, id=verdict.message_id or "-", state=state))
    lines.append(say("mailbox", lang, ok=sum(v.ok for v in verdicts), n=len(verdicts)))
    return lines


def _state(verdict: MailVerdict, sig: SignatureVerdict, lang: str) -> str:
    if sig.result == receiver.TEMPERROR:
        return f"temperror ({sig.reason})"
    if not sig.passed:
        return f"fail ({sig.reason})"
    if not verdict.counts(sig):
        return f"fail ({say('strict_fail', lang, n=sig.unsigned_tail)})"
    return "pass"


def _why(verdict: MailVerdict, lang: str) -> str:
    """Return the reason an mbox line gives for a failing message: the aligned signature's, else no alignment."""
    aligned = [s for s in verdict.signatures if s.aligned_relaxed]
    if aligned and not verdict.counts(aligned[0]):
        return _state(verdict, aligned[0], lang).removeprefix("fail (").removesuffix(")")
    want = say("want", lang, s=verdict.selector) if verdict.selector else ""
    return say("no_aligned", lang, f=verdict.from_domain) + want


def _summary(verdict: MailVerdict, lang: str) -> list[str]:
    found = verdict.aligned_pass
    if found is not None:
        return [say("pass", lang, d=found.domain, s=found.selector, f=verdict.from_domain)]
    stuck = verdict.temperror
    if stuck is not None:
        return [say("temperror", lang, d=stuck.domain, s=stuck.selector, why=stuck.reason)]
    want = say("want", lang, s=verdict.selector) if verdict.selector else ""
    lines = [say("fail", lang, f=verdict.from_domain, want=want)]
    if {s.domain for s in verdict.signatures if s.passed} == {"amazonses.com"}:
        lines.append(say("amazonses", lang, f=verdict.from_domain))
    return lines
