"""The rollout memo rendered for people: English or Japanese, plain text or Markdown (or JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from byodkim.display import display_width
from byodkim.messages import catalogue, say, text_of
from byodkim.messages import render as in_lang
from byodkim.workflows.nextstep import next_step

if TYPE_CHECKING:
    from byodkim.aws.ses import RegionStatus
    from byodkim.messages import Said
    from byodkim.workflows.domaincheck import Posture, Requirement
    from byodkim.workflows.keyreport import KeyView
    from byodkim.workflows.nextstep import NextStep, Phrase
    from byodkim.workflows.report import DnsView, LayerState, Rollout, StackState


def _text(key: str, lang: str, **values: object) -> str:
    """Return the memo's text ``key`` (``memo.KEY`` in the catalogue) in ``lang``, filled with ``values``."""
    return text_of(f"memo.{key}", lang).format(**values)


def phrase(said: Phrase, lang: str) -> str:
    """Return a next step's phrase (or a note) in ``lang``."""
    return _text(said.key, lang, **said.values)


def as_dict(rollout: Rollout, lang: str = "en") -> dict[str, Any]:
    """Return the rollout JSON-ready, the next step worded in ``lang``."""
    step = next_step(rollout)
    return {
        "project": rollout.deployment.project,
        "environment": rollout.deployment.environment,
        "domain": rollout.domain,
        "selector": rollout.selector,
        "generated": rollout.generated,
        "stacks": [asdict(s) for s in rollout.stacks],
        "layer": asdict(rollout.layer) if rollout.layer else None,
        "regions": [r.as_dict() for r in rollout.regions],
        "keys": [key.as_dict() for key in rollout.keys],  # each selector SES signs with: its key's age and dates
        "dns": [asdict(v) for v in rollout.dns],
        "mail": rollout.mail,
        "posture": rollout.posture.as_dict() if rollout.posture else None,
        "next_step": phrase(step.step, lang),
        "next_command": step.command,
        "notes": [phrase(note, lang) for note in step.notes],
        # After a stack's way out (next_command), the rollout's own step.
        "then_step": phrase(step.then.step, lang) if step.then else None,
        "then_command": step.then.command if step.then else None,
    }


def render(rollout: Rollout, fmt: str, lang: str, prefix: str = "uv run byodkim") -> str:
    """Return the memo as text, Markdown or JSON; commands as the user runs byodkim (``prefix``)."""
    if fmt == "json":
        data = as_dict(rollout, lang)
        data["next_command"] = next_step(rollout).command_as(prefix)
        return json.dumps(data, indent=2, ensure_ascii=False)
    out = _Memo(lang, markdown=fmt in ("md", "markdown"))
    out.title(rollout)
    out.stacks(rollout.stacks)
    out.layer(rollout.layer)
    out.regions(rollout.regions, rollout.keys)
    out.dns(rollout.dns)
    out.mail(rollout.mail)
    out.posture(rollout.posture)
    out.next(next_step(rollout), lang, prefix)
    return "\n".join(out.lines).rstrip() + "\n"


def render_posture(posture: Posture, fmt: str, lang: str) -> str:
    """Return check-domain's findings, verdict and requirements as text or Markdown, in ``lang``.

    One renderer for every language and form, each line a catalogue key: text shows the lines
    check-domain always printed (each fix after ``add or change:``), Markdown the same facts as a
    memo (each record to add on its own line, in backticks, as the DNS team types it).
    """
    found = [(depth, in_lang(line, lang)) for depth, line in findings(posture)]
    if fmt not in ("md", "markdown"):
        lines = ["  " * depth + line for depth, line in found]
        lines += [in_lang(verdict(posture), lang), in_lang(say("check.requirements"), lang)]
        for requirement in posture.requirements:
            lines.append("  " + in_lang(_row(requirement), lang))
            if requirement.fix:
                lines.append(" " * 8 + in_lang(say("check.fix", fix=requirement.fix), lang))
        return "\n".join(lines) + "\n"
    out = _Memo(lang, markdown=True)
    out.lines += ["# " + _text("posture_title", lang, domain=posture.domain), ""]
    out.lines += [("- " if depth == 0 else "  - ") + line for depth, line in found]
    out.lines.append("")
    out.posture(posture)
    return "\n".join(out.lines).rstrip() + "\n"


def findings(posture: Posture) -> list[tuple[int, Said]]:
    """Return what DNS and SES hold for the domain, a keyed line each with its depth (0, or 1 under the line before)."""
    none = say("check.none")
    spf_from, dm = posture.spf_from, posture.dmarc
    lines = [(0, say("check.spf", domain=posture.domain, record=spf_from.record or none, lookups=spf_from.lookups))]
    problems = list(spf_from.problems)
    if posture.spf_mail_from is not None:
        view = posture.spf_mail_from
        record = view.record or none
        lines.append(
            (0, say("check.spf_mail_from", domain=view.domain, record=record, result=view.result, lookups=view.lookups))
        )
        problems += view.problems
    lines += [(1, say("check.problem", problem=problem)) for problem in problems]
    if dm.found_at:
        lines.append(
            (0, say("check.dmarc_at", record=dm.record or none, where=dm.found_at, adkim=dm.adkim, aspf=dm.aspf))
        )
    else:
        lines.append((0, say("check.dmarc", record=dm.record or none)))
    if dm.policy in ("reject", "quarantine", "none"):
        share = say("check.share", pct=dm.pct) if dm.pct != 100 else ""  # noqa: PLR2004 - pct's default
        lines.append((1, say(f"check.means.{dm.policy}", share=share)))
    lines += [(1, say("check.problem", problem=problem)) for problem in dm.problems]
    summary = posture.dkim.summary() if posture.dkim else say("check.not_checked")
    lines.append((0, say("check.dkim", selector=posture.selector or "-", summary=summary)))
    for status in posture.ses:
        if status.mail_from:
            mail_from = say("check.ses_mail_from", domain=status.mail_from, status=status.mail_from_status)
        else:
            mail_from = say("check.ses_own_mail_from")
        kept = say("check.ses_set", name=status.configuration_set) if status.configuration_set else ""
        state = status.status or say("check.no_identity")
        lines.append(
            (
                0,
                say(
                    "check.ses",
                    region=status.region,
                    origin=status.origin or "-",
                    status=state,
                    mail_from=mail_from,
                    set=kept,
                ),
            )
        )
    return lines


def verdict(posture: Posture) -> Said:
    """Return whether DMARC passes for mail from SES, and which alignment carries it."""
    words = {True: say("check.aligned"), False: say("check.unaligned")}
    key = "check.verdict_pass" if posture.dmarc_passes else "check.verdict_fail"
    return say(key, dkim=words[posture.dkim_aligned], spf=words[posture.spf_aligned])


def _row(requirement: Requirement) -> Said:
    """Return a requirement's row: its mark, name, state and detail."""
    known = catalogue()
    name = f"posture.req.{requirement.name}"
    return say(
        "check.requirement",
        mark=say(f"check.mark.{requirement.state}") if f"check.mark.{requirement.state}" in known else "--  ",
        name=say(name) if name in known else requirement.name,
        state=say(f"memo.{requirement.state}") if f"memo.{requirement.state}" in known else requirement.state,
        detail=requirement.detail,
    )


class _Memo:
    """Lines of the memo; Markdown or plain text differ only in markers."""

    def __init__(self, lang: str, *, markdown: bool) -> None:
        self.lang, self.md = lang, markdown
        self.lines: list[str] = []
        self.item, self.sub = ("- ", "  - ") if markdown else ("  ", "    ")

    def t(self, key: str, **values: object) -> str:
        """Return the memo's text ``key`` in the memo's language."""
        return _text(key, self.lang, **values)

    def heading(self, text: str) -> None:
        """Start a section."""
        # Underlined to the text's display width: a CJK character takes two columns on a terminal.
        self.lines.extend(["## " + text, ""] if self.md else [text, "-" * display_width(text)])

    def title(self, rollout: Rollout) -> None:
        title = self.t("title", domain=rollout.domain, env=rollout.deployment.environment)
        self.lines += [("# " if self.md else "") + title, "", self.t("generated", when=rollout.generated), ""]

    def stacks(self, stacks: list[StackState]) -> None:
        self.heading(self.t("stacks"))
        for s in stacks:
            self.lines.append(f"{self.item}{s.stack}: {s.status}")
            if s.failed_resource:
                self.lines.append(
                    self.sub + self.t("cause", resource=s.failed_resource, type=s.failed_type, reason=s.reason)
                )
            if s.way_out:
                self.lines.append(self.sub + self.t("way_out", command=s.way_out))
        self.lines.append("")

    def layer(self, layer: LayerState | None) -> None:
        self.heading(self.t("layer"))
        if layer is None:
            self.lines.append(self.item + self.t("no_layer"))
        else:
            used = ", ".join(u.rsplit(":", 1)[-1] for u in layer.function_uses) or "-"
            runtimes, archs = ", ".join(layer.runtimes), ", ".join(layer.architectures)
            self.lines.append(
                self.item
                + self.t(
                    "layer_line", name=layer.name, version=layer.version, runtimes=runtimes, archs=archs, used=used
                )
            )
        self.lines.append("")

    def regions(self, regions: list[RegionStatus], keys: list[KeyView]) -> None:
        self.heading(self.t("ses"))
        for r in regions:
            if r.error:  # unreadable is not "no identity": the next step would be to register again
                self.lines.append(self.item + in_lang(say("ses.unreadable", region=r.region, error=r.error), self.lang))
                continue
            if not r.exists:
                self.lines.append(f"{self.item}{r.region}: {self.t('no_identity')}")
                continue
            signing = "on" if r.signing_enabled else "off"
            self.lines.append(
                f"{self.item}{r.region}: {r.origin} {r.status} selector={','.join(r.tokens) or '-'} signing={signing}"
            )
        self.lines.extend(self.item + in_lang(key.said(), self.lang) for key in keys)
        self.lines.append("")

    def dns(self, views: list[DnsView]) -> None:
        self.heading(self.t("dns"))
        if not views:
            self.lines.append(self.item + self.t("no_dns"))
        for view in views:
            counted = view.name and view.total
            shown = self.t("dns_count", good=view.good, total=view.total, name=view.name) if counted else view.summary
            self.lines.append(self.item + shown)
            for answer in view.servers:
                serial = f" {self.t('serial')} {answer.serial}" if answer.serial is not None else ""
                outcome = in_lang(say(f"outcome.{answer.outcome}"), self.lang)
                self.lines.append(f"{self.sub}{answer.server}: {outcome}{serial}")
        self.lines.append("")

    def posture(self, posture: Posture | None) -> None:
        if posture is None:
            return
        self.heading(self.t("posture"))
        how = " + ".join(n for n, on in (("DKIM", posture.dkim_aligned), ("SPF", posture.spf_aligned)) if on)
        self.lines.append(
            self.item + (self.t("posture_pass", how=how) if posture.dmarc_passes else self.t("posture_fail"))
        )
        for requirement in posture.requirements:
            known = f"memo.req.{requirement.name}" in catalogue()  # a requirement with no text of its own: its name
            name = self.t(f"req.{requirement.name}") if known else requirement.name
            line = f"{self.item}{name}: {self.t(requirement.state)}"
            if requirement.detail:  # keyed lines: in Japanese too, every finding keeps its detail
                line += f" ({in_lang(requirement.detail, self.lang)})"
            self.lines.append(line)
            # The fix, the same in both languages: each record to add as the DNS team types it, in
            # backticks, one a line (the MAIL FROM pair is two); a fix that is no record, as a sentence.
            if requirement.records:
                self.lines.extend(f"{self.sub}`{record}`" for record in requirement.records)
            elif requirement.fix:
                self.lines.append(self.sub + self.t("fix_line", fix=in_lang(requirement.fix, self.lang)))
        self.lines.append("")

    def mail(self, mail: dict[str, Any] | None) -> None:
        self.heading(self.t("mail"))
        if mail is None:
            self.lines.append(self.item + self.t("no_mail"))
        else:
            aligned = mail.get("aligned") or {}
            key = "mail_pass" if mail.get("ok") else "mail_fail"
            self.lines.append(
                self.item
                + self.t(key,
                    at=mail.get("at"), region=mail.get("region"), d=aligned.get("d"), s=aligned.get("s"),
                    id=mail.get("messageId"),
                )
            )  # fmt: skip
        self.lines.append("")

    def next(self, step: NextStep, lang: str, prefix: str) -> None:
        self.heading(self.t("next"))
        self.lines.extend(self.item + phrase(note, lang) for note in step.notes)
        self.lines.append(self.item + phrase(step.step, lang))
        command = step.command_as(prefix)
        if command:
            self.lines.append(f"  `{command}`" if self.md else f"  $ {command}")
        if step.then is not None:
            self.lines.append(self.item + self.t("then", step=phrase(step.then.step, lang)))
            after = step.then.command_as(prefix)
            if after:
                self.lines.append(f"  `{after}`" if self.md else f"  $ {after}")
