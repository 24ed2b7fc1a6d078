"""Just enough ELF reading to prove a shared object fits a Lambda runtime.

Lambda's failures for a wrong layer ("invalid ELF header", "cannot open shared
object file", "GLIBC_2.28 not found") all come from three facts in the file:
its magic, its machine, and the GLIBC symbol versions it needs.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MACHINES = {62: "x86_64", 183: "aarch64", 3: "i386", 40: "arm"}
_SHT_GNU_VERNEED = 0x6FFFFFFE
_MAGIC_NAMES = {
    b"\xcf\xfa\xed\xfe": "a macOS Mach-O file",
    b"\xca\xfe\xba\xbe": "a macOS universal binary",
    b"MZ": "a Windows DLL",
}


@dataclass(frozen=True)
class ElfInfo:
    """What the loader will check: class, machine, and the highest GLIBC version needed."""

    bits: int
    machine: str
    glibc: tuple[int, ...]  # () when it needs no versioned GLIBC symbol


def foreign_binary(data: bytes) -> str | None:
    """Name a non-ELF binary format (Mach-O, PE) by its magic; ``None`` otherwise."""
    for magic, name in _MAGIC_NAMES.items():
        if data.startswith(magic):
            return name
    return None


def read_elf(data: bytes) -> ElfInfo | None:
    """Return the ELF facts, or ``None`` when ``data`` is not an ELF file."""
    if len(data) < 64 or data[:4] != b"\x7fELF":  # noqa: PLR2004 - the ELF header's size
        return None
    is64 = data[4] == 2  # noqa: PLR2004 - ELFCLASS64
    end = "<" if data[5] == 1 else ">"
    (machine,) = struct.unpack_from(end + "H", data, 18)
    if is64:
        (shoff,) = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        header = end + "IIQQQQIIQQ"
    else:
        (shoff,) = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        header = end + "IIIIIIIIII"
    sections = []
    for index in range(shnum):
        start = shoff + index * shentsize
        if start + struct.calcsize(header) > len(data):
            break
        fields = struct.unpack_from(header, data, start)
        # Keep sh_type, sh_offset, sh_size, sh_link and sh_info.
        sections.append((fields[1], fields[4], fields[5], fields[6], fields[7]))
    return ElfInfo(64 if is64 else 32, MACHINES.get(machine, f"machine {machine}"), _max_glibc(data, end, sections))


def _max_glibc(data: bytes, end: str, sections: list[tuple[int, int, int, int, int]]) -> tuple[int, ...]:
    best: tuple[int, ...] = ()
    for kind, offset, _size, link, count in sections:
        if kind != _SHT_GNU_VERNEED or link >= len(sections):
            continue
        strtab = sections[link][1]
        entry = offset
        for _ in range(count):
            _version, aux_count, _file, aux, following = struct.unpack_from(end + "HHIII", data, entry)
            aux_at = entry + aux
            for _ in range(aux_count):
                _hash, _flags, _other, name, aux_next = struct.unpack_from(end + "IHHII", data, aux_at)
                text = data[strtab + name : data.index(b"\0", strtab + name)].decode("ascii", "replace")
                if text.startswith("GLIBC_") and text[6:7].isdigit():
                    version = tuple(int(part) for part in text[6:].split(".") if part.isdigit())
                    best = max(best, version)
                if not aux_next:
                    break
                aux_at += aux_next
            if not following:
                break
            entry += following
    return best
