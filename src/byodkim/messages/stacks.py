"""What the stack commands say: preflight, adopt, retain, continue-rollback and iam-policy, and their library's errors.

An option of the command line arrives as a value (``{option}``) when it is the CLI's alone;
an input every door has is named by concept (``{@stack}``).
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # The commands (cli/stacks.py).
    "stacks.step": ("{step}: {what}", "{step}: {what}"),  # the step is a command word, as in English
    "stacks.group_deprecated": (
        "warning: preflight GROUP is deprecated; use {env} GROUP",
        "警告: preflight GROUP は非推奨です。{env} GROUP を使ってください",
    ),
    "stacks.no_project_hint": ("run from the byodkim checkout", "byodkim のチェックアウトで実行してください"),
    "stacks.not_ours": (
        "{@stack} `{stack}` is not a stack of this project",
        "{@stack} `{stack}` はこのプロジェクトのスタックではありません",
    ),
    "stacks.use_one_of": ("use one of {stacks}", "{stacks} のどれかを使ってください"),
    "stacks.continue_prompt": (
        "Skipped resources are marked UPDATE_COMPLETE without being rolled back. Continue?",
        "スキップしたリソースはロールバックされないまま UPDATE_COMPLETE になります。続けますか?",
    ),
    "stacks.not_continued": ("not continued", "続行しませんでした"),
    "stacks.not_continued_hint": (
        "run again with {yes}, or {@dry_run} to see the resources only",
        "{yes} を付けてもう一度実行するか、リソースを見るだけなら {@dry_run} を付けてください",
    ),
    "iam.bad_account": ("`{account}` is not an AWS account ID", "`{account}` は AWS アカウント ID ではありません"),
    "iam.bad_account_hint": (
        "give the 12-digit ID, or leave {option} out",
        "12 桁の ID を指定するか、{option} を外してください",
    ),
    "iam.no_domain": (
        "no domain given and none in the Sceptre config",
        "ドメインが指定されておらず、Sceptre 設定にもありません",
    ),
    "iam.give_domain": ("give {@domain}", "{@domain} を指定してください"),
    # An option's former name, still accepted for a release (cli/options.py).
    "options.deprecated": (
        "warning: {old} is deprecated; use {new}",
        "警告: {old} は非推奨です。{new} を使ってください",
    ),
    # adopt, retain, continue-rollback (workflows/adopt.py).
    "adopt.cannot_import": ("{kind} cannot be imported by byodkim", "{kind} は byodkim ではインポートできません"),
    "adopt.use_kinds": ("use one of {kinds}", "{kinds} のどれかを使ってください"),
    "adopt.referred": ("{users} in {stack} refer to {source}", "{stack} の {users} が {source} を参照しています"),
    "adopt.referred_hint": (
        "remove those references from the live stack first (or adopt them too), then run adopt again",
        "先に稼働中のスタックからその参照を外して (またはそれらも adopt して) から、もう一度 adopt を実行してください",
    ),
    "adopt.ended": ("{stack} ended in {status}, not {want}", "{stack} は {want} ではなく {status} で終わりました"),
    "adopt.see_report": ("see `byodkim report` for the cause", "原因は `byodkim report` で確認してください"),
    "adopt.still": ("{stack} is still {status}", "{stack} はまだ {status} です"),
    "adopt.when_finished": ("run adopt again when it has finished", "終わってからもう一度 adopt を実行してください"),
    "adopt.import_refused": (
        "CloudFormation refused the import: {reason}",
        "CloudFormation がインポートを拒否しました: {reason}",
    ),
    "adopt.import_slow": (
        "the import change set did not finish in 10 minutes",
        "インポートの変更セットが 10 分以内に終わりませんでした",
    ),
    "adopt.run_again": ("run adopt again", "もう一度 adopt を実行してください"),
    "adopt.no_rollback": (
        "{stack} is {status}, not UPDATE_ROLLBACK_FAILED: there is no rollback to continue",
        "{stack} は UPDATE_ROLLBACK_FAILED ではなく {status} です。続行するロールバックはありません",
    ),
    "adopt.see_preflight": (
        "run `byodkim preflight` to see what it needs",
        "必要な作業は `byodkim preflight` で確認してください",
    ),
    # preflight (workflows/preflight.py, workflows/stackchanges.py).
    "preflight.no_preview": (
        "preflight could not preview {stack}: {why}",
        "preflight は {stack} をプレビューできませんでした: {why}",
    ),
    "preflight.no_preview_hint": (
        "fix the cause and run preflight again; the launch hook stops until it can preview",
        "原因を直してもう一度 preflight を実行してください。プレビューできるまで launch のフックは止めます",
    ),
    "preflight.no_lookup": (
        "preflight cannot look up a {kind} name ({resource})",
        "preflight は {kind} の名前を調べられません ({resource})",
    ),
    "preflight.no_lookup_hint": (
        "report this to byodkim's maintainers; until then, preview with `byodkim preflight`",
        "byodkim のメンテナーに報告してください。それまでは `byodkim preflight` でプレビューしてください",
    ),
    "preflight.change_set_failed": (
        "the change set for {stack} failed: {reason}",
        "{stack} の変更セットが失敗しました: {reason}",
    ),
    "preflight.fix_template": ("fix the template or its parameters", "テンプレートかパラメーターを直してください"),
    "preflight.change_set_slow": (
        "the change set for {stack} did not finish in 5 minutes",
        "{stack} の変更セットが 5 分以内に終わりませんでした",
    ),
    "preflight.run_again": ("run preflight again", "もう一度 preflight を実行してください"),
}
