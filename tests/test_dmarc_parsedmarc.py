"""Every DMARC fixture read by byodkim and by parsedmarc (the most used reader) must say the same thing.

byodkim parses reports itself (docs/decisions.md says why); parsedmarc, a dev dependency only,
is the reference. Rows are compared one by one: source, count, the receiver's aligned verdicts,
the From domain, and every raw DKIM result. Where parsedmarc rewrites a value on purpose (an
org_name that looks like a domain becomes its base domain; a report ID loses ``@host``), the
comparison says so.
"""

from __future__ import annotations

import gc
import gzip
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest

from byodkim.dkim.names import organizational
from byodkim.dmarc.model import FileError, Report
from byodkim.dmarc.sources import read_paths

FIXTURES = Path(__file__).parent / "fixtures" / "dmarc"
READABLE = sorted(p for p in FIXTURES.iterdir() if p.name != "broken.xml")


def _theirs(path: Path, tmp_path: Path) -> list[dict[str, Any]]:
    import parsedmarc  # type: ignore[import-untyped]

    if path.suffix == ".mbox":
        # parsedmarc opens an mbox for writing and leaves it open: give it a copy, and close it here.
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            found = list(parsedmarc.get_dmarc_reports_from_mbox(str(copy), offline=True)["aggregate_reports"])
            gc.collect()
        return found
    parsed = parsedmarc.parse_report_file(str(path), offline=True)
    assert parsed["report_type"] == "aggregate"
    return [parsed["report"]]


def _ours(path: Path) -> list[Report]:
    return [found for found in read_paths([str(path)]) if isinstance(found, Report)]


def _rows_of_theirs(report: dict[str, Any]) -> list[tuple[object, ...]]:
    return [
        (
            r["source"]["ip_address"],
            r["count"],
            r["policy_evaluated"]["dkim"] == "pass",
            r["policy_evaluated"]["spf"] == "pass",
            r["policy_evaluated"]["disposition"],
            r["identifiers"]["header_from"],
            tuple((d["domain"], d["selector"], d["result"]) for d in r["auth_results"]["dkim"]),
            tuple((s["domain"], s["result"]) for s in r["auth_results"]["spf"]),
        )
        for r in report["records"]
    ]


def _rows_of_ours(report: Report) -> list[tuple[object, ...]]:
    return [
        (
            row.source_ip,
            row.count,
            row.dkim_aligned,
            row.spf_aligned,
            row.disposition,
            row.header_from,
            tuple((d.domain, d.selector, d.result) for d in row.dkim),
            tuple((s.domain, s.result) for s in row.spf),
        )
        for row in report.rows
    ]


def _same(ours: Report, theirs: dict[str, Any]) -> None:
    meta = theirs["report_metadata"]
    # parsedmarc turns a domain-like org_name into its base domain, and drops "@host" from a report ID.
    assert meta["org_name"] in {ours.org_name, organizational(ours.org_name)}
    assert meta["report_id"] == ours.report_id.strip("<>").partition("@")[0]
    assert theirs["policy_published"]["domain"] == ours.domain
    assert theirs["policy_published"]["p"] == ours.policy
    assert (meta["begin_date"], meta["end_date"]) == ("2026-11-30 00:00:00", "2026-11-30 23:59:59")
    assert _rows_of_ours(ours) == _rows_of_theirs(theirs)
    assert sum(r["count"] for r in theirs["records"] if r["alignment"]["dmarc"]) == ours.count("dmarc_pass")


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_each_fixture_reads_as_parsedmarc_reads_it(path: Path, tmp_path: Path) -> None:
    ours, theirs = _ours(path), _theirs(path, tmp_path)
    assert len(ours) == len(theirs) == 1
    _same(ours[0], theirs[0])


def test_the_broken_file_is_invalid_xml_to_both(tmp_path: Path) -> None:
    # parsedmarc salvages the records before the cut and notes the error; byodkim counts none of a
    # truncated report (a partial day would pass as a whole one) and names the file instead.
    (theirs,) = _theirs(FIXTURES / "broken.xml", tmp_path)
    assert any(e.startswith("Invalid XML") for e in theirs["report_metadata"]["errors"])
    (error,) = read_paths([str(FIXTURES / "broken.xml")])
    assert isinstance(error, FileError)
    assert (error.file, error.error) == (str(FIXTURES / "broken.xml"), "not well-formed XML (line 55, column 6)")


def test_a_large_report_reads_as_parsedmarc_reads_it(tmp_path: Path) -> None:
    source = (FIXTURES / "rfc9990-report.xml").read_text(encoding="utf-8")
    head, _, rest = source.partition("  <record>")
    record = "  <record>" + rest.partition("</record>\n")[0] + "</record>\n"
    rows = "".join(
        record.replace("54.240.8.10", f"10.0.{i // 256}.{i % 256}").replace("<count>10<", f"<count>{i % 7 + 1}<")
        for i in range(3000)
    )
    big = tmp_path / "big.xml.gz"
    big.write_bytes(gzip.compress((head + rows + "</feedback>\n").encode(), mtime=0))
    (ours,) = _ours(big)
    assert len(ours.rows) == 3000
    assert ours.messages == sum(i % 7 + 1 for i in range(3000)) == 11994
    _same(ours, _theirs(big, tmp_path)[0])
