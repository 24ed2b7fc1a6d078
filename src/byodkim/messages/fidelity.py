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
}
