"""check-mail's lines, in English and Japanese: one keyed table (key -> en, ja), ready for the catalogue.

Japanese follows how mail operators write about authentication results: the result words
``pass``/``fail``/``temperror`` are left as they are (as in Authentication-Results), never
"合格". dkimpy's reasons and header values are data and are shown as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.dnscheck import receiver

if TYPE_CHECKING:
    from byodkim.dnscheck.mailcheck import MailVerdict, SignatureVerdict

TEXT: dict[str, tuple[str, str]] = {
    "signature": (
        "DKIM d={d} s={s} a={a}: {state}; {align} with From {f}",
        "DKIM d={d} s={s} a={a}: {state}; From {f} と{align}",
    ),
    "aligned_strict": ("aligned (strict)", "アライメント一致 (strict)"),
    "aligned_relaxed": ("aligned (relaxed)", "アライメント一致 (relaxed)"),
    "not_aligned": ("not aligned", "アライメント不一致"),
    "body": (
        "  body hash {body}; From {signed}; signed: {headers}",
        "  本文ハッシュ: {body}; From ヘッダー: {signed}; 署名対象ヘッダー: {headers}",
    ),
    "body_ok": ("ok", "一致"),
    "body_changed": ("CHANGED after signing", "署名後に変更されています"),
    "body_unknown": ("not checked (the key lookup did not complete)", "未確認 (鍵の DNS 取得が完了していません)"),
    "from_signed": ("signed", "署名対象"),
    "from_unsigned": ("NOT signed", "署名対象外"),
    "length": (
        (
            "  l={l}: the signature covers only the first {l} octets of the body; the {n} octets after them are "
            "unsigned (anyone can append text there){strict}"
        ),
        (
            "  l={l}: 署名の対象は本文の先頭 {l} オクテットだけです。その後の {n} オクテットは署名されておらず、"
            "誰でも追記できます{strict}"
        ),
    ),
    "length_strict": (" (strict: counted as fail)", " (strict: fail として扱います)"),
    "strict_fail": ("l= leaves {n} octets unsigned", "l= により {n} オクテットが未署名"),
    "none": ("no DKIM-Signature in the message", "メッセージに DKIM-Signature ヘッダーがありません"),
    "pass": (
        "DMARC passes on DKIM: {d} signed it (s={s}), aligned with From {f}.",
        "DKIM による DMARC 評価: pass ({d} の署名 (s={s}) が From {f} とアライメント一致)。",
    ),
    "fail": (
        "DMARC would not pass on DKIM: no signature aligned with From {f} verifies{want}.",
        "DKIM による DMARC 評価: fail (From {f} とアライメント一致する署名{want}で検証に成功したものがありません)。",
    ),
    "want": (" with selector {s}", " (セレクタ {s})"),
    "amazonses": (
        "Only SES's own amazonses.com signature verifies: that never aligns with {f}.",
        "検証に成功したのは SES 自身の amazonses.com の署名だけです。この署名は {f} とアライメント一致しません。",
    ),
    "temperror": (
        (
            "DMARC not evaluated on DKIM (temperror): the key of d={d} s={s} could not be looked up ({why}); "
            "check again when the name servers answer."
        ),
        (
            "DKIM による DMARC 評価: temperror (d={d} s={s} の鍵を DNS から取得できませんでした: {why})。"
            "ネームサーバーが応答するようになってから再確認してください。"
        ),
    ),
    "message": ("message {n} {id}: {state}", "メッセージ {n} {id}: {state}"),
    "message_pass": ("pass (d={d} s={s})", "pass (d={d} s={s})"),
    "message_fail": ("fail ({why})", "fail ({why})"),
    "message_temperror": ("temperror ({why})", "temperror ({why})"),
    "no_aligned": (
        "no signature aligned with From {f} verifies",
        "From {f} とアライメント一致する署名で検証に成功したものがありません",
    ),
    "mailbox": (
        "{ok}/{n} messages pass DMARC on DKIM",
        "{n} 通中 {ok} 通が DKIM による DMARC 評価で pass",
    ),
}


def say(key: str, lang: str, **values: object) -> str:
    """Return the line ``key`` in ``lang`` (``en`` or ``ja``), filled with ``values``."""
    en, ja = TEXT[key]
    return (ja if lang == "ja" else en).format(**values)


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
