"""The rollout memo rendered for people: English or Japanese, plain text or Markdown (or JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from byodkim.messages import render as in_lang
from byodkim.messages import say
from byodkim.rollout.nextstep import next_step
from byodkim.text import display_width

if TYPE_CHECKING:
    from byodkim.aws.ses import RegionStatus
    from byodkim.rollout.domaincheck import Posture
    from byodkim.rollout.keyreport import KeyView
    from byodkim.rollout.nextstep import NextStep, Phrase
    from byodkim.rollout.report import DnsView, LayerState, Rollout, StackState

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "BYODKIM rollout status: {domain} ({env})",
        "generated": "Generated {when} by byodkim report.",
        "stacks": "Stacks",
        "layer": "Lambda layer",
        "no_layer": "no cryptography layer published yet",
        "layer_line": "{name} version {version} ({runtimes}, {archs}); the function uses version {used}",
        "dns_count": "{good}/{total} servers publish the key at {name}",
        "serial": "serial",
        "ses": "SES DKIM per region",
        "no_identity": "no identity",
        "dns": "DKIM record on the authoritative servers",
        "no_dns": "no BYODKIM selector registered yet: nothing to check",
        "next": "Next step",
        "mail": "Test message through SES, as a receiver judges it",
        "posture": "Sending posture (Gmail/Yahoo sender requirements)",
        "posture_title": "{domain}: sending domain check",
        "posture_pass": "DMARC passes for mail from SES ({how} aligned with the From domain)",
        "posture_fail": "DMARC fails for mail from SES: neither DKIM nor SPF aligns with the From domain",
        "met": "met",
        "fix_line": "fix: {fix}",
        "not met": "not met",
        "not checkable from DNS": "not checkable from DNS",
        "no_mail": "none checked yet (byodkim send-test)",
        "mail_pass": "{at} {region}: DMARC passes on DKIM: d={d} s={s} (message {id})",
        "mail_fail": "{at} {region}: no signature aligned with the From domain verifies (message {id})",
        "cause": "cause: {resource} ({type}): {reason}",
        "way_out": "way out: {command}",
        "fix": "Recover stack {stack} ({status}); the cause is shown above.",
        "launch": "Launch the stacks that are not deployed: {stacks}.",
        "register": "Register the key with SES in: {regions}.",
        "foreign_key": "SES signs with a key byodkim did not register (selector {selector} in {regions}; a test key?). Register the production key: it is stored in Secrets Manager and switched in once its record is live.",
        "wait": "Wait for SES to find the record and report SUCCESS (up to 72 hours).",
        "failed": "SES gave up (FAILED). With the record live everywhere, register again to restart verification.",
        "done": "BYODKIM is active in every region. Keep the record; rotate keys with byodkim rotate when due.",
        "then": "Then: {step}",
        "rolled_back": "The last update of {stacks} was rolled back: it runs its previous configuration. Fix the cause shown above and launch it again; if Sceptre then says 'No updates', what is in git is what runs.",
        "config_selector": "The Sceptre config says `selector: {config}` but SES signs with {ses} in {regions}: change that line in {file} to `selector: {ses}`, so the next launch and phases 4, 5 and 7 use the key SES holds.",
    },
    "ja": {
        "title": "BYODKIM 移行状況: {domain} ({env})",
        "generated": "{when} に byodkim report で作成。",
        "stacks": "スタック",
        "layer": "Lambda レイヤー",
        "no_layer": "cryptography レイヤーはまだ発行されていません",
        "layer_line": "{name} バージョン {version} ({runtimes}, {archs})。関数が使っているバージョン: {used}",
        "dns_count": "{name} の鍵を公開している権威サーバー: {good}/{total} 台",
        "serial": "シリアル",
        "ses": "リージョンごとの SES DKIM 状態",
        "no_identity": "ID なし",
        "dns": "権威サーバー上の DKIM レコード",
        "no_dns": "BYODKIM のセレクタがまだ登録されていないため、確認対象がありません",
        "next": "次の作業",
        "mail": "SES 経由のテストメール (受信側の判定)",
        "posture": "送信要件 (Gmail/Yahoo の送信者ガイドライン)",
        "posture_title": "{domain}: 送信ドメイン認証の確認",
        "posture_pass": "SES から送るメールの DMARC 評価は pass ({how} が From ドメインとアライメント一致)",
        "posture_fail": "SES から送るメールの DMARC 評価は fail: DKIM も SPF も From ドメインとアライメント一致していません",
        "met": "満たしています",
        "fix_line": "対処: {fix}",
        "not met": "満たしていません",
        "not checkable from DNS": "DNS からは確認できません",
        "req:SPF": "SPF",
        "req:DKIM": "DKIM",
        "req:DMARC (at least p=none)": "DMARC (p=none 以上)",
        "req:From aligned with SPF or DKIM": "From ドメインと SPF または DKIM のアライメント",
        "req:One-click unsubscribe (RFC 8058) for marketing mail": "マーケティングメールのワンクリック購読解除 (RFC 8058)",
        "req:Spam rate under 0.3%": "迷惑メール率 0.3% 未満 (フェーズ 8 のダッシュボード)",
        "no_mail": "まだ確認していません (byodkim send-test)",
        "mail_pass": "{at} {region}: DKIM による DMARC 評価は pass: d={d} s={s} (メッセージ {id})",
        "mail_fail": "{at} {region}: From ドメインとアライメント一致する署名を検証できません (メッセージ {id})",
        "cause": "原因: {resource} ({type}): {reason}",
        "way_out": "復旧手順: {command}",
        "fix": "スタック {stack} ({status}) を復旧してください。原因は上記のとおりです。",
        "launch": "未デプロイのスタックを作成してください: {stacks}。",
        "register": "次のリージョンで SES に鍵を登録してください: {regions}。",
        "foreign_key": "SES は byodkim が登録していない鍵で署名しています（{regions} のセレクタ {selector}。テスト用の鍵では？）。本番用の鍵を登録してください。鍵は Secrets Manager に保管され、レコードが公開されてから切り替わります。",
        "wait": "SES がレコードを確認して SUCCESS になるまで待ちます（最大 72 時間）。",
        "failed": "SES の確認が失敗しました (FAILED)。全サーバーでレコードが公開されていることを確認のうえ、再登録して確認をやり直してください。",
        "done": "すべてのリージョンで BYODKIM が有効です。レコードは残したままにし、鍵の更新時期には byodkim rotate を使ってください。",
        "then": "その後: {step}",
        "rolled_back": "{stacks} の直近の更新はロールバックされ、以前の設定で動いています。上記の原因を直して再度 launch してください。Sceptre が 'No updates' と表示した場合は、git の設定どおりに動いています。",
        "config_selector": "Sceptre の設定は `selector: {config}` ですが、SES は {regions} で {ses} で署名しています。{file} のその行を `selector: {ses}` に変えてください。次の launch とフェーズ 4、5、7 が SES の鍵を使うようになります。",
    },
}


TEXT["en"]["dns_next"] = (
    "Ask the DNS team to publish the record (byodkim dns-request), then wait until every authoritative server has it."
)
TEXT["ja"]["dns_next"] = (
    "DNS チームにレコードの公開を依頼し (byodkim dns-request)、すべての権威サーバーに反映されるまで待ってください。"
)


def phrase(said: Phrase, lang: str) -> str:
    """Return a next step's phrase (or a note) in ``lang``."""
    return TEXT[lang][said.key].format(**said.values)


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
    """Return check-domain's verdict and requirements as text or Markdown, in ``lang``."""
    out = _Memo(lang, markdown=fmt in ("md", "markdown"))
    title = TEXT[lang]["posture_title"].format(domain=posture.domain)
    out.lines += [("# " if out.md else "") + title, ""]
    out.posture(posture)
    return "\n".join(out.lines).rstrip() + "\n"


class _Memo:
    """Lines of the memo; Markdown or plain text differ only in markers."""

    def __init__(self, lang: str, *, markdown: bool) -> None:
        self.lang, self.t, self.md = lang, TEXT[lang], markdown
        self.lines: list[str] = []
        self.item, self.sub = ("- ", "  - ") if markdown else ("  ", "    ")

    def heading(self, text: str) -> None:
        """Start a section."""
        # Underlined to the text's display width: a CJK character takes two columns on a terminal.
        self.lines.extend(["## " + text, ""] if self.md else [text, "-" * display_width(text)])

    def title(self, rollout: Rollout) -> None:
        title = self.t["title"].format(domain=rollout.domain, env=rollout.deployment.environment)
        self.lines += [("# " if self.md else "") + title, "", self.t["generated"].format(when=rollout.generated), ""]

    def stacks(self, stacks: list[StackState]) -> None:
        self.heading(self.t["stacks"])
        for s in stacks:
            self.lines.append(f"{self.item}{s.stack}: {s.status}")
            if s.failed_resource:
                self.lines.append(
                    self.sub + self.t["cause"].format(resource=s.failed_resource, type=s.failed_type, reason=s.reason)
                )
            if s.way_out:
                self.lines.append(self.sub + self.t["way_out"].format(command=s.way_out))
        self.lines.append("")

    def layer(self, layer: LayerState | None) -> None:
        self.heading(self.t["layer"])
        if layer is None:
            self.lines.append(self.item + self.t["no_layer"])
        else:
            used = ", ".join(u.rsplit(":", 1)[-1] for u in layer.function_uses) or "-"
            runtimes, archs = ", ".join(layer.runtimes), ", ".join(layer.architectures)
            self.lines.append(
                self.item
                + self.t["layer_line"].format(
                    name=layer.name, version=layer.version, runtimes=runtimes, archs=archs, used=used
                )
            )
        self.lines.append("")

    def regions(self, regions: list[RegionStatus], keys: list[KeyView]) -> None:
        self.heading(self.t["ses"])
        for r in regions:
            if r.error:  # unreadable is not "no identity": the next step would be to register again
                self.lines.append(self.item + in_lang(say("ses.unreadable", region=r.region, error=r.error), self.lang))
                continue
            if not r.exists:
                self.lines.append(f"{self.item}{r.region}: {self.t['no_identity']}")
                continue
            signing = "on" if r.signing_enabled else "off"
            self.lines.append(
                f"{self.item}{r.region}: {r.origin} {r.status} selector={','.join(r.tokens) or '-'} signing={signing}"
            )
        self.lines.extend(self.item + in_lang(key.said(), self.lang) for key in keys)
        self.lines.append("")

    def dns(self, views: list[DnsView]) -> None:
        self.heading(self.t["dns"])
        if not views:
            self.lines.append(self.item + self.t["no_dns"])
        for view in views:
            counted = view.name and view.total
            shown = (
                self.t["dns_count"].format(good=view.good, total=view.total, name=view.name)
                if counted
                else view.summary
            )
            self.lines.append(self.item + shown)
            for answer in view.servers:
                serial = f" {self.t['serial']} {answer.serial}" if answer.serial is not None else ""
                outcome = in_lang(say(f"outcome.{answer.outcome}"), self.lang)
                self.lines.append(f"{self.sub}{answer.server}: {outcome}{serial}")
        self.lines.append("")

    def posture(self, posture: Posture | None) -> None:
        if posture is None:
            return
        self.heading(self.t["posture"])
        how = " + ".join(n for n, on in (("DKIM", posture.dkim_aligned), ("SPF", posture.spf_aligned)) if on)
        self.lines.append(
            self.item + (self.t["posture_pass"].format(how=how) if posture.dmarc_passes else self.t["posture_fail"])
        )
        for requirement in posture.requirements:
            name = self.t.get(f"req:{requirement.name}", requirement.name)
            line = f"{self.item}{name}: {self.t[requirement.state]}"
            if requirement.detail:  # keyed lines: in Japanese too, every finding keeps its detail
                line += f" ({in_lang(requirement.detail, self.lang)})"
            self.lines.append(line)
            # A record to add, as the DNS team types it (English shows the MAIL FROM pair so too;
            # Japanese wraps the pair in a sentence, each record in backticks).
            record = requirement.fix.startswith("_dmarc.")
            if record or (self.lang == "en" and requirement.fix.startswith(posture.mail_from or "mail.")):
                self.lines.append(f"{self.sub}`{requirement.fix}`")
            elif requirement.fix and self.lang != "en":
                self.lines.append(self.sub + self.t["fix_line"].format(fix=in_lang(requirement.fix, self.lang)))
        self.lines.append("")

    def mail(self, mail: dict[str, Any] | None) -> None:
        self.heading(self.t["mail"])
        if mail is None:
            self.lines.append(self.item + self.t["no_mail"])
        else:
            aligned = mail.get("aligned") or {}
            key = "mail_pass" if mail.get("ok") else "mail_fail"
            self.lines.append(
                self.item
                + self.t[key].format(
                    at=mail.get("at"), region=mail.get("region"), d=aligned.get("d"), s=aligned.get("s"),
                    id=mail.get("messageId"),
                )
            )  # fmt: skip
        self.lines.append("")

    def next(self, step: NextStep, lang: str, prefix: str) -> None:
        self.heading(self.t["next"])
        self.lines.extend(self.item + phrase(note, lang) for note in step.notes)
        self.lines.append(self.item + phrase(step.step, lang))
        command = step.command_as(prefix)
        if command:
            self.lines.append(f"  `{command}`" if self.md else f"  $ {command}")
        if step.then is not None:
            self.lines.append(self.item + self.t["then"].format(step=phrase(step.then.step, lang)))
            after = step.then.command_as(prefix)
            if after:
                self.lines.append(f"  `{after}`" if self.md else f"  $ {after}")
