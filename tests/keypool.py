"""RSA keys made once per test run and shared by its workers, through files in a folder of the run's own.

Each xdist worker imports every test module to collect it, and seven modules make keys at import
(one of them 4,096 bits): about 1.2 s of CPU per worker, for keys only the one worker that runs
the module uses. With four workers, three of every four keys were made for nothing; the keys
tests make (``conftest.rsa_keys_made_once_per_worker``) were made once per worker as well. Here the
n-th key of a series is made by whichever process asks for it first and read by the others.

The folder is made in pytest's folder for the run by its first process (xdist's controller, or the
only process) in ``pytest_configure``, and named to the workers it starts in
``PYTEST_BYODKIM_KEYS``; that process removes it at the end. Keys are test keys, written owner-only, never a deployment's.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path
from typing import Any

VARIABLE = "PYTEST_BYODKIM_KEYS"
_MADE_HERE: list[Path] = []
_READ: dict[tuple[str, int, int, int], Any] = {}


def start(run_folder: Path) -> None:
    """Make the folder in ``run_folder`` (pytest's for the run) unless a process that started this one made it.

    In pytest's own folder for the run, as every test's ``tmp_path`` is (with the test keys some
    write there): a run stopped by SIGTERM, which ends pytest with no clean-up, leaves it where
    pytest removes old runs' folders, not in /tmp for good.
    """
    if os.environ.get(VARIABLE):
        return
    folder = run_folder / "byodkim-test-keys"
    folder.mkdir(mode=0o700)
    os.environ[VARIABLE] = str(folder)
    _MADE_HERE.append(folder)


def finish() -> None:
    """Remove the folder, in the process that made it."""
    for folder in _MADE_HERE:
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get(VARIABLE) == str(folder):
            del os.environ[VARIABLE]
    _MADE_HERE.clear()


def key(series: str, index: int, public_exponent: int, key_size: int, make: Any) -> Any:
    """Return the ``index``-th key of ``series``: the one another process made, or one made now with ``make``."""
    wanted = (series, index, public_exponent, key_size)
    if wanted in _READ:
        return _READ[wanted]
    folder = os.environ.get(VARIABLE)
    if not folder or not Path(folder).is_dir():  # no run folder (a module imported outside pytest)
        return make(public_exponent=public_exponent, key_size=key_size)
    from cryptography.hazmat.primitives import serialization

    path = Path(folder) / f"{series}-{public_exponent}-{key_size}-{index}.pem"
    with (Path(folder) / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process makes each key; the others wait, then read it
        if path.exists():
            made = serialization.load_pem_private_key(path.read_bytes(), None, unsafe_skip_rsa_key_validation=True)
        else:
            made = make(public_exponent=public_exponent, key_size=key_size)
            pem = made.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            partial = path.with_suffix(".partial")
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(pem)
            partial.replace(path)
    _READ[wanted] = made
    return made
