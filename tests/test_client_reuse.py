"""Clients are made once per process for the same handle and environment, and never reused across a change.

Each case changes one input a client is made from (the endpoint, a credential, the SES rate,
the credentials file, debug logging, the profile) and expects a new client; the same inputs
from a second handle get the first one back. The cases from `_key` on are an independent
tester's: a handle that outlives a change, proxies and CA bundles, a file rewritten under its old
modification time, and a ``credential_process`` whose credentials nothing renews.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any

import pytest

from byodkim.aws.session import CALLS, Aws

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(autouse=True)
def account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials and an endpoint of this test's own; no call is made."""
    for name in [n for n in os.environ if n.startswith(("AWS_", "BYODKIM_")) or n.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://192.0.2.1:4566")


def _client(service: str = "sesv2", **fields: Any) -> Any:
    return Aws(region="ap-northeast-1", **fields).client(service)  # type: ignore[call-overload]


def test_a_second_handle_gets_the_same_client_and_session() -> None:
    first, second = Aws(region="ap-northeast-1"), Aws(region="ap-northeast-1")
    assert first.client("sesv2") is second.client("sesv2")
    assert first.session is second.session
    assert _client("sts") is not _client("sesv2")
    assert first.client("sesv2", "us-east-1") is not first.client("sesv2")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AWS_ENDPOINT_URL", "http://192.0.2.2:4566"),
        ("AWS_ACCESS_KEY_ID", "other"),
        ("AWS_SESSION_TOKEN", "token"),
        ("AWS_PROFILE", "team"),
        ("BYODKIM_SES_RATE", "7"),
        ("AWS_ENDPOINT_URL_SESV2", "http://192.0.2.3:4566"),  # one step off: a service's own endpoint
        ("HTTPS_PROXY", "http://192.0.2.9:3128"),  # not AWS_*: the client's HTTP pool is made with it
        ("no_proxy", "192.0.2.1"),
    ],
)
def test_a_changed_variable_makes_a_new_client(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str
) -> None:
    if variable == "AWS_PROFILE":  # a profile botocore can find, written before the first client
        (tmp_path / ".aws").mkdir()
        (tmp_path / ".aws" / "config").write_text("[profile team]\naws_access_key_id = k\naws_secret_access_key = s\n")
    before, original = _client(), os.environ.get(variable)
    monkeypatch.setenv(variable, value)
    after = _client()
    assert after is not before
    if original is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, original)
    assert _client() is before  # back to the first environment: its client, still kept


def test_the_new_endpoint_is_the_one_the_new_client_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _client().meta.endpoint_url == "http://192.0.2.1:4566"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://192.0.2.2:4566")
    assert _client().meta.endpoint_url == "http://192.0.2.2:4566"


def test_a_credentials_file_written_after_the_first_client_is_read(tmp_path: Path) -> None:
    before = _client()
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text("[default]\naws_access_key_id = x\naws_secret_access_key = y\n")
    assert _client() is not before


def test_handle_fields_make_their_own_client() -> None:
    plain = _client()
    assert _client(ses_rate=3.0) is not plain
    assert _client(ses_shared=True) is not plain
    assert _client(profile=None) is plain


def test_debug_logging_turned_on_later_gets_a_client_that_logs(caplog: pytest.LogCaptureFixture) -> None:
    quiet = _client("sts")
    with caplog.at_level(logging.DEBUG, logger=CALLS.name):
        loud = _client("sts")
        assert loud is not quiet
        loud.meta.events.emit(
            "after-call-error.sts.GetCallerIdentity",
            model=loud.meta.service_model.operation_model("GetCallerIdentity"),
            context={},
            exception=RuntimeError("no call was made"),
        )
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "sts GetCallerIdentity ap-northeast-1 -> RuntimeError"
    ]


def _key(client: Any) -> str:
    return str(client._request_signer._credentials.get_frozen_credentials().access_key)


def test_a_long_lived_handle_does_not_poison_new_handles(monkeypatch: pytest.MonkeyPatch) -> None:
    old = Aws(region="ap-northeast-1")
    assert _key(old.client("sts")) == "testing"  # the old handle's session has resolved its credentials
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "rotated")
    old.client("s3")  # made from the old session, kept under the new environment's key
    fresh = Aws(region="ap-northeast-1")
    assert _key(fresh.client("s3")) == "rotated"  # a new handle, made after the change


def test_a_long_lived_handle_does_not_poison_the_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = dev\naws_secret_access_key = s\n"
        "[prod]\naws_access_key_id = prod\naws_secret_access_key = s\n"
    )
    old = Aws(region="ap-northeast-1")
    old.client("sts")
    monkeypatch.setenv("AWS_PROFILE", "prod")
    old.client("cloudformation")
    assert _key(Aws(region="ap-northeast-1").client("cloudformation")) == "prod"


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy"])
def test_a_proxy_set_later_is_used(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://192.0.2.1")
    before = _client("sts")
    monkeypatch.setenv(variable, "http://198.51.100.7:3128")
    after = _client("sts")
    proxy = after._endpoint.http_session._proxy_config.proxy_url_for("https://192.0.2.1/")
    assert proxy == "http://198.51.100.7:3128", (after is before, proxy)


def test_no_proxy_set_later_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://192.0.2.1")
    monkeypatch.setenv("HTTPS_PROXY", "http://198.51.100.7:3128")
    _client("sts")
    monkeypatch.setenv("NO_PROXY", "192.0.2.1")
    after = _client("sts")
    assert after._endpoint.http_session._proxy_config.proxy_url_for("https://192.0.2.1/") is None


def test_requests_ca_bundle_set_later_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _client("sts")
    bundle = tmp_path / "corp-ca.pem"
    bundle.write_text("")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    after = _client("sts")
    assert after._endpoint.http_session._verify == str(bundle)


def _same_mtime_rewrite(path: Path, text: str) -> None:
    """As a file system with coarse timestamps (or `cp -p`, `rsync -t`, a restore) leaves it."""
    stat = path.stat()
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_credentials_rewritten_within_the_mtime_granularity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    (tmp_path / ".aws").mkdir()
    creds = tmp_path / ".aws" / "credentials"
    creds.write_text("[default]\naws_access_key_id = first\naws_secret_access_key = s\n")
    assert _key(_client("sts")) == "first"
    _same_mtime_rewrite(creds, "[default]\naws_access_key_id = other\naws_secret_access_key = s\n")
    assert _key(_client("sts")) == "other"


def test_config_endpoint_url_rewritten_within_the_mtime_granularity(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    (tmp_path / ".aws").mkdir()
    config = tmp_path / ".aws" / "config"
    config.write_text("[default]\nendpoint_url = http://192.0.2.5:4566\n")
    assert _client("sts").meta.endpoint_url == "http://192.0.2.5:4566"
    _same_mtime_rewrite(config, "[default]\nendpoint_url = http://192.0.2.6:4566\n")
    assert _client("sts").meta.endpoint_url == "http://192.0.2.6:4566"


def test_credential_process_is_asked_again_by_a_new_handle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A credential_process without Expiration: each new handle ran it again before the change."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    current = tmp_path / "current-key"
    current.write_text("first")
    helper = tmp_path / "helper.py"
    helper.write_text(
        "import json, pathlib\n"
        f"print(json.dumps({{'Version': 1, 'AccessKeyId': pathlib.Path({str(current)!r}).read_text(),"
        " 'SecretAccessKey': 's'}))\n"
    )
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text(f"[default]\ncredential_process = {sys.executable} {helper}\n")
    assert _key(_client("sts")) == "first"
    current.write_text("second")  # the helper's source rotated the key; no AWS file or variable changed
    assert _key(_client("sts")) == "second"
