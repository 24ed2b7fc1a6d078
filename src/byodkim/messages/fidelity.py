# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What byodkim says where SES's own answers disagree with what byodkim recorded (aws/ses.py's cross-checks)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # DkimAttributes.Tokens (the selector SES signs with) against the identity's byodkim:selector tag.
    "ses.selector_tag_disagrees": (
        "SES signs with {held} in {region} (its DkimAttributes.Tokens) but the identity's byodkim:selector tag says {tagged}: the key was switched outside byodkim, or tagging it failed; find who switched it (CloudTrail: PutEmailIdentityDkimSigningAttributes); if {held} is the key meant, tag the identity with it (aws sesv2 tag-resource, Key=byodkim:selector,Value={held} and its byodkim:fingerprint), otherwise switch back with `byodkim rotate`",
        "SES は {region} で {held} で署名しています (DkimAttributes.Tokens) が、ID の byodkim:selector タグは {tagged} です: byodkim の外で鍵が切り替えられたか、タグ付けに失敗しています。誰が切り替えたかを CloudTrail (PutEmailIdentityDkimSigningAttributes) で調べ、{held} が意図した鍵なら ID にタグを付け (aws sesv2 tag-resource、Key=byodkim:selector,Value={held} と byodkim:fingerprint)、そうでなければ `byodkim rotate` で戻してください",
    ),
    "ses.selector_tag_easy": ("Easy DKIM", "Easy DKIM"),
    # VerificationInfo.ErrorType, in the words of SES's API reference (VerificationError), where byodkim explains FAILED.
    "ses.error.HOST_NOT_FOUND": (
        "no record at the DKIM name (HOST_NOT_FOUND)",
        "DKIM の名前にレコードがありません (HOST_NOT_FOUND)",
    ),
    "ses.error.TYPE_NOT_FOUND": (
        "the DKIM name has no record of the type SES reads (TYPE_NOT_FOUND)",
        "DKIM の名前に SES が読む種類のレコードがありません (TYPE_NOT_FOUND)",
    ),
    "ses.error.INVALID_VALUE": (
        "the record found does not match the key SES holds (INVALID_VALUE)",
        "見つかったレコードが SES の持つ鍵と合いません (INVALID_VALUE)",
    ),
    "ses.error.DNS_SERVER_ERROR": (
        "the domain's name servers did not answer SES (DNS_SERVER_ERROR)",
        "ドメインのネームサーバーが SES に応答しませんでした (DNS_SERVER_ERROR)",
    ),
    "ses.error.SERVICE_ERROR": ("an error inside SES (SERVICE_ERROR)", "SES 内部のエラーです (SERVICE_ERROR)"),
    "ses.error.other": ("SES says {code}", "SES の理由は {code} です"),
    "phase.failed_cause_ses": (
        "SES stopped looking for {name} with this key: {why}",
        "SES はこの鍵での {name} の確認をやめました: {why}",
    ),
    "verify.ses_failed_why": ("SES {region} says why: {why}", "SES {region} の理由: {why}"),
}
