# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What the dkim-manager function says of a payload it refuses (rollout/phases.py ``parse_event``): fields it does not know, values of the wrong type."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "payload.unknown_field": (
        '"{field}" is not a field of the {what} payload; nothing was done',
        '"{field}" は {what} のペイロードのフィールドではありません。何も実行していません',
    ),
    "payload.fields": (
        "its fields are {fields} (docs/lambda.md); remove the others",
        "使えるフィールドは {fields} です (docs/lambda.md)。ほかは削除してください",
    ),
    "payload.wrong_type": (
        '"{field}": {value} is {got}, not {want}; nothing was done',
        '"{field}": {value} は{got}で、{want}ではありません。何も実行していません',
    ),
    "payload.give": ('give "{field}": {example}', '"{field}": {example} のように指定してください'),
    # The JSON types a field can be given as, in the sentences above.
    "payload.type.string": ("a string", "文字列"),
    "payload.type.list": ("a list", "リスト"),
    "payload.type.object": ("an object", "オブジェクト"),
    "payload.type.number": ("a number", "数値"),
    "payload.type.bool": ("true or false", "true/false"),
    "payload.type.null": ("null", "null"),
}
