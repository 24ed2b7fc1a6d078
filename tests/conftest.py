"""Shared fixtures: the CLI driven in-process, real OpenSSL keys, real BIND servers."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa as _rsa

import keypool
import rewritten
from byodkim import gc_policy
from byodkim.cli import run
from byodkim.dnscheck.servers import without_dns_over_https
from byodkim.emulator import Emulator
from byodkim.local.dns import LocalNameServer

_MAKE_RSA_KEY = _rsa.generate_private_key  # the real one, before any pool stands in for it

IN_CI = os.environ.get("CI") == "true"


def missing(message: str) -> NoReturn:
    """A component a test needs is absent: in CI that fails the test, elsewhere it skips it."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def require_tool(tool: str, install: str) -> str:
    """Return the tool's path, or fail (CI) or skip (elsewhere) naming how to install it."""
    found = shutil.which(tool) or (f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None)
    if found is None:
        missing(f"{tool} is required ({install})")
    return found


@pytest.fixture(autouse=True)
def rsa_keys_made_once_per_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process, the n-th RSA key a test makes is the n-th any test made: real keys, made once a run.

    Generating a 2048-bit key costs 50-150 ms of CPU, and the suite's in-process commands made
    hundreds (28 s of its CPU), most of them for tests about something else. Within a test every
    key is a new one, as before, so a rotation's next key still differs from the last; across
    tests they repeat, which no test can see: each starts from a reset emulator and its own folder.
    The workers share them (tests/keypool.py). Keys made in another process (a command run as one,
    the emulator, a function) are untouched.
    """
    from cryptography.hazmat.primitives.asymmetric import rsa

    monkeypatch.setattr(rsa, "generate_private_key", _pooled("test"))


def _keys_at_import() -> None:
    """Keys test modules make as they are imported (every worker imports every module) come from the run's pool.

    Outside a test each call is a new key of the ``import`` series, as generating would give; every
    worker imports the modules in the same order, so a module's keys are the same in each.
    """
    from cryptography.hazmat.primitives.asymmetric import rsa

    rsa.generate_private_key = _pooled("import")


def _pooled(series: str) -> Callable[..., Any]:
    """Return a stand-in for ``rsa.generate_private_key``: its n-th call of a kind is the series' n-th key."""
    taken: dict[tuple[int, int], int] = {}
    lock = threading.Lock()

    def from_the_pool(public_exponent: int, key_size: int, backend: Any = None) -> Any:
        kind = (public_exponent, key_size)
        with lock:
            index = taken.get(kind, 0)
            taken[kind] = index + 1
        return keypool.key(series, index, public_exponent, key_size, _MAKE_RSA_KEY)

    return from_the_pool


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``byodkim ARGS`` in-process through the real entry point's error handling."""

    def invoke(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


@dataclass(frozen=True)
class OpenSSLKeys:
    folder: Path
    pkcs1_der_b64: str  # the SES form every input must convert to

    def __getitem__(self, name: str) -> Path:
        return self.folder / name


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="session")
def openssl_keys(tmp_path_factory: pytest.TempPathFactory) -> OpenSSLKeys:
    """Keys written by OpenSSL itself in every form users bring: made once per run, the workers share them.

    Each worker made its own (RSA 3072 and 4096 among them: 4.5-6 s of the run's CPU in ``openssl``).
    Under xdist the workers' temporary folders share a parent that is this run's alone; the first
    worker writes the keys there under a lock, the others read them. Nothing may write to the
    folder after that: another worker may be reading the same file.
    """
    import fcntl

    require_tool("openssl", "apt-get install openssl")
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return _openssl_keys(tmp_path_factory.mktemp("openssl"))
    shared = tmp_path_factory.getbasetemp().parent
    with (shared / "openssl.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = shared / "openssl"
        if (made / "done").exists():
            return OpenSSLKeys(made, base64.b64encode((made / "pkcs1.der").read_bytes()).decode())
        shutil.rmtree(made, ignore_errors=True)  # a worker that died while writing them
        made.mkdir()
        keys = _openssl_keys(made)
        (made / "done").write_text("")
        return keys


def _openssl_keys(d: Path) -> OpenSSLKeys:
    p = str
    _openssl("genrsa", "-out", p(d / "pkcs8.pem"), "2048")  # OpenSSL 3 writes PKCS#8 here
    _openssl("rsa", "-in", p(d / "pkcs8.pem"), "-traditional", "-out", p(d / "pkcs1.pem"))
    _openssl("rsa", "-in", p(d / "pkcs8.pem"), "-traditional", "-outform", "DER", "-out", p(d / "pkcs1.der"))
    _openssl("pkey", "-in", p(d / "pkcs8.pem"), "-outform", "DER", "-out", p(d / "pkcs8.der"))
    _openssl("rsa", "-in", p(d / "pkcs8.pem"), "-pubout", "-out", p(d / "public.pem"))
    _openssl("rsa", "-in", p(d / "pkcs8.pem"), "-pubout", "-outform", "DER", "-out", p(d / "public.der"))
    (d / "pass.txt").write_text("correct horse\n")
    _openssl(
        "pkey", "-in", p(d / "pkcs8.pem"), "-aes256", "-passout", f"file:{d / 'pass.txt'}", "-out", p(d / "enc.pem")
    )
    _openssl(
        "rsa", "-in", p(d / "pkcs8.pem"), "-traditional", "-aes256", "-passout", f"file:{d / 'pass.txt'}",
        "-out", p(d / "enc-pkcs1.pem"),
    )  # fmt: skip
    _openssl("genrsa", "-out", p(d / "rsa1024.pem"), "1024")
    _openssl("genrsa", "-out", p(d / "rsa4096.pem"), "4096")
    _openssl("genrsa", "-out", p(d / "rsa3072.pem"), "3072")
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", p(d / "ec.pem"))
    _openssl("genpkey", "-algorithm", "ed25519", "-out", p(d / "ed25519.pem"))
    pem1 = (d / "pkcs1.pem").read_text()
    body = "".join(line for line in pem1.splitlines() if not line.startswith("-----"))
    (d / "body.b64").write_text(body + "\n")
    pem8 = (d / "pkcs8.pem").read_text()
    (d / "body8.b64").write_text("".join(x for x in pem8.splitlines() if not x.startswith("-----")))
    (d / "whole-pem.b64").write_bytes(base64.b64encode(pem1.encode()))
    (d / "bom-crlf.pem").write_bytes(b"\xef\xbb\xbf" + pem8.replace("\n", "\r\n").encode())
    (d / "utf16-bom.pem").write_bytes(pem1.replace("\n", "\r\n").encode("utf-16"))  # PowerShell 5 `>`
    (d / "utf16le.pem").write_bytes(pem8.encode("utf-16-le"))
    (d / "empty.pem").write_bytes(b"")
    (d / "blank.pem").write_bytes(b"\r\n  \r\n")
    (d / "garbage.bin").write_bytes(bytes(range(256)) * 4)
    (d / "notes.txt").write_text("これは鍵ではありません\n", encoding="utf-8")
    (d / "utf16-notes.txt").write_bytes("メモ: 鍵ではありません\r\n".encode("utf-16"))  # Notepad's "Unicode"
    (d / "huge.pem").write_bytes(b"A" * (2 * 1024 * 1024))
    (d / "truncated.pem").write_text(pem1[: len(pem1) // 2])
    (d / "headerless-cut.b64").write_text(body[:301])
    der = (d / "pkcs1.der").read_bytes()
    return OpenSSLKeys(d, base64.b64encode(der).decode())


def default_sigint() -> None:
    """``preexec_fn`` for a child a test sends Ctrl-C (SIGINT): the disposition a terminal gives it.

    A test run started in the background by a non-interactive shell (`cmd &` in a script, a CI
    runner) inherits SIGINT ignored, and passes that on; a Python child that starts with SIGINT
    ignored never raises KeyboardInterrupt, so it would finish its work instead of stopping.
    It runs in the forked child before exec: nothing is imported here (the worker has threads, and
    one may have held the import lock at the fork), so ``signal`` is imported with this module.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def zip_of(files: dict[str, str]) -> bytes:
    """Return a zip archive holding ``files`` (name -> text): a function's code, a layer."""
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return data.getvalue()


NameServerFactory = Callable[..., LocalNameServer]


@pytest.fixture
def name_server(tmp_path: Path) -> Iterator[NameServerFactory]:
    """Start real BIND servers (one per call) on loopback; all stop at teardown."""
    require_tool("named", "apt-get install bind9")
    started: list[LocalNameServer] = []

    def start(zones: dict[str, str]) -> LocalNameServer:
        server = LocalNameServer(zones, workdir=tmp_path / f"named{len(started)}")
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


def python_for(version: str) -> str:
    """Return a CPython of ``version`` (e.g. "3.12"); in CI a missing one fails the test."""
    from byodkim.artifacts.interpreters import find_python

    found = find_python(version)
    if found is None:
        missing(f"CPython {version} is required to import the layer (pyenv install {version})")
    return found


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine with no AWS credentials anywhere in the chain, and an endpoint nothing listens on."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[Emulator]:
    """One emulator process for the session (moto takes seconds to import)."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def emulator(emulator_server: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """The emulator, reset, with this test's environment pointing boto3 at it."""
    emulator_server.reset()
    emulator_server.control("/_byodkim/config", {"dns_servers": [], "dkim_window": 72 * 3600.0})
    _phase_1_secrets_key(emulator_server)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in emulator_server.environment().items():
        monkeypatch.setenv(name, value)
    return emulator_server


@pytest.fixture
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry backoffs in hundredths of a second, for tests that prove calls are retried and converge, not how long.

    The retry budgets (counts) stay the product's; only the waits between tries shrink, as
    test_faults.py's quick_backoff does. A test about the delays themselves must not use it.
    """
    from byodkim.aws import pacing

    monkeypatch.setattr(pacing, "BACKOFF_BASE", 0.01)


@pytest.fixture
def empty_account(emulator: Emulator) -> Emulator:
    """The emulator without the phase-1 key stand-in: an account before its first launch.

    A launch there creates the alias itself; with the stand-in left, preflight rightly finds the
    name taken outside any stack.
    """
    import boto3

    for region in ("ap-northeast-1", "us-east-1"):
        boto3.client("kms", region_name=region).delete_alias(AliasName=SECRETS_ALIAS)
    return emulator


SECRETS_ALIAS = "alias/aws-ses-migration-prod-dkim-secrets"


def _phase_1_secrets_key(emulator: Emulator) -> None:
    """Create what a launched phase 1 has: the DKIM secrets' KMS key, by its alias (register refuses without it).

    Made in the emulator's backends in one request, as CreateKey and CreateAlias would make it
    (tests/test_emulator.py holds the two to the same key); no call is recorded, so a test counting
    calls to the emulator starts from none.
    """
    emulator.control(
        "/_byodkim/kms/keys",
        {
            "keys": [
                {"region": region, "alias": SECRETS_ALIAS, "description": "phase-1 secrets key stand-in"}
                for region in ("ap-northeast-1", "us-east-1")
            ]
        },
    )


def publish_record(server: LocalNameServer, name: str, value: str | list[str], ttl: int = 60) -> None:
    """Replace the TXT record at ``name`` on a running BIND (dynamic update, as a DNS team would)."""
    from byodkim.dkim.record import quote_strings, split_txt

    values = [value] if isinstance(value, str) else value
    server.update("goo.ne.jp", delete=[name], add=[(name, ttl, "TXT", [quote_strings(split_txt(v)) for v in values])])


def publish_easy_dkim(server: LocalNameServer, domain: str, tokens: list[str]) -> None:
    """Publish Easy DKIM's three CNAMEs, as SES asks for them."""
    server.update(
        "goo.ne.jp", add=[(f"{t}._domainkey.{domain}", 60, "CNAME", [f"{t}.dkim.amazonses.com."]) for t in tokens]
    )


def remove_record(server: LocalNameServer, name: str) -> None:
    """Delete every TXT record at ``name``."""
    server.update("goo.ne.jp", delete=[name])


@pytest.fixture
def goo_dns(name_server: NameServerFactory) -> LocalNameServer:
    """A real BIND serving an empty goo.ne.jp zone."""
    from byodkim.local.dns import zone_text

    return name_server({"goo.ne.jp": zone_text("goo.ne.jp", 2026112801)})


# The slowest files first. With `--dist loadfile` xdist hands files to idle workers in
# collection order, so the longest go out first and the short ones fill in at the end (the
# longest-first rule); a long file handed out last sets the wall time alone. xdist's own default
# re-sorts files by their number of tests, which undid this order and put the sandboxes last:
# pyproject's addopts turn that off (`--no-loadscope-reorder`; test_process_settings.py checks it).
# Ranked by the seconds each file kept its worker in a fresh clone's run of the README's command
# on this machine (December 5, four workers): faults 65, sandbox env 50, production path 46,
# layer 43, sandbox 43, preflight 42, runbook 37, runbook ja 35, rotation calendar 35, fleet health
# 29, adopt 27, schedule 27, fleet 24; then every file of 4 s or more. `uv run python
# benchmarks/suite_time.py` prints the order a full run measures. Files missing here go out last.
# Four files mostly wait (an SQS visibility timeout, a function's timeout, DNS retries: 10-20 s of
# wall time each on a few seconds of CPU). Ranked by length they went out one after another, ran
# side by side, and left the cores half idle for 15-17 s (December 6). They now go out one at a
# time, five places apart (scripts/test.sh runs four workers on two cores), each beside files that
# compute: _SLOWEST_FIRST places them, _WAITING names them.
_WAITING = ("test_fleet_health_esm.py", "test_lambda_runtime.py", "test_verify.py", "test_lambda.py")
_SLOWEST_FIRST = (
    "test_faults.py",
    "test_sandbox_env.py",
    "test_production_path.py",
    "test_fleet_health_esm.py",
    "test_layer.py",
    "test_sandbox.py",
    "test_preflight.py",
    "test_runbook.py",
    "test_lambda_runtime.py",
    "test_runbook_ja.py",
    "test_rotation_calendar.py",
    "test_fleet_health.py",
    "test_adopt.py",
    "test_verify.py",
    "test_schedule.py",
    "test_fleet.py",
    "test_sceptre.py",
    "test_sandbox_route53.py",
    "test_lambda.py",
    "test_register.py",
    "test_sandbox_reports.py",
    "test_secrets.py",
    "test_receiving.py",
    "test_function_role.py",
    "test_japanese_sweep.py",
    "test_schedule_cli.py",
    "test_receivers.py",
    "test_hostile_input.py",
    "test_modelcache.py",
    "test_japanese_commands.py",
    "test_emulator.py",
    "test_rotate.py",
    "test_mail_judges.py",
    "test_fidelity.py",
    "test_process_settings.py",
    "test_emulator_cfn.py",
    "test_record.py",
    "test_report.py",
)


@pytest.hookimpl(trylast=True)  # after pytest's tmp_path plugin has made its factory
def pytest_configure(config: pytest.Config) -> None:
    """Each worker runs as the byodkim command does: its collector (gc_policy), no DNS over HTTPS, botocore's
    models read once and kept parsed; one key pool a run.

    The models: tests make default sessions again and again (boto3.setup_default_session, one per
    endpoint), and each new session's loader parsed endpoints.json and the service models again
    (about 2 % of the workers' CPU).
    """
    from byodkim.aws.session import models_read_once

    gc_policy.for_a_tool()
    without_dns_over_https()
    models_read_once()
    keypool.start(config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined] # pytest's run folder
    _keys_at_import()
    rewritten.for_the_workers(config)  # the controller: the test modules' rewrites, once for every worker


def pytest_unconfigure() -> None:
    """The run's first process removes the key pool it made."""
    keypool.finish()


def pytest_collection_finish() -> None:
    """What collection imported (every test module, boto3, moto) lives as long as the worker: frozen."""
    gc_policy.settle()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the tests slowest file first; within a file, as written (the sort is stable)."""

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return _SLOWEST_FIRST.index(name) if name in _SLOWEST_FIRST else len(_SLOWEST_FIRST)

    items.sort(key=rank)


def fault_campaign() -> Any:
    """Return benchmarks/faults.py (its DNS log and invariant checker), loaded once: one checker for every test."""
    import importlib.util
    import sys

    if "faults_campaign" in sys.modules:
        return sys.modules["faults_campaign"]
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "faults.py"
    spec = importlib.util.spec_from_file_location("faults_campaign", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["faults_campaign"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module
