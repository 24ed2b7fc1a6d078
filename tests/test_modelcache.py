"""botocore's data files kept parsed on disk: the same data as botocore parses, read back without parsing."""

from __future__ import annotations

import functools
import json
import os
import stat
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

# One process: the data botocore's loader gives for endpoints and two services (SES's, and a small one),
# with the cache on or off, and how many JSON files it parsed. Two, not more: every test starts two or
# three of these (0.2 s of CPU each; with four services, 0.45 s).
_READ = """
import json, sys
from botocore import loaders
from byodkim.aws import modelcache
if sys.argv[1] != "off":
    modelcache.enable(__import__("pathlib").Path(sys.argv[1]))
parsed = []
plain = loaders.JSONFileLoader._load_file
def counted(self, full_path, open_method):
    data = plain(self, full_path, open_method)
    if data is not None:
        parsed.append(full_path)
    return data
loaders.JSONFileLoader._load_file = counted
loader = loaders.create_loader()
loader.file_loader = modelcache.file_loader()
read = {"endpoints": loader.load_data("endpoints")}
for service in ("sesv2", "sts"):
    read[service] = loader.load_service_model(service, "service-2")
    read[service + " rules"] = loader.load_service_model(service, "endpoint-rule-set-1")
print(json.dumps({"parsed": len(parsed), "read": read}, sort_keys=True))
"""


def _read(how: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _READ, how], capture_output=True, text=True, check=True)
    loaded: dict[str, object] = json.loads(done.stdout)
    return loaded


@functools.cache
def _without_the_cache() -> dict[str, object]:
    """What botocore gives and parses for _READ with the cache off: one process for the module's tests."""
    return _read("off")


def _parsed_without_the_cache() -> object:
    return _without_the_cache()["parsed"]


def test_a_cached_model_is_the_data_botocore_parses_and_is_not_parsed_again(tmp_path: Path) -> None:
    folder = tmp_path / "botocore"
    plain, first, second = _without_the_cache(), _read(str(folder)), _read(str(folder))
    assert plain["parsed"] == first["parsed"]
    assert isinstance(plain["parsed"], int)
    assert plain["parsed"] >= 5  # endpoints, and each service's model and rules
    assert second["parsed"] == 0  # every file read back, none parsed
    assert plain["read"] == first["read"] == second["read"]
    entries = list(folder.iterdir())
    assert len(entries) == plain["parsed"]
    assert all(stat.S_IMODE(entry.stat().st_mode) == 0o600 for entry in entries)  # owner-only
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_damaged_entry_is_parsed_again_and_replaced(tmp_path: Path) -> None:
    """One step off: an entry cut short (a full disk, an edit) costs a parse, never the command."""
    folder = tmp_path / "botocore"
    whole = _read(str(folder))
    for entry in folder.iterdir():
        entry.write_bytes(entry.read_bytes()[:7])
    again = _read(str(folder))
    assert again["parsed"] == len(list(folder.iterdir()))
    assert again["read"] == whole["read"]
    assert _read(str(folder))["parsed"] == 0  # replaced by whole entries


def test_an_entry_that_is_not_a_data_file_s_is_parsed_again(tmp_path: Path) -> None:
    """One step off the damaged entry: whole, readable marshal, but not an object (a list, a code object)."""
    import marshal

    folder = tmp_path / "botocore"
    whole = _read(str(folder))
    entries = sorted(folder.iterdir())
    for index, entry in enumerate(entries):
        entry.write_bytes(marshal.dumps([1, 2]) if index % 2 else marshal.dumps(compile("1", "x", "eval")))
    again = _read(str(folder))
    assert again["parsed"] == len(entries)
    assert again["read"] == whole["read"]


def test_an_entry_under_another_files_name_is_parsed_again(tmp_path: Path) -> None:
    """One step off a damaged entry: a whole one, this cache's own, copied under another file's key."""
    folder = tmp_path / "botocore"
    whole = _read(str(folder))
    entries = sorted(folder.iterdir())
    data = [entry.read_bytes() for entry in entries]
    for entry, other in zip(entries, data[1:] + data[:1], strict=True):  # each holds the next one's
        entry.write_bytes(other)
    again = _read(str(folder))
    assert again["parsed"] == len(entries)
    assert again["read"] == whole["read"]


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o755])
def test_a_folder_others_can_write_or_read_in_is_not_used(tmp_path: Path, mode: int) -> None:
    """Entries are data botocore trusts (an endpoint among them): only a folder this user alone holds is used."""
    folder = tmp_path / "botocore"
    folder.mkdir()
    folder.chmod(mode)
    first, second = _read(str(folder)), _read(str(folder))
    assert first["parsed"] == second["parsed"] == _parsed_without_the_cache()
    assert list(folder.iterdir()) == []


def test_a_folder_that_is_a_symlink_is_not_used(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "botocore").symlink_to(elsewhere)
    first, second = _read(str(tmp_path / "botocore")), _read(str(tmp_path / "botocore"))
    assert first["parsed"] == second["parsed"] == _parsed_without_the_cache()
    assert list(elsewhere.iterdir()) == []


def test_a_folder_another_user_owns_is_not_used(tmp_path: Path) -> None:
    """As root (CI): a folder made by someone else, even 0700, is not this user's."""
    if os.getuid() != 0:
        pytest.fail("this test gives the folder to another user: run it as root (CI does)")
    folder = tmp_path / "botocore"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    assert _read(str(folder))["parsed"] == _parsed_without_the_cache()
    assert list(folder.iterdir()) == []


def test_a_folder_that_cannot_be_written_only_costs_the_parse(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the cache folder would be\n")
    first, second = _read(str(blocked / "botocore")), _read(str(blocked / "botocore"))
    plain = _without_the_cache()
    assert first["parsed"] == second["parsed"] == plain["parsed"]
    assert first["read"] == plain["read"]
    assert blocked.read_text() == "a file where the cache folder would be\n"


def test_a_changed_data_file_is_a_new_entry(tmp_path: Path) -> None:
    """An upgraded or edited botocore file is read as it is now: entries are keyed by path, size and time."""
    data = tmp_path / "data" / "sesv2" / "2019-09-27"
    data.mkdir(parents=True)
    model = {"version": "2.0", "metadata": {"apiVersion": "2019-09-27", "endpointPrefix": "email"}}
    (data / "service-2.json").write_text(json.dumps({**model, "shapes": {"A": {"type": "string"}}}))
    code = (
        "import sys, json, pathlib\n"
        "from botocore import loaders\n"
        "from byodkim.aws import modelcache\n"
        "modelcache.enable(pathlib.Path(sys.argv[1]))\n"
        "loader = loaders.Loader(extra_search_paths=[sys.argv[2]], include_default_search_paths=False)\n"
        "loader.file_loader = modelcache.file_loader()\n"
        "print(json.dumps(loader.load_service_model('sesv2', 'service-2')['shapes']))\n"
    )
    args = [sys.executable, "-c", code, str(tmp_path / "cache"), str(tmp_path / "data")]
    first = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    (data / "service-2.json").write_text(json.dumps({**model, "shapes": {"B": {"type": "integer"}}}))
    second = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    assert json.loads(first) == {"A": {"type": "string"}}
    assert json.loads(second) == {"B": {"type": "integer"}}
