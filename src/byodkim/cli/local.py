"""Commands for the local rehearsal: the emulator on its own, and the whole sandbox rollout."""

from __future__ import annotations

import click

from byodkim.cli.options import lang_option, stop_on_sigterm
from byodkim.deployment import DKIM_WINDOW_SECONDS


@click.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=4566, show_default=True, help="Port on 127.0.0.1 (0: any)."
)
@click.option(
    "--dns", "dns_servers", multiple=True, help="HOST:PORT of a name server the emulated SES reads DKIM records from."
)
@click.option(
    "--dkim-window",
    type=click.FloatRange(min=1),
    default=DKIM_WINDOW_SECONDS,
    help="Seconds before PENDING turns FAILED [72 h].",
)
@click.option("--region", help="Region for the printed environment [default: the Sceptre config's].")
def emulator(port: int, dns_servers: tuple[str, ...], dkim_window: float, region: str | None) -> None:
    """Run the local AWS emulator (moto + BYODKIM) until interrupted."""
    from byodkim.deployment import default_region
    from byodkim.emulator import Emulator

    stop_on_sigterm()
    where = region or default_region()
    server = Emulator(port=port, dns_servers=list(dns_servers), dkim_window=dkim_window, region=where).start()
    click.echo("# the local AWS emulator is running; in another shell:")
    for name, value in server.environment().items():
        click.echo(f"export {name}={value}")
    click.echo(f"# server log: {server.log_path}; Ctrl-C stops it", err=True)
    try:
        server.wait()
    finally:
        server.stop()


@click.command()
@click.option(
    "--keep", is_flag=True, help="Leave the emulator and DNS server running until Ctrl-C, and say how to reach them."
)
@lang_option("the report and request")
def sandbox(keep: bool, lang: str) -> None:  # noqa: FBT001 - a click flag
    """Rehearse the whole rollout locally: no AWS account needed."""
    import time

    from byodkim.local import sandbox as rehearsal

    started = time.monotonic()
    steps = [0]

    def progress(what: str, seconds: float) -> None:
        steps[0] += 1
        click.echo(f"[{steps[0]:>2}] {what} ({seconds:.1f} s)", err=True)

    stop_on_sigterm()
    with rehearsal.running(rehearsal.SandboxOptions(lang=lang, progress=progress)) as box:
        rehearsal.rehearse(box, rehearsal.SandboxOptions(lang=lang, progress=progress))
        click.echo(box.report_text, nl=False)
        click.echo(f"sandbox rollout reached SUCCESS in {time.monotonic() - started:.1f} s", err=True)
        if keep:
            click.echo("# the sandbox is running; in another shell:")
            for name, value in box.environment.items():
                click.echo(f"export {name}={value}")
            click.echo(f"# files: {box.workdir}; Ctrl-C stops it", err=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
