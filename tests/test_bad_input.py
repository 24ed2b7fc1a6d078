"""Bad input across every command: one clear line, a non-zero exit, nothing sent to AWS, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from conftest import Cli, OpenSSLKeys

D = ("--domain", "goo.ne.jp")
S = ("--selector", "s1")
K = "--key-file"


def _cases() -> list[tuple[str, list[str], str]]:
    """(id, arguments with {keys} for the OpenSSL folder, what the one line must contain)."""
    key_files = {
        "rsa4096": ("{keys}/rsa4096.pem", "is a 4096-bit RSA key"),
        "ec": ("{keys}/ec.pem", "is an EC key"),
        "ed25519": ("{keys}/ed25519.pem", "is an Ed25519 key"),
        "encrypted": ("{keys}/enc.pem", "is encrypted; give the passphrase with --passphrase-file"),
        "public": ("{keys}/public.pem", "holds a public key, but a private key is needed"),
        "whole-pem": ("{keys}/whole-pem.b64", "is base64 of a whole PEM file"),
        "empty": ("{keys}/empty.pem", "is empty"),
        "binary": ("{keys}/garbage.bin", "is not a private key"),
        "utf16-text": ("{keys}/utf16-notes.txt", "is not a key (not PEM, DER or base64)"),
        "huge": ("{keys}/huge.pem", "far too large to be a key"),
        "truncated": ("{keys}/truncated.pem", "has a PEM header but no matching END line"),
        "missing": ("{keys}/nope.pem", "does not exist"),
    }
    cases: list[tuple[str, list[str], str]] = []
    commands = {
        "dns-record": ["dns-record", *D, *S, K],
        "dns-request": ["dns-request", *D, *S, K],
        "register": ["register", *D, *S, K],
    }
    for name, (path, message) in key_files.items():
        command = list(commands[("dns-record", "dns-request", "register")[len(cases) % 3]])
        cases.append((f"key-{name}-{command[0]}", [*command, path], message))
    cases.append(
        (
            "verify-public-is-private",
            ["verify", *D, *S, "--public-key-file", "{keys}/garbage.bin"],
            "is not a public key",
        )
    )
    domains = {
        "email": ("ops@goo.ne.jp", "is an email address, not a domain"),
        "url": ("https://goo.ne.jp", "is a URL, not a domain"),
        "record-name": ("s1._domainkey.goo.ne.jp", "is a DKIM record name, not a domain"),
        "no-suffix": ("goo", "is not a domain with a suffix"),
        "underscore": ("goo_mail.ne.jp", "has an invalid label"),
        "long-label": ("a" * 64 + ".jp", "has a label longer than 63 characters"),
        "ip": ("192.0.2.1", "looks like an IP address"),
        "bad-idn": ("例え\u200d.jp", "is not a valid internationalised domain name"),
        "empty": ("", "Invalid value for '--domain': the domain is empty"),
    }
    for index, (name, (value, message)) in enumerate(domains.items()):
        verb = ["register", "status", "verify", "rollback", "report", "rotate", "dns-record", "phase", "keygen"][index]
        args = {
            "register": ["register", "--domain", value, *S],
            "status": ["status", "--domain", value],
            "verify": ["verify", "--domain", value, *S, "--public-key-file", "{keys}/public.pem"],
            "rollback": ["rollback", "--domain", value, "--yes"],
            "report": ["report", "--domain", value],
            "rotate": ["rotate", "--domain", value, "--new-selector", "s2"],
            "dns-record": ["dns-record", "--domain", value, *S, K, "{keys}/pkcs1.pem"],
            "phase": ["phase", "7", "--domain", value],
            "keygen": ["keygen", *S, "--domain", value, "--out", "{tmp}/k"],
        }[verb]
        cases.append((f"domain-{name}-{verb}", args, message))
    selectors = {
        "record-name": ("sel._domainkey.goo.ne.jp", "give only the first label, e.g. `sel`"),
        "dots": ("sel.goo", "a selector is one DNS label with no dots"),
        "underscore": ("sel_1", "is not a valid selector"),
        "long": ("a" * 64, "is longer than 63 characters"),
        "non-ascii": ("セレクタ", "is not a valid selector"),
    }
    for index, (name, (value, message)) in enumerate(selectors.items()):
        verb = ["keygen", "register", "verify", "dns-request", "rotate"][index]
        args = {
            "keygen": ["keygen", "--selector", value, "--out", "{tmp}/k"],
            "register": ["register", *D, "--selector", value],
            "verify": ["verify", *D, "--selector", value, "--public-key-file", "{keys}/public.pem"],
            "dns-request": ["dns-request", *D, "--selector", value, K, "{keys}/pkcs1.pem"],
            "rotate": ["rotate", *D, "--new-selector", value],
        }[verb]
        cases.append((f"selector-{name}-{verb}", args, message))
    cases += [
        ("runtime-3.9", ["build-layer", "--runtime", "python3.9"], "python3.9 is refused"),
        ("runtime-node", ["build-layer", "--runtime", "nodejs20.x"], "is not a Lambda Python runtime"),
        ("arch-aarch64", ["build-layer", "--arch", "aarch64"], "is not Lambda's name for it; use arm64"),
        ("arch-i386", ["build-layer", "--arch", "i386"], "is not a Lambda architecture"),
        ("region-unknown", ["register", *D, *S, "--region", "ap-northeast-9"], "`ap-northeast-9` is not an AWS region"),
        ("region-name", ["status", *D, "--region", "Tokyo"], "`Tokyo` is not an AWS region"),
        ("region-underscore", ["report", "--region", "us_east_1"], "`us_east_1` is not an AWS region"),
        (
            "nameserver-port",
            ["verify", *D, *S, "--public-key-file", "{keys}/public.pem", "--nameserver", "127.0.0.1:0"],
            "has a bad port",
        ),
        (
            "timeout",
            ["verify", *D, *S, "--public-key-file", "{keys}/public.pem", "--timeout", "soon"],
            "is not a duration",
        ),
        (
            "two-keys",
            ["register", *D, *S, K, "{keys}/pkcs1.pem", "--secret-id", "x"],
            "give --key-file or --secret-id, not both",
        ),
        ("no-key", ["verify", *D, *S], "give exactly one of --key-file, --public-key-file or --secret-id"),
        ("bits", ["keygen", *S, "--bits", "4096", "--out", "{tmp}/k"], "'4096' is not one of '2048', '1024'"),
        ("ttl", ["dns-record", *D, *S, K, "{keys}/pkcs1.pem", "--ttl", "5"], "--ttl"),
        ("lang", ["dns-request", *D, *S, K, "{keys}/pkcs1.pem", "--lang", "fr"], "'fr' is not one of 'en', 'ja'"),
        (
            "phase-6",
            ["phase", "6", *D],
            "phase 6 is the DNS team publishing the DKIM record: it has no stack and no byodkim command",
        ),
        ("until", ["rotate", *D, "--new-selector", "s2", "--until", "soon"], "--until"),
        ("report-format", ["report", "--output", "pdf"], "'pdf' is not one of 'text', 'markdown', 'md', 'json'"),
        # --format is the output option's hidden alias for one release (CHANGELOG 0.2.0).
        ("report-format-alias", ["report", "--format", "pdf"], "Invalid value for '--format': 'pdf' is not one of"),
        ("rollback-no-tty", ["rollback", *D], "needs confirmation; run it in a terminal or add -y/--yes"),
        ("publish-no-name", ["build-layer", "--publish"], "--publish needs --layer-name"),
        ("requirements-missing", ["build-layer", "--requirements", "{tmp}/none.txt"], "does not exist"),
        (
            "passphrase-file-missing",
            ["dns-record", *D, *S, K, "{keys}/enc.pem", "--passphrase-file", "{tmp}/none"],
            "Invalid value for '--passphrase-file': cannot read the passphrase file",
        ),
        ("unknown-command", ["deploy"], "No such command 'deploy'"),
        ("missing-option", ["register", *S], "no domain given; pass --domain NAME (repeat it for several) or --all"),
        ("missing-option-keygen", ["register", "--domain", "undeclared.example"], "no selector for undeclared.example"),
        ("all-and-domain", ["status", "--all", "--domain", "goo.ne.jp"], "give --all or --domain, not both"),
        ("ses-rate", ["status", "--all", "--ses-rate", "0"], "Invalid value for '--ses-rate'"),
    ]
    return cases


CASES = _cases()


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("case", "args", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(
    cli: Cli,
    emulator: Emulator,
    openssl_keys: OpenSSLKeys,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.delenv("BYODKIM_KEY_PASSPHRASE", raising=False)
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = cli(*[a.format(keys=openssl_keys.folder, tmp=tmp_path) for a in args])
    assert result.code != 0, case
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: "), lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.out + result.err
    assert sorted(tmp_path.rglob("*")) == before, "bad input must write nothing"
    sent = emulator.control("/_byodkim/calls")["calls"]
    assert sent == [], f"bad input reached AWS: {sent}"
    assert os.environ.get("AWS_ENDPOINT_URL")  # the emulator was there to receive anything sent


@pytest.mark.parametrize("buffered", [False, True], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("C.UTF-8", "error: could not write the output (No space left on device); "),
        ("ja_JP.UTF-8", "エラー: 出力を書き込めませんでした"),
    ],
    ids=["en", "ja"],
)
def test_output_that_cannot_be_written_is_one_line_not_a_traceback(
    tmp_path: Path, lang: str, said: str, buffered: bool
) -> None:
    """``> record.txt`` on a full disk (``/dev/full``): one line on stderr, exit 1, for help and a command's output."""
    env = {**os.environ, "LANG": lang, "LC_ALL": lang}
    env.pop("PYTHONUNBUFFERED", None)
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    program = [sys.executable, "-m", "byodkim"]
    subprocess.run([*program, "keygen", *D, *S, "--key-dir", str(tmp_path)], env=env, capture_output=True, check=True)
    record = ["dns-record", *D, *S, K, str(tmp_path / "s1.private.pem")]
    for args in ([], ["--help"], ["--version"], ["status", "--help"], record):
        with open("/dev/full", "w") as full:  # noqa: PTH123 - a device, not a path the project owns
            result = subprocess.run(
                [*program, *args], check=False, env=env, stdout=full, stderr=subprocess.PIPE, text=True
            )
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert result.stderr.startswith(said), (args, result.stderr)
    # A reader gone (`| head` that has read enough) stays quiet, as click ends it.
    for args in ([], record):  # the bare command's help is printed outside click's own handling
        reader, writer = os.pipe()
        os.close(reader)
        result = subprocess.run(
            [*program, *args], check=False, env=env, stdout=writer, stderr=subprocess.PIPE, text=True
        )
        os.close(writer)
        assert result.stderr == "", args
        assert result.returncode == 1, args
