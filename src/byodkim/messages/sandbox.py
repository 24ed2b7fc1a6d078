# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What the sandbox and the emulator say: entering, the rehearsal's steps, its end, and a stale environment."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # A stopped sandbox's environment (aws/endpoint.py): refused before any call is sent.
    "aws.dead_local_endpoint": (
        "{variable} is {url}, a local address where nothing answers: the environment of a stopped byodkim sandbox or emulator",
        "{variable} は {url} ですが、このローカルアドレスには応答がありません。停止した byodkim サンドボックスまたはエミュレーターの環境が残っています",
    ),
    "aws.dead_local_endpoint_hint": (
        "to reach AWS, leave it: {unset} (or start the sandbox again: uv run byodkim sandbox --keep)",
        "AWS に接続するには環境を戻してください: {unset} (サンドボックスを使う場合は起動し直してください: uv run byodkim sandbox --keep)",
    ),
    # The rehearsal's steps (local/sandbox.py), one progress line each.
    "sandbox.step.dns": (
        "local authoritative DNS server (BIND) for {domain} on {server}",
        "{domain} のローカル権威サーバー (BIND) を {server} で起動しました",
    ),
    "sandbox.step.emulator": (
        "local AWS emulator on {endpoint} (clock x{speed}, functions: {network} network)",
        "ローカル AWS エミュレーターを {endpoint} で起動しました (時計 {speed} 倍速、関数のネットワーク: {network})",
    ),
    "sandbox.step.launched": (
        "phases 1-5, 7, 8 and shared stacks launched with Sceptre (layer built and published)",
        "フェーズ 1-5、7、8 と共通スタックを Sceptre で作成しました (レイヤーをビルドして公開)",
    ),
    "sandbox.step.launched_from_start": (
        "phases 1-5, 7, 8 and shared stacks launched with Sceptre; no key of ours yet (phase 3's identity signs with Easy DKIM)",
        "フェーズ 1-5、7、8 と共通スタックを Sceptre で作成しました。独自の鍵はまだ登録していません (フェーズ 3 の ID は Easy DKIM で署名します)",
    ),
    "sandbox.step.key": (
        "DKIM key generated (RSA 2048, PKCS#1, 0600)",
        "DKIM 鍵を生成しました (RSA 2048、PKCS#1、0600)",
    ),
    "sandbox.step.registered": (
        "key stored in Secrets Manager and registered with SES (EXTERNAL, PENDING)",
        "鍵を Secrets Manager に保存し、SES に登録しました (EXTERNAL、PENDING)",
    ),
    "sandbox.step.request": (
        "DNS request written and sent to the DNS team topic (Lambda phases 4 and 5)",
        "DNS 依頼書を作成し、DNS チームのトピックに送りました (Lambda のフェーズ 4 と 5)",
    ),
    "sandbox.step.dns_team": (
        "phase 6 played: the DNS team published the TXT record",
        "フェーズ 6 を再現しました: DNS チームが TXT レコードを公開",
    ),
    "sandbox.step.verified": (
        "record verified on every authoritative server",
        "すべての権威サーバーでレコードを確認しました",
    ),
    "sandbox.step.success": (
        "SES reports SUCCESS: the phase-7 schedule ran the Lambda in its own process and disabled itself",
        "SES が SUCCESS になりました: フェーズ 7 のスケジュールが Lambda を別プロセスで実行し、自身を無効にしました",
    ),
    "sandbox.step.mail": (
        "test message sent through SES verified as a receiver does: dkim=pass d={domain} s={selector}, aligned with From (DMARC passes on DKIM)",
        "SES で送ったテストメッセージを受信側と同じ方法で検証しました: dkim=pass d={domain} s={selector}、From と一致 (DMARC は DKIM で pass)",
    ),
    "sandbox.reached_success": (
        "sandbox rollout reached SUCCESS in {seconds} s",
        "サンドボックスのロールアウトが {seconds} 秒で SUCCESS に達しました",
    ),
    # The sandbox's end: what it checked, what it stopped, the DMARC line, the next step.
    "sandbox.end.checked": (
        "checked: {count} stacks launched with Sceptre, the key registered with SES, the record on every authoritative server, SUCCESS from the phase-7 schedule, a test message passing DKIM aligned with From",
        "確認済み: Sceptre で作成した {count} 個のスタック、SES への鍵の登録、すべての権威サーバーのレコード、フェーズ 7 のスケジュールによる SUCCESS、From と一致して DKIM が pass するテストメッセージ",
    ),
    "sandbox.end.dmarc": (
        'DMARC "not met" above is expected: the sandbox\'s zone publishes no DMARC record; in the real zone the DNS team adds one, e.g. {record}',
        "上の DMARC の「満たしていません」は想定どおりです。サンドボックスのゾーンには DMARC レコードがありません。実際のゾーンでは DNS チームが追加します。例: {record}",
    ),
    "sandbox.end.next": (
        "next: a real rollout starts at docs/real-account.md (leave the sandbox's environment, a profile, the IAM policy, the first preflight)",
        "次の作業: 本番のロールアウトは docs/real-account.md から始めます (サンドボックスの環境を戻す、プロファイル、IAM ポリシー、最初の preflight)",
    ),
    "sandbox.stopped.emulator": (
        "stopped the AWS emulator at {endpoint}",
        "{endpoint} の AWS エミュレーターを停止しました",
    ),
    "sandbox.stopped.dns": (
        "stopped the name server (BIND) at {server}",
        "{server} のネームサーバー (BIND) を停止しました",
    ),
    "sandbox.launch_failed": ("sceptre launch failed: {line}", "sceptre launch が失敗しました: {line}"),
    # The log is kept outside the work folder, which the sandbox removes as it stops.
    "sandbox.launch_log": ("see {path}", "{path} を確認してください"),
    "sandbox.stopped.workdir": ("removed the work folder {path}", "作業フォルダ {path} を削除しました"),
    "sandbox.stopped.kept": ("kept the work folder {path}", "作業フォルダ {path} は残しました"),
    "sandbox.stopped.env": (
        "removed {path}; its variables are stale in any shell that set them: {unset}",
        "{path} を削除しました。これを読み込んだシェルの変数は古くなっています: {unset}",
    ),
    # `sandbox --keep` and `emulator`: how to enter and leave (stdout, as shell comments around the exports).
    "sandbox.keep.running": ("the sandbox is running; in another shell:", "サンドボックスを実行中です。別のシェルで:"),
    "emulator.keep.running": (
        "the local AWS emulator is running; in another shell:",
        "ローカルの AWS エミュレーターが動いています。別のシェルで次を実行してください:",
    ),
    "sandbox.keep.or_source": ("or: . {path}", "または: . {path}"),
    "sandbox.keep.leave": (
        "to leave it, after Ctrl-C (or: . {path}):",
        "終了するには Ctrl-C の後で (または: . {path}):",
    ),
    "sandbox.keep.then": (
        "then follow docs/runbook.md; play the DNS team with: uv run byodkim sandbox dns --help",
        "続けて docs/runbook.md のとおりに進めてください。DNS チームの作業は uv run byodkim sandbox dns --help で再現できます",
    ),
    "sandbox.keep.files": ("files: {path}; Ctrl-C stops it", "ファイル: {path}。Ctrl-C で停止します"),
    "emulator.keep.log": ("server log: {path}; Ctrl-C stops it", "サーバーのログ: {path}。Ctrl-C で停止します"),
    # The environment files (local/shellenv.py).
    "shellenv.enter": (
        "written by `{command}` (pid {pid}): `. {path}` enters it; removed when it stops",
        "`{command}` (pid {pid}) が作成: `. {path}` で使えます。停止すると削除されます",
    ),
    "shellenv.leave": (
        "written by `{command}`: `. {path}` leaves it (unsets what it exported)",
        "`{command}` が作成: `. {path}` で元に戻します (設定した変数を unset)",
    ),
}
