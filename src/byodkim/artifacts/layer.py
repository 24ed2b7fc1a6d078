"""Build the cryptography Lambda layer for a runtime from any host, without Docker.

Wheels are resolved for the *target* (Python version, manylinux tag up to the
runtime's glibc, architecture) by uv, then verified file by file before a
reproducible zip is written: the failures users hit on Lambda are made impossible
here instead of discovered there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from byodkim import __version__, cache_root
from byodkim.artifacts.layercheck import verify_tree, verify_zip
from byodkim.artifacts.reprozip import Progress, copy_atomic, write_reproducible_zip, written_here

# Re-exported: the Sceptre resolver, the CLI's option checker and the tests name a runtime through
# the layer, the public path; the runtimes themselves are runtimes.py's (layercheck reads them too).
from byodkim.artifacts.runtimes import DEFAULT_RUNTIME as DEFAULT_RUNTIME  # noqa: PLC0414
from byodkim.artifacts.runtimes import Runtime as Runtime  # noqa: PLC0414
from byodkim.artifacts.runtimes import arch
from byodkim.artifacts.runtimes import lambda_arch as lambda_arch  # noqa: PLC0414
from byodkim.artifacts.runtimes import runtime as runtime  # noqa: PLC0414
from byodkim.errors import ByodkimError, InputError
from byodkim.messages import say

DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024  # PublishLayerVersion with ZipFile
UNZIPPED_LIMIT = 250 * 1024 * 1024  # function plus all its layers, unzipped
# Level 6: measured 3x faster than 9 on this layer for a zip 0.7% larger (5.36 vs 5.32 MB).
_DROP_DIRS = {"__pycache__", "bin"}
_DROP_FILES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


@dataclass(frozen=True)
class LayerBuild:
    """A built layer zip and what is known about it."""

    path: Path
    runtime: str
    arch: str
    sha256_b64: str  # what Lambda reports as Content.CodeSha256
    size: int
    unzipped_size: int
    files: int
    packages: tuple[str, ...]
    cached: bool = False

    @property
    def needs_s3(self) -> bool:
        """Return whether the zip is too large for a direct PublishLayerVersion upload."""
        return self.size > DIRECT_UPLOAD_LIMIT


@dataclass
class BuildOptions:
    """Inputs of one build."""

    runtime: Runtime
    arch: str  # Lambda's name: x86_64 or arm64
    requirements: Path | None = None  # None: the pinned layers/cryptography/requirements.txt, by its lock
    out: Path | None = None
    update_lock: bool = False  # resolve the default requirements again and rewrite the target's lock
    cache_dir: Path | None = None
    progress: Progress = field(default=lambda _step, _done, _total: None)


def build_layer(options: BuildOptions) -> LayerBuild:
    """Resolve, install, verify and zip the layer; reuse the zip when nothing changed."""
    machine = arch(options.arch)
    target = options.runtime
    requirements = _read_requirements(options.requirements) if options.requirements else default_requirements()
    out = options.out or Path(f"cryptography-layer-{target.name}-{options.arch}.zip")
    if out.exists() and out.is_dir():
        raise InputError(say("layer.out_is_folder", path=str(out)), say("layer.give_zip"))
    cache = options.cache_dir or cache_root() / "layers"
    with tempfile.TemporaryDirectory(prefix="byodkim-layer-") as tmp:
        work = Path(tmp)
        options.progress(say("layer.step.resolving"), 0, 0)
        lock = _lock_for(options, requirements, target, machine, work)
        key = hashlib.sha256(
            f"{__version__}\n{target.name}\n{machine}\n{lock}".encode(),
        ).hexdigest()[:32]
        cached = cache / f"{key}.zip"
        if cached.exists() and _cached_zip_matches(cached, lock, target, machine):
            options.progress(say("layer.step.cached"), 1, 1)
            copy_atomic(cached, out)
            return _describe(out, target.name, options.arch, cached=True)
        options.progress(say("layer.step.downloading"), 0, lock.count("==") or 0)
        site = work / "python"
        _install(work / "lock.txt", target, machine, site)
        _slim(site)
        options.progress(say("layer.step.verifying"), 0, 0)
        packages = verify_tree(site, target, machine)
        total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        if total > UNZIPPED_LIMIT:
            raise ByodkimError(say("layer.too_big", mb=f"{total / 1e6:.1f}"), say("layer.trim"))
        staged = work / "layer.zip"
        write_reproducible_zip(site, staged, "python/", options.progress)
        with contextlib.suppress(OSError):  # a cache that cannot be written: a slower next build, not a failed one
            cache.mkdir(parents=True, exist_ok=True)
            copy_atomic(staged, cached)
        copy_atomic(staged, out)
    return _describe(out, target.name, options.arch, cached=False, packages=packages)


_UPDATE = "layer.update_lock"


def lock_file(target: Runtime, arch_name: str) -> Path:
    """Return the committed hashed lock of the default layer for a runtime and Lambda architecture."""
    name = f"{target.name}-{arch_name}.txt"
    checkout = Path(__file__).resolve().parents[3] / "layers" / "cryptography" / "locks"
    if checkout.is_dir():
        return checkout / name
    return Path(__file__).resolve().parents[1] / "_data" / "layer-locks" / name  # the copy in the wheel


def _lock_for(options: BuildOptions, requirements: str, target: Runtime, machine: str, work: Path) -> str:
    """Return the hashed lock to install: the committed one for the default layer, else resolved now.

    The default layer never floats: every package, transitive ones included, is pinned with its
    wheel hashes in a file under review, and a lock that no longer matches requirements.txt is
    refused rather than silently resolved again.
    """
    if options.requirements is not None:
        return _resolve(requirements, target, machine, work)
    path = lock_file(target, options.arch)
    if options.update_lock:
        resolved = _resolve(requirements, target, machine, work)
        header = "".join(line + "\n" for line in _lock_header(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + resolved, encoding="utf-8")
    if not path.is_file():
        raise ByodkimError(
            say("layer.no_lock", runtime=target.name, arch=options.arch, path=str(path)),
            say(_UPDATE, runtime=target.name, arch=options.arch),
        )
    lock = path.read_text(encoding="utf-8")
    pinned, locked = _pins(requirements), _pins(lock)
    stale = sorted(f"{name}=={version}" for name, version in pinned.items() if locked.get(name) != version)
    if stale or any("--hash=sha256:" not in block for block in lock.split("==")[1:]):
        raise ByodkimError(
            say("layer.stale_lock", name=path.name, what=", ".join(stale) or say("layer.every_package")),
            say(_UPDATE, runtime=target.name, arch=options.arch),
        )
    (work / "lock.txt").write_text(lock, encoding="utf-8")
    return lock


def _lock_header(path: Path) -> list[str]:
    runtime_name, arch_name = path.stem.split("-", 1)
    what = f"{runtime_name} {arch_name}"
    again = f"--runtime {runtime_name} --arch {arch_name} --update-lock"
    return [
        f"# Hashed lock of layers/cryptography/requirements.txt for {what}, transitive packages included.",
        "# The layer installs only this (uv --require-hashes). Regenerate after changing requirements.txt:",
        f"#   uv run byodkim build-layer {again}   (then review the diff)",
    ]


def _pins(text: str) -> dict[str, str]:
    """Return ``name -> version`` of every ``name==version`` line (names normalised as PEP 503 does)."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;\\]+)", line)
        if match:
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def _cached_zip_matches(cached: Path, lock: str, target: Runtime, machine: str) -> bool:
    """Return whether a cached zip still holds exactly the locked packages, each binary fit for the target.

    The cache is a folder anyone with the user's rights can write: a zip found there is checked
    like a fresh build before it is published (the shape byodkim writes, every binary, exactly the
    locked packages); one that fails is dropped and rebuilt. What its Python files say is not
    compared with anything (the layer keeps no RECORD): that is as writable as the venv itself.
    """
    try:
        checked = (hashlib.sha256(cached.read_bytes()).hexdigest(), lock, target.name, machine)
        if checked in _CHECKED:  # these very bytes, for this lock and target, passed in this process
            return True
        with zipfile.ZipFile(cached) as archive:  # a zip not in the shape byodkim writes is not checked further
            shaped = written_here(archive, "python/")
            packages = verify_zip(archive, "python/", target, machine) if shaped else ()
    except (zipfile.BadZipFile, OSError, ByodkimError):
        cached.unlink(missing_ok=True)
        return False
    if not shaped or _pins("\n".join(packages)) != _pins(lock):
        cached.unlink(missing_ok=True)
        return False
    _CHECKED.add(checked)
    return True


# (sha256 of a cached zip's bytes, lock, runtime, machine) that passed the check in this process. A
# Sceptre launch resolves the layer for the preview and again for the stack: the second check
# unpacked the same 18 MB to find the same answer (0.1 s each, 14 s of the suite's Sceptre time).
# Keyed by content, so a zip changed since is checked again.
_CHECKED: set[tuple[str, str, str, str]] = set()


def default_requirements() -> str:
    """Return the pinned layer requirements: the checkout's ``layers/`` or the copy in the wheel."""
    checkout = Path(__file__).resolve().parents[3] / "layers" / "cryptography" / "requirements.txt"
    if checkout.exists():
        return _read_requirements(checkout)
    from importlib.resources import files

    text = files("byodkim").joinpath("_data/layer-requirements.txt").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if line and not line.startswith("#")) + "\n"


def requirements_file(text: str) -> Path:
    """Return the path of a requirements file the layer can be built from, or refuse it."""
    path = Path(text)
    _read_requirements(path)
    return path


def _read_requirements(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(say("layer.no_requirements", path=str(path)), say("layer.give_requirements")) from None
    except (OSError, UnicodeDecodeError) as exc:
        unreadable = say("layer.unreadable_requirements", path=str(path), why=str(exc))
        raise InputError(unreadable, say("layer.give_utf8_requirements")) from None
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError(say("layer.no_package", path=str(path)), say("layer.add_cryptography"))
    for line in lines:
        if line.startswith(("-", ".", "/")) or "://" in line:
            raise InputError(say("layer.not_a_requirement", path=str(path), line=line), say("layer.from_index"))
    return "\n".join(lines) + "\n"


def _uv() -> str:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            raise ByodkimError(say("layer.no_uv"), say("layer.install_uv")) from None
        return found


def _target_args(target: Runtime, machine: str) -> list[str]:
    return [
        "--python-platform",
        f"{machine}-{target.uv_platform_tag}",
        "--python-version",
        "{}.{}".format(*target.python),
        "--only-binary",
        ":all:",
    ]


def _run_uv(args: list[str], what: object) -> str:
    """Run uv from its cache first; go to the index only when the cache cannot answer.

    An unchanged rebuild then downloads nothing and does not wait on the network.
    """
    env = {**os.environ, "UV_NO_PROGRESS": "1"}
    env.pop("VIRTUAL_ENV", None)  # the target is a folder, never the environment byodkim runs in
    for extra in (["--offline"], []):
        done = subprocess.run([_uv(), *args, *extra], capture_output=True, text=True, env=env, check=False)  # noqa: S603
        if done.returncode == 0:
            return done.stdout
    raise ByodkimError(say("layer.uv_failed", what=what, why=_uv_reason(done.stderr)))


def _uv_reason(stderr: str) -> str:
    lines = [line.strip(" \u2570\u2500\u25b6\u00d7") for line in stderr.strip().splitlines() if line.strip()]
    reason = " ".join(lines)
    match = re.search(r"[Bb]ecause (?:only )?([A-Za-z0-9_.\-]+)(?:[=<>!~]=?[^ ]+)? has no (?:usable )?wheels", reason)
    if match:
        return say("layer.no_wheel", name=match.group(1))
    return reason or say("layer.uv_silent")


def _resolve(requirements: str, target: Runtime, machine: str, work: Path) -> str:
    (work / "requirements.in").write_text(requirements, encoding="utf-8")
    _run_uv(
        [
            "pip",
            "compile",
            str(work / "requirements.in"),
            *_target_args(target, machine),
            "--generate-hashes",
            "--no-header",
            "--no-annotate",
            "--quiet",
            "-o",
            str(work / "lock.txt"),
        ],
        say("layer.resolving_wheels", runtime=target.name, machine=machine),
    )
    return (work / "lock.txt").read_text(encoding="utf-8")


def _install(lock: Path, target: Runtime, machine: str, site: Path) -> None:
    _run_uv(
        [
            "pip",
            "install",
            "--target",
            str(site),
            *_target_args(target, machine),
            "--require-hashes",
            "--no-deps",
            "--no-compile",
            "--quiet",
            "-r",
            str(lock),
        ],
        say("layer.installing_wheels", runtime=target.name, machine=machine),
    )


def _slim(site: Path) -> None:
    """Drop what Lambda never reads: host bytecode, console scripts, installer records, stubs."""
    for path in sorted(site.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and path.name in _DROP_DIRS:
            shutil.rmtree(path)
        elif path.is_file() and (
            path.suffix in {".pyc", ".pyi"} or (path.name in _DROP_FILES and path.parent.name.endswith(".dist-info"))
        ):
            path.unlink()


def _describe(
    path: Path, runtime_name: str, arch_name: str, *, cached: bool, packages: tuple[str, ...] = ()
) -> LayerBuild:
    import base64

    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        dist_infos = {i.filename.split("/")[1] for i in infos if ".dist-info/" in i.filename}
        names = packages or tuple(sorted(d.removesuffix(".dist-info").replace("-", "==", 1) for d in dist_infos))
        unzipped = sum(i.file_size for i in infos)
    return LayerBuild(
        path=path,
        runtime=runtime_name,
        arch=arch_name,
        sha256_b64=base64.b64encode(hashlib.sha256(data).digest()).decode(),
        size=len(data),
        unzipped_size=unzipped,
        files=len(infos),
        packages=names,
        cached=cached,
    )
