# ruff: noqa: E501, RUF001 - a table of whole sentences, English and Japanese side by side; full-width punctuation is right in Japanese
"""The preflight of ``sceptre launch`` as people read it (cli/preflight_lines.py)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "preflight.title": (
        "Preflight of `uv run sceptre --dir sceptre launch {group}`: what the update would change, before it does",
        "`uv run sceptre --dir sceptre launch {group}` の事前確認 (プリフライト): 更新が何を変えるかを実行前に確認",
    ),
    "preflight.stack": (
        "{stack} ({name}): {status}",
        "{stack} ({name}): {status}",
    ),
    "preflight.in_use": (
        "name in use: {holder}",
        "名前は使用中: {holder}",
    ),
    "preflight.outside": (
        "outside any stack",
        "どのスタックにも属さないリソース",
    ),
    "preflight.finding": (
        "STOP {kind} {logical} ({type}): {route}",
        "停止 {kind} {logical} ({type}): {route}",
    ),
    "preflight.accepted": (
        "accepted {kind} {logical} ({type}): the stack config accepts it",
        "承認済み {kind} {logical} ({type}): スタック設定で承認されています",
    ),
    "preflight.kind.replace": (
        "replace",
        "置き換え",
    ),
    "preflight.kind.remove": (
        "remove",
        "削除",
    ),
    "preflight.kind.collision": (
        "name taken",
        "名前の衝突",
    ),
    "preflight.kind.unknown-name": (
        "name unknown",
        "名前が不明",
    ),
    "preflight.kind.moved": (
        "same resource, another logical ID",
        "論理 ID の異なる同一リソース",
    ),
    "preflight.route.import-moved": (
        "the live stack has {other} of this type and our template {logical}; the update would create a new one and delete {other} with what it holds. Move the live one under {logical}: `{command}`; or, if a new one is what you want, `byodkim retain` {other} or accept (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "稼働中のスタックにはこの種類の {other} があり、テンプレートでは {logical} です。更新は新しいものを作成し、{other} を中身ごと削除します。稼働中のものを {logical} に移してください: `{command}`。新しいものが必要なら {other} を `byodkim retain` するか、承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
    ),
    "preflight.kind.stuck": (
        "cannot be updated",
        "更新不可",
    ),
    "preflight.kind.export-in-use": (
        "export in use",
        "使用中のエクスポート",
    ),
    "preflight.kind.policy-denied": (
        "denied by the stack policy",
        "スタックポリシーで拒否",
    ),
    "preflight.kind.protected": (
        "termination protection",
        "削除保護",
    ),
    "preflight.kind.selector-drift": (
        "selector not the one SES holds",
        "SES のセレクタと不一致",
    ),
    "preflight.route.selector-drift": (
        "the Sceptre config says `selector: {other}` but SES signs with {properties}; the launch would point SSM's selector, which phases 4, 5 and 7 read, back at {other}. Change that line in {physical} to `{command}`, or accept it (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "Sceptre の設定は `selector: {other}` ですが、SES は {properties} で署名しています。launch するとフェーズ 4、5、7 が読む SSM のセレクタが {other} に戻ります。{physical} のその行を `{command}` に変えるか、承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
    ),
    "preflight.route.name-unknown": (
        "the name it would take depends on {other}, which nobody can know before the launch, so whether it is taken cannot be checked. Give the value in the stack config, or accept it (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "作成される名前は {other} に依存しており、launch 前には分からないため、使用中かどうかを確認できません。スタック設定で値を与えるか、承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
    ),
    "preflight.route.continue-rollback": (
        "the last rollback failed and CloudFormation refuses every update until it is continued. See what would be skipped: `{command}`, then run the same command without its dry run",
        "前回のロールバックが失敗しており、続行するまで CloudFormation はどの更新も拒否します。スキップ対象を確認してください: `{command}`。そのあとドライランを外して同じコマンドを実行してください",
    ),
    "preflight.route.delete-failed": (
        "CloudFormation cannot update or create it in this state. Find the cause in its events (`byodkim report`), fix it, delete the stack, then launch",
        "この状態では CloudFormation は更新も作成もできません。イベントで原因を確認し (`byodkim report`)、修正してスタックを削除してから launch してください",
    ),
    "preflight.route.termination-protection": (
        "launch must delete this stack before creating it again, and termination protection refuses the delete. Check nothing in it is needed, then turn protection off (`aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {physical}`)",
        "launch はこのスタックを削除してから作成し直しますが、削除保護が削除を拒否します。中に必要なものがないことを確認してから保護を解除してください (`aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {physical}`)",
    ),
    "preflight.route.stack-policy": (
        "the stack's policy does not allow {other} on it, so CloudFormation would fail the update and roll it back. Change the template so it is not touched, or change the stack policy if the change is intended",
        "スタックポリシーが {other} を許可していないため、CloudFormation は更新を失敗させロールバックします。触れないようにテンプレートを変えるか、意図した変更ならスタックポリシーを変更してください",
    ),
    "preflight.route.removed": (
        "another stack imports this export ({other}) and the update would remove it; CloudFormation fails the update. Keep the output, or remove the imports first",
        "このエクスポートは他のスタック ({other}) がインポートしており、更新で削除されると CloudFormation は更新を失敗させます。出力を残すか、先にインポートを外してください",
    ),
    "preflight.route.changed": (
        "another stack imports this export ({other}) and the update would change its value; CloudFormation fails the update. Keep the value, or remove the imports first",
        "このエクスポートは他のスタック ({other}) がインポートしており、更新で値が変わると CloudFormation は更新を失敗させます。値を保つか、先にインポートを外してください",
    ),
    "preflight.holds": (
        " It holds: {holds}.",
        " 含まれるもの: {holds}。",
    ),
    "preflight.note.failed": (
        "CloudFormation cannot update it in this state",
        "この状態では CloudFormation は更新できません",
    ),
    "preflight.route.import": (
        "the update would create it under a name that already exists, and fail. Import the existing one under {logical}: `{command}`",
        "更新は既に存在する名前でこのリソースを作成しようとして失敗します。既存のリソースを {logical} としてインポートしてください: `{command}`",
    ),
    "preflight.route.import-rename": (
        "the live stack has it as {other}; the update would delete {other} and fail to create {logical} under the same name. Move it: `{command}`",
        "稼働中のスタックでは {other} という論理 ID です。更新は {other} を削除し、同じ名前で {logical} を作成しようとして失敗します。移し替えてください: `{command}`",
    ),
    "preflight.route.release-then-import": (
        "the name is held by stack {other}. There, set DeletionPolicy: Retain on it and remove it from {other}; then import it here: `byodkim adopt --stack {stack} --resource {logical}`",
        "この名前はスタック {other} が保持しています。{other} 側で DeletionPolicy: Retain を設定してスタックから外したうえで、こちらにインポートしてください: `byodkim adopt --stack {stack} --resource {logical}`",
    ),
    "preflight.route.keep-live": (
        "the update would replace it ({properties} can only be set at creation), deleting the live one. Keep the live values in the template; or set DeletionPolicy and UpdateReplacePolicy: Retain and import it under a new logical ID; or accept it in the stack config (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "更新によりこのリソースは置き換えられ、稼働中のものは削除されます（{properties} は作成時にしか設定できません）。テンプレートで稼働中の値を維持するか、DeletionPolicy と UpdateReplacePolicy を Retain にして新しい論理 ID でインポートするか、スタック設定で承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
    ),
    "preflight.route.retain": (
        "the update would delete it. Keep it in the template; or keep the resource when it leaves the stack, by setting DeletionPolicy: Retain on it in the live stack first: `{command}`; or accept its deletion in the stack config (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "更新によりこのリソースは削除されます。テンプレートに残すか、先に稼働中のスタックで DeletionPolicy: Retain を設定してスタックから外れても残るようにするか (`{command}`)、スタック設定で削除を承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
    ),
    "preflight.note.busy": (
        "an operation is in progress: run preflight again when it has finished",
        "処理中の操作があります。終わってから再度プリフライトを実行してください",
    ),
    "preflight.note.continue-rollback": (
        "the last rollback failed; the resources whose rollback failed:{skip}",
        "前回のロールバックが失敗しています。ロールバックに失敗したリソース:{skip}",
    ),
    "preflight.note.recreate": (
        "its creation failed and it cannot be updated: launch deletes it and creates it again (every name below is checked)",
        "作成に失敗しており更新できません。launch が削除して作成し直します（以下の名前はすべて確認済み）",
    ),
    "preflight.note.create": (
        "not deployed: launch creates it",
        "未デプロイ: launch で作成されます",
    ),
    "preflight.note.updatable-after-rollback": (
        "its last update was rolled back; it runs its previous configuration and can be updated",
        "前回の更新はロールバックされ、以前の設定で動いています。更新は可能です",
    ),
    "preflight.note.no-changes": (
        "no changes",
        "変更なし",
    ),
    "preflight.note.deferred": (
        "its parameters read outputs that its dependencies will only have once launched: previewed by the launch guard when the launch reaches it",
        "依存先スタックが launch されて初めて存在する出力をパラメーターが参照しているため、launch がこのスタックに到達した時点でガードが確認します",
    ),
    "preflight.summary_stop": (
        "{count} finding(s) would lose or collide with what runs: launch must not run until each follows its route or is accepted",
        "稼働中のものを失う、または衝突する指摘が {count} 件あります。それぞれの手順に従うか承認されるまで、launch を実行しないでください",
    ),
    "preflight.summary_ok": (
        "no finding: `uv run sceptre --dir sceptre launch {group}` removes or replaces nothing that is not retained, accepted or known to hold no data, and takes no name in use",
        "指摘なし: `uv run sceptre --dir sceptre launch {group}` は、保持・承認済み・データを持たない種類以外のリソースを削除も置き換えもせず、使用中の名前も使いません",
    ),
    # The change column as CloudFormation's Japanese console words it (English: the action itself).
    "preflight.action.add": (
        "add",
        "追加",
    ),
    "preflight.action.modify": (
        "modify",
        "変更",
    ),
    "preflight.action.replace": (
        "replace",
        "置換",
    ),
    "preflight.action.conditional": (
        "conditional",
        "条件付き置換",
    ),
    "preflight.action.remove": (
        "remove",
        "削除",
    ),
}
