"""The commands of a rollout under a Japanese locale: each one's success and its usual refusal, line by line.

keygen, register, phase, rotate, rollback, send-test, build-layer, adopt, retain,
continue-rollback, preflight, iam-policy and ``sandbox dns`` print from the catalogue: under
``LANG=ja_JP.UTF-8`` every line reads as Japanese (names, commands and values stay as they are).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import test_mail
from test_japanese import _english_words

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli, CliResult, OpenSSLKeys

mail_world = test_mail.mail_world  # the fixture, shared


@pytest.fixture
def ja(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Japanese locale, as an operator's terminal has it (no --lang given)."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    for name in ("UV", "UV_RUN_RECURSION_DEPTH"):  # commands shown as next steps read `byodkim ...`
        monkeypatch.delenv(name, raising=False)


def _english(result: CliResult) -> list[str]:
    """Return the lines of a run that still hold an English sentence (a command shown as a step is not one)."""
    lines = (result.out + result.err).splitlines()
    return [line for line in lines if set(_english_words(_without_commands(line))) - VALUES]


# Words that are values here: a zone-file line's class and type, the name server software, a file type and a unit.
VALUES = {"IN", "BIND", "zip", "MB"}


def _without_commands(line: str) -> str:
    """Drop byodkim and other tools' command lines shown inside a line, which stay as typed."""
    import re

    return re.sub(r"(?:uv run )?(?:byodkim|sceptre|aws) [^、。()`]*", " ", line)


@pytest.mark.usefixtures("ja")
@pytest.mark.usefixtures("emulator")
def test_register_in_japanese(cli: Cli, openssl_keys: OpenSSLKeys) -> None:
    key = openssl_keys["pkcs1.pem"]
    both = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", key, "--secret-id", "x")
    assert (both.code, both.err) == (2, "エラー: --key-file と --secret-id は同時に指定できません\n")
    done = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", key)
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[0].endswith(": 保存しました: byodkim/dkim/goo.ne.jp/s1 (ap-northeast-1)")
    assert lines[1:] == [
        "ap-northeast-1: 作成 (DKIM PENDING)",
        (
            "次: レコードを公開してもらい (byodkim phase 4 --domain goo.ne.jp、続いてフェーズ 5)、byodkim verify --domain "
            "goo.ne.jp --selector s1 --secret-id byodkim/dkim/goo.ne.jp/s1 --ses --wait で確認してください"
        ),
    ]
    assert _english(done) == []


@pytest.mark.usefixtures("ja")
@pytest.mark.usefixtures("emulator")
def test_rollback_in_japanese(cli: Cli, openssl_keys: OpenSSLKeys) -> None:
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]).code == 0
    )
    refused = cli("rollback", "--domain", "goo.ne.jp")
    assert (refused.code, refused.err) == (
        2,
        "エラー: rollback はメールの署名方法を変えるため、確認が必要です。端末で実行するか、-y/--yes を付けてください\n",
    )
    planned = cli(
        "rollback", "--domain", "goo.ne.jp", "--dry-run", "--region", "ap-northeast-1", "--region", "eu-west-1"
    )
    assert planned.out.splitlines() == [
        "ap-northeast-1: Easy DKIM に切り替えます (ドライラン。現在の DKIM PENDING)",
        "eu-west-1: ID がないため何もしません (現在の DKIM NO IDENTITY)",
    ]
    done = cli("rollback", "--domain", "goo.ne.jp", "-y")
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[:2] == [
        "ap-northeast-1: Easy DKIM に戻しました (DKIM PENDING)",
        "ap-northeast-1 用に次のレコード (BIND 形式) を公開し、`byodkim status --domain goo.ne.jp` で確認してください:",
    ]
    assert done.err.startswith("警告: 切り替え後、Easy DKIM の CNAME レコード 3 件が公開され SES が検証するまで、")
    assert _english(done) == []


@pytest.mark.usefixtures("ja", "emulator")
def test_phase_in_japanese(cli: Cli, openssl_keys: OpenSSLKeys, goo_dns: LocalNameServer) -> None:
    """Phase 4's answer reads as labelled lines, the record below its label; phase 7 the same; no JSON."""
    import boto3

    from byodkim import deployment

    unset = cli("phase", "4", "--domain", "goo.ne.jp")
    assert (unset.code, unset.err) == (
        2,
        (
            "エラー: goo.ne.jp のセレクタがありません: /byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/selector が設定されて"
            'いません。ペイロードで "selector" を指定するか、phase-4 を起動してください\n'
        ),
    )
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]).code == 0
    )
    bucket = deployment.resolve(None, None).certificates_bucket
    boto3.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    prepared = cli("phase", "4", "--domain", "goo.ne.jp")
    assert prepared.code == 0, prepared.err
    lines = prepared.out.splitlines()
    assert lines[:5] == [
        "フェーズ: 4",
        "セレクタ: s1",
        "セレクタの出所: ap-northeast-1 の SES (SES が持つ鍵)",
        "レコード:",
        "  名前: s1._domainkey.goo.ne.jp",
    ]
    assert lines[-6:-5] == ["保存したファイル:"]
    assert lines[-1] == f"  s3://{bucket}/dns/goo.ne.jp/s1/request-ja.md"
    assert "{" not in prepared.out
    assert _english(prepared) == []
    checked = cli("phase", "7", "--domain", "goo.ne.jp", "--selector", "s1", "--nameserver", goo_dns.spec)
    assert checked.out.splitlines() == [
        "フェーズ: 7",
        "DNS: s1._domainkey.goo.ne.jp の鍵を公開している権威サーバー: 0/1 台",
        "全サーバーで公開済み: いいえ",
        "SES: PENDING",
    ]
    english = cli(
        "phase", "7", "--domain", "goo.ne.jp", "--selector", "s1", "--nameserver", goo_dns.spec, "--lang", "en"
    )
    assert english.out.splitlines() == [
        "phase: 7",
        "dns: 0/1 servers publish the key at s1._domainkey.goo.ne.jp",
        "dnsOk: false",
        "ses: PENDING",
    ]


@pytest.mark.usefixtures("ja")
def test_rotate_in_japanese(cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path) -> None:
    """The refusal, the plan, each step's progress and the last line of a rotation, in Japanese."""
    import test_rotate

    old, new = test_rotate.OLD, test_rotate.NEW
    args = ("rotate", "--domain", "goo.ne.jp", "--new-selector", new, "--nameserver", goo_dns.spec,
            "--state-dir", tmp_path / "state", "--interval", "0.1", "--timeout", "20s")  # fmt: skip
    refused = cli(*args)
    assert (refused.code, refused.err) == (
        2,
        "エラー: ap-northeast-1 の goo.ne.jp は BYODKIM になっていません。先に鍵を登録してください (byodkim register)\n",
    )
    test_rotate._start_on_byodkim(cli, emulator, goo_dns, tmp_path)
    planned = cli(*args, "--dry-run")
    assert planned.out.splitlines() == [
        f"goo.ne.jp の {old} から {new} へのローテーション: 完了した手順: まだなし",
        "次の実行で行う手順: `keyed`: 新しい鍵を生成して Secrets Manager に保存",
    ]
    requested = cli(*args, "--until", "requested")
    assert requested.code == 0, requested.err
    assert requested.err.splitlines() == [
        "手順 `keyed`: 新しい鍵を生成して Secrets Manager に保存 (完了)",
        "手順 `requested`: DNS 依頼書を作成 (完了)",
    ]
    request_file = tmp_path / "state" / f"dns-request-goo.ne.jp-{new}.md"
    assert requested.out.splitlines() == [
        f"{request_file} を DNS チームに送り、その後同じコマンドをもう一度実行してください",
        f"手順 `requested` の後で停止しました。状態は {tmp_path / 'state' / 'rotation-goo.ne.jp.json'} にあります",
    ]
    assert f"{old}._domainkey.goo.ne.jp はそのまま残してください。" in request_file.read_text(encoding="utf-8")
    test_rotate._publish_new(goo_dns)
    done = cli(*args)
    assert done.code == 0, done.err
    assert done.err.splitlines()[:2] == [
        "手順 `keyed`: 新しい鍵を生成して Secrets Manager に保存 (実施済み)",
        "手順 `requested`: DNS 依頼書を作成 (実施済み)",
    ]
    assert done.out.startswith(
        f"goo.ne.jp を {old} から {new} にローテーションしました。古いレコード {old}._domainkey.goo.ne.jp は 20"
    )
    assert [line for line in (requested, done) if _english(line)] == []


@pytest.mark.usefixtures("ja")
def test_send_test_in_japanese(mail_world: tuple[LocalNameServer, Emulator], cli: Cli) -> None:
    """send-test's own lines (the judged copy is check-mail's, rendered by its own test)."""
    server, _emulator = mail_world
    args = ["send-test", "--domain", "goo.ne.jp", "--to", "postmaster@goo.ne.jp", "--nameserver", server.spec]
    wrong = cli(*args, "--from", "news@other.example")
    assert (wrong.code, wrong.err) == (
        2,
        (
            "エラー: --from `news@other.example` は goo.ne.jp のアドレスではありません。"
            "goo.ne.jp のアドレスから送ってください (例: dkim-check@goo.ne.jp)\n"
        ),
    )
    planned = cli(*args, "--from", "dkim-check@goo.ne.jp", "--dry-run")
    assert planned.out == (
        "ap-northeast-1: SES で dkim-check@goo.ne.jp から postmaster@goo.ne.jp へメールを 1 通送ります (ドライラン)\n"
    )
    sent = cli(*args, "--from", "dkim-check@goo.ne.jp", "--selector", test_mail.SELECTOR)
    assert sent.code == 0, sent.err
    first = sent.out.splitlines()[0]
    assert first.startswith("ap-northeast-1: ")
    assert first.endswith(" を送りました。SES が送ったメールを受信者と同じように判定した結果:")


@pytest.mark.usefixtures("ja", "emulator")
def test_build_layer_in_japanese(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """build-layer's refusal, its progress steps and what it built and published."""
    monkeypatch.chdir(tmp_path)
    refused = cli("build-layer", "--publish")
    assert (refused.code, refused.err) == (
        2,
        "エラー: --publish には --layer-name が必要です。例: --layer-name aws-ses-migration-prod-cryptography\n",
    )
    arch = cli("build-layer", "--arch", "i386")
    assert arch.err == (
        "エラー: '--arch' の値が正しくありません: `i386` は Lambda のアーキテクチャではありません。"
        "x86_64 か arm64 を使ってください ('byodkim build-layer --help' を参照)\n"
    )
    monkeypatch.setenv("BYODKIM_CACHE_DIR", str(tmp_path / "cache"))
    args = ("build-layer", "--out", tmp_path / "l.zip", "--publish", "--layer-name", "lay")
    built = cli(*args)
    assert built.code == 0, built.err
    assert built.err.splitlines()[:2] == ["依存関係を解決中...", "ダウンロード中..."]
    lines = built.out.splitlines()
    assert lines[0].startswith(f"レイヤー: {tmp_path / 'l.zip'} (ビルド済み。python3.12 x86_64。zip ")
    assert lines[1].startswith("パッケージ: cffi==")
    assert lines[-1] == "発行しました: arn:aws:lambda:ap-northeast-1:123456789012:layer:lay:1"
    again = cli(*args)
    assert again.err.splitlines() == ["依存関係を解決中...", "キャッシュを使用..."]
    assert again.out.splitlines()[-1] == (
        "変更なし: 最新のバージョンが同じ CodeSha256 です: arn:aws:lambda:ap-northeast-1:123456789012:layer:lay:1"
    )
    assert _english(built) == []


@pytest.mark.usefixtures("ja", "empty_account")
def test_stack_commands_in_japanese(cli: Cli) -> None:
    """preflight's refusal and preview; adopt, retain, continue-rollback and iam-policy refusals."""
    stacks = (
        "base, phase-1-infrastructure-foundation, phase-2-dkim-system, phase-3-ses-byodkim, phase-4-dns-preparation, "
        "phase-5-dns-team-collaboration, phase-7-dns-validation-dkim-activation, phase-8-monitoring-system, "
        "enhanced-kinesis, monitoring, security"
    )
    refused = cli("preflight", "--stack", "nope")
    assert (refused.code, refused.err) == (
        2,
        f"エラー: --stack `nope` はこのプロジェクトのスタックではありません。{stacks} のどれかを使ってください\n",
    )
    previewed = cli("preflight", "--stack", "phase-1-infrastructure-foundation")
    assert previewed.code == 0, previewed.err
    assert "  追加        KmsKey AWS::KMS::Key" in previewed.out.splitlines()  # the change column, 11 columns wide
    assert previewed.out.splitlines()[-1] == (
        "指摘なし: `uv run sceptre --dir sceptre launch prod` は、保持・承認済み・データを持たない種類以外のリソースを削除も置き換えもせず、"
        "使用中の名前も使いません"
    )
    phase_4 = ("--stack", "phase-4-dns-preparation")
    adopted = cli("adopt", *phase_4, "--resource", "Nope")
    assert (
        adopted.err
        == "エラー: `Nope` は phase-4-dns-preparation テンプレートのリソースではありません。--resource を確認してください\n"
    )
    retained = cli("retain", *phase_4, "--resource", "Nope")
    assert retained.err == (
        "エラー: aws-ses-migration-prod-prod-phase-4-dns-preparation はありません。--stack とリージョンを確認してください\n"
    )
    continued = cli("continue-rollback", *phase_4, "-y")
    assert continued.err == (
        "エラー: aws-ses-migration-prod-prod-phase-4-dns-preparation は UPDATE_ROLLBACK_FAILED ではなく NOT_DEPLOYED です。"
        "続行するロールバックはありません。必要な作業は `byodkim preflight` で確認してください\n"
    )
    policy = cli("iam-policy", "--role", "operator", "--account", "12")
    assert (policy.code, policy.err) == (
        2,
        "エラー: `12` は AWS アカウント ID ではありません。12 桁の ID を指定するか、--account を外してください\n",
    )
    assert [r.code for r in (adopted, retained, continued)] == [2, 2, 2]


@pytest.mark.usefixtures("ja")
def test_sandbox_dns_refusals_in_japanese(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sandbox dns with no name server, and with one nothing answers on (its lines of success: test_japanese)."""
    from byodkim.dkim import keys

    monkeypatch.delenv("BYODKIM_NAMESERVERS", raising=False)
    keys.write_key_files(tmp_path, "s1", keys.generate())
    args = ("sandbox", "dns", "publish", "--selector", "s1", "--public-key-file", tmp_path / "s1.public.pem")
    none = cli(*args)
    assert (none.code, none.err) == (
        2,
        (
            "エラー: サンドボックスのネームサーバーが指定されていません。"
            "`byodkim sandbox --keep` が表示した export を実行するか、--nameserver を指定してください\n"
        ),
    )
    dead = cli(*args, "--nameserver", "127.0.0.1:9")
    assert dead.code == 1
    assert dead.err.startswith("エラー: ネームサーバー 127.0.0.1:9 に接続できません: ")
    assert dead.err.endswith("。サンドボックスが動いているか確認してください (byodkim sandbox --keep)\n")


@pytest.mark.usefixtures("ja")
def test_dns_request_written_in_japanese(cli: Cli, tmp_path: Path) -> None:
    from byodkim.dkim import keys

    keys.write_key_files(tmp_path, "s1", keys.generate())
    out = tmp_path / "dns-request.md"
    written = cli("dns-request", "--domain", "goo.ne.jp", "--selector", "s1", "--public-key-file",
                  tmp_path / "s1.public.pem", "--out", out)  # fmt: skip
    assert (written.code, written.out) == (0, f"{out} に書き込みました (ja)。DNS チームに送ってください\n")


@pytest.mark.usefixtures("ja", "empty_account")
def test_register_without_phase_1s_key_in_japanese(cli: Cli, openssl_keys: OpenSSLKeys) -> None:
    """register's refusal before phase 1 has made the secrets' KMS key; nothing is stored."""
    refused = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"])
    assert (refused.code, refused.err) == (
        2,
        (
            "エラー: ap-northeast-1 に alias/aws-ses-migration-prod-dkim-secrets がありません。このままでは鍵が AWS マネージド"
            "キーで保存されます。先にそのリージョンでフェーズ 1 を起動するか、--kms-key-id で独自の KMS 鍵を指定してください。"
            "何も保存していません\n"
        ),
    )
    request = cli("dns-request", "--domain", "goo.ne.jp", "--easy-dkim", "--region", "ap-northeast-1")
    assert (request.code, request.err) == (
        2,
        (
            "エラー: ap-northeast-1 の goo.ne.jp: ID がありません。SES が Easy DKIM の CNAME レコードを出すのは Easy DKIM "
            "に切り替えた後だけです。先に `byodkim rollback` で切り替えてください (rollback もレコードを表示します)\n"
        ),
    )


@pytest.mark.usefixtures("ja")
def test_keygen_in_japanese(cli: Cli, tmp_path: Path) -> None:
    """keygen's files, fingerprint and next step; its refusal to overwrite a key."""
    args = ("keygen", "--domain", "goo.ne.jp", "--selector", "s1", "--key-dir", tmp_path)
    made = cli(*args)
    assert made.code == 0, made.err
    lines = made.out.splitlines()
    assert lines[0] == (
        f"秘密鍵: {tmp_path / 's1.private.pem'} (PKCS#1 PEM、2048 ビット、所有者のみ読み書き可。外部に出さないでください)"
    )
    assert lines[1] == f"公開鍵: {tmp_path / 's1.public.pem'}"
    assert lines[2].startswith("フィンガープリント: sha256:")
    assert lines[3] == (
        f"次: byodkim register --domain goo.ne.jp --selector s1 --key-file {tmp_path / 's1.private.pem'}"
    )
    assert _english(made) == []
    again = cli(*args)
    assert (again.code, again.err) == (
        2,
        (
            f"エラー: `{tmp_path / 's1.private.pem'}` はすでにあります。byodkim は鍵を上書きしません。"
            "移動するか、別の --selector か --key-dir を指定してください\n"
        ),
    )


def test_an_invoked_phases_answer_is_said_again_from_its_fields() -> None:
    """phase 5 --invoke: the function's JSON holds English sentences; the fields beside them say them in Japanese."""
    from byodkim.cli.rollout_lines import keyed_answer, phase_lines

    answered = {  # as the deployed function answers a second phase 5, through JSON
        "phase": "5", "selector": "s1", "selectorFrom": "SES in ap-northeast-1 (the key it holds)",
        "selectorSource": "ses", "topic": "arn:aws:sns:ap-northeast-1:123456789012:dns-team", "messageId": "m-1",
        "record": "s1._domainkey.goo.ne.jp", "alreadySent": "2026-12-05 00:00 UTC",
        "note": "already sent on 2026-12-05 00:00 UTC; give resend to send it again",
    }  # fmt: skip
    assert phase_lines(keyed_answer(answered, "ap-northeast-1", "/byodkim/x/selector"), "ja") == [
        "フェーズ: 5",
        "セレクタ: s1",
        "セレクタの出所: ap-northeast-1 の SES (SES が持つ鍵)",
        "トピック: arn:aws:sns:ap-northeast-1:123456789012:dns-team",
        "メッセージ ID: m-1",
        "レコード: s1._domainkey.goo.ne.jp",
        "送信済みの日時: 2026-12-05 00:00 UTC",
        "注記: 2026-12-05 00:00 UTC に送信済みです。もう一度送るには resend を指定してください",
    ]
    assert phase_lines(keyed_answer(answered, "ap-northeast-1", "/byodkim/x/selector"), "en")[2] == (
        "selectorFrom: SES in ap-northeast-1 (the key it holds)"
    )


def test_an_invoked_phase_7s_registration_is_said_in_japanese() -> None:
    """phase 7 --invoke: the registration's outcome is a code; Japanese says it as the fleet lines do."""
    from byodkim.cli.rollout_lines import phase_lines

    answered = {"phase": "7", "ses": "SUCCESS", "registration": "already registered"}
    assert phase_lines(answered, "ja")[2] == "登録: 登録済み"
    assert phase_lines(answered, "en")[2] == "registration: already registered"
    assert (
        phase_lines({**answered, "registration": "a code no version knows"}, "ja")[2] == "登録: a code no version knows"
    )


def test_an_invoked_answers_sentence_this_version_cannot_say_stays_english() -> None:
    """One step off: a key this catalogue lacks (another version's function), or a value missing, keeps the English."""
    from byodkim.cli.rollout_lines import keyed_answer, phase_lines

    answered = {
        "phase": "7", "ses": "FAILED", "cause": "SES stopped looking for the record", "next": "publish the record",
        "messages": {
            "cause": {"key": "phase.no_such_key", "values": {}},
            "next": {"key": "phase.failed_cause", "values": {}},  # {name} missing
        },
    }  # fmt: skip
    assert phase_lines(keyed_answer(answered, "ap-northeast-1", "/x/selector"), "ja")[2:] == [
        "原因: SES stopped looking for the record",
        "次の手順: publish the record",
    ]


@pytest.mark.usefixtures("ja", "emulator")
def test_continue_rollback_asks_in_japanese(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The question before skipping resources, and the answer "no"; the stack's state is the library's to read."""
    import click

    from byodkim.workflows import adopt

    asked: list[str] = []
    monkeypatch.setattr(adopt, "continue_rollback", lambda *_args, **_kwargs: ("TeamState",))

    def confirm(text: str, **_kwargs: object) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(click, "confirm", confirm)
    refused = cli("continue-rollback", "--stack", "phase-4-dns-preparation")
    assert asked == ["スキップしたリソースはロールバックされないまま UPDATE_COMPLETE になります。続けますか?"]
    assert (refused.code, refused.err) == (
        2,
        "エラー: 続行しませんでした。-y を付けてもう一度実行するか、リソースを見るだけなら --dry-run を付けてください\n",
    )


@pytest.mark.usefixtures("ja")
def test_rotate_all_names_each_domains_step_in_japanese(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    import test_rotate

    test_rotate._start_on_byodkim(cli, emulator, goo_dns, tmp_path)
    rotated = cli("rotate", "--all", "--new-selector", "n2", "--until", "requested", "--state-dir", tmp_path / "s",
                  "--nameserver", goo_dns.spec)  # fmt: skip
    assert rotated.code == 0, rotated.err
    assert rotated.out.splitlines()[0] == f"OK  goo.ne.jp: 依頼書を作成 ({test_rotate.OLD} -> n2)"
    assert rotated.out.splitlines()[1].endswith("(依頼書を作成 1)")


def test_progress_lines_the_library_logs_follow_the_runs_language(capsys: pytest.CaptureFixture[str]) -> None:
    """SES's throttling retries (and rotate's waits) are logged as catalogue lines; the CLI sets the language."""
    import logging

    from byodkim import redacted_logs
    from byodkim.messages import say

    redacted_logs.configure(debug=False)
    line = say("pacing.throttled", operation="GetEmailIdentity", region="ap-northeast-1", attempt=1, attempts=12,
               seconds="0.5")  # fmt: skip
    try:
        redacted_logs.language = "ja"
        logging.getLogger("byodkim.progress").info(line)
        redacted_logs.language = "en"
        logging.getLogger("byodkim.progress").info(line)
    finally:
        redacted_logs.language = "en"
    assert capsys.readouterr().err.splitlines() == [
        "ap-northeast-1 の SES が GetEmailIdentity をスロットリングしました。0.5 秒後に再試行します (1/12 回目)",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 1 of 12 in 0.5 s",
    ]


@pytest.mark.usefixtures("ja")
def test_a_former_option_name_warns_in_japanese(cli: Cli, tmp_path: Path) -> None:
    made = cli("keygen", "--domain", "goo.ne.jp", "--selector", "s1", "--out-dir", tmp_path)
    assert made.code == 0, made.err
    assert made.err == "警告: --out-dir は非推奨です。--key-dir を使ってください\n"
