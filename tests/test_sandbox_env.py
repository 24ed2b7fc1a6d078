"""Entering and leaving the sandbox: the env files, the stale-endpoint refusal, the sceptre.md recipe, the end."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from byodkim.aws import endpoint
from byodkim.aws.session import Aws
from byodkim.emulator import Emulator
from byodkim.errors import InputError
from byodkim.local.dns import free_port
from conftest import missing, require_tool

ROOT = Path(__file__).resolve().parents[1]
UNSET = (
    "unset AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION "
    "BYODKIM_SES_RATE BYODKIM_NAMESERVERS"
)


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("http://127.0.0.1:4566", ("127.0.0.1", 4566)),
        ("http://localhost:4566", ("localhost", 4566)),
        ("http://localhost.:4566", ("localhost.", 4566)),
        ("http://LOCALHOST:4566", ("localhost", 4566)),
        ("http://[::1]:4566", ("::1", 4566)),
        ("http://0.0.0.0:4566", ("0.0.0.0", 4566)),  # noqa: S104 - a spelling to recognise, not a bind
        ("http://127.1:4566", ("127.1", 4566)),
        ("http://127.8.9.10:4566", ("127.8.9.10", 4566)),
        ("http://[::ffff:127.0.0.1]:4566", ("::ffff:127.0.0.1", 4566)),
        ("http://[::]:4566", ("::", 4566)),
        ("http://moto.localhost:4566", ("moto.localhost", 4566)),
        ("http://localhost", ("localhost", 80)),
        ("https://localhost", ("localhost", 443)),
        ("127.0.0.1:4566", ("127.0.0.1", 4566)),
    ],
)
def test_every_spelling_of_this_machine_is_local(url: str, where: tuple[str, int]) -> None:
    assert endpoint.local_address(url) == where


@pytest.mark.parametrize(
    "url",
    [
        "https://email.ap-northeast-1.amazonaws.com",
        "http://10.0.0.1:4566",
        "http://192.0.2.1:4566",
        "http://localhost.example.com:4566",  # one step off: a real name that starts with localhost
        "http://127.0.0.1.nip.io:4566",
        "http://[2001:db8::1]:4566",
        "http://128.0.0.1:4566",
    ],
)
def test_other_endpoints_are_not_local(url: str) -> None:
    assert endpoint.local_address(url) is None


def _stale_environment(port: int) -> dict[str, str]:
    """The environment a stopped sandbox leaves in a shell, with nothing else of AWS's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BYODKIM_", "LC_", "LANG"))}
    env.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - the sandbox's dummy credentials
        AWS_SESSION_TOKEN="testing",  # noqa: S106
        AWS_REGION="ap-northeast-1",
        AWS_DEFAULT_REGION="ap-northeast-1",
        BYODKIM_SES_RATE="200",
        BYODKIM_NAMESERVERS="127.0.0.1:5300",
    )
    return env


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "C.UTF-8",
            (
                "error: AWS_ENDPOINT_URL is http://127.0.0.1:{port}, a local address where nothing answers: the "
                "environment of a stopped byodkim sandbox or emulator; to reach AWS, leave it: {unset} (or start the "
                "sandbox again: uv run byodkim sandbox --keep)\n"
            ),
        ),
        (
            "ja_JP.UTF-8",
            (
                "エラー: AWS_ENDPOINT_URL は http://127.0.0.1:{port} ですが、このローカルアドレスには応答がありません。"
                "停止した byodkim サンドボックスまたはエミュレーターの環境が残っています。AWS に接続するには環境を戻してください: "
                "{unset} (サンドボックスを使う場合は起動し直してください: uv run byodkim sandbox --keep)\n"
            ),
        ),
    ],
)
def test_a_stopped_sandboxs_environment_is_refused_in_one_line(lang: str, expected: str) -> None:
    port = free_port()
    env = {**_stale_environment(port), "LANG": lang}
    for command in (["status", "--domain", "goo.ne.jp", "--no-dns"], ["preflight"], ["report"]):
        done = subprocess.run(
            [sys.executable, "-m", "byodkim", *command],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=False,
            timeout=60,
        )
        assert (done.returncode, done.stdout, done.stderr) == (2, "", expected.format(port=port, unset=UNSET)), command


def test_the_endpoint_is_asked_at_each_call_not_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client made while the emulator served is refused, not retried, once the emulator has stopped."""
    server = Emulator().start()
    try:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        ses = Aws().client("sesv2")
        assert ses.list_email_identities()["EmailIdentities"] == []
    finally:
        server.stop()
    with pytest.raises(InputError) as refused:
        ses.list_email_identities()
    assert str(refused.value.message).startswith(f"AWS_ENDPOINT_URL is {server.endpoint}, a local address")


def test_a_non_local_endpoint_is_never_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    probed: list[tuple[str, int]] = []

    def answers(host: str, port: int) -> bool:
        probed.append((host, port))
        return False

    monkeypatch.setattr(endpoint, "answers", answers)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://192.0.2.1:4566")
    far = Aws(region="ap-northeast-1").client("sts")
    far.meta.events.emit("before-send.sts.GetCallerIdentity", request=None)
    assert probed == []
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost.:4566")  # one step off: local
    near = Aws(region="ap-northeast-1").client("sts")
    with pytest.raises(InputError):
        near.meta.events.emit("before-send.sts.GetCallerIdentity", request=None)
    assert probed == [("localhost.", 4566)]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "C.UTF-8",
            (
                "error: AWS_ENDPOINT_URL is http://127.0.0.1:{port}, a local address where nothing answers: the "
                "environment of a stopped byodkim sandbox or emulator; to reach AWS, leave it: {unset} (or start the "
                "sandbox again: uv run byodkim sandbox --keep)"
            ),
        ),
        (
            "ja_JP.UTF-8",
            (
                "エラー: AWS_ENDPOINT_URL は http://127.0.0.1:{port} ですが、このローカルアドレスには応答がありません。"
                "停止した byodkim サンドボックスまたはエミュレーターの環境が残っています。AWS に接続するには環境を戻してください: "
                "{unset} (サンドボックスを使う場合は起動し直してください: uv run byodkim sandbox --keep)"
            ),
        ),
    ],
)
def test_sceptre_launch_with_a_stopped_sandboxs_environment_is_one_line(lang: str, expected: str) -> None:
    port = free_port()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "sceptre"), "--dir", "sceptre", "launch", "-y", "prod"],
        capture_output=True,
        text=True,
        env={**_stale_environment(port), "LANG": lang},
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", expected.format(port=port, unset=UNSET) + "\n")


def test_sceptre_delete_with_a_stopped_sandboxs_environment_is_one_line() -> None:
    """``sceptre delete`` too: its stacks' hooks run side by side, and the refusal is still one line, before any call."""
    port = free_port()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "sceptre"), "--dir", "sceptre", "delete", "-y", "prod"],
        capture_output=True,
        text=True,
        env={**_stale_environment(port), "LANG": "ja_JP.UTF-8"},
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    expected = (
        f"エラー: AWS_ENDPOINT_URL は http://127.0.0.1:{port} ですが、このローカルアドレスには応答がありません。"
        "停止した byodkim サンドボックスまたはエミュレーターの環境が残っています。AWS に接続するには環境を戻してください: "
        f"{UNSET} (サンドボックスを使う場合は起動し直してください: uv run byodkim sandbox --keep)\n"
    )
    assert (done.returncode, done.stderr) == (1, expected)
    # Sceptre's own list of what it would delete comes first (before any hook); nothing was asked of AWS.
    assert done.stdout.startswith("The following stacks, in the following order, will be deleted:\n"), done.stdout


def test_sceptre_status_with_a_stopped_sandboxs_environment_is_sceptres_own_line() -> None:
    """``sceptre status`` runs no hook: docs/sceptre.md quotes what it says instead; this holds the quote true."""
    port = free_port()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "sceptre"), "--dir", "sceptre", "status", "prod"],
        capture_output=True, text=True, env={**_stale_environment(port), "LANG": "C.UTF-8"}, cwd=ROOT, check=False,
        timeout=120,
    )  # fmt: skip
    said = f'"Could not connect to the endpoint URL: \\"http://127.0.0.1:{port}/\\""\n'
    assert (done.returncode, done.stdout + done.stderr) == (1, said)  # Sceptre prints it on stdout
    quoted = '`"Could not connect to the endpoint URL: \\"http://127.0.0.1:4566/\\""`'
    assert quoted in (ROOT / "docs" / "sceptre.md").read_text(encoding="utf-8")


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, "the emulator ended before writing its env file"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def test_the_emulator_writes_its_env_files_and_ctrl_c_says_what_it_stopped(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LC_", "LANG"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "byodkim", "emulator", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip
    enter, leave = tmp_path / ".byodkim" / "emulator.env", tmp_path / ".byodkim" / "emulator-unset.env"
    try:
        _wait_for(enter, process)
        assert (tmp_path / ".byodkim").stat().st_mode & 0o777 == 0o700
        assert enter.stat().st_mode & 0o777 == 0o600
        assert leave.stat().st_mode & 0o777 == 0o600
        exports = [line for line in enter.read_text().splitlines() if not line.startswith("#")]
        names = [line.removeprefix("export ").partition("=")[0] for line in exports]
        assert names == [
            "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_REGION", "AWS_DEFAULT_REGION", "BYODKIM_SES_RATE",
        ]  # fmt: skip
        unset = "unset " + " ".join(names)
        assert [line for line in leave.read_text().splitlines() if not line.startswith("#")] == [unset]
        endpoint_url = exports[0].removeprefix("export AWS_ENDPOINT_URL=")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    # Printed: the same exports (the lines test_runbook.py takes), then the way out as comments only,
    # so evaluating the whole block cannot undo what it set.
    assert out.splitlines() == [
        "# the local AWS emulator is running; in another shell:",
        *exports,
        f"# or: . {enter}",
        f"# to leave it, after Ctrl-C (or: . {leave}):",
        f"#   {unset}",
    ]
    assert process.returncode == 0
    assert err.splitlines()[-2:] == [
        f"stopped the AWS emulator at {endpoint_url}",
        f"removed {enter}; its variables are stale in any shell that set them: {unset}",
    ]
    assert not enter.exists()
    assert leave.exists()  # the shell that sourced the exports still needs the way out


@pytest.fixture
def operator(tmp_path: Path) -> Path:
    """The repository root as an operator has it: sceptre/, and `uv run` from this environment."""
    for name in ("sceptre", "scripts"):
        (tmp_path / name).symlink_to(ROOT / name)
    shim = tmp_path / "bin"
    shim.mkdir()
    real_uv = shutil.which("uv") or "uv"
    # `uv run X` runs X from this test's environment; `sceptre` polls the emulator every 0.05 s, not 4 s.
    (shim / "uv").write_text(
        f'#!/usr/bin/env bash\nif [ "$1" = run ]; then shift; exec "$@"; fi\nexec {real_uv} "$@"\n'
    )
    (shim / "sceptre").write_text(f'#!/usr/bin/env bash\nexec {sys.executable} -m byodkim.local.sceptre_run "$@"\n')
    (shim / "byodkim").write_text(f'#!/usr/bin/env bash\nexec {sys.executable} -m byodkim "$@"\n')
    for tool in shim.iterdir():
        tool.chmod(0o755)
    return tmp_path


def _blocks(page: Path) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)


def test_the_sceptre_md_recipe_sets_this_shell_and_launches_on_the_emulator(operator: Path) -> None:
    """The recipe's lines as written (one bash, the port free instead of 4566); its launch reaches the emulator."""
    blocks = _blocks(ROOT / "docs" / "sceptre.md")
    start = next(b for b in blocks if "byodkim emulator --port 4566" in b)
    stop = next(b for b in blocks if b.startswith("kill %1"))
    script = start.replace("--port 4566", f"--port {free_port()}")
    # After the recipe: what reached the shell, and the emulator's own view of the stacks launched.
    script += 'echo "endpoint=$AWS_ENDPOINT_URL"\n'
    script += 'uv run python -c \'import boto3; print(len(boto3.client("cloudformation").list_stacks()["StackSummaries"]))\'\n'
    script += stop + 'echo "after=${AWS_ENDPOINT_URL:-unset}"\nwait\n'
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BYODKIM_"))}
    env["PATH"] = f"{operator / 'bin'}:{env['PATH']}"
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=operator, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    found = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert found["endpoint"].startswith("http://127.0.0.1:")
    assert found["after"] == "unset"
    assert "11\n" in done.stdout  # every stack of prod, on the emulator the shell was pointed at
    assert not (operator / ".byodkim" / "emulator.env").exists()


def test_the_sandboxs_end_in_japanese_says_what_it_checked_stopped_and_what_comes_next() -> None:
    require_tool("named", "apt-get install bind9")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LC_"))}
    env["LANG"] = "ja_JP.UTF-8"
    done = subprocess.run(
        [sys.executable, "-m", "byodkim", "sandbox"],
        cwd=ROOT, capture_output=True, text=True, check=False, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    err = done.stderr.splitlines()
    assert err[0].startswith("[ 1] goo.ne.jp のローカル権威サーバー (BIND) を 127.0.0.1:")  # the glossary's spelling
    assert err[8].startswith(
        "[ 9] SES が SUCCESS になりました: フェーズ 7 のスケジュールが Lambda を別プロセスで実行し"
    )
    assert not [line for line in err[:10] if re.search(r"\b(launched|verified|generated|published)\b", line)]
    assert re.fullmatch(r"サンドボックスのロールアウトが \d+\.\d 秒で SUCCESS に達しました", err[10])
    assert err[11].startswith("確認済み: Sceptre で作成した 11 個のスタック、")
    assert err[12] == (
        "上の DMARC の「満たしていません」は想定どおりです。サンドボックスのゾーンには DMARC レコードがありません。"
        '実際のゾーンでは DNS チームが追加します。例: _dmarc.goo.ne.jp. TXT "v=DMARC1; p=none; '
        'rua=mailto:dmarc-reports@goo.ne.jp"'
    )
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+ の AWS エミュレーターを停止しました", err[13])
    assert re.fullmatch(r"127\.0\.0\.1:\d+ のネームサーバー \(BIND\) を停止しました", err[14])
    assert re.fullmatch(r"作業フォルダ /\S+byodkim-sandbox-\S+ を削除しました", err[15])
    assert err[16] == (
        "次の作業: 本番のロールアウトは docs/real-account.md から始めます (サンドボックスの環境を戻す、プロファイル、"
        "IAM ポリシー、最初の preflight)"
    )
    assert len(err) == 17
    assert "rotate" not in done.stdout  # the report's next step was for a deployment that stays
    assert "PRIVATE KEY" not in done.stdout + done.stderr


def _parse(group: click.Group, args: list[str]) -> click.Command:
    """Parse ``args`` as ``group`` would (options, choices, values), without running the command."""
    ctx = group.make_context(group.name or "cli", list(args))
    command: click.Command = group
    while isinstance(command, click.Group):
        rest = [*ctx._protected_args, *ctx.args]  # what click leaves for the subcommand
        if not rest:
            break
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None, args
        ctx = sub.make_context(name or "", rest, parent=ctx)
        command = sub
    return command


def _aws() -> str:
    """Return the AWS CLI setup.sh installs (`uv tool install`), on PATH or in uv's tool bin folder."""
    found = shutil.which("aws")
    if found is None:
        tools = subprocess.run(["uv", "tool", "dir", "--bin"], capture_output=True, text=True, check=False)
        candidate = Path(tools.stdout.strip()) / "aws"
        found = str(candidate) if tools.returncode == 0 and candidate.exists() else None
    if found is None:
        missing("the AWS CLI is required (bash scripts/setup.sh installs it: uv tool install awscli)")
    return found


def test_every_command_on_the_real_account_page_is_one_the_tools_take() -> None:
    """Each line of docs/real-account.md's blocks: byodkim's, Sceptre's and the AWS CLI's options, the files named."""
    from sceptre.cli import cli as sceptre_cli

    from byodkim.cli import cli as byodkim_cli

    page = (ROOT / "docs" / "real-account.md").read_text(encoding="utf-8")
    lines = [line for block in _blocks(ROOT / "docs" / "real-account.md") for line in block.splitlines()]
    aws_lines = []
    for line in lines:
        words = shlex.split(line.partition(" > ")[0])
        if words[:3] == ["uv", "run", "byodkim"]:
            _parse(byodkim_cli, words[3:])
        elif words[:3] == ["uv", "run", "sceptre"]:
            assert _parse(sceptre_cli, words[3:]).name == "launch"
        elif words[0] == "aws":
            aws_lines.append(words)
        elif words[0] == ".":
            assert words[1] == ".byodkim/sandbox-unset.env"  # shellenv's name for the sandbox's way out
        else:
            assert words[0] in {"export", "env"}, line
    assert len(aws_lines) == 4
    aws = _aws()
    for words in aws_lines:
        manual = subprocess.run(
            [aws, *[w for w in words[1:] if not w.startswith("-")][:2], "help"],
            capture_output=True, text=True, check=False, env={**os.environ, "PAGER": "cat", "MANPAGER": "cat"},
        )  # fmt: skip
        for option in (w for w in words if w.startswith("--")):
            assert option in manual.stdout, f"`{' '.join(words)}`: the AWS CLI has no {option}"
    # The settings the page names are the Sceptre config's own.
    config_text = (ROOT / "sceptre" / "config" / "prod" / "config.yaml").read_text(encoding="utf-8")
    config = set(re.findall(r"^(\w+):", config_text, re.MULTILINE))
    for setting in re.findall(r"^\| `(\w+)` \|", page, re.MULTILINE):
        assert setting in config, setting
    assert "`alert_email`" in page
    assert "`dns_team_email`" in page


def test_ctrl_c_on_a_kept_sandbox_says_what_it_stopped(tmp_path: Path) -> None:
    require_tool("named", "apt-get install bind9")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LC_", "LANG"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "byodkim", "sandbox", "--keep", "--from-start"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip
    enter, leave = tmp_path / ".byodkim" / "sandbox.env", tmp_path / ".byodkim" / "sandbox-unset.env"
    try:
        _wait_for(enter, process, seconds=300)
        exports = [line for line in enter.read_text().splitlines() if not line.startswith("#")]
    finally:
        # A terminal's Ctrl-C: the group gets it and `uv run` forwards it too, so SIGINT comes twice,
        # the second while the first one's cleanup runs; it must not cut what is said, nor exit 130.
        process.send_signal(signal.SIGINT)
        time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    names = [line.removeprefix("export ").partition("=")[0] for line in exports]
    unset = "unset " + " ".join(names)
    assert names[-1] == "BYODKIM_NAMESERVERS"
    assert out.splitlines()[1 : 1 + len(exports)] == exports  # printed as written, for test_runbook.py
    assert f"#   {unset}" in out.splitlines()
    assert process.returncode == 0
    endpoint_url, server = exports[0].partition("=")[2], exports[-1].partition("=")[2]
    tail = err.splitlines()[-5:]
    assert tail[:2] == [f"stopped the AWS emulator at {endpoint_url}", f"stopped the name server (BIND) at {server}"]
    assert re.fullmatch(r"removed the work folder /\S+byodkim-sandbox-\S+", tail[2])
    assert tail[3] == f"removed {enter}; its variables are stale in any shell that set them: {unset}"
    assert tail[4].startswith("next: a real rollout starts at docs/real-account.md")
    assert not enter.exists()
    assert leave.read_text().splitlines()[-1] == unset


def test_a_failed_launch_names_a_log_that_outlives_the_work_folder(tmp_path: Path) -> None:
    from byodkim.local import sandbox
    from byodkim.messages import render

    work = tmp_path / "work"
    work.mkdir()
    box = sandbox.Sandbox(work, sandbox.rehearsed(), tmp_path / "no-sceptre-project-here")
    (tmp_path / "no-sceptre-project-here").mkdir()
    with pytest.raises(Exception) as failed:  # noqa: PT011 - ByodkimError; its text is what is checked
        sandbox.launch_stacks(box)
    shutil.rmtree(work)  # as the sandbox does when it stops, before the operator reads the line
    hint = render(failed.value.hint, "en", {})  # type: ignore[attr-defined]
    assert render(failed.value.message, "en", {}).startswith("sceptre launch failed: ")  # type: ignore[attr-defined]
    log = Path(hint.removeprefix("see "))
    assert log.is_file(), hint
    assert log.read_text()
    shutil.rmtree(log.parent)
