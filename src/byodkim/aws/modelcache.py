"""botocore's JSON data files kept parsed in byodkim's cache folder, so a new process does not parse them again.

Every byodkim process that makes clients (a command, the sandbox's Sceptre runner, the emulator)
had botocore parse the same JSON again: ``endpoints.json`` (1.2 MB), then each service's model
and endpoint rules, gzipped. For fourteen services that was 111-135 ms of CPU; read back
with ``marshal``, 40-54 ms (``benchmarks/cli_start.py`` prints both). A preflight's name probes make
clients for thirteen services, in every ``sceptre launch``.

Kept per file under a hash of its bytes, so every install of one botocore shares the entries and
an upgraded or edited file is simply another one (a botocore release leaves a few MB behind;
deleting the folder is always safe). ``marshal`` holds plain data only (no code runs as it loads, unlike
pickle). What comes back is plain dicts where botocore's parser gives OrderedDicts: the same
order, and botocore copies what it keeps into its own types. Written owner-only, through a
new partial file (never an existing name: ``O_EXCL``, no symlink followed) and a rename, in a
folder used only when this user made it and alone can write in it. A folder that cannot be
written or is refused, or an entry that cannot be read or is not the file's, costs the parse,
never the command.

Enabled by the processes that run on an operator's machine (:func:`enable`); not in the
function, whose file system is read-only but for ``/tmp`` and whose environments share nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.loaders import JSONFileLoader

_FOLDER: list[Path] = []  # the folder enable() chose; empty: disabled
_OPENED: dict[Path, int | None] = {}  # folder -> a descriptor of it once checked (None: refused)
_LOCK = threading.Lock()


def enable(folder: Path | None = None) -> None:
    """Read botocore's data files through the cache in ``folder`` (``<cache>/botocore``), from now on.

    Only where directory descriptors and ownership can be checked (Linux, macOS); elsewhere
    (Windows) the files are parsed as botocore parses them.
    """
    from byodkim import cache_root

    if os.name == "posix" and {os.open, os.rename, os.unlink} <= os.supports_dir_fd:  # os.replace is renameat too
        _FOLDER[:] = [folder or cache_root() / "botocore"]


def file_loader() -> JSONFileLoader:
    """Return the file loader new botocore loaders should use: the cached one when enabled."""
    from botocore.loaders import JSONFileLoader  # here: the CLI imports this module before anything AWS

    return _cached_loader_class()() if _FOLDER else JSONFileLoader()


@functools.cache
def _cached_loader_class() -> type[JSONFileLoader]:
    """Return the cached file loader's class, made once: it subclasses botocore's, imported only when needed."""
    from botocore.loaders import JSONFileLoader

    class CachedFileLoader(JSONFileLoader):
        """botocore's JSON file loader, answering from parsed copies kept in a folder."""

        def load_file(self, file_path: str) -> Any:  # noqa: ANN401 - JSON data
            """Return the data of ``file_path`` + ``.json`` or ``.json.gz`` (botocore's order), kept or parsed."""
            return _cached(file_path, super().load_file)

    return CachedFileLoader


def _cached(file_path: str, parse: Any) -> Any:  # noqa: ANN401 - botocore's parse and its JSON data
    folder = _folder()
    if folder is None:  # refused or unwritable: parsed as botocore parses, nothing read or hashed first
        return parse(file_path)
    for extension in (".json", ".json.gz"):
        try:
            raw = Path(file_path + extension).read_bytes()  # read and hashed: 1.7 ms for fourteen services' files
        except OSError:
            continue
        key = hashlib.sha256(extension.encode() + b"\0" + raw).hexdigest()[:40]  # by content: shared by installs
        kept = _read(folder, key)
        if kept is not None:
            return kept
        data = parse(file_path)
        if data is None:
            return None
        plain = _plain(data)  # what a later process reads back: the same types from the first
        _keep(folder, key, plain)
        return plain
    return None


def _folder() -> int | None:
    """Return a descriptor of the cache folder, made or opened once: None unless this user alone can write in it.

    A folder someone else made, or can write in, could hold entries that send a client elsewhere
    (an endpoint is data here): it is not used. Every later step goes through the descriptor, so
    a folder renamed or replaced after the check is not the one written in.
    """
    folder = _FOLDER[0]
    with _LOCK:
        if folder in _OPENED:
            return _OPENED[folder]
        descriptor: int | None = None
        with contextlib.suppress(OSError):
            folder.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                folder.mkdir(mode=0o700)
            descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            found = os.fstat(descriptor)
            if found.st_uid != os.getuid() or found.st_mode & 0o077:
                os.close(descriptor)
                descriptor = None
        _OPENED[folder] = descriptor
        return descriptor


def _read(folder: int, key: str) -> dict[str, Any] | None:
    """Return an entry's data, or None when there is none or it is not whole and this file's."""
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        descriptor = os.open(f"{key}.marshal", os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
        with os.fdopen(descriptor, "rb") as entry:
            loaded = marshal.loads(entry.read())  # noqa: S302 - written by this user in its own folder: plain data
        # An entry carries the key it was written under: a copy under another name (another file's
        # data) or any other object is not used.
        if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == key and isinstance(loaded[1], dict):  # noqa: PLR2004
            return loaded[1]
    return None


def _keep(folder: int, key: str, data: dict[str, Any]) -> None:
    """Write an entry owner-only through a new partial file; a failed write leaves nothing behind."""
    partial = f".{key}.{secrets.token_hex(8)}.partial"
    with contextlib.suppress(OSError, ValueError):
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(marshal.dumps((key, data)))
            os.replace(partial, f"{key}.marshal", src_dir_fd=folder, dst_dir_fd=folder)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                os.unlink(partial, dir_fd=folder)
            raise


def _plain(value: Any) -> Any:  # noqa: ANN401 - JSON data
    """Return ``value`` with every mapping a plain dict (marshal writes no OrderedDict)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
