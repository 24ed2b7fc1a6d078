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
partial file and a rename. A folder that cannot be written, or an entry that cannot be read,
costs the parse, never the command.

Enabled by the processes that run on an operator's machine (:func:`enable`); not in the
function, whose file system is read-only but for ``/tmp`` and whose environments share nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.loaders import JSONFileLoader

_FOLDER: list[Path] = []  # the folder enable() chose; empty: disabled


def enable(folder: Path | None = None) -> None:
    """Read botocore's data files through the cache in ``folder`` (``<cache>/botocore``), from now on."""
    from byodkim import cache_root

    _FOLDER[:] = [folder or cache_root() / "botocore"]


def file_loader() -> JSONFileLoader:
    """Return the file loader new botocore loaders should use: the cached one when enabled."""
    from botocore.loaders import JSONFileLoader  # here: the CLI imports this module before anything AWS

    class CachedFileLoader(JSONFileLoader):
        """botocore's JSON file loader, answering from parsed copies kept in a folder."""

        def load_file(self, file_path: str) -> Any:  # noqa: ANN401 - JSON data
            """Return the data of ``file_path`` + ``.json`` or ``.json.gz`` (botocore's order), kept or parsed."""
            return _cached(file_path, super().load_file)

    return CachedFileLoader() if _FOLDER else JSONFileLoader()


def _cached(file_path: str, parse: Any) -> Any:  # noqa: ANN401 - botocore's parse and its JSON data
    for extension in (".json", ".json.gz"):
        try:
            raw = Path(file_path + extension).read_bytes()  # read and hashed: 1.7 ms for fourteen services' files
        except OSError:
            continue
        key = hashlib.sha256(extension.encode() + b"\0" + raw).hexdigest()[:40]  # by content: shared by installs
        kept = _FOLDER[0] / f"{key}.marshal"
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            loaded = marshal.loads(kept.read_bytes())  # noqa: S302 - our own entry: plain data, no code
            if isinstance(loaded, dict):  # every botocore data file is an object; anything else was not ours
                return loaded
        data = parse(file_path)
        if data is None:
            return None
        plain = _plain(data)  # what a later process reads back: the same types from the first
        _keep(kept, plain)
        return plain
    return None


def _keep(path: Path, data: Any) -> None:  # noqa: ANN401 - JSON data
    """Write an entry owner-only through a partial file; a folder that cannot be written is left alone."""
    with contextlib.suppress(OSError, ValueError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(marshal.dumps(data))
        partial.replace(path)


def _plain(value: Any) -> Any:  # noqa: ANN401 - JSON data
    """Return ``value`` with every mapping a plain dict (marshal writes no OrderedDict)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
