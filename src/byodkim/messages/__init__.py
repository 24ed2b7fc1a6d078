"""The one message catalogue: every line a person reads is a key, its values, and a text per language.

The library says *what* happened with :func:`say` (a key and values) and never *how a door
spells an input*: a text names an input by concept, ``{@nameserver}``, and each door renders
it its own way (the CLI as ``--nameserver``, the Lambda as its payload field or setting; left
alone, as plain words). A :class:`Said` is a ``str`` holding the English line, so code that
logs it, compares it or writes it to JSON keeps working; :func:`render` gives it in another
language from its key, never by reading the English back.

The texts live beside each other, English and Japanese, one table per subject
(:mod:`.dns`, :mod:`.failures`, :mod:`.names`, :mod:`.sandbox`, :mod:`.setup`; a door adds its own with
:func:`extend`, as ``cli/catalogue.py`` does); ``tests/test_messages.py`` holds every key to
both languages and the same placeholders.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

LANGS = ("en", "ja")

# Inputs by concept, as plain words: what a door that has no name of its own for an input says.
INPUTS: dict[str, tuple[str, str]] = {
    "domain": ("the domain", "ドメイン"),
    "selector": ("the selector", "セレクタ"),
    "new_selector": ("the new selector", "新しいセレクタ"),
    "region": ("the region", "リージョン"),
    "nameserver": ("the name servers", "ネームサーバー"),
    "secret_id": ("the secret's id", "シークレット ID"),
    "key_file": ("the key file", "鍵ファイル"),
    "key_dir": ("the keys folder", "鍵フォルダ"),
    "out_dir": ("the folder the keys are written to", "鍵の書き込み先フォルダ"),
    "public_key": ("the public key", "公開鍵"),
    "passphrase_file": ("a passphrase file", "パスフレーズファイル"),
    "force": ("the switch that forces it", "強制の指定"),
    "wait_through_mistakes": ("the switch to wait through mistakes", "誤りがあっても待つ指定"),
    "extra_domains": ("the sandbox's extra domains", "サンドボックスの追加ドメイン"),
    "project": ("the project", "プロジェクト"),
    "environment": ("the Sceptre environment", "Sceptre 環境"),
    "stack": ("the stack", "スタック"),
    "resource": ("the resource", "リソース"),
    "source": ("the live resource to move", "移すリソース"),
    "requirements": ("the requirements file", "requirements ファイル"),
    "bucket": ("a bucket", "バケット"),
    "every": ("every declared domain", "宣言済みの全ドメイン"),
    "dry_run": ("a dry run", "ドライラン"),
}


class Said(str):
    """A line made from a catalogue key and values; as a ``str`` it is the English line.

    The key travels with the text through ``ServerAnswer.detail``, an error's message or a
    fleet outcome, so a renderer can give it in Japanese. (``copy``/``dataclasses.asdict``
    rebuild it from the text and its ``__dict__``, hence the defaults.)
    """

    __slots__ = ("key", "values")
    key: str
    values: Mapping[str, object]

    def __new__(cls, text: str, key: str = "", values: Mapping[str, object] | None = None) -> Self:
        """Return ``text`` carrying ``key`` and ``values``; use :func:`say` to build one."""
        made = super().__new__(cls, text)
        made.key, made.values = key, dict(values or {})
        return made


def locale_lang() -> str:
    """Return ``ja`` when the user's locale is Japanese (LC_ALL, LC_MESSAGES or LANG ``ja_JP.*``), else ``en``.

    The one rule for every door that has no ``--lang`` of its own to read first (the CLI's default,
    the Sceptre hooks).
    """
    import os

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def say(key: str, /, **values: object) -> Said:
    """Return the message ``key`` with ``values``: the English line, carrying what any language needs."""
    return Said(_fill(text_of(key, "en"), values, "en", None), key, values)


def render(line: object, lang: str = "en", names: Mapping[str, str] | None = None) -> str:
    """Return ``line`` in ``lang``, inputs named by ``names`` (concept -> the door's name); plain text as it is."""
    if not isinstance(line, Said) or not line.key:
        return str(line)
    return _fill(text_of(line.key, lang), line.values, lang, names)


def text_of(key: str, lang: str) -> str:
    """Return the catalogue's text for ``key`` in ``lang`` (``KeyError`` for a key nobody wrote)."""
    return catalogue()[key][LANGS.index(lang) if lang in LANGS else 0]


def catalogue() -> dict[str, tuple[str, str]]:
    """Return every key with its English and Japanese text."""
    global _CATALOGUE  # noqa: PLW0603 - built once, on first use, so importing byodkim stays light
    if _CATALOGUE is None:
        import importlib

        # Built aside, then published whole: threads (Sceptre's hooks run one per stack) must never
        # see a catalogue half filled, where a key written in a later table is missing.
        built: dict[str, tuple[str, str]] = {}
        tables = [importlib.import_module(f"byodkim.messages.{name}").TEXTS for name in TABLES]
        for table in (*tables, *_DOORS):
            doubled = built.keys() & table.keys()
            if doubled:
                raise KeyError(f"keys written twice: {sorted(doubled)}")
            built.update(table)
        _CATALOGUE = built
    return _CATALOGUE


_CATALOGUE: dict[str, tuple[str, str]] | None = None
# The tables, one module each under byodkim.messages, one per line so branches adding one merge cleanly.
TABLES = (
    "check_domain",
    "dmarc_memo",
    "dns",
    "failures",
    "fanout",
    "fidelity",
    "fleet",
    "keyreport",
    "keywatch",
    "launch",
    "mail",
    "memo",
    "names",
    "preflight_memo",
    "refusals",
    "reporting",
    "request_body",
    "rollout",
    "rotation",
    "rotation_guard",
    "sandbox",
    "schedule",
    "setup",
    "stacks",
)
_DOORS: list[dict[str, tuple[str, str]]] = []


def extend(table: dict[str, tuple[str, str]]) -> None:
    """Add a door's own texts (the CLI's table layout, its usage errors): the library never names them."""
    global _CATALOGUE  # noqa: PLW0603 - rebuilt with the door's table on next use
    if table not in _DOORS:
        _DOORS.append(table)
        _CATALOGUE = None


def placeholders(text: str) -> set[str]:
    """Return the names a text fills in (``{@input}`` included)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class _Filler(string.Formatter):
    def __init__(self, lang: str, names: Mapping[str, str] | None) -> None:
        self.lang, self.names = lang, names or {}

    def get_value(self, key: int | str, args: Sequence[object], kwargs: Mapping[str, object]) -> object:  # noqa: ARG002 - texts fill in names only
        if isinstance(key, str) and key.startswith("@"):
            concept = key[1:]
            return self.names.get(concept) or INPUTS[concept][LANGS.index(self.lang)]
        value = kwargs[str(key)]
        # Several keyed parts in one line: a list is clauses ("; "), a tuple is a list of items (", ", "、").
        if isinstance(value, list | tuple):
            sep = "; " if isinstance(value, list) else "、" if self.lang == "ja" else ", "
            return sep.join(render(part, self.lang, self.names) for part in value)
        return render(value, self.lang, self.names) if isinstance(value, Said) else value


def _fill(text: str, values: Mapping[str, object], lang: str, names: Mapping[str, str] | None) -> str:
    return _Filler(lang, names).vformat(text, (), dict(values))


def carried(answer: Mapping[str, object]) -> dict[str, object]:
    """Return ``{field: {"key": KEY, "values": {...}}}`` for each field of ``answer`` that is a keyed line.

    JSON keeps a :class:`Said`'s English only: an answer that crosses JSON (the deployed function's)
    carries this beside its English fields, so the reader can say the line in its own language.
    A line with a part JSON cannot hold as it is (a list of clauses) is left to its English.
    """
    found: dict[str, object] = {}
    for name, value in answer.items():
        if isinstance(value, Said) and value.key:
            shown = _as_json(value)
            if shown is not _UNSAID:
                found[name] = shown
    return found


def said_again(carried_line: object) -> Said | None:
    """Return the keyed line :func:`carried` wrote; ``None`` for one this catalogue cannot say (another version's)."""
    if not isinstance(carried_line, dict) or not isinstance(carried_line.get("key"), str):
        return None
    key, values = carried_line["key"], carried_line.get("values", {})
    if key not in catalogue() or not isinstance(values, dict):
        return None
    filled: dict[str, object] = {}
    for name, value in values.items():
        part = said_again(value) if isinstance(value, dict) else value
        if part is None and value is not None:
            return None  # a part it cannot say: the English the answer holds is what is shown
        filled[name] = part
    needed = {name for name in placeholders(text_of(key, "en")) if not name.startswith("@")}
    return say(key, **filled) if needed <= filled.keys() else None


_UNSAID = object()


def _as_json(value: object) -> object:
    if isinstance(value, Said) and value.key:
        parts = {name: _as_json(part) for name, part in value.values.items()}
        return _UNSAID if _UNSAID in parts.values() else {"key": value.key, "values": parts}
    if value is None or isinstance(value, int | float | bool):
        return value
    return str(value) if isinstance(value, str) else _UNSAID


def joined(lines: Iterable[object], lang: str, names: Mapping[str, str] | None = None, sep: str = "; ") -> str:
    """Return several lines rendered in ``lang`` and joined (a list of findings inside one line)."""
    return sep.join(render(line, lang, names) for line in lines)
