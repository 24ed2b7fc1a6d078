"""One catalogue, the same facts: check-domain and the fleet lines in English and Japanese, as text, Markdown and JSON.

Each language and form is rendered from the same keys, so a record the DNS team must add, a fix
or a unit's next step shown in one is shown in every other (issue 25, "one message catalogue").
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from byodkim.deployment import DomainSpec
from byodkim.dkim import keys
from byodkim.messages import render, say, text_of
from byodkim.workflows.nextstep import stage
from byodkim.workflows.report import DnsView
from test_check_domain import KEY, SEL, dns  # noqa: F401 - the BIND fixture with check-domain's zones
from test_japanese_sweep import english_sentences
from test_nextstep import _region, _rollout

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.local.dns import LocalNameServer
    from byodkim.workflows.units import Outcome
    from conftest import Cli

FORMS = [(lang, output) for lang in ("en", "ja") for output in ("text", "markdown", "json")]

# Per domain: the records its fixes add (as the DNS team types them), the fixes that are sentences
# (catalogue keys), and what DNS holds that every form must show.
CASES = {
    "noses.jp": (
        "mail.noses.jp",
        [
            'mail.noses.jp. TXT "v=spf1 include:amazonses.com ~all"',
            "mail.noses.jp. MX 10 feedback-smtp.REGION.amazonses.com.",
        ],
        [],
        ["v=spf1 ip4:192.0.2.0/24 -all", "v=DMARC1; p=none; rua=mailto:d@noses.jp", "sel._domainkey.noses.jp"],
    ),
    "nodmarc.jp": (
        None,
        ['_dmarc.nodmarc.jp. TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.jp"'],
        [],
        ["_dmarc.nodmarc.jp", "sel._domainkey.nodmarc.jp"],
    ),
    "strict.jp": (
        "mail.strict.jp",
        [],
        ["posture.dkim_fix", "posture.align_fix"],
        ["v=spf1 include:amazonses.com -all", "v=DMARC1; p=reject; aspf=s; rua=mailto:d@strict.jp", "aspf=s"],
    ),
}


def _shown(output: str, text: str) -> str:
    """Return what a form says, as one text (JSON: every string in it)."""
    if output != "json":
        return text
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for part in value.values():
                walk(part)
        elif isinstance(value, list):
            for part in value:
                walk(part)

    walk(json.loads(text))
    return "\n".join(found)


@pytest.mark.parametrize("domain", sorted(CASES))
def test_check_domain_shows_every_record_fix_and_finding_in_every_language_and_form(
    dns: LocalNameServer,  # noqa: F811 - the fixture imported above
    cli: Cli,
    tmp_path: Path,
    domain: str,
) -> None:
    mail_from, records, fixes, held = CASES[domain]
    keys.write_key_files(tmp_path, SEL, KEY)
    args = ["check-domain", "--no-ses", "--selector", SEL, "--public-key-file", str(tmp_path / f"{SEL}.public.pem"),
            "--nameserver", dns.spec, "--domain", domain, *(["--mail-from", mail_from] if mail_from else [])]  # fmt: skip
    codes = set()
    for lang, output in FORMS:
        result = cli(*args, "--lang", lang, "-o", output)
        codes.add(result.code)
        shown = _shown(output, result.out)
        where = f"{domain} --lang {lang} -o {output}:\n{result.out}"
        for record in records:
            # The memo and its Markdown: each record alone, in backticks; text and JSON: the record itself.
            assert (f"`{record}`" if output == "markdown" else record) in shown, where
        for key in fixes:
            assert text_of(key, "en" if output == "json" else lang) in shown, where
        for fact in held:
            assert fact in shown, where
        if lang == "ja" and output != "json":
            assert [s for line in shown.splitlines() for s in english_sentences(line)] == [], where
    assert codes == {1}


def test_the_memo_shows_the_mail_from_pair_as_records_in_both_languages() -> None:
    """report's posture section: the MAIL FROM pair is two records, in backticks, whatever the language."""
    from byodkim.dnscheck.posture import DmarcView, SpfView
    from byodkim.workflows.domaincheck import NOT_MET, Posture, Requirement
    from byodkim.workflows.rollout_memo import _Memo

    pair = (
        'mail.goo.ne.jp. TXT "v=spf1 include:amazonses.com ~all"',
        "mail.goo.ne.jp. MX 10 feedback-smtp.R.amazonses.com.",
    )
    fix = say("posture.spf_fix", sub="mail.goo.ne.jp", region="R")
    posture = Posture("goo.ne.jp", "mail.goo.ne.jp", SEL, SpfView("goo.ne.jp", None), None,
                      DmarcView("goo.ne.jp", None, None), None)  # fmt: skip
    posture.requirements = [
        Requirement("SPF", NOT_MET, "", fix, pair),
        Requirement("DKIM", NOT_MET, "", say("posture.dkim_fix")),
    ]
    for lang in ("en", "ja"):
        memo = _Memo(lang, markdown=False)
        memo.posture(posture)
        assert [line.strip() for line in memo.lines if "`mail.goo.ne.jp." in line] == [f"`{r}`" for r in pair]
        # A fix that is no record is a sentence, in English too.
        assert f"    {text_of('memo.fix_line', lang).format(fix=render(say('posture.dkim_fix'), lang))}" in memo.lines


# --- the fleet lines ---------------------------------------------------------------------------------

NAME = "new-1._domainkey.goo.ne.jp"
LIVE = [DnsView("new-1", True, say("dns.summary", good=2, total=2, name=NAME))]
STAGES = {
    "not registered": _rollout([_region(None)], [], selector=None),
    "no key": replace(_rollout([_region(None)], [], selector=None), unkept="byodkim/dkim/goo.ne.jp/new-1"),
    "waiting for DNS": _rollout(
        [_region("PENDING")], [DnsView("new-1", False, say("dns.summary", good=0, total=2, name=NAME))]
    ),
    "PENDING": _rollout([_region("PENDING")], LIVE),
    "FAILED": _rollout([_region("FAILED")], LIVE),
    "SUCCESS": _rollout([_region("SUCCESS")], LIVE),
}


def _outcomes() -> list[Outcome]:
    return [stage(rollout) for rollout in STAGES.values()]


def _step(outcome: Outcome, lang: str) -> str:
    from byodkim.cli.fleet import coded

    return render(coded("fleet.next.", outcome.next), lang)


def test_every_fleet_stage_shows_its_record_and_next_step_in_every_language_and_form(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from byodkim.cli import fleet
    from byodkim.cli.rollout import _fleet_memo
    from byodkim.workflows.units import Unit

    outcomes = _outcomes()
    assert [o.action for o in outcomes] == list(STAGES)
    assert all(o.next for o in outcomes)  # every stage says what to do next, the failed one too
    for outcome in outcomes:
        record = NAME if outcome.detail else ""  # the record's name, in every language
        assert json.loads(fleet._json_line(outcome.as_dict()))["detail"].endswith(f"next: {_step(outcome, 'en')}")
        for lang in ("en", "ja"):
            line = fleet.line(outcome, lang)
            assert _step(outcome, lang) in line, line
            assert record in line, line
            assert line.startswith(text_of("fleet.mark.ok" if outcome.ok else "fleet.mark.fail", lang) + "  goo.ne.jp")
            if lang == "ja":
                assert english_sentences(line) == [], line
    # The secret a domain with no key would fill: in each language, in its own words.
    unkept = outcomes[1]
    assert fleet.line(unkept, "en") == "ok    goo.ne.jp: no key (next: register (byodkim/dkim/goo.ne.jp/new-1))"
    assert (
        fleet.line(unkept, "ja")
        == "OK  goo.ne.jp: 鍵なし (次: register で登録 (鍵は byodkim/dkim/goo.ne.jp/new-1 に保存))"
    )
    # report --all -o markdown: the same steps in a table row per domain.
    by_domain = {f"d{n}.jp": outcome for n, outcome in enumerate(outcomes)}
    todo = [Unit(DomainSpec(domain, "new-1", ("ap-northeast-1",))) for domain in by_domain]
    for lang in ("en", "ja"):
        capsys.readouterr()
        _fleet_memo(todo, lambda unit: replace(by_domain[unit.domain], domain=unit.domain), lang, None)
        memo = capsys.readouterr().out
        for outcome in outcomes:
            assert f" | {_step(outcome, lang)} |" in memo, memo


def test_the_summary_says_the_same_in_both_languages() -> None:
    from byodkim.cli.fleet import summary_line
    from byodkim.workflows.units import Summary

    done = Summary(3, 1, 1.25, {"created": 2, "failed": 1})
    assert summary_line(done) == "3 in 1.2 s: 2 ok, 1 failed (created 2, failed 1)"
    assert summary_line(done, "ja") == "3 件 (1.2 秒): OK 2、NG 1 (作成 2、失敗 1)"
    assert summary_line(Summary(0, 0, 0.0, {}), "ja") == "0 件 (0.0 秒): OK 0、NG 0 (処理なし)"
