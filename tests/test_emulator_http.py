"""The emulator's connections: kept open between requests framed by Content-Length, closed after any other."""

from __future__ import annotations

import http.client
import socket
from typing import TYPE_CHECKING

import boto3
import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from byodkim.emulator import Emulator

STS = b"Action=GetCallerIdentity&Version=2011-06-15"


def _signed(service: str) -> dict[str, str]:
    return {
        "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20261205/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0",
        "X-Amz-Date": "20261205T000000Z",
    }


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", **_signed("sts")}
FORM_LINES = "".join(f"{k}: {v}\r\n" for k, v in FORM.items()).encode()


@pytest.fixture
def connect(emulator: Emulator) -> Iterator[Callable[[], http.client.HTTPConnection]]:
    """Open HTTP connections to the emulator; every one is closed after the test."""
    opened: list[http.client.HTTPConnection] = []

    def connection() -> http.client.HTTPConnection:
        opened.append(http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10))
        opened[-1].connect()
        return opened[-1]

    yield connection
    for each in opened:
        each.close()


def _ask(
    connection: http.client.HTTPConnection, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[http.client.HTTPResponse, bytes]:
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response, response.read()


def _sts(connection: http.client.HTTPConnection, extra: dict[str, str] | None = None) -> http.client.HTTPResponse:
    response, body = _ask(connection, "POST", "/", STS, {**FORM, **(extra or {})})
    assert response.status == 200
    assert b"<GetCallerIdentityResponse" in body
    return response


def _raw(emulator: Emulator, request: bytes) -> bytes:
    """Send bytes as they are; return what the server sent, ending ``<still open>`` if it had not closed in 3 s."""
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=3) as raw:
        raw.sendall(request)
        received = b""
        try:
            while chunk := raw.recv(65536):
                received += chunk
        except TimeoutError:
            return received + b"<still open>"
        return received


def test_calls_on_one_connection_are_each_answered_and_it_stays_open(
    connect: Callable[[], http.client.HTTPConnection], emulator: Emulator
) -> None:
    connection = connect()
    first = connection.sock
    for _ in range(3):
        response = _sts(connection)
        assert response.getheader("Connection") is None  # not "close"
        assert not response.will_close
    assert connection.sock is first  # never reconnected


def test_a_body_the_application_never_reads_does_not_become_the_next_request(
    connect: Callable[[], http.client.HTTPConnection], emulator: Emulator
) -> None:
    """One step off: S3's ListBuckets reads no body; the framing is the request's, not what the application read."""
    connection = connect()
    smuggled = b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n" * 20
    response, body = _ask(connection, "GET", "/", smuggled, _signed("s3"))
    assert response.status == 200
    assert b"<ListAllMyBucketsResult" in body
    _sts(connection)  # the next request is the next one sent, not one hidden in the body


def test_a_chunked_request_is_answered_then_the_connection_closed(emulator: Emulator) -> None:
    request = (
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n" + FORM_LINES + b"\r\n"
        + f"{len(STS):x}\r\n".encode() + STS + b"\r\n0\r\n\r\n"
    )  # fmt: skip
    answer = _raw(emulator, request)
    assert answer.startswith(b"HTTP/1.1 ")  # moto reads no chunked form (a 404, as before)
    assert b"Connection: close" in answer  # werkzeug's own handling
    assert not answer.endswith(b"<still open>")


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: 43\r\nContent-Length: 43\r\n",
        b"Content-Length: +43\r\n",
        b"Content-Length: 4_3\r\n",
        b"Content-Length: \xb2\r\n",  # a digit to str.isdigit and int(), not an ASCII one
        b"Content-Length: 9223372036854775808\r\n",  # larger than any body is read whole
    ],
    ids=["twice", "signed", "underscore", "superscript", "huge"],
)
def test_a_length_not_plainly_given_is_not_trusted_to_frame_the_next_request(
    emulator: Emulator, framing: bytes
) -> None:
    request = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing + FORM_LINES + b"\r\n" + STS
    answer = _raw(emulator, request)
    assert b"Connection: close" in answer  # werkzeug's handling, which closes
    assert not answer.endswith(b"<still open>")


def test_an_answer_on_a_kept_connection_is_framed_by_its_length(emulator: Emulator) -> None:
    request = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n" % len(STS) + FORM_LINES + b"\r\n" + STS
    answer = _raw(emulator, request)
    assert answer.startswith(b"HTTP/1.1 200")
    assert answer.endswith(b"<still open>")
    head, _, body = answer.removesuffix(b"<still open>").partition(b"\r\n\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    assert body.rstrip().endswith(b"</GetCallerIdentityResponse>")


def test_a_client_that_asks_for_close_gets_it(
    connect: Callable[[], http.client.HTTPConnection], emulator: Emulator
) -> None:
    assert _sts(connect(), {"Connection": "close"}).will_close
    request = b"POST / HTTP/1.0\r\nContent-Length: %d\r\n" % len(STS) + FORM_LINES + b"\r\n" + STS
    answer = _raw(emulator, request)  # HTTP/1.0 closes unless asked otherwise
    assert b"<GetCallerIdentityResponse" in answer
    assert not answer.endswith(b"<still open>")


def test_an_http_1_0_client_that_asks_to_keep_the_connection_is_told_it_is_kept(emulator: Emulator) -> None:
    request = (
        b"POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: %d\r\n" % len(STS) + FORM_LINES + b"\r\n" + STS
    )
    answer = _raw(emulator, request)
    assert b"Connection: keep-alive\r\n" in answer
    assert answer.endswith(b"<still open>")


def test_the_reset_fault_resets_a_kept_connection_unanswered_and_logs_no_error(emulator: Emulator) -> None:
    """docs/emulator.md: ``reset`` closes the connection unanswered; a TCP reset, not an orderly close."""
    request = b"POST / HTTP/1.1\r\nContent-Length: %d\r\n" % len(STS) + FORM_LINES + b"\r\n" + STS
    assert emulator.log_path is not None
    logged = emulator.log_path.stat().st_size  # the session's emulator: earlier tests' lines stay
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as raw:
        raw.sendall(request)
        first = http.client.HTTPResponse(raw)  # read whole (head and body are two writes) before the fault
        first.begin()
        assert first.status == 200  # a kept connection that served a call
        assert b"<GetCallerIdentityResponse" in first.read()
        emulator.control("/_byodkim/faults", {"faults": [{"service": "sts", "kind": "reset", "count": 1}]})
        raw.sendall(request)
        with pytest.raises(ConnectionResetError):
            raw.recv(65536)
    assert "Error on request" not in emulator.log_path.read_bytes()[logged:].decode()


def test_a_header_latin_1_cannot_hold_is_answered_in_utf_8(emulator: Emulator) -> None:
    """S3 repeats ``response-content-disposition``; with Japanese in it, http.server raised and nothing was answered."""
    s3 = boto3.client("s3", endpoint_url=emulator.endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="byodkim-utf8")
    s3.put_object(Bucket="byodkim-utf8", Key="k", Body=b"x")
    given = 'attachment; filename="報告.txt"'
    got = s3.get_object(Bucket="byodkim-utf8", Key="k", ResponseContentDisposition=given)["ContentDisposition"]
    assert got.encode("latin-1").decode("utf-8") == given  # botocore reads header bytes as Latin-1


def test_head_states_the_length_a_get_would_have_and_sends_none(emulator: Emulator) -> None:
    s3 = boto3.client("s3", endpoint_url=emulator.endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="byodkim-keepalive")
    s3.put_object(Bucket="byodkim-keepalive", Key="k", Body=b"x" * 1234)
    assert s3.head_object(Bucket="byodkim-keepalive", Key="k")["ContentLength"] == 1234
    assert s3.get_object(Bucket="byodkim-keepalive", Key="k")["Body"].read() == b"x" * 1234
    assert s3.head_object(Bucket="byodkim-keepalive", Key="k")["ContentLength"] == 1234
    s3.delete_object(Bucket="byodkim-keepalive", Key="k")  # 204: no body, no length
    s3.delete_bucket(Bucket="byodkim-keepalive")
    assert "byodkim-keepalive" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_an_application_failure_is_werkzeugs_500_and_the_connection_goes_on(
    connect: Callable[[], http.client.HTTPConnection], emulator: Emulator
) -> None:
    """A body the emulated SES cannot parse raises in the application (the traceback goes to the server's log)."""
    connection = connect()
    headers = {"Content-Type": "application/json", **_signed("ses")}
    failed, page = _ask(connection, "POST", "/v2/email/identities", b"{not json", headers)
    assert failed.status == 500
    assert b"Internal Server Error" in page
    _sts(connection)
