"""Check a layer tree before it is zipped, so the failures users hit on Lambda cannot happen.

ELF machine (x86_64 or aarch64), the highest GLIBC symbol version against the runtime's
glibc, wheel tags, and the ``_cffi_backend`` built for the runtime's Python.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from byodkim.artifacts.elf import foreign_binary, read_elf
from byodkim.errors import ByodkimError
from byodkim.messages import say

if TYPE_CHECKING:
    import zipfile
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from byodkim.artifacts.runtimes import Runtime

_SO_TAG = re.compile(r"\.cpython-(\d)(\d+)-([a-z0-9_]+)-linux-gnu\.so$")


def verify_tree(site: Path, target: Runtime, machine: str) -> tuple[str, ...]:
    """Check every binary and wheel tag in a folder against the runtime; return ``name==version`` of each package."""
    files = {p.relative_to(site).as_posix(): p.read_bytes for p in site.rglob("*") if p.is_file()}
    return _verify(files, target, machine)


def verify_zip(archive: zipfile.ZipFile, root: str, target: Runtime, machine: str) -> tuple[str, ...]:
    """Check a zip's members under ``root`` (``python/``) the same way, read from the zip: nothing is unpacked.

    A cached layer is checked before every use; unpacking its 590 files to check them took 0.28 s,
    two thirds of it creating files.
    """
    members = [m for m in archive.infolist() if m.filename.startswith(root) and not m.is_dir()]
    return _verify({m.filename[len(root) :]: functools.partial(archive.read, m) for m in members}, target, machine)


def _verify(files: Mapping[str, Callable[[], bytes]], target: Runtime, machine: str) -> tuple[str, ...]:
    """Check a tree given as its files (path relative to the tree, POSIX) and how to read each."""
    problems: list[str] = []
    packages: list[str] = []
    for info in sorted({rel.split("/", 1)[0] for rel in files if rel.split("/", 1)[0].endswith(".dist-info")}):
        packages.append(info.removesuffix(".dist-info").replace("-", "==", 1))
        wheel = files.get(f"{info}/WHEEL")
        text = wheel().decode("utf-8", "replace") if wheel else ""
        tags = [line[5:].strip() for line in text.splitlines() if line.startswith("Tag:")]
        if not any(tag_fits(tag, target, machine) for tag in tags):
            problems.append(f"{info} is tagged {', '.join(tags) or 'with nothing'}, not for {target.name} {machine}")
    cffi_backend = False
    for rel in sorted(files):
        name = rel.rsplit("/", 1)[-1]
        data = files[rel]()
        binary = name.endswith((".so", ".pyd", ".dylib"))
        if not binary and data[:4] != b"\x7fELF" and foreign_binary(data[:4]) is None:
            continue
        problem = _binary_problem(rel, data, target, machine)
        if problem:
            problems.append(problem)
        if name.startswith("_cffi_backend."):
            cffi_backend = True
    if any(p.startswith("cffi==") for p in packages) and not cffi_backend:
        problems.append(say("layer.no_cffi_backend"))
    if problems:
        raise ByodkimError(
            say("layer.does_not_fit", runtime=target.name, machine=machine, problems="; ".join(problems[:5])),
            say("layer.check_requirements"),
        )
    return tuple(packages)


def _binary_problem(rel: str, data: bytes, target: Runtime, machine: str) -> str | None:
    foreign = foreign_binary(data)
    if foreign:
        return f"{rel} is {foreign} (Lambda: invalid ELF header)"
    elf = read_elf(data)
    if elf is None:
        return f"{rel} is not an ELF shared object (Lambda: invalid ELF header)"
    if elf.machine != machine:
        return f"{rel} is built for {elf.machine}, not {machine} (Lambda: cannot open shared object file)"
    if elf.glibc > target.glibc:
        need = ".".join(map(str, elf.glibc))
        return f"{rel} needs GLIBC_{need}, above {target.os}'s {target.glibc[0]}.{target.glibc[1]}"
    tag = _SO_TAG.search(rel)
    if tag:
        version = (int(tag.group(1)), int(tag.group(2)))
        if version != target.python:
            return f"{rel} is for Python {version[0]}.{version[1]}, not {target.name} (Lambda: No module named ...)"
        if not tag.group(3).startswith(machine):
            return f"{rel} is for {tag.group(3)}, not {machine}"
    return None


def tag_fits(tag: str, target: Runtime, machine: str) -> bool:
    """Return whether one wheel tag (``cp311-abi3-manylinux_2_17_x86_64``) runs on the target."""
    try:
        python, abi, platform = tag.split("-")
    except ValueError:
        return False
    if platform != "any":
        glibc = _manylinux_glibc(platform, machine)
        if glibc is None or glibc > target.glibc:
            return False
    major, minor = target.python
    if python in {"py3", f"py{major}", "py2.py3"}:
        return True
    match = re.fullmatch(r"cp(\d)(\d+)", python)
    if not match or int(match.group(1)) != major:
        return False
    wheel_minor = int(match.group(2))
    if abi == "abi3":
        return wheel_minor <= minor
    return wheel_minor == minor


def _manylinux_glibc(platform: str, machine: str) -> tuple[int, int] | None:
    legacy = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
    for name, version in legacy.items():
        if platform == f"{name}_{machine}":
            return version
    match = re.fullmatch(rf"manylinux_(\d+)_(\d+)_{machine}", platform)
    return (int(match.group(1)), int(match.group(2))) if match else None
