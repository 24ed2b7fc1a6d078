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
    "hook.deferred": (
        "checked again when the launch reaches it (its parameters read outputs its dependencies do not have yet)",
        "launch がこのスタックに達した時点で再確認します (依存先にまだない出力をパラメーターが参照しています)",
    ),
    "hook.with_accepted": ("{what}; accepted: {accepted}", "{what}。承認済み: {accepted}"),
    "hook.stop": (
        "preflight: {count} finding(s) would lose or collide with what runs, e.g. {kind} {logical_id} in {stack}; {unchanged}",
        "プリフライト: 稼働中のものを失う・衝突する指摘が {count} 件あります (例: {stack} の {kind} {logical_id})。{unchanged}",
    ),
    "hook.nothing_changed": ("nothing was changed", "何も変更していません"),
    "hook.stack_unchanged": ("{stack} was not changed", "{stack} は変更していません"),
    "hook.stop_hint": (
        "run `byodkim preflight --env {group}` for each finding's route, or accept it in the stack config",
        "各指摘の対処は `byodkim preflight --env {group}` で確認するか、スタック設定で承認してください",
    ),
    "hook.and": ("{first}, {rest}", "{first}、{rest}"),
    "hook.kind.replace": ("replace", "置き換え"),
    "hook.kind.remove": ("remove", "削除"),
    "hook.kind.collision": ("name taken", "名前の衝突"),
    "hook.kind.unknown-name": ("name unknown", "名前が不明"),
    "hook.kind.moved": ("same resource, another logical ID", "論理 ID の異なる同一リソース"),
    "hook.kind.stuck": ("cannot be updated", "更新不可"),
    "hook.kind.export-in-use": ("export in use", "使用中のエクスポート"),
    "hook.kind.policy-denied": ("denied by the stack policy", "スタックポリシーで拒否"),
    "hook.kind.protected": ("termination protection", "削除保護"),
    "hook.kind.selector-drift": ("selector not the one SES holds", "SES のセレクタと不一致"),
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
