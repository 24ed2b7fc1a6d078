"""The one message catalogue: every key in both languages, the library free of CLI flags, each door naming inputs its way."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from byodkim import messages
from byodkim.cli import catalogue, cli
from byodkim.messages import INPUTS, placeholders, render, say
from test_cli_options import every_command, visible_options

if TYPE_CHECKING:
    from conftest import Cli

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "byodkim"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")

# Strings that hold other programs' command lines, and why each is not a byodkim flag.
OTHER_TOOLS = {
    "artifacts/layer.py": "uv pip compile/install's own options (the layer's lock and install)",
    "artifacts/interpreters.py": "uv python find's options",
    "emulator/__init__.py": "the emulator server's own argparse options (python -m byodkim.emulator.server)",
    "emulator/server.py": "the emulator server's own argparse options",
    "emulator/lambda_env.py": "unshare and mount, which isolate a Lambda's execution environment",
    "local/sandbox.py": "sceptre launch --var, Sceptre's own option",
}
# Pieces of a byodkim command line built in parts, and the command they belong to.
COMMAND_PARTS = {("workflows/nextstep.py", "--region {}"): "byodkim register's --region, once per region"}
# Commands of other tools an operator is told to type: `aws ...` (the AWS CLI), `uv ...`, `sceptre ...`.
OTHER_COMMAND = re.compile(r"(?:^|[`(\s])(?:aws|uv|sceptre|pip) [a-z][^`]*")
BYODKIM_COMMAND = re.compile(r"byodkim ([a-z][a-z-]*)((?: (?:[^\s`;,)]+))*)")


def _commands(*, visible: bool = False) -> dict[str, set[str]]:
    """Return every byodkim command (``sandbox dns`` included) with its option names (hidden ones too unless ``visible``)."""
    return {
        name: {
            o for p in (visible_options(command) if visible else command.params) for o in (*p.opts, *p.secondary_opts)
        }
        for name, command in every_command(cli)
    }


def _library_strings() -> list[tuple[str, int, str]]:
    """Return every string constant outside cli/ (f-strings joined, docstrings left out: nobody is shown them)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("cli/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
        for node in ast.walk(tree):
            if id(node) in parts:
                continue  # read with its f-string
            if isinstance(node, ast.JoinedStr):
                text = "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
                found.append((relative, node.lineno, text))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found.append((relative, node.lineno, node.value))
    return found


def test_no_library_string_names_a_cli_flag() -> None:
    """The library names an input by concept; a byodkim command line it shows must be one that works."""
    commands = _commands()
    wrong = []
    for relative, line, text in _library_strings():
        if relative in OTHER_TOOLS or (relative, text) in COMMAND_PARTS or not FLAG.search(text):
            continue
        rest = OTHER_COMMAND.sub(" ", text)
        for match in BYODKIM_COMMAND.finditer(rest):
            name = match.group(1)
            sub = match.group(2).split()[:1]
            if sub and f"{name} {sub[0]}" in commands:
                name = f"{name} {sub[0]}"
            unknown = [f for f in FLAG.findall(match.group(2)) if f not in commands.get(name, set())]
            wrong += [(relative, line, f"byodkim {name} has no {flag}") for flag in unknown]
        rest = BYODKIM_COMMAND.sub(" ", rest)
        wrong += [(relative, line, text) for _ in FLAG.findall(rest)[:1]]
    assert wrong == []


def test_every_key_has_both_languages_and_the_same_placeholders() -> None:
    texts = messages.catalogue()
    assert "fleet.summary" in texts  # the CLI's own table is part of it
    for key, (english, japanese) in texts.items():
        assert english.strip(), key
        assert japanese.strip(), key
        assert placeholders(english) == placeholders(japanese), key


def test_every_input_a_text_names_is_a_concept_with_a_flag_that_exists() -> None:
    named = {name[1:] for en, ja in messages.catalogue().values() for name in placeholders(en + ja) if name[0] == "@"}
    assert named <= INPUTS.keys()
    assert INPUTS.keys() == catalogue.FLAGS.keys()
    # A visible option: a renamed option's old spelling stays as a hidden alias that prints a
    # deprecation line, and a hint must not send the operator to it.
    options = {o for names in _commands(visible=True).values() for o in names}
    assert {flag for flag in catalogue.FLAGS.values() if flag not in options} == set()


def test_each_door_names_an_input_its_own_way() -> None:
    from byodkim import lambda_handler
    from byodkim.errors import InputError

    said = say("secret.missing_hint")
    assert str(said) == "check the secret's id and the region"  # a door with no name of its own
    assert catalogue.text(said) == "check --secret-id and --region"
    assert catalogue.text(said, "ja") == "--secret-id と --region を確認してください"
    error = InputError(say("ns.no_address", zone="goo.ne.jp"), say("ns.give"))
    assert lambda_handler.answer(error) == (
        "the name servers of `goo.ne.jp` have no address; give the function's NAMESERVERS (Sceptre `function_nameservers`)"
    )
    assert (
        catalogue.error_line(error, "en") == "error: the name servers of `goo.ne.jp` have no address; give --nameserver"
    )
    assert catalogue.error_line(error, "ja") == (
        "エラー: `goo.ne.jp` のネームサーバーにアドレスがありません。--nameserver を指定してください"
    )


def test_a_said_line_keeps_its_key_through_copies() -> None:
    import copy
    import dataclasses

    from byodkim.dnscheck.judge import ServerAnswer

    answer = ServerAnswer("ns1", "absent", detail=say("dns.no_txt"))
    copied = dataclasses.asdict(answer)["detail"]
    assert (copied, render(copied, "ja")) == ("no TXT record at the name", "この名前に TXT レコードがありません")
    assert render(copy.deepcopy(answer).detail, "ja") == "この名前に TXT レコードがありません"


@pytest.mark.parametrize(
    ("args", "english", "japanese"),
    [
        (
            ["dns-record", "--domain", "goo.ne.jp"],  # rotate's --new-selector is optional since rotate --auto
            "error: Missing option '--selector'. (see 'byodkim dns-record --help')",
            "エラー: オプション '--selector' が指定されていません ('byodkim dns-record --help' を参照)",
        ),
        (
            ["verify", "--domain", "goo.ne.jp", "--selector", "s", "--bogus"],
            "error: No such option '--bogus'. (see 'byodkim verify --help')",
            "エラー: そのようなオプションはありません: --bogus ('byodkim verify --help' を参照)",
        ),
        (
            ["verify", "--domain", "goo.ne.jp", "--selector", "s", "-o", "xml"],
            "error: Invalid value for '-o' / '--output': 'xml' is not one of 'text', 'json'. (see 'byodkim verify --help')",
            "エラー: '-o' の値が正しくありません: 'xml' は 'text', 'json' のどれでもありません ('byodkim verify --help' を参照)",
        ),
    ],
)
def test_clicks_usage_errors_in_japanese(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str], english: str, japanese: str
) -> None:
    """Under a Japanese locale, click's own refusals come from the catalogue; English stays click's."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    ja = cli(*args)
    monkeypatch.setenv("LANG", "C.UTF-8")
    en = cli(*args)
    assert (ja.code, en.code) == (2, 2)
    assert ja.err.rstrip("\n") == japanese
    assert en.err.rstrip("\n") == english


def test_a_key_file_refusal_in_japanese(tmp_path: Path) -> None:
    from byodkim.dkim.keyload import load_private_key
    from byodkim.errors import InputError

    (tmp_path / "empty.pem").write_bytes(b"")
    with pytest.raises(InputError) as refused:
        load_private_key(tmp_path / "empty.pem")
    assert catalogue.error_line(refused.value, "en") == (
        f"error: `{tmp_path / 'empty.pem'}` is empty; give the file that holds the key"
    )
    assert catalogue.error_line(refused.value, "ja") == (
        f"エラー: `{tmp_path / 'empty.pem'}` は空です。鍵が入ったファイルを指定してください"
    )


def test_register_lines_in_both_languages() -> None:
    """The region line register and rollback print, ready for their --lang: English as before, Japanese from keys."""
    from byodkim.aws.ses import RegionResult
    from byodkim.cli.render import region_line

    refused = RegionResult(
        "ap-northeast-1", "refused", ok=False, status="SUCCESS",
        detail=say("ses.refused_switch", now=say("ses.with_easy_dkim"), seen="0/1", way=say("ses.way_publish")),
    )  # fmt: skip
    assert region_line(refused).endswith(
        "To go on, publish the record, check it with `byodkim verify`, then run again, or pass --force"
    )
    assert region_line(refused, "ja") == (
        "ap-northeast-1: 拒否 (DKIM SUCCESS): この ID は現在 Easy DKIM で署名しています。新しいレコードがすべての権威サーバーで"
        "公開される前に切り替えると、SES が PENDING の間 (0/1) ドメインの署名のないメールが送られます。"
        "続けるには レコードを公開し、`byodkim verify` で確認してから再実行するか、--force を指定してください"
    )
    assert region_line(RegionResult("us-east-1", "would create", ok=True), "ja") == "us-east-1: 作成予定"


def _language_tables(source: str) -> list[int]:
    """Return the lines of texts kept by language: dict literals keyed ``en`` and ``ja`` whose values are str or dicts of str."""

    def text(node: ast.expr | None) -> bool:
        if isinstance(node, ast.Constant | ast.JoinedStr):
            return isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
        # An empty one is a table about to be filled (``TEXT["ja"]["key"] = ...``): a table all the same.
        return isinstance(node, ast.Dict) and all(text(value) for value in node.values)

    found: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict):
            pairs = {
                key.value: value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant)
            }
        elif isinstance(node, ast.Assign) and text(node.value):
            # A text put in by language afterwards: ``TEXT["ja"]["key"] = "..."``.
            parts = [part for target in node.targets for part in ast.walk(target) if isinstance(part, ast.Subscript)]
            if any(isinstance(part.slice, ast.Constant) and part.slice.value in ("en", "ja") for part in parts):
                found.add(node.lineno)
            continue
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            pairs = {word.arg: word.value for word in node.keywords if word.arg}
        else:
            continue
        if {"en", "ja"} <= pairs.keys() and text(pairs["en"]) and text(pairs["ja"]):
            found.add(node.lineno)
    return sorted(found)


def test_no_module_keeps_a_text_table_of_its_own() -> None:
    """Texts by language live in the catalogue (messages/, and the CLI's cli/catalogue.py), nowhere else."""
    tables = [
        f"{relative}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not (relative := path.relative_to(PACKAGE).as_posix()).startswith("messages/")
        and relative != "cli/catalogue.py"
        for line in _language_tables(path.read_text(encoding="utf-8"))
    ]
    assert tables == []


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ('HEADING = {"en": "DMARC evidence", "ja": "DMARC の証拠"}', [1]),
        ('TEXT = {\n    "en": {"title": "Stacks"},\n    "ja": {"title": "スタック"},\n}', [1]),
        ('WORDS = dict(en="yes", ja="はい")', [1]),
        ('LINE = {"ja": f"{n} 件", "en": f"{n} items", "de": "x"}', [1]),
        # One step off each: one language only, values that are not texts, tuples, a key that is a variable.
        ('HEADING = {"en": "DMARC evidence"}', []),
        ('WIDTH = {"en": 1, "ja": 2}', []),
        ('TEXT = {"en": {}, "ja": {}}', [1]),
        ('TEXT["ja"]["next"] = "次の作業"', [1]),
        ('TEXT[lang]["next"] = "Next step"', []),
        ('shown["ja"] = 3', []),
        ('PAIRS = {"en": ("a", "b"), "ja": ("c", "d")}', []),
        ('CHOICE = ("en", "ja")', []),
    ],
)
def test_a_text_table_is_found_and_nothing_else(source: str, lines: list[int]) -> None:
    assert _language_tables(source) == lines
