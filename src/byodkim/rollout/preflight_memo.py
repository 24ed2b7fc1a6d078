"""The preflight rendered for people (English or Japanese) or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from byodkim.rollout.preflight import Finding, Preflight, StackPreview

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Preflight of `uv run sceptre --dir sceptre launch {group}`: what the update would change, before it does",
        "stack": "{stack} ({name}): {status}",
        "in_use": "name in use: {holder}",
        "outside": "outside any stack",
        "finding": "STOP {kind} {logical} ({type}): {route}",
        "accepted": "accepted {kind} {logical} ({type}): the stack config accepts it",
        "kind:replace": "replace",
        "kind:remove": "remove",
        "kind:collision": "name taken",
        "kind:unknown-name": "name unknown",
        "kind:moved": "same resource, another logical ID",
        "route:import-moved": "the live stack has {other} of this type and our template {logical}; the update would create a new one and delete {other} with what it holds. Move the live one under {logical}: `{command}`; or, if a new one is what you want, `byodkim retain` {other} or accept (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "kind:stuck": "cannot be updated",
        "kind:export-in-use": "export in use",
        "kind:policy-denied": "denied by the stack policy",
        "kind:protected": "termination protection",
        "kind:selector-drift": "selector not the one SES holds",
        "route:selector-drift": "the Sceptre config says `selector: {other}` but SES signs with {properties}; the launch would point SSM's selector, which phases 4, 5 and 7 read, back at {other}. Change that line in {physical} to `{command}`, or accept it (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "route:name-unknown": "the name it would take depends on {other}, which nobody can know before the launch, so whether it is taken cannot be checked. Give the value in the stack config, or accept it (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "route:continue-rollback": "the last rollback failed and CloudFormation refuses every update until it is continued. See what would be skipped: `{command}`, then run the same command without its dry run",
        "route:delete-failed": "CloudFormation cannot update or create it in this state. Find the cause in its events (`byodkim report`), fix it, delete the stack, then launch",
        "route:termination-protection": "launch must delete this stack before creating it again, and termination protection refuses the delete. Check nothing in it is needed, then turn protection off (`aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {physical}`)",
        "route:stack-policy": "the stack's policy does not allow {other} on it, so CloudFormation would fail the update and roll it back. Change the template so it is not touched, or change the stack policy if the change is intended",
        "route:removed": "another stack imports this export ({other}) and the update would remove it; CloudFormation fails the update. Keep the output, or remove the imports first",
        "route:changed": "another stack imports this export ({other}) and the update would change its value; CloudFormation fails the update. Keep the value, or remove the imports first",
        "holds": " It holds: {holds}.",
        "note:failed": "CloudFormation cannot update it in this state",
        "route:import": "the update would create it under a name that already exists, and fail. Import the existing one under {logical}: `{command}`",
        "route:import-rename": "the live stack has it as {other}; the update would delete {other} and fail to create {logical} under the same name. Move it: `{command}`",
        "route:release-then-import": "the name is held by stack {other}. There, set DeletionPolicy: Retain on it and remove it from {other}; then import it here: `byodkim adopt --stack {stack} --resource {logical}`",
        "route:keep-live": "the update would replace it ({properties} can only be set at creation), deleting the live one. Keep the live values in the template; or set DeletionPolicy and UpdateReplacePolicy: Retain and import it under a new logical ID; or accept it in the stack config (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "route:retain": "the update would delete it. Keep it in the template; or keep the resource when it leaves the stack, by setting DeletionPolicy: Retain on it in the live stack first: `{command}`; or accept its deletion in the stack config (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "note:busy": "an operation is in progress: run preflight again when it has finished",
        "note:continue-rollback": "the last rollback failed; the resources whose rollback failed:{skip}",
        "note:recreate": "its creation failed and it cannot be updated: launch deletes it and creates it again (every name below is checked)",
        "note:create": "not deployed: launch creates it",
        "note:updatable-after-rollback": "its last update was rolled back; it runs its previous configuration and can be updated",
        "note:no-changes": "no changes",
        "note:deferred": "its parameters read outputs that its dependencies will only have once launched: previewed by the launch guard when the launch reaches it",
        "summary_stop": "{count} finding(s) would lose or collide with what runs: launch must not run until each follows its route or is accepted",
        "summary_ok": "no finding: `uv run sceptre --dir sceptre launch {group}` removes or replaces nothing that is not retained, accepted or known to hold no data, and takes no name in use",
    },
    "ja": {
        "title": "`uv run sceptre --dir sceptre launch {group}` の事前確認 (プリフライト): 更新が何を変えるかを実行前に確認",
        "stack": "{stack} ({name}): {status}",
        "in_use": "名前は使用中: {holder}",
        "outside": "どのスタックにも属さないリソース",
        # The change column as CloudFormation's Japanese console words it (English: the action itself).
        "action:add": "追加",
        "action:modify": "変更",
        "action:replace": "置換",
        "action:conditional": "条件付き置換",
        "action:remove": "削除",
        "finding": "停止 {kind} {logical} ({type}): {route}",
        "accepted": "承認済み {kind} {logical} ({type}): スタック設定で承認されています",
        "kind:replace": "置き換え",
        "kind:remove": "削除",
        "kind:collision": "名前の衝突",
        "kind:unknown-name": "名前が不明",
        "kind:moved": "論理 ID の異なる同一リソース",
        "route:import-moved": "稼働中のスタックにはこの種類の {other} があり、テンプレートでは {logical} です。更新は新しいものを作成し、{other} を中身ごと削除します。稼働中のものを {logical} に移してください: `{command}`。新しいものが必要なら {other} を `byodkim retain` するか、承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "kind:stuck": "更新不可",
        "kind:export-in-use": "使用中のエクスポート",
        "kind:policy-denied": "スタックポリシーで拒否",
        "kind:protected": "削除保護",
        "kind:selector-drift": "SES のセレクタと不一致",
        "route:selector-drift": "Sceptre の設定は `selector: {other}` ですが、SES は {properties} で署名しています。launch するとフェーズ 4、5、7 が読む SSM のセレクタが {other} に戻ります。{physical} のその行を `{command}` に変えるか、承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "route:name-unknown": "作成される名前は {other} に依存しており、launch 前には分からないため、使用中かどうかを確認できません。スタック設定で値を与えるか、承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "route:continue-rollback": "前回のロールバックが失敗しており、続行するまで CloudFormation はどの更新も拒否します。スキップ対象を確認してください: `{command}`。そのあとドライランを外して同じコマンドを実行してください",
        "route:delete-failed": "この状態では CloudFormation は更新も作成もできません。イベントで原因を確認し (`byodkim report`)、修正してスタックを削除してから launch してください",
        "route:termination-protection": "launch はこのスタックを削除してから作成し直しますが、削除保護が削除を拒否します。中に必要なものがないことを確認してから保護を解除してください (`aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {physical}`)",
        "route:stack-policy": "スタックポリシーが {other} を許可していないため、CloudFormation は更新を失敗させロールバックします。触れないようにテンプレートを変えるか、意図した変更ならスタックポリシーを変更してください",
        "route:removed": "このエクスポートは他のスタック ({other}) がインポートしており、更新で削除されると CloudFormation は更新を失敗させます。出力を残すか、先にインポートを外してください",
        "route:changed": "このエクスポートは他のスタック ({other}) がインポートしており、更新で値が変わると CloudFormation は更新を失敗させます。値を保つか、先にインポートを外してください",
        "holds": " 含まれるもの: {holds}。",
        "note:failed": "この状態では CloudFormation は更新できません",
        "route:import": "更新は既に存在する名前でこのリソースを作成しようとして失敗します。既存のリソースを {logical} としてインポートしてください: `{command}`",
        "route:import-rename": "稼働中のスタックでは {other} という論理 ID です。更新は {other} を削除し、同じ名前で {logical} を作成しようとして失敗します。移し替えてください: `{command}`",
        "route:release-then-import": "この名前はスタック {other} が保持しています。{other} 側で DeletionPolicy: Retain を設定してスタックから外したうえで、こちらにインポートしてください: `byodkim adopt --stack {stack} --resource {logical}`",
        "route:keep-live": "更新によりこのリソースは置き換えられ、稼働中のものは削除されます（{properties} は作成時にしか設定できません）。テンプレートで稼働中の値を維持するか、DeletionPolicy と UpdateReplacePolicy を Retain にして新しい論理 ID でインポートするか、スタック設定で承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "route:retain": "更新によりこのリソースは削除されます。テンプレートに残すか、先に稼働中のスタックで DeletionPolicy: Retain を設定してスタックから外れても残るようにするか (`{command}`)、スタック設定で削除を承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "note:busy": "処理中の操作があります。終わってから再度プリフライトを実行してください",
        "note:continue-rollback": "前回のロールバックが失敗しています。ロールバックに失敗したリソース:{skip}",
        "note:recreate": "作成に失敗しており更新できません。launch が削除して作成し直します（以下の名前はすべて確認済み）",
        "note:create": "未デプロイ: launch で作成されます",
        "note:updatable-after-rollback": "前回の更新はロールバックされ、以前の設定で動いています。更新は可能です",
        "note:no-changes": "変更なし",
        "note:deferred": "依存先スタックが launch されて初めて存在する出力をパラメーターが参照しているため、launch がこのスタックに到達した時点でガードが確認します",
        "summary_stop": "稼働中のものを失う、または衝突する指摘が {count} 件あります。それぞれの手順に従うか承認されるまで、launch を実行しないでください",
        "summary_ok": "指摘なし: `uv run sceptre --dir sceptre launch {group}` は、保持・承認済み・データを持たない種類以外のリソースを削除も置き換えもせず、使用中の名前も使いません",
    },
}


def render(preflight: Preflight, output: str, lang: str) -> str:
    """Return the preflight as text or JSON."""
    if output == "json":
        data = {
            "group": preflight.group,
            "stacks": [asdict(s) for s in preflight.stacks],
            "blocking": len(preflight.blocking),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    t = TEXT[lang]
    lines = [t["title"].format(group=preflight.group), ""]
    for stack in preflight.stacks:
        lines += _stack(stack, t, preflight.group)
    blocking = len(preflight.blocking)
    summary = t["summary_stop"].format(count=blocking) if blocking else t["summary_ok"].format(group=preflight.group)
    return "\n".join([*lines, summary]) + "\n"


def _stack(stack: StackPreview, t: dict[str, str], group: str) -> list[str]:
    from byodkim.text import pad

    short = stack.stack.removeprefix(f"{group}/")
    lines = [t["stack"].format(stack=short, name=stack.name, status=stack.status)]
    if stack.note:
        skip = f" {' '.join(stack.skip)}" if stack.skip else " -"
        lines.append("  " + t[f"note:{stack.note}"].format(name=stack.name, skip=skip, config=f"{stack.stack}.yaml"))
    for change in stack.changes:
        where = change.physical_id or change.name or ""
        held = ""
        if change.in_use is not None:
            held = "  " + t["in_use"].format(holder=change.in_use or t["outside"])
        props = f" [{', '.join(change.properties)}]" if change.properties else ""
        action = pad(t.get(f"action:{change.action}", change.action), 11)
        lines.append(f"  {action} {change.logical_id} {change.resource_type} {where}{props}{held}".rstrip())
    lines += ["  " + _finding(f, t) for f in stack.findings]
    lines.append("")
    return lines


def _finding(finding: Finding, t: dict[str, str]) -> str:
    kind = t[f"kind:{finding.kind}"]
    if finding.accepted:
        return t["accepted"].format(kind=kind, logical=finding.logical_id, type=finding.resource_type)
    key = "route:import-rename" if finding.route == "import" and finding.other else f"route:{finding.route}"
    route = t[key].format(
        logical=finding.logical_id,
        command=finding.command,
        other=finding.other,
        stack=finding.stack.split("/", 1)[-1],
        properties=", ".join(finding.properties) or "-",
        physical=finding.physical_id or "",
    )
    if finding.holds:
        route += t["holds"].format(holds=", ".join(finding.holds))
    return t["finding"].format(kind=kind, logical=finding.logical_id, type=finding.resource_type, route=route)
