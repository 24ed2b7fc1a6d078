"""Lambda's Python runtimes and architectures: what a build target is, and refusing what is not one.

Its own module because the layer builder and the checks on what it built (layercheck) both read
a runtime, and neither owns it.
"""

from __future__ import annotations

from dataclasses import dataclass

from byodkim.errors import InputError
from byodkim.messages import say


@dataclass(frozen=True)
class Runtime:
    """A Lambda Python runtime: its Python version, OS and glibc."""

    name: str
    python: tuple[int, int]
    os: str
    glibc: tuple[int, int]
    deprecated: str = ""  # the date Lambda deprecated it, when it has

    @property
    def uv_platform_tag(self) -> str:
        """Return the manylinux level uv resolves for."""
        # uv names manylinux levels it knows; Amazon Linux 2's 2.26 falls back to 2_17 (manylinux2014).
        return "manylinux_2_34" if self.glibc >= (2, 34) else "manylinux_2_17"


RUNTIMES = {
    r.name: r
    for r in (
        Runtime("python3.10", (3, 10), "Amazon Linux 2", (2, 26), deprecated="2026-10-31"),
        Runtime("python3.11", (3, 11), "Amazon Linux 2", (2, 26)),
        Runtime("python3.12", (3, 12), "Amazon Linux 2023", (2, 34)),
        Runtime("python3.13", (3, 13), "Amazon Linux 2023", (2, 34)),
        Runtime("python3.14", (3, 14), "Amazon Linux 2023", (2, 34)),
    )
}
ARCHES = {"x86_64": "x86_64", "arm64": "aarch64"}  # Lambda's name -> ELF/wheel name
DEFAULT_RUNTIME = "python3.12"


def runtime(name: str) -> Runtime:
    """Return the runtime, or refuse it with the list of valid ones."""
    if name == "python3.9":
        raise InputError(say("runtime.py39"), say("runtime.use", name=DEFAULT_RUNTIME))
    if name not in RUNTIMES:
        raise InputError(say("runtime.unknown", name=name), say("runtime.use_one_of", names=", ".join(RUNTIMES)))
    return RUNTIMES[name]


def arch(name: str) -> str:
    """Return the ELF machine name for a Lambda architecture, or refuse it."""
    if name in {"aarch64", "amd64"}:
        lambda_name = "arm64" if name == "aarch64" else "x86_64"
        raise InputError(say("runtime.not_lambda_name", name=name), say("runtime.use", name=lambda_name))
    if name not in ARCHES:
        raise InputError(say("runtime.not_arch", name=name), say("runtime.use_arch"))
    return ARCHES[name]


def lambda_arch(name: str) -> str:
    """Return ``name`` if it is a Lambda architecture (x86_64, arm64), or refuse it."""
    arch(name)
    return name
