"""dmarc-report: receivers' aggregate reports in every form they send, counted exactly, with the selector's verdict."""

from __future__ import annotations

import gzip
import json
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from byodkim.emulator import Emulator
    from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "dmarc"
SELECTOR = "gooid-21-pro-20250912-1"
MICROSOFT = "enterprise.protection.outlook.com!goo.ne.jp!1795996800!1796083199.xml"
YAHOO = "yahoo.com!goo.ne.jp!1795996800!1796083199.xml.gz"
# (org_name, report_id) -> (messages, dkim_aligned, spf_aligned, dmarc_pass), counted by hand from the fixtures.
EXPECTED = {
    ("google.com", "11835796447211112233"): (154, 150, 0, 150),
    ("Enterprise Outlook", "4e2c8f1a9b7d4e0f8a6c3b2d1e0f9a8b"): (82, 80, 0, 80),
    ("Yahoo", "1764547200.473264"): (50, 45, 5, 50),
    ("receiver.example", "rfc9990-20261130.goo.ne.jp@receiver.example"): (10, 10, 0, 10),
    ("mx.example.jp", "MXJP-20261130-0001"): (7, 7, 0, 7),
    ("comcast.net", "comcast-0be5c5d6-2026-11-30"): (3, 3, 0, 3),
}


def _json(cli: Cli, *args: str | Path) -> tuple[int, Any]:
    done = cli("dmarc-report", *args, "--selector", SELECTOR, "-o", "json")
    return done.code, json.loads(done.out)


def test_every_form_counted_exactly_once(cli: Cli) -> None:
    code, data = _json(cli, FIXTURES)
    reports = data["reports"]
    got = {
        (r["org_name"], r["report_id"]): (r["messages"], r["dkim_aligned"], r["spf_aligned"], r["dmarc_pass"])
        for r in reports
    }
    assert got == EXPECTED
    assert len(reports) == len(EXPECTED)  # the Yahoo report sent twice is counted once
    assert {r["domain"] for r in reports} == {"goo.ne.jp"}
    assert {(r["begin"], r["end"]) for r in reports} == {("2026-11-30T00:00:00Z", "2026-11-30T23:59:59Z")}
    assert data["errors"] == [
        {"file": str(FIXTURES / "broken.xml"), "error": "not well-formed XML (line 55, column 6)"},
        {
            "file": f"{FIXTURES / 'inbox.mbox'} (message 2)",
            "error": "a mail with no DMARC report attached (gzip, zip or XML)",
        },
    ]
    summary = data["summary"]
    assert summary["duplicates"] == [
        {"file": str(FIXTURES / YAHOO), "org_name": "Yahoo", "report_id": "1764547200.473264"}
    ]
    (domain,) = summary["domains"]
    assert {k: domain[k] for k in ("domain", "reports", "messages", "dmarc_pass", "dkim_aligned", "spf_aligned")} == {
        "domain": "goo.ne.jp",
        "reports": 6,
        "messages": 306,
        "dmarc_pass": 300,
        "dkim_aligned": 295,
        "spf_aligned": 5,
    }
    assert domain["selector"] == {
        "signed": 297,
        "passed": 295,
        "failures": [
            {
                "org_name": "Enterprise Outlook",
                "source_ip": "54.240.8.12",
                "selector": SELECTOR,
                "result": "fail",
                "messages": 2,
            }
        ],
    }
    failing = [(s["source_ip"], s["messages"], s["dkim"]) for s in domain["failing_sources"]]
    assert failing == [
        ("203.0.113.25", 4, "d=newsletter-tool.example s=nl pass"),
        ("54.240.8.12", 2, f"d=goo.ne.jp s={SELECTOR} fail; d=amazonses.com s=224i4yxa5dv7c2xz3womw6peuasteono pass"),
    ]
    assert summary["ok"] is False
    assert code == 1  # the selector failed aligned DKIM at Microsoft


def test_the_selector_passing_everywhere_exits_0(cli: Cli, tmp_path: Path) -> None:
    # One step off the fixture above: Microsoft's two failing messages pass instead.
    for name in ("google-report.eml", YAHOO, "rfc9990-report.xml", "uppercase-pass.xml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    text = (FIXTURES / MICROSOFT).read_text(encoding="utf-8")
    fixed = text.replace("<dkim>fail</dkim>", "<dkim>pass</dkim>").replace(
        "<result>fail</result>", "<result>pass</result>"
    )
    assert fixed != text
    (tmp_path / MICROSOFT).write_text(fixed, encoding="utf-8")
    code, data = _json(cli, tmp_path)
    summary = data["summary"]
    assert summary["ok"] is True
    assert summary["domains"][0]["selector"] == {"signed": 294, "passed": 294, "failures": []}
    assert code == 0
    # ... and the original Microsoft report alone still fails.
    assert cli("dmarc-report", FIXTURES / MICROSOFT, "--selector", SELECTOR).code == 1
    # Another selector's failure is not the rollout's: exit 0.
    assert cli("dmarc-report", FIXTURES / MICROSOFT, "--selector", "other-selector").code == 0


def test_uppercase_results_are_read_as_receivers_mean_them(cli: Cli) -> None:
    code, data = _json(cli, FIXTURES / "uppercase-pass.xml")
    (report,) = data["reports"]
    assert (report["messages"], report["dkim_aligned"], report["dmarc_pass"]) == (7, 7, 7)
    assert data["summary"]["domains"][0]["selector"]["passed"] == 7
    assert code == 0


def test_text_output_names_the_failure_and_the_verdict(cli: Cli) -> None:
    done = cli("dmarc-report", FIXTURES, "--selector", SELECTOR)
    assert done.code == 1
    lines = done.out.splitlines()
    assert lines[0] == "goo.ne.jp: 2026-11-30 to 2026-11-30, 6 reports"
    assert lines[1] == "  messages 306; DMARC pass 300 (98.04%); DKIM aligned 295 (96.41%); SPF aligned 5 (1.63%)"
    assert f"  FAIL: selector {SELECTOR} at Enterprise Outlook: 2 messages from 54.240.8.12 (DKIM fail)" in lines
    assert (
        "  policy p=none; the last 14 days (2026-11-17 to 2026-11-30): 306 messages, 6 fail DMARC (1.96%): "
        "p=quarantine would send them to spam, p=reject would refuse them"
    ) in lines
    assert (
        "  verdict: not safe to tighten p= yet: DMARC pass 98.04% (need 99%); days with reports: 1 (need 7); "
        "messages signed with the rollout's selector that failed: 2 (need 0)"
    ) in lines
    assert f"unreadable: {FIXTURES / 'broken.xml'}: not well-formed XML (line 55, column 6)" in lines
    assert lines[-1] == "mail signed with the rollout's selector FAILED aligned DKIM at receivers: 1"


def test_japanese_and_markdown(cli: Cli) -> None:
    done = cli("dmarc-report", FIXTURES, "--selector", SELECTOR, "--lang", "ja", "-o", "markdown")
    assert done.code == 1
    assert done.out.startswith("# DMARC 集約レポート\n\n## goo.ne.jp: 2026-11-30 〜 2026-11-30、レポート 6 通\n")
    assert f"- fail: セレクタ {SELECTOR} (Enterprise Outlook): 54.240.8.12 からのメール 2 通 (DKIM fail)" in done.out
    assert "判定: p= を強めるのはまだ安全ではありません" in done.out
    assert f"読めません: {FIXTURES / 'broken.xml'}: XML として正しくありません (55 行目、6 文字目)" in done.out
    assert f"読めません: {FIXTURES / 'inbox.mbox'} (message 2): DMARC レポートが添付されていないメールです" in done.out


def _daily(org: str, day: int, rows: list[tuple[str, int, str]], report_id: str | None = None) -> bytes:
    begin = 1795996800 + day * 86400
    records = "".join(
        f"<record><row><source_ip>{ip}</source_ip><count>{count}</count><policy_evaluated><disposition>none</disposition>"
        f"<dkim>{result}</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>goo.ne.jp</header_from>"
        f"</identifiers><auth_results><dkim><domain>goo.ne.jp</domain><selector>{SELECTOR}</selector><result>{result}</result>"
        f"</dkim></auth_results></record>"
        for ip, count, result in rows
    )
    return (
        f"<feedback><report_metadata><org_name>{org}</org_name><email>r@{org}</email>"
        f"<report_id>{report_id or f'{org}-{day}'}</report_id><date_range><begin>{begin}</begin><end>{begin + 86399}</end>"
        f"</date_range></report_metadata><policy_published><domain>goo.ne.jp</domain><p>none</p></policy_published>"
        f"{records}</feedback>"
    ).encode()


def test_a_large_report_of_thousands_of_rows(cli: Cli, tmp_path: Path) -> None:
    rows = [
        (f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", 1 + i % 5, "pass" if i % 100 else "fail") for i in range(6000)
    ]
    (tmp_path / "big.xml.gz").write_bytes(gzip.compress(_daily("google.com", 0, rows), mtime=0))
    code, data = _json(cli, tmp_path / "big.xml.gz")
    (report,) = data["reports"]
    messages = sum(count for _, count, _ in rows)
    passed = sum(count for _, count, result in rows if result == "pass")
    assert (report["messages"], report["dkim_aligned"], report["dmarc_pass"]) == (messages, passed, passed)
    assert (messages, passed) == (18000, 17940)
    assert len(data["summary"]["domains"][0]["sources"]) == 6000
    assert code == 1


def test_the_policy_verdict_says_safe_only_past_every_bar(cli: Cli, tmp_path: Path) -> None:
    for day in range(14):
        for org in ("google.com", "Yahoo"):
            (tmp_path / f"{org}-{day}.xml").write_bytes(_daily(org, day, [("54.240.8.10", 500, "pass")]))
    done = cli("dmarc-report", tmp_path, "--selector", SELECTOR)
    assert done.code == 0
    assert (
        "  verdict: safe to move to p=quarantine: 100.00% passed DMARC over 14 days, reported by 2 organisations"
    ) in done.out.splitlines()
    # One step off each bar: a third organisation needed, more days needed, a stricter threshold.
    assert "reporting organisations: 2 (need 3)" in cli("dmarc-report", tmp_path, "--min-orgs", "3").out
    assert "days with reports: 14 (need 15)" in cli("dmarc-report", tmp_path, "--min-days", "15", "--days", "15").out
    (tmp_path / "google.com-13.xml").write_bytes(
        _daily("google.com", 13, [("54.240.8.10", 495, "pass"), ("203.0.113.9", 5, "fail")], "google.com-13")
    )
    out = cli("dmarc-report", tmp_path, "--threshold", "99.99").out
    assert "DMARC pass 99.96% (need 99.99%)" in out
    assert "14,000 messages, 5 fail DMARC (0.04%)" in out


def test_domain_and_since_filter(cli: Cli, tmp_path: Path) -> None:
    for day in range(3):
        (tmp_path / f"d{day}.xml").write_bytes(_daily("google.com", day, [("54.240.8.10", 10, "pass")]))
    (tmp_path / "other.xml").write_bytes(_daily("google.com", 0, [], "x").replace(b"goo.ne.jp", b"example.org"))
    _, data = _json(cli, tmp_path, "--since", "2026-12-01", "--domain", "goo.ne.jp")
    assert [r["report_id"] for r in data["reports"]] == ["google.com-1", "google.com-2"]
    done = cli("dmarc-report", tmp_path, "--domain", "goo.ne.jp", "--since", "2027-01-01")
    assert done.code == 2
    assert done.err.startswith(f"error: no DMARC aggregate report for goo.ne.jp could be read in {tmp_path}; ")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><feedback>&a;</feedback>', "refused XML: a DOCTYPE"),
        (b'<?xml version="1.0"?>\n<!-- <feedback> -->\n<!DOCTYPE f SYSTEM "file:///etc/passwd"><feedback/>', "refused XML: a DOCTYPE"),
        ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x []><feedback/>'.encode("utf-16"), "refused XML: not UTF-8"),
        (b"<feedback>&lol;</feedback>", "not well-formed XML (line 1, column 10)"),
        (b"<html><body>not a report</body></html>", "not a DMARC aggregate report: the root is <html>"),
        (b"\x1f\x8b\x08\x00garbage", "cannot be read"),
        (b"PK\x03\x04garbage", "cannot be read"),
        (b"\x00\x01binary", "not a DMARC report: neither XML, gzip, zip nor mail"),
        (_daily("google.com", 0, [("1.2.3.4", 1, "pass")]).replace(b"<count>1</count>", b"<count>x</count>"), "<count> is not a whole number: `x`"),
        (_daily("google.com", 0, [("1.2.3.4", 1, "pass")]).replace(b"<report_id>google.com-0</report_id>", b""), "<report_metadata> has no <report_id>"),
    ],
)  # fmt: skip
def test_each_unreadable_file_is_one_error_and_the_others_still_count(
    cli: Cli, tmp_path: Path, content: bytes, error: str
) -> None:
    (tmp_path / "bad.xml").write_bytes(content)
    shutil.copy(FIXTURES / "rfc9990-report.xml", tmp_path / "good.xml")
    code, data = _json(cli, tmp_path)
    (bad,) = data["errors"]
    assert bad["file"] == str(tmp_path / "bad.xml")
    assert bad["error"].startswith(error)
    assert "\n" not in bad["error"]
    assert [r["messages"] for r in data["reports"]] == [10]
    assert code == 0


def test_a_decompression_bomb_stops_at_the_limit(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from byodkim.dmarc import sources

    monkeypatch.setattr(sources, "LIMIT", 1024 * 1024)
    bomb = b"<feedback>" + b" " * (4 * 1024 * 1024) + b"</feedback>"
    (tmp_path / "bomb.xml.gz").write_bytes(gzip.compress(bomb))
    done = cli("dmarc-report", tmp_path / "bomb.xml.gz", "-o", "json")
    assert json.loads(done.out)["errors"][0]["error"] == "more than 1 MiB once decompressed"
    assert done.code == 2


def test_no_report_at_all_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    done = cli("dmarc-report", tmp_path / "nothing-here")
    assert done.code == 2
    assert f"unreadable: {tmp_path / 'nothing-here'}: no such file or folder" in done.out


def test_the_docs_example_is_what_the_tool_prints(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parents[2])  # the page shows paths relative to the checkout
    page = (FIXTURES.parents[2] / "docs" / "dmarc-report.md").read_text(encoding="utf-8")
    block = page.split("```\n$ byodkim dmarc-report tests/fixtures/dmarc --selector gooid-21-pro-20250912-1\n")[1]
    shown = [line for line in block.split("```")[0].splitlines() if line.strip() != "..."]
    done = cli("dmarc-report", "tests/fixtures/dmarc", "--selector", SELECTOR)
    printed = done.out.splitlines()
    assert [line for line in shown if line not in printed] == []
    assert len(shown) == 13


def test_the_rollout_memo_shows_the_latest_dmarc_evidence(cli: Cli, emulator: Emulator) -> None:
    args = ("report", "--domain", "goo.ne.jp", "--region", "ap-northeast-1", "--dmarc-reports", FIXTURES)
    text = cli(*args)
    assert text.code == 0, text.err
    memo = text.out.split("DMARC evidence (receivers' aggregate reports)\n")[1].splitlines()
    assert memo[:3] == [
        "-" * 45,
        "  goo.ne.jp: 2026-11-30 to 2026-11-30, 6 reports",
        "    messages 306; DMARC pass 300 (98.04%); DKIM aligned 295 (96.41%); SPF aligned 5 (1.63%)",
    ]
    assert f"  unreadable: {FIXTURES / 'broken.xml'}: not well-formed XML (line 55, column 6)" in memo
    ja = cli(*args, "--lang", "ja", "-o", "markdown").out
    assert "## DMARC の証拠 (受信者の集約レポート)\n\n- goo.ne.jp: 2026-11-30 〜 2026-11-30、レポート 6 通\n" in ja
    data = json.loads(cli(*args, "-o", "json").out)
    assert data["dmarc"]["summary"]["domains"][0]["messages"] == 306
    assert len(data["dmarc"]["errors"]) == 2
    fleet = cli("report", "--domain", "goo.ne.jp", "--domain", "example.org", "--dmarc-reports", FIXTURES)
    assert (fleet.code, fleet.err) == (
        2,
        "error: --dmarc-reports is one domain's; give one --domain, or run dmarc-report for many\n",
    )


def test_reports_stored_in_s3_are_read_like_files(cli: Cli, emulator: Emulator) -> None:
    import boto3

    s3 = boto3.client("s3", region_name="ap-northeast-1")
    s3.create_bucket(Bucket="dmarc-rua", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    for name in ("google-report.eml", YAHOO, "yahoo-resent.eml", "broken.xml"):
        s3.put_object(Bucket="dmarc-rua", Key=f"reports/{name}", Body=(FIXTURES / name).read_bytes())
    s3.put_object(Bucket="dmarc-rua", Key="elsewhere/rfc9990-report.xml", Body=b"<feedback/>")
    code, data = _json(cli, "s3://dmarc-rua/reports/")
    assert sorted((r["file"], r["messages"]) for r in data["reports"]) == [
        ("s3://dmarc-rua/reports/google-report.eml", 154),
        ("s3://dmarc-rua/reports/yahoo-resent.eml", 50),  # S3 lists keys in byte order: "-" before "."
    ]
    assert data["errors"] == [
        {"file": "s3://dmarc-rua/reports/broken.xml", "error": "not well-formed XML (line 55, column 6)"}
    ]
    assert [d["file"] for d in data["summary"]["duplicates"]] == [f"s3://dmarc-rua/reports/{YAHOO}"]
    assert code == 0


def _s3_event(bucket: str, key: str) -> dict[str, object]:
    from urllib.parse import quote_plus

    return {
        "Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key)}}}]
    }


def _datapoints(cloudwatch: Any, metric: str, statistic: str) -> list[float]:
    points = cloudwatch.get_metric_statistics(
        Namespace="BYODKIM", MetricName=metric, Dimensions=[{"Name": "Domain", "Value": "goo.ne.jp"}],
        StartTime=datetime.now(UTC) - timedelta(hours=1), EndTime=datetime.now(UTC) + timedelta(hours=1),
        Period=3600, Statistics=[statistic],
    )["Datapoints"]  # fmt: skip
    return [float(p[statistic]) for p in points]


def _alarm_state(cloudwatch: Any, wanted: str, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cloudwatch.describe_alarms(AlarmNames=["dmarc-dkim-goo.ne.jp"])["MetricAlarms"][0]["StateValue"] == wanted:
            return True
        time.sleep(0.5)
    return False


def test_the_function_reads_a_stored_report_and_the_alarm_sees_the_selector_fail(emulator: Emulator) -> None:
    import boto3

    from byodkim.lambda_handler import handler

    s3 = boto3.client("s3", region_name="ap-northeast-1")
    cloudwatch = boto3.client("cloudwatch", region_name="ap-northeast-1")
    s3.create_bucket(Bucket="rua", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    # The emulator's clock is held and moved on by whole periods: each report lands in a window of its own.
    emulator.control("/_byodkim/clock", {"pause": True})
    cloudwatch.put_metric_alarm(
        AlarmName="dmarc-dkim-goo.ne.jp", Namespace="BYODKIM", MetricName="DmarcDkimAligned",
        Dimensions=[{"Name": "Domain", "Value": "goo.ne.jp"}], Statistic="Minimum", Period=10,
        EvaluationPeriods=1, Threshold=100.0, ComparisonOperator="LessThanThreshold", TreatMissingData="notBreaching",
    )  # fmt: skip
    emulator.control("/_byodkim/clock", {"advance": 10})  # an alarm counts only periods after its creation
    # Yahoo's report: all 45 messages signed with the domain's key passed aligned DKIM (5 more passed
    # on SPF alone, unsigned: not the key's business). The alarm goes to OK.
    s3.put_object(Bucket="rua", Key="inbound/yahoo resent.eml", Body=(FIXTURES / "yahoo-resent.eml").read_bytes())
    answer = handler(_s3_event("rua", "inbound/yahoo resent.eml"), None)
    assert answer["ok"] is True
    assert [(r["org_name"], r["messages"], r["dkim_aligned"]) for r in answer["reports"]] == [("Yahoo", 50, 45)]
    assert _datapoints(cloudwatch, "DmarcMessages", "Sum") == [45.0]
    assert _datapoints(cloudwatch, "DmarcDkimAligned", "Minimum") == [100.0]
    assert _alarm_state(cloudwatch, "OK")
    # Microsoft's report: the selector failed for 2 of 82 messages; the metric drops and the alarm fires.
    emulator.control("/_byodkim/clock", {"advance": 10})
    assert _alarm_state(cloudwatch, "OK")  # the period holding Yahoo's 100
    s3.put_object(Bucket="rua", Key="inbound/microsoft.xml", Body=(FIXTURES / MICROSOFT).read_bytes())
    assert handler(_s3_event("rua", "inbound/microsoft.xml"), None)["reports"][0]["dkim_aligned"] == 80
    emulator.control("/_byodkim/clock", {"advance": 10})
    assert _alarm_state(cloudwatch, "ALARM")
    # A stored object that is no report is one error in the answer, not a failed run for Lambda to retry.
    s3.put_object(Bucket="rua", Key="inbound/spam.eml", Body=b"From: x@example.org\n\nhello\n")
    assert handler(_s3_event("rua", "inbound/spam.eml"), None) == {
        "ok": True,
        "action": "dmarc",
        "reports": [],
        "errors": [
            {"file": "s3://rua/inbound/spam.eml", "error": "a mail with no DMARC report attached (gzip, zip or XML)"}
        ],
    }


def test_relaxed_alignment_with_and_without_the_public_suffix_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from byodkim.dmarc import summary

    assert summary.aligned("goo.ne.jp", "mail.goo.ne.jp")
    assert summary.aligned("news.goo.ne.jp", "goo.ne.jp")
    assert summary.aligned("a.goo.ne.jp", "b.goo.ne.jp")  # siblings: the same organizational domain
    assert not summary.aligned("amazonses.com", "goo.ne.jp")
    assert not summary.aligned("other.ne.jp", "goo.ne.jp")  # ne.jp is a public suffix
    # The Lambda's layer has no Public Suffix List: one inside the other still aligns, siblings do not.
    monkeypatch.setattr(summary, "_has_psl", lambda: False)
    assert summary.aligned("goo.ne.jp", "mail.goo.ne.jp")
    assert not summary.aligned("a.goo.ne.jp", "b.goo.ne.jp")


def test_each_guard_one_step_off(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from byodkim.dmarc import sources

    report = _daily("google.com", 0, [("54.240.8.10", 3, "pass")])
    # A prolog with comments and processing instructions but no DOCTYPE is read.
    first = b'<?xml version="1.0"?>\n<!-- <!DOCTYPE in a comment> -->\n<?xml-stylesheet href="x"?>\n' + report
    (tmp_path / "a.xml").write_bytes(first)
    # The same report ID from another organisation is another report.
    (tmp_path / "b.xml").write_bytes(report.replace(b"<org_name>google.com<", b"<org_name>Yahoo<"))
    # A gzip that unpacks to exactly the limit is read (the limit bounds every report's bytes).
    (tmp_path / "c.xml.gz").write_bytes(gzip.compress(first.replace(b"google.com-0", b"google.com-9")))
    monkeypatch.setattr(sources, "LIMIT", len(first))
    code, data = _json(cli, tmp_path)
    assert data["errors"] == []
    assert sorted((r["org_name"], r["report_id"], r["messages"]) for r in data["reports"]) == [
        ("Yahoo", "google.com-0", 3),
        ("google.com", "google.com-0", 3),
        ("google.com", "google.com-9", 3),
    ]
    assert code == 0
