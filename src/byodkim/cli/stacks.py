"""Commands on the deployment's stacks and their permissions: preflight, adopt and iam-policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from byodkim.cli.options import (
    DOMAIN,
    echo_json,
    env_option,
    lang_option,
    output_option,
    profile_option,
    region_option,
    renamed,
)
from byodkim.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable


@click.command()
@env_option
@click.argument("group", required=False, metavar="")  # the group's name before --env; kept for a release
@click.option(
    "--stack",
    "stacks",
    multiple=True,
    help="Only this stack (e.g. phase-2-dkim-system); repeat for several [default: every stack of the group].",
)
@profile_option
@region_option
@output_option("text", "json")
@lang_option("the preflight")
def preflight(
    environment: str | None,
    group: str | None,
    stacks: tuple[str, ...],
    profile: str | None,
    region: str | None,
    output: str,
    lang: str,
) -> int:
    """Preview what `sceptre launch ENV` would change; exit 1 if it would lose or collide with what runs."""
    from byodkim import deployment
    from byodkim.aws.session import Aws
    from byodkim.cli.catalogue import text
    from byodkim.cli.preflight_lines import render
    from byodkim.errors import InputError
    from byodkim.messages import say
    from byodkim.workflows.preflight import preview

    if group is not None:
        click.echo(text(say("stacks.group_deprecated", env="--env"), lang), err=True)
    folder = deployment.find_sceptre_dir()
    if folder is None:
        raise InputError(say("config.none"), say("stacks.no_project_hint"))
    target = deployment.read(folder, environment or group or deployment.DEFAULT_GROUP)
    for stack in stacks:
        _our_stack(stack)
    result = preview(target, folder, Aws(profile, region or target.region), stacks)
    click.echo(render(result, output, lang), nl=False)
    return 1 if result.blocking else 0


@click.command()
@click.option("--stack", required=True, help="The stack, e.g. phase-1-infrastructure-foundation.")
@click.option("--resource", required=True, help="The logical ID our template gives the resource.")
@click.option("--live-resource", "source", help="Its logical ID in the live stack, when it has one there.")
@renamed("--from", "--live-resource", "source")  # --from is send-test's From address
@env_option
@profile_option
@region_option
@click.option("--dry-run", is_flag=True, help="Say what each step would do; change nothing.")
@lang_option("the output")
def adopt(
    stack: str,
    resource: str,
    source: str | None,
    environment: str | None,
    profile: str | None,
    region: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    lang: str,
) -> None:
    """Import a resource that exists under our logical ID (retain, remove, import), without recreating it."""
    from byodkim import deployment
    from byodkim.aws.session import Aws
    from byodkim.errors import InputError
    from byodkim.messages import say
    from byodkim.workflows.adopt import AdoptRequest
    from byodkim.workflows.adopt import adopt as run_adopt

    folder = deployment.find_sceptre_dir()
    if folder is None:
        raise InputError(say("config.none"), say("stacks.no_project_hint"))
    _our_stack(stack)
    target = deployment.read(folder, environment or deployment.DEFAULT_GROUP)

    request = AdoptRequest(target, folder, stack, resource, source, dry_run=dry_run)
    run_adopt(request, Aws(profile, region or target.region), _progress(lang))
    if not dry_run:
        launch = deployment.sceptre_command("launch", "-y", target.group)
        _next(lang, f"byodkim preflight --stack {stack}", launch)


@click.command()
@click.option("--stack", required=True, help="The stack, e.g. phase-4-dns-preparation.")
@click.option("--resource", required=True, help="The resource's logical ID in the live stack.")
@env_option
@profile_option
@region_option
@click.option("--dry-run", is_flag=True, help="Say what would be set; change nothing.")
@lang_option("the output")
def retain(
    stack: str,
    resource: str,
    environment: str | None,
    profile: str | None,
    region: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    lang: str,
) -> None:
    """Keep a resource when a launch removes or replaces it (DeletionPolicy/UpdateReplacePolicy: Retain)."""
    from byodkim import deployment
    from byodkim.aws.session import Aws
    from byodkim.workflows.adopt import retain as run_retain

    _our_stack(stack)
    target = deployment.read(group=environment or deployment.DEFAULT_GROUP)

    run_retain(target, stack, resource, Aws(profile, region or target.region), _progress(lang), dry_run=dry_run)
    if not dry_run:
        _next(lang, f"byodkim preflight --env {target.group}")


@click.command("continue-rollback")
@click.option("--stack", required=True, help="The stack in UPDATE_ROLLBACK_FAILED, e.g. phase-4-dns-preparation.")
@env_option
@profile_option
@region_option
@click.option("--dry-run", is_flag=True, help="Say which resources would be skipped; change nothing.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@lang_option("the output")
def continue_rollback(
    stack: str,
    environment: str | None,
    profile: str | None,
    region: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    yes: bool,  # noqa: FBT001 - a click flag
    lang: str,
) -> None:
    """Continue a failed rollback, skipping only the resources whose rollback failed."""
    from byodkim import deployment
    from byodkim.aws.session import Aws
    from byodkim.cli.catalogue import text
    from byodkim.messages import say
    from byodkim.workflows.adopt import continue_rollback as run_continue

    _our_stack(stack)
    target = deployment.read(group=environment or deployment.DEFAULT_GROUP)
    aws = Aws(profile, region or target.region)

    if not dry_run and not yes:
        skip = run_continue(target, stack, aws, _progress(lang), dry_run=True)
        if skip and not click.confirm(text(say("stacks.continue_prompt"), lang), err=True):
            raise InputError(say("stacks.not_continued"), say("stacks.not_continued_hint", yes="-y"))
    run_continue(target, stack, aws, _progress(lang), dry_run=dry_run)
    if dry_run:
        _next(lang, f"byodkim continue-rollback --stack {stack} -y", f"byodkim preflight --env {target.group}")
    else:
        _next(lang, f"byodkim preflight --env {target.group}", deployment.sceptre_command("launch", "-y", target.group))


@click.command("iam-policy")
@click.option("--role", type=click.Choice(["operator", "deployer", "boundary"]), required=True,
              help="operator: register, report, verify --ses, rotate, phases; deployer: sceptre launch; "
              "boundary: the permissions boundary of every role the deployer creates.")  # fmt: skip
@click.option("--domain", type=DOMAIN, help="Domain [default: domain_name in the Sceptre config].")
@click.option("--account", default="*", show_default=True, help="AWS account ID the ARNs name.")
@env_option
def iam_policy(role: str, domain: str | None, account: str, environment: str | None) -> None:
    """Print a least-privilege IAM policy (JSON) for running byodkim or launching the stacks."""
    from byodkim import deployment
    from byodkim.aws.iampolicy import policy
    from byodkim.messages import say

    if account != "*" and not (account.isdigit() and len(account) == 12):  # noqa: PLR2004 - an account ID's length
        raise InputError(say("iam.bad_account", account=account), say("iam.bad_account_hint", option="--account"))
    target = deployment.read(group=environment or deployment.DEFAULT_GROUP)
    chosen = domain or target.domain
    if not chosen:
        raise InputError(say("iam.no_domain"), say("iam.give_domain"))
    echo_json(policy(role, target, chosen, target.region or "*", account))


def _our_stack(stack: str) -> None:
    """Refuse a --stack that is not one of the project's (before any call)."""
    from byodkim import deployment
    from byodkim.messages import say

    if stack not in deployment.STACKS:
        raise InputError(
            say("stacks.not_ours", stack=stack), say("stacks.use_one_of", stacks=", ".join(deployment.STACKS))
        )


def _progress(lang: str) -> Callable[[str, str], None]:
    """Return the progress printer for adopt's steps: ``STEP: WHAT`` in ``lang`` (the step is a command word)."""
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    def show(step: str, what: str) -> None:
        click.echo(text(say("stacks.step", step=step, what=what), lang))

    return show


def _next(lang: str, command: str, then: str = "") -> None:
    """Print the runbook's next command (and the one after it) in ``lang``."""
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    said = say("stacks.next_then", command=command, then=then) if then else say("stacks.next", command=command)
    click.echo(text(said, lang))
