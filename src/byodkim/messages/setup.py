# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What the setup says: the Sceptre config, key files, secrets changed under us, and adopt's stack repairs."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # The Sceptre config (deployment.py) and the key files (dkim/keys.py).
    "config.domains_not_list": ("`domains` in {where} is not a list", "{where} の `domains` がリストではありません"),
    "config.domains_not_list_hint": (
        "write one `- domain: NAME` entry per line",
        "1 行に 1 つ `- domain: NAME` の形で書いてください",
    ),
    "config.domain_twice": (
        "`domains` lists {domain} twice in {where}",
        "{where} の `domains` に {domain} が 2 回あります",
    ),
    "config.domain_twice_hint": ("keep one entry per domain", "1 ドメインにつき 1 項目にしてください"),
    "config.entry_no_domain": (
        "`domains` entry {number} in {where} has no domain",
        "{where} の `domains` の {number} 番目にドメインがありません",
    ),
    "config.entry_no_domain_hint": ("give `- domain: NAME`", "`- domain: NAME` を書いてください"),
    "config.entry_bad": ("`domains` entry {number} in {where}: {why}", "{where} の `domains` の {number} 番目: {why}"),
    "config.fix_entry": ("fix the entry", "この項目を直してください"),
    "config.entry_no_region": (
        "`domains` entry {number} ({domain}) in {where} has no region",
        "{where} の `domains` の {number} 番目 ({domain}) にリージョンがありません",
    ),
    "config.entry_no_region_hint": ("set region or regions", "region か regions を設定してください"),
    "config.bad_region": (
        "`{name}` in {where} is not an AWS region name",
        "{where} の `{name}` は AWS のリージョン名ではありません",
    ),
    "config.bad_region_hint": ("use a name such as ap-northeast-1", "ap-northeast-1 のような名前を使ってください"),
    "config.not_utf8": ("`{path}` is not UTF-8 (line {line})", "`{path}` は UTF-8 ではありません ({line} 行目)"),
    "config.not_utf8_hint": (
        "save it as UTF-8 (or plain ASCII), e.g. in VS Code",
        "UTF-8 (または ASCII) で保存してください (VS Code など)",
    ),
    "config.bad_yaml": ("`{path}` is not valid YAML: {why}", "`{path}` は正しい YAML ではありません: {why}"),
    "config.not_mapping": ("`{path}` is not a mapping of settings", "`{path}` は設定のマッピングではありません"),
    "config.fix_file": ("fix the file", "ファイルを直してください"),
    "config.unset": ("`{key}` is not set in {folder}", "{folder} に `{key}` が設定されていません"),
    "config.unset_hint": ("set {key} in config/config.yaml", "config/config.yaml に {key} を設定してください"),
    "key.size": ("{bits} bits is not a size SES accepts", "{bits} ビットは SES が受け付ける鍵長ではありません"),
    "key.size_hint": ("use 2048 (or 1024)", "2048 (または 1024) を使ってください"),
    "key.dir_is_file": ("`{path}` is a file, not a folder", "`{path}` はファイルで、フォルダではありません"),
    "key.give_folder": ("give a folder", "フォルダを指定してください"),
    "key.cannot_write": ("cannot write the key to `{path}`: {why}", "`{path}` に鍵を書き込めません: {why}"),
    "key.check_folder": ("check the folder", "フォルダを確認してください"),
    # `sandbox break-phase-2` (local/breakage.py): only ever against the sandbox's emulator.
    "breakage.no_endpoint": (
        "AWS_ENDPOINT_URL is not set: break-phase-2 only breaks a stack in a running sandbox, never in AWS",
        "AWS_ENDPOINT_URL が設定されていません: break-phase-2 が壊すのは起動中のサンドボックスのスタックだけで、AWS には実行しません",
    ),
    "breakage.not_emulator": (
        "AWS_ENDPOINT_URL ({endpoint}) is not a byodkim emulator: break-phase-2 only breaks a stack in a running sandbox",
        "AWS_ENDPOINT_URL ({endpoint}) は byodkim のエミュレーターではありません: break-phase-2 が壊すのは起動中のサンドボックスのスタックだけです",
    ),
    "breakage.start_sandbox": (
        "start `uv run byodkim sandbox --keep --from-start` and run the export lines it prints",
        "`uv run byodkim sandbox --keep --from-start` を起動し、表示される export 行を実行してください",
    ),
    "breakage.no_stack": (
        "{stack} is not deployed in the sandbox",
        "サンドボックスに {stack} がデプロイされていません",
    ),
    "breakage.no_layer": (
        "{stack} has no cryptography layer to replace",
        "{stack} に置き換える cryptography レイヤーがありません",
    ),
    "breakage.launch_first": (
        "launch the stacks first: {command}",
        "先にスタックを作成してください: {command}",
    ),
    "breakage.not_rolled_back": (
        "the update of {stack} ended {status}, not UPDATE_ROLLBACK_COMPLETE",
        "{stack} の更新は UPDATE_ROLLBACK_COMPLETE ではなく {status} で終わりました",
    ),
    "breakage.done": (
        "{stack}: the update to layer {arn}, a version that does not exist, failed and was rolled back: {status}",
        "{stack}: 存在しないレイヤーのバージョン {arn} への更新が失敗し、ロールバックされました: {status}",
    ),
    # Secrets Manager: a secret that changed or vanished under us.
    "secret.not_its_fingerprint": (
        "secret `{secret}` holds another key than its own fingerprint field says",
        "シークレット `{secret}` の鍵が、その fingerprint 欄の示す鍵と違います",
    ),
    "secret.not_described": (
        "secret `{secret}` holds another key ({fingerprint}) than its description names ({described})",
        "シークレット `{secret}` の鍵 ({fingerprint}) が、説明欄の示す鍵 ({described}) と違います",
    ),
    "secret.swapped_hint": (
        "someone changed the secret's value: check CloudTrail (PutSecretValue), then rotate to a new key",
        "誰かがシークレットの値を変えています。CloudTrail (PutSecretValue) を確認し、新しい鍵にローテーションしてください",
    ),
    "secret.gone": ("secret `{secret}` is gone", "シークレット `{secret}` がなくなっています"),
    "secret.gone_hint": (
        "run again: a new key is generated and stored",
        "もう一度実行してください。新しい鍵を生成して保存します",
    ),
    "secret.raced": (
        "secret `{secret}` was created by someone else meanwhile",
        "シークレット `{secret}` がその間に別の誰かに作成されました",
    ),
    "secret.run_again": ("run again", "もう一度実行してください"),
    # adopt, retain and continue-rollback: each step as it is done (or would be).
    "adopt.already_done": ("already done", "実施済み"),
    "adopt.would_retain": (
        "would set DeletionPolicy and UpdateReplacePolicy: Retain on {source} in {stack}",
        "{stack} の {source} に DeletionPolicy と UpdateReplacePolicy: Retain を設定します (ドライラン)",
    ),
    "adopt.retained": (
        "{source} keeps its resource when it leaves {stack}",
        "{source} は {stack} から外れてもリソースを残します",
    ),
    "adopt.would_release": (
        "would remove {source} (kept, not deleted) from {stack}",
        "{stack} から {source} を外します (削除せず残します。ドライラン)",
    ),
    "adopt.released": (
        "{source} is no longer managed by {stack}; the resource itself is kept",
        "{source} は {stack} の管理から外れました。リソース自体は残っています",
    ),
    "adopt.new_stack": (
        " (a new stack holding just it; the launch adds the rest)",
        " (これだけを持つ新しいスタック。残りは launch で追加されます)",
    ),
    "adopt.would_import": (
        "would import {kind} {value} into {stack} as {resource}{new}",
        "{kind} {value} を {resource} として {stack} にインポートします (ドライラン){new}",
    ),
    "adopt.imported": (
        "{kind} {value} is now {resource} in {stack}{new}",
        "{kind} {value} は {stack} の {resource} になりました{new}",
    ),
    "adopt.would_continue": (
        "would continue the rollback of {stack}, skipping: {skip}",
        "{stack} のロールバックを続行します (ドライラン)。スキップ: {skip}",
    ),
    "adopt.would_continue_none": (
        "would continue the rollback of {stack}, skipping: none{skip}",
        "{stack} のロールバックを続行します (ドライラン)。スキップなし{skip}",
    ),
    "adopt.continued": (
        "{stack} is UPDATE_ROLLBACK_COMPLETE{skip}",
        "{stack} は UPDATE_ROLLBACK_COMPLETE になりました{skip}",
    ),
    "adopt.continued_skipping": (
        "{stack} is UPDATE_ROLLBACK_COMPLETE; skipped {skip}: left as the failed update made them (check them against the template)",
        "{stack} は UPDATE_ROLLBACK_COMPLETE になりました。スキップした {skip} は失敗した更新のままです (テンプレートと照合してください)",
    ),
    "stacks.next": ("next: {command}", "次: {command}"),
    "stacks.next_then": ("next: {command}, then {then}", "次: {command}、その後 {then}"),
    # build-layer (artifacts/layer.py, runtimes.py, layercheck.py, cli/layer.py).
    "layer.step.resolving": ("resolving", "依存関係を解決中"),
    "layer.step.cached": ("cached", "キャッシュを使用"),
    "layer.step.downloading": ("downloading", "ダウンロード中"),
    "layer.step.verifying": ("verifying", "検査中"),
    "layer.step.zipping": ("zipping", "zip を作成中"),
    "layer.deprecated": (
        "warning: Lambda deprecated {runtime} on {date}; new functions should use python3.12",
        "警告: Lambda は {runtime} を {date} に非推奨にしました。新しい関数には python3.12 を使ってください",
    ),
    "layer.update_lock_default": (
        "{option} is for the default layer's lock",
        "{option} は既定のレイヤーのロック用です",
    ),
    "layer.leave_out_requirements": ("leave {@requirements} out", "{@requirements} を外してください"),
    "layer.publish_needs_name": ("{publish} needs {name}", "{publish} には {name} が必要です"),
    "layer.publish_example": ("e.g. {example}", "例: {example}"),
    "layer.only_with_publish": (
        "{name} and {@bucket} only apply with {publish}",
        "{name} と {@bucket} は {publish} と一緒にだけ使えます",
    ),
    "layer.add_publish": ("add {publish}", "{publish} を付けてください"),
    "layer.built": (
        "layer: {path} ({origin}; {runtime} {arch}; {zipped} MB zipped, {unzipped} MB unzipped, {files} files)",
        "レイヤー: {path} ({origin}。{runtime} {arch}。zip {zipped} MB、展開後 {unzipped} MB、{files} ファイル)",
    ),
    "layer.origin_cached": ("from cache, unchanged", "キャッシュから、変更なし"),
    "layer.origin_built": ("built", "ビルド済み"),
    "layer.packages": ("packages: {packages}", "パッケージ: {packages}"),
    "layer.sha": ("CodeSha256: {sha}", "CodeSha256: {sha}"),
    "layer.would_publish": (
        "would publish a version of {name} in {region}{via} unless it has this CodeSha256",
        "{region} に {name} の新しいバージョンを発行します{via} (同じ CodeSha256 のバージョンがなければ。ドライラン)",
    ),
    "layer.via": (" through s3://{bucket}", " (s3://{bucket} 経由)"),
    "layer.published": ("published: {arn}", "発行しました: {arn}"),
    "layer.published_s3": ("published: {arn} (through S3)", "発行しました: {arn} (S3 経由)"),
    "layer.unchanged": (
        "unchanged: the latest version already has this CodeSha256: {arn}",
        "変更なし: 最新のバージョンが同じ CodeSha256 です: {arn}",
    ),
    "layer.out_is_folder": ("`{path}` is a folder", "`{path}` はフォルダです"),
    "layer.give_zip": ("give a file name ending in .zip", ".zip で終わるファイル名を指定してください"),
    "layer.update_lock": (
        "run `byodkim build-layer --runtime {runtime} --arch {arch} --update-lock` and review the diff",
        "`byodkim build-layer --runtime {runtime} --arch {arch} --update-lock` を実行し、差分を確認してください",
    ),
    "layer.no_lock": (
        "no hashed lock for {runtime} {arch} ({path})",
        "{runtime} {arch} のハッシュ付きロックがありません ({path})",
    ),
    "layer.stale_lock": (
        "{name} does not lock {what} of requirements.txt",
        "{name} は requirements.txt の {what} をロックしていません",
    ),
    "layer.every_package": ("every package with its hashes", "全パッケージのハッシュ"),
    "layer.no_requirements": ("`{path}` does not exist", "`{path}` はありません"),
    "layer.give_requirements": ("give a requirements.txt", "requirements.txt を指定してください"),
    "layer.unreadable_requirements": ("cannot read `{path}`: {why}", "`{path}` を読めません: {why}"),
    "layer.give_utf8_requirements": ("give a UTF-8 requirements.txt", "UTF-8 の requirements.txt を指定してください"),
    "layer.no_package": ("`{path}` lists no package", "`{path}` にパッケージがありません"),
    "layer.add_cryptography": ("add cryptography, for example", "たとえば cryptography を追加してください"),
    "layer.not_a_requirement": (
        "`{path}` has `{line}`: only package requirements are allowed",
        "`{path}` に `{line}` があります。書けるのはパッケージの指定だけです",
    ),
    "layer.from_index": (
        "list packages from the index, one per line",
        "インデックスのパッケージを 1 行に 1 つ書いてください",
    ),
    "layer.no_uv": ("uv is not installed", "uv がインストールされていません"),
    "layer.install_uv": ("pip install uv", "pip install uv でインストールしてください"),
    "layer.uv_failed": ("{what} failed: {why}", "{what} に失敗しました: {why}"),
    "layer.no_wheel": (
        "{name} has no wheel for this runtime and architecture (only a source distribution or other platforms are published); pick a version with manylinux wheels or leave it out",
        "{name} にはこのランタイムとアーキテクチャ用の wheel がありません (ソース配布か他のプラットフォーム用だけです)。manylinux の wheel があるバージョンを選ぶか、外してください",
    ),
    "layer.resolving_wheels": ("resolving wheels for {runtime} {machine}", "{runtime} {machine} 用の wheel の解決"),
    "layer.installing_wheels": (
        "installing wheels for {runtime} {machine}",
        "{runtime} {machine} 用の wheel のインストール",
    ),
    "layer.uv_silent": ("uv gave no reason", "uv は理由を示しませんでした"),
    "layer.does_not_fit": (
        "the layer does not fit {runtime} {machine}: {problems}",
        "レイヤーが {runtime} {machine} に合いません: {problems}",
    ),
    "layer.no_cffi_backend": (
        "cffi is installed without its _cffi_backend module",
        "cffi がその _cffi_backend モジュールなしでインストールされています",
    ),
    "runtime.py39": (
        "python3.9 is refused: Lambda deprecated it on 2025-12-15 and cryptography's cffi 2.x dropped it",
        "python3.9 は使えません: Lambda が 2025-12-15 に非推奨にし、cryptography の cffi 2.x も対応をやめました",
    ),
    "runtime.use": ("use {name}", "{name} を使ってください"),
    "runtime.unknown": (
        "`{name}` is not a Lambda Python runtime",
        "`{name}` は Lambda の Python ランタイムではありません",
    ),
    "runtime.use_one_of": ("use one of {names}", "{names} のどれかを使ってください"),
    "runtime.not_lambda_name": ("`{name}` is not Lambda's name for it", "`{name}` は Lambda での名前ではありません"),
    "runtime.not_arch": ("`{name}` is not a Lambda architecture", "`{name}` は Lambda のアーキテクチャではありません"),
    "runtime.use_arch": ("use x86_64 or arm64", "x86_64 か arm64 を使ってください"),
}
