# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What the launch says: the preflight hook's line per stack, and the phases no command of ours runs."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # The preflight hook (sceptre_plugins.py), one line per stack before Sceptre changes it.
    "hook.clear": (
        "preflight {stack}: clear ({what})",
        "プリフライト {stack}: 問題なし ({what})",
    ),
    "hook.findings": (
        "preflight {stack}: {count} finding(s): {findings}",
        "プリフライト {stack}: 指摘 {count} 件: {findings}",
    ),
    "hook.finding": ("{kind} {logical_id}", "{kind} {logical_id}"),
    "hook.accepted": ("{kind} {logical_id} (accepted)", "{kind} {logical_id} (承認済み)"),
    "hook.changes": ("{count} change(s), none that loses or collides", "変更 {count} 件、失うもの・衝突するものなし"),
    "hook.no_changes": ("no changes", "変更なし"),
    "hook.create": ("a new stack; every name it takes is free", "新しいスタック。使う名前はすべて空いています"),
    "hook.busy": ("an operation is under way", "別の操作が実行中です"),
    # `byodkim phase N` for the phases that are not the Lambda's.
    "phase.dns_team": (
        "phase 6 is the DNS team publishing the DKIM record: it has no stack and no byodkim command; to see whether it is done, run `byodkim verify --domain DOMAIN` (`byodkim verify --domain DOMAIN --wait` waits until it is)",
        "フェーズ 6 は DNS チームによる DKIM レコードの公開です。スタックも byodkim のコマンドもありません。公開済みかどうかは `byodkim verify --domain DOMAIN` で確認してください (`byodkim verify --domain DOMAIN --wait` は公開まで待ちます)",
    ),
    "phase.stack": (
        "phase {number} is a stack, not a phase of the dkim-manager function: the Sceptre launch creates and updates it (`uv run sceptre --dir sceptre launch -y prod`)",
        "フェーズ {number} はスタックで、dkim-manager 関数のフェーズではありません。Sceptre の launch が作成・更新します (`uv run sceptre --dir sceptre launch -y prod`)",
    ),
    "phase.key": (
        "phase 3 is a stack and a key: the Sceptre launch makes the stack (`uv run sceptre --dir sceptre launch -y prod`), `byodkim register` gives SES the key",
        "フェーズ 3 はスタックと鍵です。スタックは Sceptre の launch が作成し (`uv run sceptre --dir sceptre launch -y prod`)、鍵は `byodkim register` で SES に登録します",
    ),
    "phase.unknown": (
        "`{number}` is not a phase of the rollout: the phases are 1 to 8, and this command runs 4, 5 and 7",
        "`{number}` は移行のフェーズではありません。フェーズは 1 から 8 で、このコマンドが実行するのは 4、5、7 です",
    ),
}
