"""The emulator's store of function code, layers and bytecode, kept by content between emulators."""

from __future__ import annotations

import os
import threading
import zipfile
from pathlib import Path

from byodkim.emulator.unpacked import IDLE, KEEP, STALE, Unpacked
from conftest import zip_of


def test_the_same_content_is_the_same_folder_in_another_emulator_and_layers_merge_in_order(tmp_path: Path) -> None:
    first = Unpacked(tmp_path).zips(
        "opt", "a,b", [zip_of({"python/m.py": "x = 1\n"}), zip_of({"python/m.py": "x = 2\n"})]
    )
    again = Unpacked(tmp_path).zips("opt", "a,b", [b"never read: the folder is there"])
    assert first == again
    assert (first / "python" / "m.py").read_text() == "x = 2\n"  # the later layer over the earlier
    assert not os.access(first / "python" / "m.py", os.W_OK) or os.geteuid() == 0
    assert not (first / "python" / "m.py").stat().st_mode & 0o222
    assert Unpacked(tmp_path).zips("code", "a,b", [zip_of({"h.py": ""})]) != first  # the kind is part of the name


def test_two_emulators_filling_one_folder_at_once_end_with_one_whole_copy(tmp_path: Path) -> None:
    data = zip_of({f"p/{n}.py": f"n = {n}\n" for n in range(200)})
    found: list[Path] = []
    threads = [
        threading.Thread(target=lambda: found.append(Unpacked(tmp_path).zips("code", "d", [data]))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1
    assert len(list((found[0] / "p").iterdir())) == 200
    assert [p.name for p in (tmp_path / "code").iterdir()] == [found[0].name]  # no partial copy left


def test_a_failed_fill_leaves_nothing_and_says_so(tmp_path: Path) -> None:
    try:
        Unpacked(tmp_path).zips("code", "bad", [b"not a zip"])
    except zipfile.BadZipFile:
        pass
    else:
        raise AssertionError("a bad zip was unpacked")
    assert list((tmp_path / "code").iterdir()) == []


def test_prune_keeps_what_is_in_use_and_removes_old_entries_with_their_bytecode(tmp_path: Path) -> None:
    store = Unpacked(tmp_path)
    entries = [store.zips("code", str(n), [zip_of({"h.py": str(n)})]) for n in range(KEEP + 3)]
    for entry in entries:  # each one's bytecode, where Python's pycache_prefix puts it
        mirror = store.pycache / entry.absolute().relative_to(entry.absolute().anchor)
        mirror.mkdir(parents=True)
        (mirror / "h.cpython-312.pyc").write_bytes(b"")
    now = entries[0].stat().st_mtime
    # Newest first: the first KEEP were used a minute ago, then two an hour and more ago, one over a day.
    for rank, entry in enumerate(reversed(entries)):
        age = 60.0 if rank < KEEP else (IDLE + 60 if rank < KEEP + 2 else STALE + 60)
        os.utime(entry, (now - age - rank, now - age - rank))
    young = store.zips("opt", "y", [zip_of({"python/y.py": ""})])
    os.utime(young, (now - 5, now - 5))
    gone = store.prune(now)
    assert sorted(gone) == sorted(entries[:3])
    for entry in entries[:3]:
        assert not entry.exists()
        assert not (store.pycache / entry.absolute().relative_to(entry.absolute().anchor)).exists()
    for entry in entries[3:]:
        assert (store.pycache / entry.absolute().relative_to(entry.absolute().anchor) / "h.cpython-312.pyc").exists()
    assert young.is_dir()


def test_the_runtimes_boto3_is_linked_never_copied_and_pruning_it_leaves_the_environment_alone(tmp_path: Path) -> None:
    import botocore

    store = Unpacked(tmp_path)
    runtime = store.runtime_packages(("botocore", "no_such_package_here"))
    link = runtime / "botocore"
    assert link.is_symlink()
    assert link.resolve() == Path(botocore.__file__).resolve().parent
    mode = Path(botocore.__file__).stat().st_mode
    os.utime(runtime, (0, 0), follow_symlinks=False)
    assert store.prune() == [runtime]
    assert Path(botocore.__file__).exists()
    assert Path(botocore.__file__).stat().st_mode == mode


def test_an_emulator_whose_cache_folder_cannot_be_written_keeps_its_own(tmp_path: Path) -> None:
    from byodkim.emulator.runtime import LambdaRuntime

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be\n")
    assert not Unpacked(blocked / "emulator").usable()
    runtime = LambdaRuntime(tmp_path / "work", 9, [], network="host", unpacked=Unpacked(blocked / "emulator"))
    assert runtime.unpacked.root == tmp_path / "work" / "unpacked"
    assert runtime.unpacked.zips("code", "c", [zip_of({"h.py": ""})]).is_dir()
    assert Unpacked(tmp_path / "fine").usable()
