"""Clients are made once per process for the same handle and environment, and never reused across a change.

Each case changes one input a client is made from (the endpoint, a credential, the SES rate,
the credentials file, debug logging, the profile) and expects a new client; the same inputs
from a second handle get the first one back.
"""

from __future__ import annotations

import logging
import os
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
