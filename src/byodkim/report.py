"""The rollout memo the team used to write by hand, read from live state.

Every stack with its status (and, for a rolled-back stack, the failing resource, the
reason and the way out), the layer version, the identity's DKIM state per region, the
record on each authoritative server, and the next step. In English or Japanese.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from byodkim.errors import ByodkimError

if TYPE_CHECKING:
    from byodkim.aws import Aws
    from byodkim.registration import RegionStatus
    from byodkim.verify import Server

STACKS = (
    "base",
    "phase-1-infrastructure-foundation",
    "phase-2-dkim-system",
    "phase-3-ses-byodkim",
    "phase-4-dns-preparation",
    "phase-5-dns-team-collaboration",
    "phase-7-dns-validation-dkim-activation",
    "phase-8-monitoring-system",
    "enhanced-kinesis",
    "monitoring",
    "security",
)
FAILED = (
    "UPDATE_ROLLBACK_COMPLETE",
    "ROLLBACK_COMPLETE",
    "UPDATE_ROLLBACK_FAILED",
    "ROLLBACK_FAILED",
    "CREATE_FAILED",
    "DELETE_FAILED",
)


@dataclass
class StackState:
    """One stack as the report shows it."""

    stack: str
    name: str
    status: str  # NOT_DEPLOYED when absent
    failed_resource: str | None = None
    failed_type: str | None = None
    reason: str | None = None
    way_out: str | None = None


@dataclass
class Rollout:
    """Everything the memo says."""

    project: str
    environment: str
    domain: str
    selector: str | None
    generated: str
    stacks: list[StackState]
    layer: dict[str, Any] | None
    regions: list[dict[str, Any]]
    dns: list[dict[str, Any]]
    next_step: str = ""
    next_command: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class ReportRequest:
    """What to report on."""

    project: str = "aws-ses-migration"
    environment: str = "prod"
    domain: str | None = None
    regions: tuple[str, ...] = ()
    servers: tuple[Server, ...] = ()
    lang: str = "en"


def stack_name(project: str, environment: str, stack: str) -> str:
    """Return the CloudFormation name Sceptre gives a stack of this project."""
    return f"{project}-{environment}-{environment}-{stack}"


def collect(request: ReportRequest, aws: Aws, region: str) -> Rollout:
    """Read the live state of a deployment."""
    cfn = aws.client("cloudformation", region)
    stacks = [_stack_state(cfn, request, stack) for stack in STACKS]
    domain = request.domain or _identity_from_stack(cfn, request)
    from byodkim import registration

    # Before phase 3 exists and without --domain there is no identity to read yet: the
    # memo still lists the stacks and says to launch them.
    selector = _selector(aws, region, request, domain) if domain else None
    regions = registration.status(domain, request.regions or (region,), aws) if domain else []
    dns = dns_views(domain, regions, request.servers) if domain else []
    rollout = Rollout(
        project=request.project,
        environment=request.environment,
        domain=domain or "-",
        selector=selector,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        stacks=stacks,
        layer=_layer(aws, region, request),
        regions=[r.as_dict() for r in regions],
        dns=dns,
    )
    rollout.next_step, rollout.next_command = next_step(rollout, regions, request.lang)
    return rollout


def _stack_state(cfn: Any, request: ReportRequest, stack: str) -> StackState:  # noqa: ANN401 - boto3 client
    name = stack_name(request.project, request.environment, stack)
    try:
        described = cfn.describe_stacks(StackName=name)["Stacks"][0]
    except Exception as exc:
        if "does not exist" in str(exc):
            return StackState(stack, name, "NOT_DEPLOYED")
        raise
    state = StackState(stack, name, described["StackStatus"])
    if state.status in FAILED:
        _explain(cfn, state, request)
    return state


def _explain(cfn: Any, state: StackState, request: ReportRequest) -> None:  # noqa: ANN401 - boto3 client
    """Find the resource whose failure started the last operation's rollback, and the way out."""
    events = cfn.describe_stack_events(StackName=state.name)["StackEvents"]  # newest first
    latest_start = next(
        (
            i
            for i, e in enumerate(events)
            if e["LogicalResourceId"] == state.name and e.get("ResourceStatusReason") == "User Initiated"
        ),
        len(events),
    )
    failures = [
        e
        for e in events[:latest_start]
        if e["ResourceStatus"].endswith("_FAILED") and e["LogicalResourceId"] != state.name
    ]
    if failures:
        first = failures[-1]  # the oldest failure: the cause; later ones are consequences
        state.failed_resource, state.failed_type = first["LogicalResourceId"], first.get("ResourceType")
        state.reason = first.get("ResourceStatusReason")
    state.way_out = way_out(state, request)


def way_out(state: StackState, request: ReportRequest) -> str:
    """Return the command that gets a failed stack moving again."""
    config = f"{request.environment}/{state.stack}.yaml"
    if state.status == "UPDATE_ROLLBACK_COMPLETE":
        command = f"cd sceptre && uv run sceptre launch -y {config}"
    elif state.status in ("ROLLBACK_COMPLETE", "CREATE_FAILED", "ROLLBACK_FAILED"):
        command = f"cd sceptre && uv run sceptre delete -y {config} && uv run sceptre launch -y {config}"
    elif state.status == "UPDATE_ROLLBACK_FAILED":
        command = f"aws cloudformation continue-update-rollback --stack-name {state.name}"
    else:
        command = f"cd sceptre && uv run sceptre delete -y {config}"
    if (
        state.failed_type in ("AWS::Lambda::LayerVersion", "AWS::Lambda::Function")
        and state.reason
        and any(word in state.reason for word in ("GLIBC", "ELF", "_cffi_backend", "Layer", "layer"))
    ):
        command = f"scripts/create-layer.sh {request.environment} {request.project} && {command}"
    return command


def _identity_from_stack(cfn: Any, request: ReportRequest) -> str | None:  # noqa: ANN401 - boto3 client
    try:
        described = cfn.describe_stacks(
            StackName=stack_name(request.project, request.environment, "phase-3-ses-byodkim")
        )
    except Exception:  # noqa: BLE001 - not deployed: the caller asks for --domain
        return None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}
    return outputs.get("IdentityName")


def _selector(aws: Aws, region: str, request: ReportRequest, domain: str) -> str | None:
    name = f"/byodkim/{request.project}-{request.environment}/dkim/{domain}/selector"
    try:
        return str(aws.client("ssm", region).get_parameter(Name=name)["Parameter"]["Value"])
    except Exception:  # noqa: BLE001 - phase-4 not deployed yet
        return None


def _layer(aws: Aws, region: str, request: ReportRequest) -> dict[str, Any] | None:
    client = aws.client("lambda", region)
    name = f"{request.project}-{request.environment}-cryptography"
    try:
        versions = client.list_layer_versions(LayerName=name).get("LayerVersions", [])
    except Exception:  # noqa: BLE001 - no layer yet
        versions = []
    if not versions:
        return None
    latest = max(versions, key=lambda v: int(v["Version"]))
    used: list[str] = []
    try:
        function = client.get_function(FunctionName=f"{request.project}-{request.environment}-dkim-manager")
        used = [layer["Arn"] for layer in function["Configuration"].get("Layers", [])]
    except Exception:  # noqa: BLE001 - phase-2 not deployed yet
        used = []
    return {
        "name": name,
        "latest": latest["LayerVersionArn"],
        "version": int(latest["Version"]),
        "runtimes": latest.get("CompatibleRuntimes", []),
        "architectures": latest.get("CompatibleArchitectures", []),
        "function_uses": used,
    }


def dns_views(domain: str, found: list[RegionStatus], servers: tuple[Server, ...]) -> list[dict[str, Any]]:
    """Check each BYODKIM selector's record once, against the fingerprint SES was given."""
    from byodkim import verify

    views: list[dict[str, Any]] = []
    wanted = {(item.tokens[0], item.fingerprint) for item in found if item.origin == "EXTERNAL" and item.tokens}
    for selector, fingerprint in sorted(wanted, key=str):
        if not fingerprint:
            views.append(
                {
                    "selector": selector,
                    "ok": False,
                    "summary": f"{selector}: no byodkim:fingerprint tag, cannot compare keys",
                }
            )
            continue
        try:
            report = verify.check(verify.Check(domain, selector, fingerprint, servers))
        except ByodkimError as exc:
            views.append({"selector": selector, "ok": False, "summary": f"cannot check the record: {exc}"})
            continue
        views.append(
            {"selector": selector, "summary": report.summary(), "ok": report.ok, "servers": report.as_dict()["servers"]}
        )
    return views


def next_step(rollout: Rollout, regions: list[RegionStatus], lang: str) -> tuple[str, str]:
    """Return (what to do next, the command), from the first thing that is not done."""
    t = _TEXT[lang]
    sel = rollout.selector or "SELECTOR"
    missing = [s.stack for s in rollout.stacks if s.status == "NOT_DEPLOYED"]
    # UPDATE_ROLLBACK_COMPLETE is usable (the previous configuration runs) and stays until
    # the next real update, so it is noted, not made the blocking next step.
    rolled_back = [s.stack for s in rollout.stacks if s.status == "UPDATE_ROLLBACK_COMPLETE"]
    if rolled_back:
        rollout.notes.append(t["rolled_back"].format(stacks=", ".join(rolled_back)))
    broken = [s for s in rollout.stacks if s.status in FAILED and s.status != "UPDATE_ROLLBACK_COMPLETE"]
    if broken:
        return t["fix"].format(stack=broken[0].stack, status=broken[0].status), broken[0].way_out or ""
    if missing:
        return t["launch"].format(stacks=", ".join(missing)), "cd sceptre && uv run sceptre launch prod"
    unregistered = [r.region for r in regions if not r.exists or r.origin != "EXTERNAL"]
    if unregistered:
        flags = " ".join(f"--region {r}" for r in unregistered)
        return t["register"].format(
            regions=", ".join(unregistered)
        ), f"byodkim register --domain {rollout.domain} --selector {sel} {flags}"
    if not rollout.dns or not all(view.get("ok") for view in rollout.dns):
        return (
            t["dns_next"],
            f"byodkim verify --domain {rollout.domain} --selector {sel} --secret-id byodkim/dkim/{rollout.domain}/{sel} --wait",
        )
    statuses = {r.status for r in regions}
    if "FAILED" in statuses:
        return t["failed"], f"byodkim register --domain {rollout.domain} --selector {sel}"
    if statuses != {"SUCCESS"}:
        return (
            t["wait"],
            f"byodkim verify --domain {rollout.domain} --selector {sel} --secret-id byodkim/dkim/{rollout.domain}/{sel} --ses --wait",
        )
    return t["done"], f"byodkim rotate --domain {rollout.domain} --new-selector NEW-SELECTOR"


_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "BYODKIM rollout status: {domain} ({env})",
        "generated": "Generated {when} by byodkim report.",
        "stacks": "Stacks",
        "layer": "Lambda layer",
        "no_layer": "no cryptography layer published yet",
        "layer_line": "{name} version {version} ({runtimes}, {archs}); the function uses: {used}",
        "ses": "SES DKIM per region",
        "no_identity": "no identity",
        "dns": "DKIM record on the authoritative servers",
        "no_dns": "no BYODKIM selector registered yet: nothing to check",
        "next": "Next step",
        "cause": "cause: {resource} ({type}): {reason}",
        "way_out": "way out: {command}",
        "fix": "Recover stack {stack} ({status}); the cause is shown above.",
        "launch": "Launch the stacks that are not deployed: {stacks}.",
        "register": "Register the key with SES in: {regions}.",
        "wait": "Wait for SES to find the record and report SUCCESS (up to 72 hours).",
        "failed": "SES gave up (FAILED). With the record live everywhere, register again to restart verification.",
        "done": "BYODKIM is active in every region. Keep the record; rotate keys with byodkim rotate when due.",
        "rolled_back": "The last update of {stacks} was rolled back: it runs its previous configuration. Fix the cause shown above and launch it again; if Sceptre then says 'No updates', what is in git is what runs.",
    },
    "ja": {
        "title": "BYODKIM 移行状況: {domain} ({env})",
        "generated": "{when} に byodkim report で作成。",
        "stacks": "スタック",
        "layer": "Lambda レイヤー",
        "no_layer": "cryptography レイヤーはまだ発行されていません",
        "layer_line": "{name} バージョン {version} ({runtimes}, {archs})。関数が使用中: {used}",
        "ses": "リージョンごとの SES DKIM 状態",
        "no_identity": "ID なし",
        "dns": "権威 DNS サーバー上の DKIM レコード",
        "no_dns": "BYODKIM のセレクターがまだ登録されていないため、確認対象がありません",
        "next": "次の作業",
        "cause": "原因: {resource} ({type}): {reason}",
        "way_out": "復旧手順: {command}",
        "fix": "スタック {stack} ({status}) を復旧してください。原因は上記のとおりです。",
        "launch": "未デプロイのスタックを作成してください: {stacks}。",
        "register": "次のリージョンで SES に鍵を登録してください: {regions}。",
        "wait": "SES がレコードを確認して SUCCESS になるまで待ちます（最大 72 時間）。",
        "failed": "SES の確認が失敗しました (FAILED)。全サーバーでレコードが公開されていることを確認のうえ、再登録して確認をやり直してください。",
        "done": "すべてのリージョンで BYODKIM が有効です。レコードは残したままにし、鍵の更新時期には byodkim rotate を使ってください。",
        "rolled_back": "{stacks} の直近の更新はロールバックされ、以前の設定で動いています。上記の原因を直して再度 launch してください。Sceptre が 'No updates' と表示した場合は、git の設定どおりに動いています。",
    },
}
_TEXT["en"]["dns_next"] = (
    "Ask the DNS team to publish the record (byodkim dns-request), then wait until every authoritative server has it."
)
_TEXT["ja"]["dns_next"] = (
    "DNS チームにレコードの公開を依頼し (byodkim dns-request)、すべての権威サーバーに反映されるまで待ってください。"
)


def render(rollout: Rollout, fmt: str, lang: str) -> str:
    """Return the memo as text, Markdown or JSON."""
    if fmt == "json":
        return json.dumps(rollout.as_dict(), indent=2, ensure_ascii=False)
    out = _Memo(_TEXT[lang], markdown=fmt == "md")
    out.title(rollout)
    out.stacks(rollout.stacks)
    out.layer(rollout.layer)
    out.regions(rollout.regions)
    out.dns(rollout.dns)
    out.next(rollout)
    return "\n".join(out.lines).rstrip() + "\n"


class _Memo:
    """Lines of the memo; Markdown or plain text differ only in markers."""

    def __init__(self, text: dict[str, str], *, markdown: bool) -> None:
        self.t, self.md = text, markdown
        self.lines: list[str] = []
        self.item, self.sub = ("- ", "  - ") if markdown else ("  ", "    ")

    def heading(self, text: str) -> None:
        """Start a section."""
        self.lines.extend(["## " + text, ""] if self.md else [text, "-" * len(text)])

    def title(self, rollout: Rollout) -> None:
        title = self.t["title"].format(domain=rollout.domain, env=rollout.environment)
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

    def layer(self, layer: dict[str, Any] | None) -> None:
        self.heading(self.t["layer"])
        if layer is None:
            self.lines.append(self.item + self.t["no_layer"])
        else:
            used = ", ".join(u.rsplit(":", 1)[-1] for u in layer["function_uses"]) or "-"
            runtimes, archs = ", ".join(layer["runtimes"]), ", ".join(layer["architectures"])
            self.lines.append(
                self.item
                + self.t["layer_line"].format(
                    name=layer["name"], version=layer["version"], runtimes=runtimes, archs=archs, used=used
                )
            )
        self.lines.append("")

    def regions(self, regions: list[dict[str, Any]]) -> None:
        self.heading(self.t["ses"])
        for r in regions:
            if not r["exists"]:
                self.lines.append(f"{self.item}{r['region']}: {self.t['no_identity']}")
                continue
            signing = "on" if r["signing_enabled"] else "off"
            self.lines.append(
                f"{self.item}{r['region']}: {r['origin']} {r['status']} selector={','.join(r['tokens']) or '-'} signing={signing}"
            )
        self.lines.append("")

    def dns(self, views: list[dict[str, Any]]) -> None:
        self.heading(self.t["dns"])
        if not views:
            self.lines.append(self.item + self.t["no_dns"])
        for view in views:
            self.lines.append(self.item + view["summary"])
            for answer in view.get("servers", []):
                serial = f" serial {answer['serial']}" if answer.get("serial") is not None else ""
                self.lines.append(f"{self.sub}{answer['server']}: {answer['outcome']}{serial}")
        self.lines.append("")

    def next(self, rollout: Rollout) -> None:
        self.heading(self.t["next"])
        self.lines.extend(self.item + note for note in rollout.notes)
        self.lines.append(self.item + rollout.next_step)
        if rollout.next_command:
            self.lines.append(f"  `{rollout.next_command}`" if self.md else f"  $ {rollout.next_command}")
