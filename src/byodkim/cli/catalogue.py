# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""The CLI's part of the message catalogue: its name for each input, and the texts only it prints.

The library names an input by concept (``{@secret_id}``); :data:`FLAGS` is the one place the
command line says which option that is. The verify table, the progress bar and click's own
usage errors are the CLI's texts, kept here so the library never holds a flag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim import messages

if TYPE_CHECKING:
    from byodkim.errors import ByodkimError, InputError

# Every input the library may name, as the command line spells it (tests/test_messages.py checks
# each is an option of some command, and that every concept the library uses is here).
FLAGS: dict[str, str] = {
    "domain": "--domain",
    "selector": "--selector",
    "new_selector": "--new-selector",
    "region": "--region",
    "nameserver": "--nameserver",
    "secret_id": "--secret-id",
    "key_file": "--key-file",
    "key_dir": "--key-dir",
    "out_dir": "--key-dir",
    "public_key": "--public-key-file",
    "passphrase_file": "--passphrase-file",
    "force": "--force",
    "wait_through_mistakes": "--wait-through-mistakes",
    "extra_domains": "--extra-domains",
    "project": "--project",
    "environment": "--env",
    "stack": "--stack",
    "resource": "--resource",
    "source": "--live-resource",
    "requirements": "--requirements",
    "bucket": "--bucket",
    "every": "--all",
    "dry_run": "--dry-run",
}

TEXTS: dict[str, tuple[str, str]] = {
    # The progress bar of a fleet run on a terminal (cli/fleet.py Bar): counts, failures, time left.
    "fleet.bar": ("[{bar}] {done}/{total} {label}{failed}{left}", "[{bar}] {done}/{total} {label}{failed}{left}"),
    "fleet.bar.failed": (", {count} failed", "、NG {count} 件"),
    "fleet.bar.left": (", {time} left", "、残り約 {time}"),
    "fleet.bar.minutes": ("{minutes}m{seconds}s", "{minutes} 分 {seconds} 秒"),
    "fleet.bar.seconds": ("{seconds}s", "{seconds} 秒"),
    "fleet.label.done": ("done", "件 完了"),
    "fleet.label.keys": ("keys", "件 鍵を作成"),
    "fleet.label.domains": ("domains", "件 ドメインを処理"),
    "fleet.label.domains checked": ("domains checked", "件 ドメインを確認"),
    "fleet.label.domains rotated": ("domains rotated", "件 鍵を交換"),
    "fleet.label.domain-regions registered": ("domain-regions registered", "件 (ドメインとリージョンの組) を登録"),
    "fleet.label.domain-regions read": ("domain-regions read", "件 (ドメインとリージョンの組) を読み込み"),
    "fleet.label.checked": ("checked", "件 確認"),
    "fleet.no_selector": (
        "no selector for {domain}: it is not declared in the Sceptre config",
        "{domain} のセレクタがありません: Sceptre の設定に宣言されていません",
    ),
    "fleet.no_selector_hint": (
        "pass {@selector}, or declare it under `domains:` (docs/fleet.md)",
        "{@selector} を指定するか、`domains:` に宣言してください (docs/fleet.md)",
    ),
    # What was typed that the Sceptre config does not declare (the command still runs).
    "fleet.warning": ("warning: {line}", "警告: {line}"),
    "fleet.not_declared": (
        "{name} is not declared in the Sceptre config (declared: {declared})",
        "{name} は Sceptre の設定に宣言されていません (宣言済み: {declared})",
    ),
    "fleet.not_declared_none": (
        "{name} is not declared in the Sceptre config (declared: none)",
        "{name} は Sceptre の設定に宣言されていません (宣言済みのドメインはありません)",
    ),
    "fleet.region_undeclared": (
        "--region {extra} is not declared for {name} (declared: {declared})",
        "--region {extra} は {name} に宣言されていません (宣言済み: {declared})",
    ),
    "fleet.env_region": (
        "AWS_REGION {env} is not used for {name}, which is declared in {declared}; pass --region {env} to act there",
        "AWS_REGION {env} は {name} には使いません ({name} の宣言は {declared})。{env} で実行するには --region {env} を指定してください",
    ),
    # report --all -o markdown: the fleet's memo, a table row per domain.
    "report.fleet.title": ("# BYODKIM rollout: {count} domains", "# BYODKIM ロールアウト状況: {count} ドメイン"),
    "report.fleet.head": (
        "Domain | Stage | SES per region | DNS | Next",
        "ドメイン | 段階 | SES (リージョン別) | DNS | 次の手順",
    ),
    "report.wrote": ("wrote {path}", "{path} に書き込みました"),
    # emulator: shell comments around the exports.
    "emulator.running": (
        "# the local AWS emulator is running; in another shell:",
        "# ローカルの AWS エミュレーターが動いています。別のシェルで次を実行してください:",
    ),
    "emulator.log": ("# server log: {path}; Ctrl-C stops it", "# サーバーのログ: {path}。Ctrl-C で停止します"),
    "request.no_selector": (
        "Missing option '--selector' (or give --easy-dkim for rollback's CNAME records).",
        "オプション '--selector' が指定されていません (rollback 用の CNAME レコードを求めるなら --easy-dkim を指定してください)",
    ),
    "request.wrote": (
        "wrote {path} ({lang}); send it to the DNS team",
        "{path} に書き込みました ({lang})。DNS チームに送ってください",
    ),
    # status for one domain: a table row per region, then notes and the record's check.
    "status.head": (
        "REGION | ORIGIN | STATUS | SIGNING | SELECTOR | SENDING | KEY SINCE",
        "リージョン | 鍵の出所 | 状態 | 署名 | セレクタ | 送信 | 鍵の作成日時",
    ),
    "status.sending": ("verified", "送信可"),
    "status.not_sending": ("not verified", "未確認"),
    "status.easy_tokens": ("Easy DKIM ({count} tokens)", "Easy DKIM (トークン {count} 個)"),
    "status.error": ("{region}: error: {error}", "{region}: エラー: {error}"),
    "status.no_identity": ("{region}: no identity for {domain}", "{region}: {domain} の ID はありません"),
    "status.none_anywhere": (
        "error: no SES identity for {domain} in {regions}",
        "エラー: {regions} に {domain} の SES ID はありません",
    ),
    "status.easy_cnames": ("{region}: Easy DKIM CNAME records:", "{region}: Easy DKIM の CNAME レコード:"),
    # check-domain's lines after the posture.
    "check.missing_set": ("FIX configuration set: {where}", "要修正 設定セット: {where}"),
    "check.reports_hint": (
        "receivers' own verdicts arrive at {rua}: save them and run `byodkim dmarc-report PATH --domain {domain}`",
        "受信者自身の評価は {rua} に届きます。保存して `byodkim dmarc-report PATH --domain {domain}` で確認してください",
    ),
    # keygen for one domain: the files written and the next command.
    "keygen.private": (
        "private key: {path} (PKCS#1 PEM, {bits} bits, owner-only; keep it secret)",
        "秘密鍵: {path} (PKCS#1 PEM、{bits} ビット、所有者のみ読み書き可。外部に出さないでください)",
    ),
    "keygen.public": ("public key:  {path}", "公開鍵: {path}"),
    "keygen.fingerprint": ("fingerprint: {fingerprint}", "フィンガープリント: {fingerprint}"),
    "keygen.next": ("next: {command}", "次: {command}"),
    "keygen.dir_is_file": (
        "{@key_dir} `{path}` is a file, not a folder",
        "{@key_dir} `{path}` はファイルで、フォルダではありません",
    ),
    "keygen.give_folder": ("give a folder", "フォルダを指定してください"),
    "keygen.no_selector": ("no selector given", "セレクタが指定されていません"),
    "keygen.no_selector_hint": (
        "pass {@selector} (one DNS label, e.g. gooid-21-pro-20250912-1)",
        "{@selector} を指定してください (DNS ラベル 1 つ、例: gooid-21-pro-20250912-1)",
    ),
    # sandbox dns: the DNS team's change, played on the sandbox's name server.
    "sandbox.removed": ("removed the TXT record at {name}", "{name} の TXT レコードを削除しました"),
    "sandbox.published": (
        "published the record at {name} (key {fingerprint})",
        "{name} にレコードを公開しました (鍵 {fingerprint})",
    ),
    "sandbox.corrupted": (
        "published, cut at 255 characters, the record at {name} (key {fingerprint})",
        "{name} にレコードを 255 文字で切って公開しました (鍵 {fingerprint})",
    ),
    # register and rollback: the key, then a line per region.
    "register.key": (
        "key {fingerprint}: {action} {secret} ({region})",
        "鍵 {fingerprint}: {action} {secret} ({region})",
    ),
    "register.new_key": (
        "new key {fingerprint}: {action} {secret} ({region})",
        "新しい鍵 {fingerprint}: {action} {secret} ({region})",
    ),
    "register.kms": ("  would encrypt it with KMS key {kms}", "  KMS 鍵 {kms} で暗号化します"),
    "register.would_call": ("  would call {call}", "  呼び出し予定: {call}"),
    "key.action.stored": ("stored", "保存しました:"),
    "key.action.already stored": ("already stored", "保存済み:"),
    "key.action.read from secret": ("read from secret", "シークレットから読み込みました:"),
    "key.action.would store": ("would store", "保存します (ドライラン):"),
    "region.line": ("{region}: {action}{status}{detail}", "{region}: {action}{status}{detail}"),
    "region.status": (" (DKIM {status})", " (DKIM {status})"),
    "region.detail": (": {detail}", ": {detail}"),
    "region.action.created": ("created", "作成"),
    "region.action.updated": ("updated", "更新"),
    "region.action.already registered": ("already registered", "登録済み"),
    "region.action.refused": ("refused", "拒否"),
    "region.action.failed": ("failed", "失敗"),
    "region.action.no identity": ("no identity", "ID なし"),
    "region.action.would create": ("would create", "作成予定"),
    "region.action.would update": ("would update", "更新予定"),
    "region.action.not switched": ("not switched", "切り替えず"),
    "region.action.not changed": ("not changed", "変更なし"),
    "region.action.switched to an unpublished key": ("switched to an unpublished key", "未公開の鍵に切り替え"),
    # click's own usage errors (cli/__init__.py gives them in Japanese; English is click's).
    "usage.see_help": ("{line} (see '{command} --help')", "{line} ('{command} --help' を参照)"),
    "usage.missing_option": ("Missing option '{name}'.", "オプション '{name}' が指定されていません"),
    "usage.missing_argument": ("Missing argument '{name}'.", "引数 '{name}' が指定されていません"),
    "usage.no_such_option": ("No such option '{name}'.", "そのようなオプションはありません: {name}"),
    "usage.no_such_command": ("No such command '{name}'.", "そのようなコマンドはありません: '{name}'"),
    "usage.needs_value": ("Option '{name}' requires an argument.", "オプション '{name}' には値が必要です"),
    "usage.bad_value": ("Invalid value for {name}: {why}", "{name} の値が正しくありません: {why}"),
    "usage.not_one_of": ("{value!r} is not one of {choices}.", "{value!r} は {choices} のどれでもありません"),
    "usage.path_missing": ("'{path}' does not exist.", "'{path}' がありません"),
    "usage.path_is_file": ("'{path}' is a file.", "'{path}' はファイルです。フォルダを指定してください"),
    "usage.path_is_folder": ("'{path}' is a directory.", "'{path}' はフォルダです。ファイルを指定してください"),
    "usage.path_unreadable": ("'{path}' is not readable.", "'{path}' を読み取れません (権限を確認してください)"),
    "usage.path_unwritable": ("'{path}' is not writable.", "'{path}' に書き込めません (権限を確認してください)"),
    "usage.not_a_number": ("'{value}' is not a valid number.", "'{value}' は数値ではありません"),
    "usage.not_in_range": ("{value} is not in the range {range}.", "{value} は範囲 {range} に入っていません"),
    "usage.not_a_date": (
        "'{value}' does not match the format {formats}.",
        "'{value}' は日時の形式 {formats} に合っていません",
    ),
    "usage.extra": ("Got unexpected extra argument ({args})", "余分な引数があります ({args})"),
    "usage.extras": ("Got unexpected extra arguments ({args})", "余分な引数があります ({args})"),
    "usage.one_of": (
        "give exactly one of {first} or {last}",
        "{first} または {last} のどれか 1 つだけを指定してください",
    ),
    "usage.interrupted": ("interrupted", "中断しました"),
    "usage.output_failed": (
        "could not write the output ({why}); free some space or send it to another file",
        "出力を書き込めませんでした ({why})。空き容量を確保するか、別のファイルに出力してください",
    ),
    "usage.interrupted_resume": ("interrupted; {resume}", "中断しました。{resume}"),
}
messages.extend(TEXTS)


def one_of(*options: str) -> InputError:
    """Return the refusal of a command given none or several of ``options``, which exclude each other."""
    from byodkim.errors import InputError

    return InputError(messages.say("usage.one_of", first=", ".join(options[:-1]), last=options[-1]))


def text(line: object, lang: str = "en") -> str:
    """Return a line as the CLI prints it: in ``lang``, each input named by its flag."""
    return messages.render(line, lang, FLAGS)


def translate(line: object) -> str:
    """Return a line in Japanese (a keyed line from its key; any other line as it is)."""
    return text(line, "ja")


class Codes:
    """Codes (an outcome, a fleet action, a next step) shown as words: ``get(code, default)`` like a dict."""

    def __init__(self, prefix: str, lang: str = "ja") -> None:
        self.prefix, self.lang = prefix, lang

    def get(self, code: str, default: str = "") -> str:
        """Return the word for ``code``; ``default`` (or the code itself) for a code with no key."""
        key = self.prefix + code
        return messages.text_of(key, self.lang) if key in messages.catalogue() else default or code


def error_line(exc: ByodkimError, lang: str, way_on: object = "") -> str:
    """Return ``error: MESSAGE; HINT`` in ``lang``, inputs named by their flags; ``way_on`` stands in for a missing hint."""
    message = text(exc.message, lang)
    hint = text(exc.hint, lang) if exc.hint else way_on
    keyed = (
        lang == "ja"
        and isinstance(exc.message, messages.Said)
        and (not exc.hint or isinstance(exc.hint, messages.Said))
    )
    if hint:
        message = text(messages.say("error.with_hint", message=message, hint=hint), lang if keyed else "en")
    return text(messages.say("error.line", line=message), lang)
