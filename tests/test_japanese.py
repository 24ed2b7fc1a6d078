"""Japanese output as a Japanese operator reads it: no English sentence, headings underlined to display width.

Names (stacks, regions, selectors, hosts), commands and values stay as they are; what is left
of a line after removing them must not contain an English word.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from byodkim.aws.ses import RegionStatus
from byodkim.deployment import STACKS, Deployment
from byodkim.display import display_width
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from byodkim.dkim.request import render_request
from byodkim.dnscheck.judge import ServerAnswer
from byodkim.workflows.report import DnsView, LayerState, Rollout, StackState
from byodkim.workflows.rollout_memo import render

if TYPE_CHECKING:
    from byodkim.emulator import Emulator
    from conftest import Cli, NameServerFactory, OpenSSLKeys

TARGET = Deployment("aws-ses-migration", "prod", "aws-ses-migration-prod", "prod", "ap-northeast-1", "goo.ne.jp", "s1")
# Words that are names or values in any language: product names, statuses, option words in commands.
NAMES = {"BYODKIM", "SES", "DNS", "DKIM", "DMARC", "Lambda", "EXTERNAL", "SUCCESS", "PENDING", "UTC", "TXT",
         "TTL", "SOA", "NS", "Route", "AWS", "FAILED", "CREATE_COMPLETE", "RSA", "PEM", "ok", "on", "off", "byodkim",
         "report", "rotate", "dns", "request", "uv", "run", "dig", "short", "Amazon", "Secrets", "Manager", "prod", "CNAME", "dkimpy", "SPF", "From", "Gmail", "Yahoo", "RFC", "Sceptre", "Easy", "ID",
         # Authentication results stay as Authentication-Results writes them (RFC 8601): Japanese
         # mail operators write pass/fail, not 合格/不合格.
         "pass", "fail", "temperror", "KMS",
         # SMTP and header names: MAIL FROM, List-Unsubscribe (tokens with "-" are values already)
         "MAIL", "FROM"}  # fmt: skip


def _english_words(line: str) -> list[str]:
    text = re.sub(r"`[^`]*`", " ", line)  # code spans: commands, names, values
    text = re.sub(r"\S*[0-9_./:=@<>$\-]\S*", " ", text)  # tokens with digits or punctuation: names and values
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in NAMES]


def _rollout() -> Rollout:
    stacks = [StackState(s, TARGET.stack_name(s), "CREATE_COMPLETE") for s in STACKS]
    layer = LayerState("aws-ses-migration-prod-cryptography", "arn", 3, ["python3.12"], ["x86_64"], ["arn:x:3"])
    region = RegionStatus("ap-northeast-1", True, "EXTERNAL", True, "SUCCESS", ["s1"], fingerprint="sha256:ab")
    answer = ServerAnswer("ns1.goo.ne.jp (192.0.2.1)", "ok", serial=2026112901)
    dns = DnsView("s1", True, "1/1 servers publish the key at s1._domainkey.goo.ne.jp", [answer],
                  name="s1._domainkey.goo.ne.jp", good=1, total=1)  # fmt: skip
    mail = {"ok": True, "at": "2026-11-29T00:00:00Z", "region": "ap-northeast-1", "messageId": "m-1",
            "aligned": {"d": "goo.ne.jp", "s": "s1"}}  # fmt: skip
    from byodkim.dnscheck.posture import DmarcView, SpfView
    from byodkim.messages import say
    from byodkim.workflows.domaincheck import Posture, _requirements

    posture = Posture("goo.ne.jp", None, "s1", SpfView("goo.ne.jp", None), None,
                      DmarcView("goo.ne.jp", None, None, problems=[say("posture.no_dmarc", domain="goo.ne.jp")]), None,
                      [region], dkim_aligned=True)  # fmt: skip
    posture.requirements = _requirements(posture, [region])
    return Rollout(TARGET, "goo.ne.jp", "s1", "2026-11-29 00:00 UTC", stacks, layer, [region], [dns], mail, posture)


def test_the_japanese_report_has_no_english_sentence_and_underlines_fit() -> None:
    text = render(_rollout(), "text", "ja", "uv run byodkim")
    lines = text.splitlines()
    for line in lines:
        if line.lstrip().startswith("$ "):
            continue  # a command
        assert not _english_words(line), line
    for above, line in itertools.pairwise(lines):
        if line and set(line) == {"-"}:
            assert len(line) == display_width(above), (above, line)
    assert "スタック\n--------\n" in text  # 4 characters, 8 columns


def test_the_japanese_request_has_no_english_sentence_and_shows_an_idn_both_ways() -> None:
    record = DkimRecord("xn--wgv71a.jp", "s1", keys.generate().public.b64)
    text = render_request(record, "ja")
    inside_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            inside_code = not inside_code
            continue
        if inside_code:
            continue  # zone lines and commands
        assert not _english_words(line), line
    assert "（日本.jp (xn--wgv71a.jp) の DKIM 公開鍵）" in text
    assert "| 対象ゾーン | `xn--wgv71a.jp` (日本.jp) |" in text


def test_verify_in_japanese_on_every_record_variant(name_server: NameServerFactory, cli: Cli, tmp_path: Path) -> None:
    """Every line verify prints, for 25 ways a record can be published, reads as Japanese."""
    import test_receivers as variants

    zones = {name: variants._zone(i, name) for i, name in enumerate(variants.VARIANTS)}
    server = name_server({origin: text for _domain, origin, text in zones.values()})
    keys.write_key_files(tmp_path, "sel", variants.KEY)
    leftovers = []
    for name, (domain, _origin, _text) in zones.items():
        shown = cli("verify", "--domain", domain, "--selector", "sel", "--key-file", tmp_path / "sel.private.pem",
                    "--nameserver", server.spec, "--query-timeout", "1", "--lang", "ja")  # fmt: skip
        leftovers += [(name, line) for line in shown.out.splitlines() if _english_words(line)]
    assert leftovers == []


@pytest.mark.usefixtures("no_credentials")
def test_errors_follow_a_japanese_locale(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    result = cli("status", "--domain", "goo.ne.jp", "--region", "ap-northeast-1")
    assert result.err == (
        "エラー: AWS の認証情報がありません。AWS_PROFILE を設定するか、aws configure または aws sso login を実行してください\n"
    )
    result = cli("status", "--domain", "goo.ne.jp", "--region", "ap-northeast-9")
    assert result.err == (  # the option named, as in English ("Invalid value for '--region': ...")
        "エラー: '--region' の値が正しくありません: `ap-northeast-9` は AWS のリージョンではありません。"
        "ap-northeast-1 (東京) のように指定してください ('byodkim status --help' を参照)\n"
    )


def test_verify_wait_speaks_one_language(name_server: NameServerFactory, cli: Cli, tmp_path: Path) -> None:
    """The wait line and the give-up error read as Japanese (they mixed both before the catalogue)."""
    import test_receivers as variants

    domain, origin, text = variants._zone(0, "good")
    server = name_server({origin: text})
    keys.write_key_files(tmp_path, "other", variants.KEY)
    shown = cli("verify", "--domain", domain, "--selector", "other", "--key-file", tmp_path / "other.private.pem",
                "--nameserver", server.spec, "--query-timeout", "1", "--wait", "--timeout", "1s", "--interval", "0.2",
                "--lang", "ja")  # fmt: skip
    assert shown.code == 3
    lines = shown.err.splitlines()
    # The domain is not the one the Sceptre config declares: the warning speaks Japanese too.
    assert lines[0] == f"警告: {domain} は Sceptre の設定に宣言されていません (宣言済み: goo.ne.jp)"
    assert lines[1].startswith("待機中 0 秒: other._domainkey.")
    assert lines[-1].startswith("エラー: 1 秒待って打ち切りました: other._domainkey.")
    assert [line for line in lines if _english_words(line)] == []


def test_options_that_exclude_each_other_are_named_in_the_commands_language(cli: Cli) -> None:
    """verify with no key source: one line naming the three options, in Japanese under --lang ja."""
    shown = cli("verify", "--domain", "goo.ne.jp", "--selector", "s1", "--lang", "ja")
    assert (shown.code, shown.err) == (
        2,
        "エラー: --key-file, --public-key-file または --secret-id のどれか 1 つだけを指定してください\n",
    )
    shown = cli("verify", "--domain", "goo.ne.jp", "--selector", "s1")
    assert shown.err == "error: give exactly one of --key-file, --public-key-file or --secret-id\n"


def test_a_refused_domain_or_selector_reads_as_japanese(cli: Cli) -> None:
    """The library's refusal behind an option comes from its key, inside click's line in Japanese."""
    shown = cli("verify", "--domain", "a@goo.ne.jp", "--selector", "s", "--lang", "ja")
    assert shown.code == 2
    assert shown.err == (
        "エラー: '--domain' の値が正しくありません: `a@goo.ne.jp` はメールアドレスで、ドメインではありません。"
        "@ より後ろだけを指定してください (例: goo.ne.jp) ('byodkim verify --help' を参照)\n"
    )
    shown = cli("verify", "--domain", "goo.ne.jp", "--selector", "s1._domainkey.goo.ne.jp", "--lang", "ja")
    assert shown.err.startswith(
        "エラー: '--selector' の値が正しくありません: `s1._domainkey.goo.ne.jp` はレコードの名前で"
    )


def test_the_japanese_verify_table_lines_up_by_display_width() -> None:
    """Japanese outcome words take two columns a character: the next column starts at one place on every row."""
    from byodkim.cli.render import verify_lines
    from byodkim.dnscheck.check import Report
    from byodkim.dnscheck.wait import Waited
    from byodkim.messages import say

    answers = [
        ServerAnswer("ns1.goo.ne.jp (192.0.2.1)", "ok", 2026112802, say("dns.matches", fingerprint="sha256:4369")),
        ServerAnswer("ns2.goo.ne.jp (192.0.2.2)", "private key published", 2026112801, say("dns.no_txt")),
        ServerAnswer("ns3.goo.ne.jp (192.0.2.3)", "timeout", None, say("dns.no_answer", seconds="3")),
    ]
    lines = verify_lines(Waited(Report("s1._domainkey.goo.ne.jp", "goo.ne.jp", "sha256:ab", answers), None, 0, 1), "ja")
    rows = lines[1:4]
    assert {display_width(row.split("シリアル")[0]) for row in rows} == {42}
    assert (
        len({display_width(row[: row.index(detail)]) for row, detail in zip(rows, ("鍵", "この", "3 秒"), strict=True)})
        == 1
    )


def test_status_in_japanese_has_no_english_sentence(cli: Cli, emulator: Emulator) -> None:
    """status's table header, sending column, Easy DKIM notes and its "no identity" error come from the catalogue."""
    import boto3

    assert emulator  # boto3 below reaches it through the environment the fixture set
    boto3.client("sesv2", region_name="ap-northeast-1").create_email_identity(EmailIdentity="goo.ne.jp")  # Easy DKIM
    shown = cli("status", "--domain", "goo.ne.jp", "--region", "ap-northeast-1", "--no-dns", "--lang", "ja")
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert lines[0].split() == ["リージョン", "鍵の出所", "状態", "署名", "セレクタ", "送信", "鍵の作成日時"]
    assert "Easy DKIM (トークン 3 個)" in lines[1]
    assert lines[2] == "ap-northeast-1: Easy DKIM の CNAME レコード:"
    missing = cli("status", "--domain", "goo.ne.jp", "--region", "us-east-1", "--no-dns", "--lang", "ja")
    assert (missing.code, missing.out, missing.err) == (
        1,
        "us-east-1: goo.ne.jp の ID はありません\n",
        (
            "警告: --region us-east-1 は goo.ne.jp に宣言されていません (宣言済み: ap-northeast-1)\n"
            "エラー: us-east-1 に goo.ne.jp の SES ID はありません\n"
        ),
    )
    # CNAME lines are records (names and values); every other line reads as Japanese.
    prose = [line for line in shown.out.splitlines() + missing.err.splitlines() if not line.startswith("  ")]
    assert [line for line in prose if _english_words(line)] == []


@pytest.mark.parametrize(
    ("declared", "japanese"),
    [
        (
            "domains: goo.ne.jp",
            "の `domains` がリストではありません。1 行に 1 つ `- domain: NAME` の形で書いてください",
        ),
        ("domains:\n  - domain: d1.example\n  - d1.example", "の `domains` に d1.example が 2 回あります。"),
        ("domains:\n  - domain: d1.example\n    regions: [tokyo]", "の `tokyo` は AWS のリージョン名ではありません。"),
    ],
)
def test_a_broken_sceptre_config_is_refused_in_japanese(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declared: str, japanese: str
) -> None:
    """deployment.py's refusals are catalogue keys: under --lang ja the line is Japanese, exit 2."""
    import shutil

    folder = tmp_path / "sceptre"
    shutil.copytree(Path(__file__).resolve().parents[1] / "sceptre", folder)
    with (folder / "config" / "prod" / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"\n{declared}\n")
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(folder))
    shown = cli("keygen", "--all", "--key-dir", tmp_path / "keys", "--lang", "ja")
    assert shown.code == 2, shown.out + shown.err
    assert shown.err.startswith("エラー: ")
    assert japanese in shown.err
    assert _english_words(shown.err.replace(str(folder), "")) == []


def test_sandbox_dns_says_what_it_did_in_japanese(name_server: NameServerFactory, cli: Cli, tmp_path: Path) -> None:
    """sandbox dns's lines (publish, corrupt, remove) come from the catalogue under --lang ja."""
    from byodkim.local.dns import zone_text

    server = name_server({"goo.ne.jp": zone_text("goo.ne.jp", 1, [])})
    keys.write_key_files(tmp_path, "s1", keys.generate())
    common = ("--domain", "goo.ne.jp", "--selector", "s1", "--nameserver", server.spec, "--lang", "ja")
    public = ("--public-key-file", tmp_path / "s1.public.pem")
    published = cli("sandbox", "dns", "publish", *common, *public)
    assert published.code == 0, published.err
    assert published.out.startswith("s1._domainkey.goo.ne.jp にレコードを公開しました (鍵 sha256:")
    corrupted = cli("sandbox", "dns", "corrupt", *common, *public)
    assert corrupted.out.startswith("s1._domainkey.goo.ne.jp にレコードを 255 文字で切って公開しました (鍵 ")
    removed = cli("sandbox", "dns", "remove", *common)
    assert removed.out == "s1._domainkey.goo.ne.jp の TXT レコードを削除しました\n"


def test_register_speaks_the_commands_language(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    """register --lang ja: the key's line and each region's line in Japanese (the calls it would make are API names)."""
    shown = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"],
                "--dry-run", "--lang", "ja")  # fmt: skip
    assert shown.code == 0, shown.err
    lines = [line for line in shown.out.splitlines() if not line.lstrip().startswith("呼び出し予定")]
    assert lines
    assert [line for line in lines if _english_words(line)] == []
