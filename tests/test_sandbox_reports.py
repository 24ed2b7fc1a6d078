"""`byodkim sandbox --receive-dmarc-reports`: after SUCCESS, a receiver's report arrives, is read and measured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import require_tool

if TYPE_CHECKING:
    from conftest import Cli


def test_the_sandbox_with_reporting_on_shows_a_report_arriving_read_and_measured(cli: Cli) -> None:
    require_tool("named", "apt-get install bind9")
    ran = cli("sandbox", "--receive-dmarc-reports")
    assert ran.code == 0, ran.err[-3000:]
    rua = "dmarc@reports.goo.ne.jp"
    assert f"phase 8 relaunched with dmarc_reports_address {rua} (rule set, bucket, alarm)" in ran.err
    assert (
        "receipt rule set `aws-ses-migration-prod-dmarc-reports` is now active in ap-northeast-1 (before: none)"
        in ran.err
    )
    assert f"a receiver's DMARC report mailed to {rua}: SES stored it, its notification ran the function" in ran.err
    assert "the function read receiver.example report sandbox-" in ran.err
    assert "(s3://aws-ses-migration-prod-dmarc-reports-123456789012/reports/" in ran.err
    assert "and sent BYODKIM/DmarcDkimAligned goo.ne.jp = 100%" in ran.err
    # The memo ends with the evidence read back from the bucket, as `report --dmarc-reports` shows it.
    memo = ran.out.split("DMARC evidence (receivers' aggregate reports)", 1)[1]
    assert "selector gooid-21-pro-20250912-1: 12 of 12 signed messages passed aligned DKIM (100.00%)" in memo
