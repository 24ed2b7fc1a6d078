"""Commands that follow the rollout: report, rotate, and the Lambda's phases run from here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from byodkim.cli import fleet, rollout_lines
from byodkim.cli.fleet import Targets, target_options
from byodkim.cli.options import (
    DURATION,
    OUT_FILE,
    SELECTOR,
    Checked,
    aws_regions,
    domain_option,
    echo_json,
    env_option,
    kms_key,
    lang_option,
    nameserver_option,
    output_option,
    prefix,
    profile_option,
    project_option,
    region_option,
    secret_readers,
    servers,
    write_text,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.aws.session import Aws
    from byodkim.dnscheck.servers import Server
    from byodkim.workflows.units import Outcome, Unit


@click.command()
@env_option
@project_option
@target_options
@output_option("text", "markdown", "md", "json", help_text="Output format (md is short for markdown).")
@lang_option("the memo")
@click.option("-O", "--out", type=OUT_FILE, help="Write the memo to this file instead of stdout.")
@click.option(
    "--dmarc-reports",
    multiple=True,
    help="DMARC aggregate reports (file, folder, s3://BUCKET/PREFIX; repeat): add what receivers said.",
)
def report(
    environment: str | None,
    project: str | None,
    targets: Targets,
    output: str,
    lang: str,
    out: Path | None,
    dmarc_reports: tuple[str, ...],
) -> int:
    """Write where the rollout stands: stacks, layer, SES per region, DNS, next step.

    With several --domain or --all: one line per domain (its stage and next step), and a summary.
    """
    from byodkim import deployment
    from byodkim.workflows.report import Reporter, ReportRequest, collect
    from byodkim.workflows.rollout_memo import render

    target = deployment.resolve(project, environment)
    if targets.many:  # the same workflow per domain (Reporter), printed a line per domain
        from byodkim.workflows.nextstep import stage
        from byodkim.workflows.units import domain_units, select

        if dmarc_reports:
            from byodkim.errors import InputError

            raise InputError("--dmarc-reports is one domain's", "give one --domain, or run dmarc-report for many")

        aws = fleet.aws_for(targets.profile, targets.ses_rate)
        specs = select(target, targets.domains, every=targets.every, regions=targets.regions)
        todo = domain_units(specs, lambda: (aws.default_region(),))
        fleet.ready(aws, [u.spec for u in todo], "secretsmanager", "sesv2")
        reporter = Reporter(ReportRequest(target, servers=targets.nameservers, lean=True), aws)

        def work(unit: Unit) -> Outcome:
            return stage(reporter.rollout(unit))

        if output in ("markdown", "md") or out is not None:
            return _fleet_memo(todo, work, lang, out)
        return fleet.run(todo, work, "json" if output == "json" else "text", "domains", lang=lang)
    domain = targets.domains[0] if targets.domains else None
    declared = target.declared(domain or target.domain or "")
    aws, chosen = aws_regions(
        targets.profile, targets.regions or (declared.regions if declared else ()), targets.ses_rate
    )
    rollout = collect(ReportRequest(target, domain, chosen, targets.nameservers), aws, chosen[0])
    text = render(rollout, output, lang, prefix())
    if dmarc_reports:
        text = _with_dmarc(text, dmarc_reports, rollout.domain, rollout.selector, aws, output, lang)
    if out is None:
        click.echo(text, nl=False)
    else:
        from byodkim.cli.catalogue import text as shown
        from byodkim.messages import say

        write_text(out, text)
        click.echo(shown(say("report.wrote", path=str(out)), lang))
    return 0


def _with_dmarc(
    text: str, paths: tuple[str, ...], domain: str, selector: str | None, aws: Aws, output: str, lang: str
) -> str:
    """Return the memo with the latest DMARC evidence for ``domain`` after it (a ``dmarc`` key in JSON)."""
    import json

    from byodkim.dmarc import evidence
    from byodkim.dmarc.sources import s3_reader
    from byodkim.dmarc.tally import Request

    s3 = s3_reader(aws.client("s3")) if any(p.startswith("s3://") for p in paths) else None
    request = Request(domain=domain if domain != "-" else None, selectors=(selector,) if selector else ())
    summary, errors = evidence.gather(paths, request, s3)
    if output == "json":
        return json.dumps(
            {**json.loads(text), "dmarc": evidence.as_dict(summary, errors)}, indent=2, ensure_ascii=False
        )
    return text + "\n" + evidence.section(summary, errors, output, lang)


def _fleet_memo(todo: list[Unit], work: Callable[[Unit], Outcome], lang: str, out: Path | None) -> int:
    """Write the fleet's status memo: one Markdown table row per domain, in the order declared."""
    from byodkim.cli.catalogue import text
    from byodkim.messages import say
    from byodkim.workflows.units import Run

    runner = Run(work)
    summary = runner.run(todo)
    order = {unit.domain: index for index, unit in enumerate(todo)}
    rows = sorted(runner.outcomes, key=lambda o: order[o.domain])

    # Stage and next step are codes (the same in every language), shown as words from the catalogue.
    head = text(say("report.fleet.head"), lang)
    lines = [
        text(say("report.fleet.title", count=len(rows)), lang),
        "",
        f"| {head} |",
        "|" + "---|" * (head.count(" | ") + 1),
    ]
    for outcome in rows:
        ses = ", ".join(f"{r}: {s}" for r, s in outcome.data.get("ses", {}).items()) or "-"
        found, step = text(outcome.detail, lang), text(fleet.coded("fleet.next.", outcome.next), lang)
        stage = text(fleet.coded("fleet.action.", outcome.action), lang)
        lines.append(f"| {outcome.domain} | {stage} | {ses} | {found or '-'} | {step or '-'} |")
    lines += ["", fleet.summary_line(summary, lang)]
    memo = "\n".join(lines) + "\n"
    if out is None:
        click.echo(memo, nl=False)
    else:
        write_text(out, memo)
        click.echo(text(say("report.wrote", path=str(out)), lang))
    return 0 if summary.ok else 1


@click.command()
@target_options
@click.option(
    "--new-selector", type=SELECTOR, help="Selector of the new key (one DNS label); not with --auto or --approve."
)
@click.option(
    "--auto",
    is_flag=True,
    help="One tick of the scheduled rotation per domain (the function's own, docs/rotation.md): do what is due now.",
)
@click.option("--approve", is_flag=True, help="Approve the switch of a prepared rotation (rotation_approval: manual).")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--timeout", type=DURATION, default="72h", show_default=True, help="How long each wait may take.")
@click.option(
    "--interval", type=click.FloatRange(0.05, 3600), default=5.0, show_default=True, help="First poll interval (s)."
)
@click.option(
    "--until",
    type=click.Choice(["keyed", "requested", "published", "switched", "verified"]),
    help="Stop after this step.",
)
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(".byodkim"),
    show_default=True,
    help="Folder for the rotation's state file and DNS request (no key material).",
)
@lang_option("the DNS request")
@click.option(
    "--keep-old-days", type=click.IntRange(1, 365), default=7, show_default=True, help="Days to keep the old record."
)
@click.option(
    "--kms-key-id",
    help="KMS key for the new key's secret [default: phase 1's alias/<project>-<env>-dkim-secrets, else its "
    "alias/<project>-<env>-dkim; refused when neither exists].",
)
@click.option(
    "--dry-run", is_flag=True, help="Say where the rotation stands and what a run would do next; change nothing."
)
@output_option("text", "json")
def rotate(
    targets: Targets,
    new_selector: str | None,
    auto: bool,  # noqa: FBT001 - a click flag
    approve: bool,  # noqa: FBT001 - a click flag
    yes: bool,  # noqa: FBT001 - a click flag
    timeout: float,
    interval: float,
    until: str | None,
    state_dir: Path,
    lang: str,
    keep_old_days: int,
    kms_key_id: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    output: str,
) -> int:
    """Rotate to a new key and selector safely; an interrupted rotation resumes where it stopped.

    With several --domain or --all, every domain rotates to --new-selector side by side (a state
    file each); --until requested stops each after writing its DNS request. --auto runs the
    scheduled rotation's tick (the policy in the Sceptre config decides); --approve approves its switch.
    """
    from dataclasses import asdict

    from byodkim.cli import schedule
    from byodkim.cli.catalogue import text
    from byodkim.errors import InputError
    from byodkim.messages import say
    from byodkim.workflows import rotate as rotation

    if auto or approve or new_selector is None:
        schedule.refuse_mixed(new_selector, auto=auto, approve=approve, until=until)
        run = schedule.approve if approve else schedule.auto
        return run(
            targets, kms_key_id=kms_key_id, state_dir=state_dir, yes=yes, dry_run=dry_run, output=output, lang=lang
        )

    specs = targets.specs(None, need_selector=False)
    aws, chosen = aws_regions(targets.profile, specs[0].regions, targets.ses_rate)
    request = rotation.RotationRequest(
        specs[0].domain,
        new_selector,
        chosen,
        targets.nameservers,
        state_dir,
        timeout,
        interval,
        until,
        lang,
        keep_old_days,
        kms_key(aws, chosen[0], kms_key_id),
        readers=() if dry_run else secret_readers(aws, chosen[0]),
        guard=schedule.hand_guard(aws, chosen[0]),
    )
    from byodkim.workflows.unit_work import RotateWork
    from byodkim.workflows.units import domain_units

    todo = domain_units(specs, lambda: chosen)
    work = RotateWork(aws, request, notify=rollout_lines.alert(aws, chosen[0], lang))
    if targets.many:
        if dry_run:
            raise InputError(say("rotate.one_domain"), say("rotate.one_domain_hint"))
        return fleet.run(todo, work, output, "domains rotated", lang=lang)

    def label(step: str) -> str:
        return text(say(f"rotate.step.{step}"), lang)

    def progress(step: str, what: str) -> None:
        click.echo(text(say("rotate.progress", step=step, label=label(step), what=what), lang), err=True)

    if dry_run:
        state, step = rotation.plan(request, aws)
        if output == "json":
            echo_json({**asdict(state), "dry_run": True, "next": step})
        else:
            rollout_lines.print_plan(state, step, lang)
        return 0
    work.progress = progress
    state, note = work.rotate(todo[0])
    if note:  # SES holds the new selector: phases 4, 5 and 7 read it from SSM too
        click.echo(text(note, lang), err=True)
    if output == "json":
        echo_json(asdict(state))
        return 0
    rollout_lines.print_rotated(state, request.state_file, lang)
    return 0


# 4, 5 and 7 run; any other number is refused with what runs that phase (6: the DNS team, verify).
PHASE = Checked[str]("phase", "byodkim.workflows.phase_numbers:lambda_phase", naming=False)


@click.command()
@click.argument("number", type=PHASE, metavar="{4|5|7}")
@domain_option
@click.option("--selector", type=SELECTOR, help="Selector [default: 4, 5: the one SES holds, else SSM's; 7: SSM's].")
@click.option("--resend", is_flag=True, help="Phase 5: send the DNS request again though it was sent for this key.")
@click.option(
    "--invoke",
    is_flag=True,
    help="Run the deployed dkim-manager function instead (phase 5 in AWS: only its role may publish to the DNS team).",
)
@output_option("text", "json")
@env_option
@project_option
@nameserver_option
@profile_option
@region_option
@click.option("--dry-run", is_flag=True, help="Say which phase would run where, for what; change nothing.")
@lang_option("the output")
def phase(
    number: str,
    domain: str,
    selector: str | None,
    resend: bool,  # noqa: FBT001 - a click flag
    invoke: bool,  # noqa: FBT001 - a click flag
    output: str,
    environment: str | None,
    project: str | None,
    nameservers: tuple[list[Server], ...],
    profile: str | None,
    region: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    lang: str,
) -> int:
    """Run the dkim-manager Lambda's phase 4, 5 or 7 from here, with the same code and payload (or --invoke it)."""
    import json

    from byodkim import deployment
    from byodkim.aws.session import Aws
    from byodkim.cli.catalogue import text
    from byodkim.function.phases import Manager, ManagerConfig, PhaseRequest
    from byodkim.messages import say

    if resend and number != "5":  # deny by default: only phase 5 sends (the function refuses it too)
        from byodkim.errors import InputError

        raise InputError(say("phase.resend_five", number=number), say("phase.resend_five_hint"))
    target = deployment.resolve(project, environment)
    aws = Aws(profile, region)
    where = aws.default_region()
    if dry_run:  # before any call: the phase's own reads are the first step of its writes
        how = say("phase.by_invoking", function=target.function_name) if invoke else say("phase.here")
        shown_selector = selector or say("phase.ssm_selector")
        plan = {
            "phase": number,
            "domain": domain,
            "selector": shown_selector,
            "region": where,
            "how": how,
            "dry_run": True,
        }
        if output == "json":
            echo_json(plan)
        else:
            said = say("phase.would_run", number=number, domain=domain, selector=shown_selector, region=where, how=how)
            click.echo(text(said, lang))
        return 0
    specs = tuple(server.spec for server in servers(nameservers))
    config = ManagerConfig.for_deployment(target, domain, where, aws.account(where), specs)
    if invoke:
        from byodkim.workflows.invocation import invoke_phase

        result = invoke_phase(aws, where, target, number, domain, selector, resend=resend)
    else:
        request = PhaseRequest("phase_manager", number, domain, selector, resend=resend)
        result = Manager(config, aws, where).run(request)
    if output == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    if invoke:  # the function answered in JSON: its sentences are English text, keyed again from its fields
        result = rollout_lines.keyed_answer(result, where, target.parameter(domain, "selector"))
    for line in rollout_lines.phase_lines(result, lang):  # the same result as the Lambda's, a line per field
        click.echo(line)
    return 0
