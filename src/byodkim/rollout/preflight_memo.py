"""The preflight rendered for people (English or Japanese) or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from byodkim.rollout.preflight import Finding, Preflight, StackPreview

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Preflight of `sceptre launch {group}`: what the update would change, before it does",
        "stack": "{stack} ({name}): {status}",
        "in_use": "name in use: {holder}",
        "outside": "outside any stack",
        "finding": "STOP {kind} {logical} ({type}): {route}",
        "accepted": "accepted {kind} {logical} ({type}): the stack config accepts it",
        "kind:replace": "replace",
        "kind:remove": "remove",
        "kind:collision": "name taken",
        "route:import": "the update would create it under a name that already exists, and fail. Import the existing one under {logical}: `{command}`",
        "route:import-rename": "the live stack has it as {other}; the update would delete {other} and fail to create {logical} under the same name. Move it: `{command}`",
        "route:release-then-import": "the name is held by stack {other}. There, set DeletionPolicy: Retain on it and remove it from {other}; then import it here: `byodkim adopt --stack {stack} --resource {logical}`",
        "route:keep-live": "the update would replace it ({properties} can only be set at creation), deleting the live one. Keep the live values in the template; or set DeletionPolicy and UpdateReplacePolicy: Retain and import it under a new logical ID; or accept it in the stack config (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "route:retain": "the update would delete it. Keep it in the template, or set DeletionPolicy: Retain on it in the live stack first; or accept it in the stack config (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "note:busy": "an operation is in progress: run preflight again when it has finished",
        "note:continue-rollback": "the last rollback failed: `aws cloudformation continue-update-rollback --stack-name {name}{skip}`, then run preflight again",
        "note:recreate": "its creation failed and it cannot be updated: `cd sceptre && uv run sceptre delete -y {config}`, then launch it",
        "note:create": "not deployed: launch creates it",
        "note:updatable-after-rollback": "its last update was rolled back; it runs its previous configuration and can be updated",
        "note:no-changes": "no changes",
        "note:deferred": "its parameters read outputs that its dependencies will only have once launched: previewed by the launch guard when the launch reaches it",
        "summary_stop": "{count} finding(s) would lose or collide with what runs: launch must not run until each follows its route or is accepted",
        "summary_ok": "no finding: `sceptre launch {group}` changes nothing stateful by surprise",
    },
    "ja": {
        "title": "`sceptre launch {group}` の事前確認（プリフライト）: 更新が何を変えるかを実行前に確認",
        "stack": "{stack} ({name}): {status}",
        "in_use": "名前は使用中: {holder}",
        "outside": "どのスタックにも属さないリソース",
        "finding": "停止 {kind} {logical} ({type}): {route}",
        "accepted": "承認済み {kind} {logical} ({type}): スタック設定で承認されています",
        "kind:replace": "置き換え",
        "kind:remove": "削除",
        "kind:collision": "名前の衝突",
        "route:import": "更新は既に存在する名前でこのリソースを作成しようとして失敗します。既存のリソースを {logical} としてインポートしてください: `{command}`",
        "route:import-rename": "稼働中のスタックでは {other} という論理 ID です。更新は {other} を削除し、同じ名前で {logical} を作成しようとして失敗します。移し替えてください: `{command}`",
        "route:release-then-import": "この名前はスタック {other} が保持しています。{other} 側で DeletionPolicy: Retain を設定してスタックから外したうえで、こちらにインポートしてください: `byodkim adopt --stack {stack} --resource {logical}`",
        "route:keep-live": "更新によりこのリソースは置き換えられ、稼働中のものは削除されます（{properties} は作成時にしか設定できません）。テンプレートで稼働中の値を維持するか、DeletionPolicy と UpdateReplacePolicy を Retain にして新しい論理 ID でインポートするか、スタック設定で承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "route:retain": "更新によりこのリソースは削除されます。テンプレートに残すか、先に稼働中のスタックで DeletionPolicy: Retain を設定するか、スタック設定で承認してください (`!byodkim_preflight {{accept: [{logical}]}}`)",
        "note:busy": "処理中の操作があります。終わってから再度プリフライトを実行してください",
        "note:continue-rollback": "前回のロールバックが失敗しています: `aws cloudformation continue-update-rollback --stack-name {name}{skip}` を実行し、再度プリフライトを実行してください",
        "note:recreate": "作成に失敗しており更新できません: `cd sceptre && uv run sceptre delete -y {config}` のあと launch してください",
        "note:create": "未デプロイ: launch で作成されます",
        "note:updatable-after-rollback": "前回の更新はロールバックされ、以前の設定で動いています。更新は可能です",
        "note:no-changes": "変更なし",
        "note:deferred": "依存先スタックが launch されて初めて存在する出力をパラメーターが参照しているため、launch がこのスタックに到達した時点でガードが確認します",
        "summary_stop": "稼働中のものを失う、または衝突する指摘が {count} 件あります。それぞれの手順に従うか承認されるまで、launch を実行しないでください",
        "summary_ok": "指摘なし: `sceptre launch {group}` で状態を持つリソースが予期せず変わることはありません",
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
    short = stack.stack.removeprefix(f"{group}/")
    lines = [t["stack"].format(stack=short, name=stack.name, status=stack.status)]
    if stack.note:
        skip = f" --resources-to-skip {' '.join(stack.skip)}" if stack.skip else ""
        lines.append("  " + t[f"note:{stack.note}"].format(name=stack.name, skip=skip, config=f"{stack.stack}.yaml"))
    for change in stack.changes:
        where = change.physical_id or change.name or ""
        held = ""
        if change.in_use is not None:
            held = "  " + t["in_use"].format(holder=change.in_use or t["outside"])
        props = f" [{', '.join(change.properties)}]" if change.properties else ""
        lines.append(f"  {change.action:<11} {change.logical_id} {change.resource_type} {where}{props}{held}".rstrip())
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
    )
    return t["finding"].format(kind=kind, logical=finding.logical_id, type=finding.resource_type, route=route)
