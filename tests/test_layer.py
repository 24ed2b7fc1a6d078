"""Layers built for real runtimes, imported by the matching CPython, published to the emulator."""

from __future__ import annotations

import copy
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

from byodkim.artifacts import layer, layercheck
from byodkim.artifacts.elf import read_elf
from byodkim.errors import ByodkimError, InputError
from conftest import Cli, python_for

if TYPE_CHECKING:
    from byodkim.emulator import Emulator


def _build(folder: Path, runtime: str, arch: str = "x86_64", requirements: Path | None = None) -> layer.LayerBuild:
    return layer.build_layer(
        layer.BuildOptions(
            layer.runtime(runtime),
            arch,
            requirements=requirements,
            out=folder / f"{runtime}-{arch}.zip",
            cache_dir=folder / "cache",
        )
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, layer.LayerBuild]:
    folder = tmp_path_factory.mktemp("layers")
    return {
        "python3.11": _build(folder, "python3.11"),
        "python3.12": _build(folder, "python3.12"),
        "arm64": _build(folder, "python3.12", "arm64"),
    }


def _extract(build: layer.LayerBuild, dest: Path) -> Path:
    with zipfile.ZipFile(build.path) as archive:
        archive.extractall(dest)
    return dest / "python"


@pytest.mark.parametrize("runtime", ["python3.11", "python3.12"])
def test_layer_imports_in_the_matching_cpython_and_makes_a_key(
    built: dict[str, layer.LayerBuild], tmp_path: Path, runtime: str
) -> None:
    site = _extract(built[runtime], tmp_path)
    interpreter = python_for(runtime.removeprefix("python"))
    script = (
        "import sys; sys.path.append(sys.argv[1]);"
        "from cryptography.hazmat.primitives.asymmetric import rsa;"
        "from cryptography.hazmat.primitives import serialization as s;"
        "import cryptography, dns.resolver, _cffi_backend;"
        "k = rsa.generate_private_key(public_exponent=65537, key_size=2048);"
        "pem = k.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, s.NoEncryption());"
        "print(pem.decode().splitlines()[0]); print(cryptography.__file__); print(sys.version_info[:2])"
    )
    done = subprocess.run(
        [interpreter, "-I", "-S", "-c", script, str(site)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    first, where, version = done.stdout.splitlines()
    assert first == "-----BEGIN RSA PRIVATE KEY-----"
    assert where.startswith(str(site))
    assert version == str(tuple(int(x) for x in runtime.removeprefix("python").split(".")))


def test_zip_layout_is_slim_and_fixed(built: dict[str, layer.LayerBuild]) -> None:
    with zipfile.ZipFile(built["python3.12"].path) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert all(n.startswith("python/") and "\\" not in n and not n.endswith("/") for n in names)
    assert not [
        n for n in names if n.endswith((".pyc", ".pyi", "/RECORD", "/INSTALLER")) or "/bin/" in n or "__pycache__" in n
    ]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
    assert all(mode == (0o755 if name.endswith(".so") else 0o644) for name, mode in modes.items())
    assert "python/cryptography/hazmat/bindings/_rust.abi3.so" in names
    assert "python/_cffi_backend.cpython-312-x86_64-linux-gnu.so" in names
    assert built["python3.12"].packages[:2] == ("cffi==2.1.1", "cryptography==50.0.2")


def test_python311_layer_needs_no_glibc_above_amazon_linux_2(
    built: dict[str, layer.LayerBuild], tmp_path: Path
) -> None:
    site = _extract(built["python3.11"], tmp_path)
    objects = sorted(site.rglob("*.so"))
    assert len(objects) >= 2
    for so in objects:
        info = read_elf(so.read_bytes())
        assert info is not None
        assert info.machine == "x86_64"
        assert (2, 5) <= info.glibc <= (2, 26), so
        assert info.glibc == _readelf_max_glibc(so), so  # our ELF reader agrees with binutils


def _readelf_max_glibc(path: Path) -> tuple[int, ...]:
    import re

    from conftest import require_tool

    readelf = require_tool("readelf", "apt-get install binutils")
    text = subprocess.run([readelf, "-V", "-W", str(path)], capture_output=True, text=True, check=True).stdout
    versions = [tuple(int(p) for p in m.split(".")) for m in re.findall(r"Name: GLIBC_([0-9.]+)", text)]
    return max(versions)


def test_arm64_layer_is_all_aarch64(built: dict[str, layer.LayerBuild], tmp_path: Path) -> None:
    site = _extract(built["arm64"], tmp_path)
    objects = sorted(site.rglob("*.so"))
    assert len(objects) >= 2
    assert {read_elf(so.read_bytes()).machine for so in objects} == {"aarch64"}  # type: ignore[union-attr]
    assert (site / "_cffi_backend.cpython-312-aarch64-linux-gnu.so").exists()


def test_rebuild_from_a_cold_cache_is_byte_identical(built: dict[str, layer.LayerBuild], tmp_path: Path) -> None:
    again = _build(tmp_path, "python3.12")
    assert not again.cached
    assert again.path.read_bytes() == built["python3.12"].path.read_bytes()
    warm = _build(tmp_path, "python3.12")
    assert warm.cached
    assert warm.sha256_b64 == again.sha256_b64


def _site_copy(build: layer.LayerBuild, dest: Path) -> Path:
    return _extract(build, dest)


def test_verify_refuses_a_wrong_python_cffi_backend(built: dict[str, layer.LayerBuild], tmp_path: Path) -> None:
    site = _site_copy(built["python3.11"], tmp_path / "a")
    other = _site_copy(built["python3.12"], tmp_path / "b")
    (site / "_cffi_backend.cpython-311-x86_64-linux-gnu.so").unlink()
    (other / "_cffi_backend.cpython-312-x86_64-linux-gnu.so").rename(
        site / "_cffi_backend.cpython-312-x86_64-linux-gnu.so"
    )
    with pytest.raises(
        ByodkimError, match=r"_cffi_backend.cpython-312-x86_64-linux-gnu.so is for Python 3.12, not python3.11"
    ):
        layercheck.verify_tree(site, layer.runtime("python3.11"), "x86_64")


def test_verify_refuses_foreign_binaries_and_tags(built: dict[str, layer.LayerBuild], tmp_path: Path) -> None:
    site = _site_copy(built["python3.12"], tmp_path / "x")
    arm = _site_copy(built["arm64"], tmp_path / "arm")
    target = layer.runtime("python3.12")
    rust = site / "cryptography/hazmat/bindings/_rust.abi3.so"
    rust.write_bytes((arm / "cryptography/hazmat/bindings/_rust.abi3.so").read_bytes())
    with pytest.raises(ByodkimError, match=r"_rust.abi3.so is built for aarch64, not x86_64"):
        layercheck.verify_tree(site, target, "x86_64")
    rust.write_bytes(b"\xcf\xfa\xed\xfe" + b"\0" * 100)
    with pytest.raises(ByodkimError, match=r"_rust.abi3.so is a macOS Mach-O file"):
        layercheck.verify_tree(site, target, "x86_64")
    site = _site_copy(built["python3.12"], tmp_path / "y")
    wheel = next(site.glob("cryptography-*.dist-info")) / "WHEEL"
    wheel.write_text("Wheel-Version: 1.0\nTag: cp311-abi3-musllinux_1_2_x86_64\n")
    with pytest.raises(ByodkimError, match=r"tagged cp311-abi3-musllinux_1_2_x86_64, not for python3.12 x86_64"):
        layercheck.verify_tree(site, target, "x86_64")


def test_verify_refuses_glibc_above_the_runtime(built: dict[str, layer.LayerBuild], tmp_path: Path) -> None:
    site = _site_copy(built["python3.12"], tmp_path / "z")
    # A python3.12 build may use manylinux_2_34 wheels; Amazon Linux 2 (2.26) must refuse what needs more.
    needs = max(read_elf(p.read_bytes()).glibc for p in site.rglob("*.so"))  # type: ignore[union-attr]
    if needs <= (2, 26):
        pytest.fail(f"expected the 3.12 build to use a manylinux_2_34 wheel, max GLIBC is {needs}")
    al2 = layer.Runtime("python3.12", (3, 12), "Amazon Linux 2", (2, 26))
    with pytest.raises(ByodkimError, match=r"needs GLIBC_2\.\d+, above Amazon Linux 2's 2.26"):
        layercheck.verify_tree(site, al2, "x86_64")


@pytest.mark.parametrize(
    ("tag", "fits"),
    [
        ("cp311-abi3-manylinux_2_17_x86_64", True),
        ("cp311-abi3-manylinux_2_34_x86_64", False),
        ("cp311-abi3-manylinux2014_x86_64", True),
        ("cp39-abi3-manylinux_2_17_x86_64", True),
        ("cp312-abi3-manylinux_2_17_x86_64", False),
        ("cp311-cp311-manylinux_2_17_x86_64", True),
        ("cp310-cp310-manylinux_2_17_x86_64", False),
        ("cp311-cp311-manylinux_2_17_aarch64", False),
        ("cp311-cp311-musllinux_1_2_x86_64", False),
        ("cp311-cp311-macosx_11_0_arm64", False),
        ("cp311-cp311-win_amd64", False),
        ("py3-none-any", True),
        ("garbage", False),
    ],
)
def test_tag_fits_python311_amazon_linux_2(tag: str, fits: bool) -> None:
    assert layercheck.tag_fits(tag, layer.runtime("python3.11"), "x86_64") is fits


def test_package_without_a_wheel_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # docopt 0.6.2 is published as an sdist only. A local "index" holding just that sdist gives uv
    # the same situation without the registry (which cost 12 s of waiting): no index, offline.
    import tarfile

    links = tmp_path / "links"
    (links / "docopt-0.6.2").mkdir(parents=True)
    (links / "docopt-0.6.2" / "setup.py").write_text(
        "from setuptools import setup\nsetup(name='docopt', version='0.6.2')\n"
    )
    with tarfile.open(links / "docopt-0.6.2.tar.gz", "w:gz") as sdist:
        sdist.add(links / "docopt-0.6.2", arcname="docopt-0.6.2")
    for name, value in (("UV_NO_INDEX", "1"), ("UV_OFFLINE", "1"), ("UV_FIND_LINKS", str(links))):
        monkeypatch.setenv(name, value)
    requirements = tmp_path / "req.txt"
    requirements.write_text("docopt==0.6.2\n")
    with pytest.raises(ByodkimError, match=r"docopt has no wheel for this runtime and architecture"):
        _build(tmp_path, "python3.12", requirements=requirements)
    assert not (tmp_path / "python3.12-x86_64.zip").exists()


RUNTIME_REFUSALS = [
    (["--runtime", "python3.9"], "error: Invalid value for '--runtime': python3.9 is refused: Lambda deprecated it on 2025-12-15 and cryptography's cffi 2.x dropped it; use python3.12 (see 'byodkim build-layer --help')"),
    (["--runtime", "python3.8"], "error: Invalid value for '--runtime': `python3.8` is not a Lambda Python runtime; use one of python3.10, python3.11, python3.12, python3.13, python3.14 (see 'byodkim build-layer --help')"),
    (["--runtime", "nodejs20.x"], "error: Invalid value for '--runtime': `nodejs20.x` is not a Lambda Python runtime; use one of python3.10, python3.11, python3.12, python3.13, python3.14 (see 'byodkim build-layer --help')"),
    (["--arch", "aarch64"], "error: Invalid value for '--arch': `aarch64` is not Lambda's name for it; use arm64 (see 'byodkim build-layer --help')"),
    (["--arch", "i386"], "error: Invalid value for '--arch': `i386` is not a Lambda architecture; use x86_64 or arm64 (see 'byodkim build-layer --help')"),
    (["--publish"], "error: --publish needs --layer-name; e.g. --layer-name aws-ses-migration-prod-cryptography"),
    (["--layer-name", "x"], "error: --layer-name and --bucket only apply with --publish; add --publish"),
    (["--requirements", "/nonexistent/req.txt"], "error: Invalid value for '--requirements': `/nonexistent/req.txt` does not exist; give a requirements.txt (see 'byodkim build-layer --help')"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), RUNTIME_REFUSALS)
def test_build_layer_refusals(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("build-layer", *args)
    assert (result.code, result.err.splitlines()) == (2, [message])
    assert list(tmp_path.iterdir()) == []


def test_requirements_with_options_are_refused(cli: Cli, tmp_path: Path) -> None:
    requirements = tmp_path / "r.txt"
    requirements.write_text("--index-url http://example.invalid/simple\ncryptography\n")
    result = cli("build-layer", "--requirements", requirements, "--out", tmp_path / "l.zip")
    assert result.code == 2
    assert "has `--index-url http://example.invalid/simple`: only package requirements are allowed" in result.err


def test_publish_once_then_skip_then_new_version(
    cli: Cli, emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BYODKIM_CACHE_DIR", str(tmp_path / "cache"))
    args = (
        "build-layer",
        "--runtime",
        "python3.12",
        "--out",
        tmp_path / "l.zip",
        "--publish",
        "--layer-name",
        "aws-ses-migration-prod-cryptography",
    )
    first = cli(*args)
    assert first.code == 0, first.err
    arn1 = "arn:aws:lambda:ap-northeast-1:123456789012:layer:aws-ses-migration-prod-cryptography:1"
    assert f"published: {arn1}\n" in first.out
    again = cli(*args)
    assert again.code == 0, again.err
    assert f"unchanged: the latest version already has this CodeSha256: {arn1}\n" in again.out
    requirements = tmp_path / "r.txt"
    requirements.write_text("cryptography==50.0.2\ndnspython==2.8.0\n")
    changed = cli(*args, "--requirements", requirements)
    assert changed.code == 0, changed.err
    assert f"published: {arn1[:-1]}2\n" in changed.out
    client = boto3.client("lambda")
    version = client.get_layer_version(LayerName="aws-ses-migration-prod-cryptography", VersionNumber=2)
    assert version["CompatibleRuntimes"] == ["python3.12"]
    assert version["CompatibleArchitectures"] == ["x86_64"]
    publishes = [c for c in emulator.control("/_byodkim/calls")["calls"] if c["operation"] == "PublishLayerVersion"]
    assert len(publishes) == 2


def test_publish_through_s3(cli: Cli, emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BYODKIM_CACHE_DIR", str(tmp_path / "cache"))
    boto3.client("s3").create_bucket(
        Bucket="artifacts", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    result = cli(
        "build-layer", "--out", tmp_path / "l.zip", "--publish", "--layer-name", "lay", "--bucket", "artifacts"
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1].endswith(":layer:lay:1 (through S3)")
    assert boto3.client("s3").list_objects_v2(Bucket="artifacts")["KeyCount"] == 1


def test_direct_upload_limit_without_bucket_is_refused(built: dict[str, layer.LayerBuild], tmp_path: Path) -> None:
    from dataclasses import replace

    from byodkim.artifacts.publish import publish_layer

    big = replace(built["python3.12"], size=layer.DIRECT_UPLOAD_LIMIT + 1)

    class NoLayers:
        def list_layer_versions(self, **_kwargs: str) -> dict[str, list[str]]:
            return {"LayerVersions": []}

    with pytest.raises(InputError, match="over the 50 MB direct upload limit; give a bucket to upload it through S3"):
        publish_layer(big, "x", NoLayers())  # type: ignore[arg-type]  # a stand-in client


def test_runbook_wrapper_publishes_with_the_project_defaults(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BYODKIM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OUT", str(tmp_path / "layer.zip"))
    script = Path(__file__).resolve().parents[1] / "scripts" / "create-layer.sh"
    done = subprocess.run(
        ["bash", str(script), "prod", "aws-ses-migration"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (
        "published: arn:aws:lambda:ap-northeast-1:123456789012:layer:aws-ses-migration-prod-cryptography:1"
        in done.stdout
    )
    again = subprocess.run(
        ["bash", str(script), "prod", "aws-ses-migration"], capture_output=True, text=True, check=False
    )
    assert "unchanged: the latest version already has this CodeSha256" in again.stdout
    usage = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
    assert usage.returncode != 0
    assert "usage: scripts/create-layer.sh ENV PROJECT (e.g. prod aws-ses-migration)" in usage.stderr


def test_the_default_layer_installs_exactly_its_committed_hashed_lock(built: dict[str, layer.LayerBuild]) -> None:
    # Transitive packages too (cffi, pycparser): nothing floats, every wheel is checked by hash.
    lock = layer.lock_file(layer.runtime("python3.12"), "arm64").read_text(encoding="utf-8")
    pinned = {line.split(" ")[0] for line in lock.splitlines() if "==" in line and not line.startswith("#")}
    assert {"cffi", "cryptography", "dnspython", "pycparser"} <= {p.split("==")[0] for p in pinned}
    assert set(built["arm64"].packages) == pinned
    for runtime in ("python3.11", "python3.12", "python3.13", "python3.14"):
        for arch in ("x86_64", "arm64"):
            text = layer.lock_file(layer.runtime(runtime), arch).read_text(encoding="utf-8")
            blocks = [b for b in text.split("\n") if "==" in b and not b.startswith("#")]
            assert blocks, (runtime, arch)
            assert text.count("--hash=sha256:") >= len(blocks), (runtime, arch)


def test_a_stale_or_missing_lock_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locks = tmp_path / "locks"
    locks.mkdir()
    monkeypatch.setattr(layer, "lock_file", lambda target, arch: locks / f"{target.name}-{arch}.txt")
    with pytest.raises(ByodkimError, match=r"no hashed lock for python3\.12 x86_64"):
        _build(tmp_path, "python3.12")
    real = Path(__file__).resolve().parents[1] / "layers" / "cryptography" / "locks" / "python3.12-x86_64.txt"
    (locks / "python3.12-x86_64.txt").write_text(
        real.read_text(encoding="utf-8").replace("cryptography==50.0.2", "cryptography==49.0.0"), encoding="utf-8"
    )
    with pytest.raises(ByodkimError, match=r"does not lock cryptography==50\.0\.2 of requirements\.txt"):
        _build(tmp_path, "python3.12")


def test_a_tampered_cached_zip_is_dropped_and_rebuilt(built: dict[str, layer.LayerBuild], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _build(tmp_path, "python3.12")
    (cached,) = cache.glob("*.zip")
    # Someone with the user's rights swaps a module in the cached zip (same names, other bytes).
    with zipfile.ZipFile(cached) as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist()}
    dist = next(n for n in entries if n.startswith("python/dnspython-") and n.endswith("/METADATA"))
    entries[dist.replace("dnspython-2.9.2", "dnspython-6.6.6")] = entries.pop(dist)
    with zipfile.ZipFile(cached, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    again = _build(tmp_path, "python3.12")
    assert not again.cached  # refused and rebuilt from the lock
    assert again.path.read_bytes() == first.path.read_bytes()
    assert _build(tmp_path, "python3.12").cached  # one step off: an intact cached zip is reused
    # And once it passed in this process, the same swap is still caught: the check is by content.
    with zipfile.ZipFile(cached, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    assert not _build(tmp_path, "python3.12").cached


def test_a_zip_whose_binary_was_swapped_fails_the_check_read_in_the_zip(
    built: dict[str, layer.LayerBuild], tmp_path: Path
) -> None:
    """One step off the swapped metadata: the shape, the names and the lock still match, a binary does not fit."""
    with zipfile.ZipFile(built["python3.12"].path) as archive:
        entries = [(i, archive.read(i)) for i in archive.infolist()]
    backend = next(i for i, _ in entries if i.filename.rsplit("/", 1)[-1].startswith("_cffi_backend."))
    swapped = tmp_path / "swapped.zip"
    with zipfile.ZipFile(swapped, "w") as archive:
        for info, data in entries:
            archive.writestr(info, b"\xcf\xfa\xed\xfe" + data[4:] if info is backend else data)  # Mach-O: a Mac's
    with zipfile.ZipFile(swapped) as archive, pytest.raises(ByodkimError, match="Mach-O"):
        layercheck.verify_zip(archive, "python/", layer.runtime("python3.12"), "x86_64")


def _entry(name: str, data: bytes, *, mode: int = 0o100644, stored: bool = False) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info, data


def _tampered(original: Path, dest: Path, tamper: str) -> Path:
    """Write ``original`` again with one departure from the shape byodkim writes.

    An added entry is appended to a copy (zipfile's "a" mode): the original's entries stay as
    they were, byte for byte, and are not compressed again (0.6 s of CPU a case, a 4 MB layer).
    """
    if tamper in ("stored", "other-time"):  # a change to the entries themselves: every one written again
        with zipfile.ZipFile(original) as archive:
            entries = [(i, archive.read(i)) for i in archive.infolist()]
        if tamper == "stored":
            entries = [_entry(i.filename, d, mode=i.external_attr >> 16, stored=True) for i, d in entries]
        else:
            entries[0][0].date_time = (2026, 12, 5, 0, 0, 0)
        with zipfile.ZipFile(dest, "w") as archive:
            for info, data in entries:
                archive.writestr(info, data)
        return dest
    shutil.copyfile(original, dest)
    with warnings.catch_warnings(), zipfile.ZipFile(dest, "a") as archive:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        first = archive.infolist()[0]
        extra = {
            "outside-python": _entry("evil.txt", b"x"),
            "dot-dot": _entry("python/../../escape.txt", b"x"),
            "absolute": _entry("/python/absolute.txt", b"x"),
            "directory": _entry("python/emptydir/", b"", mode=0o040755),
            "symlink": _entry("python/passwd", b"/etc/passwd", mode=0o120777),
            "duplicate": (copy.copy(first), archive.read(first)),  # a copy: writing moves an entry's offset
        }[tamper]
        archive.writestr(*extra)
    return dest


_TAMPERS = ["outside-python", "dot-dot", "absolute", "directory", "symlink", "duplicate", "stored", "other-time"]


@pytest.mark.parametrize("tamper", _TAMPERS)
def test_a_zip_not_in_the_shape_byodkim_writes_is_told_apart(
    built: dict[str, layer.LayerBuild], tmp_path: Path, tamper: str
) -> None:
    """An independent tester's cases: each of these was reused as it was, before the shape was checked."""
    from byodkim.artifacts.reprozip import written_here

    with zipfile.ZipFile(built["python3.12"].path) as ours:
        assert written_here(ours, "python/")
    with zipfile.ZipFile(_tampered(built["python3.12"].path, tmp_path / "t.zip", tamper)) as theirs:
        assert not written_here(theirs, "python/")


def test_a_cached_zip_not_in_the_shape_byodkim_writes_is_dropped_and_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _build(tmp_path, "python3.12")
    (cached,) = cache.glob("*.zip")
    _tampered(first.path, cached, "dot-dot")
    again = _build(tmp_path, "python3.12")
    assert not again.cached
    assert again.path.read_bytes() == first.path.read_bytes()


def test_a_cache_folder_that_cannot_be_written_builds_the_layer_all_the_same(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be\n")
    options = layer.BuildOptions(layer.runtime("python3.12"), "x86_64", out=tmp_path / "l.zip", cache_dir=blocked / "x")
    made = layer.build_layer(options)
    assert not made.cached
    assert zipfile.ZipFile(made.path).testzip() is None
    assert blocked.read_text() == "a file where the cache folder would be\n"
