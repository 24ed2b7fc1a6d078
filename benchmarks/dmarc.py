"""A year of daily DMARC aggregate reports for 100 domains from 10 organisations, read by dmarc-report.

Writes one .xml.gz per report (365 x 100 x 10 = 365,000 files, as receivers send them; on /dev/shm
when there is one), then runs `byodkim dmarc-report DIR` as its own process, text and JSON, and
prints the wall time, reports per second and the process's peak memory (max RSS). A tenth of
the year is read first: if memory is bounded, the peak barely moves between the two.
Run: uv run python benchmarks/dmarc.py [--days 365] [--domains 100] [--orgs 10] [--keep DIR | --reuse DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SELECTOR = "bench-2026"
START = 1767225600  # 2026-01-01T00:00:00Z


def _report(org: str, domain: str, day: int) -> bytes:
    begin = START + day * 86400
    forgotten = (
        "<record><row><source_ip>203.0.113.9</source_ip><count>2</count><policy_evaluated><disposition>none"
        "</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>"
        f"{domain}</header_from></identifiers><auth_results><spf><domain>tool.example</domain><result>pass</result>"
        "</spf></auth_results></record>"
        if day % 7 == 0
        else ""
    )
    ses = "".join(
        f"<record><row><source_ip>54.240.8.{ip}</source_ip><count>{40 + ip + day % 5}</count><policy_evaluated>"
        "<disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers>"
        f"<envelope_from>ap-northeast-1.amazonses.com</envelope_from><header_from>{domain}</header_from></identifiers>"
        f"<auth_results><dkim><domain>{domain}</domain><selector>{SELECTOR}</selector><result>pass</result></dkim>"
        "<spf><domain>ap-northeast-1.amazonses.com</domain><scope>mfrom</scope><result>pass</result></spf>"
        "</auth_results></record>"
        for ip in (10, 11, 12)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" ?>\n<feedback><version>1.0</version><report_metadata><org_name>{org}'
        f"</org_name><email>dmarc@{org}</email><report_id>{org}-{domain}-{day}</report_id><date_range><begin>{begin}"
        f"</begin><end>{begin + 86399}</end></date_range></report_metadata><policy_published><domain>{domain}</domain>"
        f"<adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct></policy_published>{ses}{forgotten}"
        "</feedback>\n"
    ).encode()


def write(folder: Path, days: int, domains: int, orgs: int) -> int:
    """Write the reports; return how many."""
    count = 0
    for o in range(orgs):
        org = f"receiver{o}.example"
        for d in range(domains):
            domain = f"d{d:03}.goo.ne.jp"
            where = folder / org / domain
            where.mkdir(parents=True, exist_ok=True)
            for day in range(days):
                name = f"{org}!{domain}!{START + day * 86400}!{START + day * 86400 + 86399}.xml.gz"
                (where / name).write_bytes(gzip.compress(_report(org, domain, day), mtime=0))
                count += 1
    return count


def run(folders: list[Path], output: str) -> tuple[float, int, int]:
    """Run dmarc-report in a child process; return seconds, output bytes and the child's peak RSS in KiB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "byodkim", "dmarc-report", *map(str, folders), "--selector", SELECTOR, "-o", output],
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"dmarc-report exited {done.returncode}: {done.stderr.decode()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, len(done.stdout), max(peak, before)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--domains", type=int, default=100)
    parser.add_argument("--orgs", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="write the reports here and keep them")
    parser.add_argument("--reuse", type=Path, help="read the reports a --keep run left here, without writing")
    args = parser.parse_args()
    # tmpfs when there is one: the figure is for reading reports, not for the disk under them.
    shm = Path("/dev/shm")  # noqa: S108 - a private TemporaryDirectory is made inside it
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as temporary:
        folder = args.reuse or args.keep or Path(temporary)
        started = time.perf_counter()
        if args.reuse:
            total = sum(len(files) for _, _, files in os.walk(folder))
        else:
            total = write(folder, args.days, args.domains, args.orgs)
            print(f"wrote {total:,} reports in {time.perf_counter() - started:.1f} s")
        # A tenth first (one organisation), so the peak memory of the whole can be compared with it.
        tenth = sorted(folder.iterdir())[:1]
        part = total // args.orgs
        # ru_maxrss of children is the largest child so far: the smaller run goes first.
        runs = (("a tenth", tenth, part, "text"), ("all", [folder], total, "text"), ("all", [folder], total, "json"))
        for label, folders, n, output in runs:
            seconds, size, peak = run(folders, output)
            print(
                f"{label:8} {output:5}: {n:,} reports in {seconds:.1f} s ({n / seconds:,.0f}/s); "
                f"output {size / 1e6:.1f} MB; peak RSS so far {peak / 1024:.0f} MiB",
                flush=True,
            )


if __name__ == "__main__":
    main()
