#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
"""Generate the PMD information string of a driver plugin.

DPDK's registration macros (rte_dev.h, bus_vdev_driver.h) leave marker
symbols in a driver's object files:

  this_pmd_name<N>              char[]: the driver's name ("net_vxpath");
                                <N> is a counter up to DPDK 25.07 and the
                                driver's name itself from 25.11 on
                                (this_pmd_namenet_vxpath)
  __<name>_param_string_export  char[]: its devargs ("path=<path> ...")
  __<name>_kmod_dep_export      char[]: kernel modules it needs
  __<name>_pci_tbl_export       char[]: the name of its struct rte_pci_id[]

This tool reads those symbols from compiled objects (ELF relocatable files,
or static archives of them, regular or thin) with pyelftools and writes a C
file with one string per driver:

  PMD_INFO_STRING= {"name": "...", "params": "...", "kmod": "...",
                    "pci_ids": [[vendor, device, subvendor, subdevice], ...]}

Compiled into the plugin, the strings land in .rodata, where
dpdk-pmdinfo.py finds them.

Usage: pmdinfogen.py OUTPUT.c INPUT.o|INPUT.a...
"""

import argparse
import io
import json
import os
import re
import struct
import sys

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

# The suffix is a counter (DPDK < 25.11) or the driver's name (25.11+).
NAME_RE = re.compile(r"^this_pmd_name(?P<suffix>[0-9A-Za-z_]+)$")
EXPORT_RE = re.compile(r"^__(?P<drv>.+)_(?P<tag>param_string|kmod_dep|pci_tbl)_export$")

# struct rte_pci_id: class_id (u32), vendor_id, device_id,
# subsystem_vendor_id, subsystem_device_id (u16 each); a table ends with an
# entry whose vendor_id is 0.
PCI_ID_FMT = "IHHHH"


# ---------------------------------------------------------------------------
# Inputs: object files and ar archives


def ar_members(path):
    """Yield (member name, file-like bytes or path) for each object of an
    ar archive. Thin archives (meson's default for static libraries that
    are not installed) only name their members, relative to the archive."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"!<arch>\n"):
        thin = False
    elif data.startswith(b"!<thin>\n"):
        thin = True
    else:
        raise ValueError(f"{path}: not an ar archive")
    pos = 8
    long_names = b""
    base = os.path.dirname(path)
    while pos + 60 <= len(data):
        hdr = data[pos:pos + 60]
        if hdr[58:60] != b"`\n":
            raise ValueError(f"{path}: bad member header at {pos}")
        name = hdr[0:16].decode("ascii").rstrip()
        size = int(hdr[48:58].decode("ascii").strip() or "0")
        pos += 60
        special = name in ("/", "//", "/SYM64/")
        # Thin archives keep the symbol and name tables, not the members.
        stored = special or not thin
        body = data[pos:pos + size] if stored else None
        if stored:
            pos += size + (size & 1)
        if name == "//":
            long_names = body
            continue
        if special:
            continue
        if name.startswith("/") and name[1:].isdigit():
            off = int(name[1:])
            end = long_names.find(b"\n", off)
            name = long_names[off:end].decode("utf-8")
        name = name.rstrip("/")
        if thin:
            member = name if os.path.isabs(name) else os.path.join(base, name)
            yield name, member
        else:
            yield name, body


def elf_inputs(paths):
    """Yield (label, ELFFile) for every object in the given files."""
    for path in paths:
        with open(path, "rb") as f:
            magic = f.read(8)
        if magic.startswith(b"\x7fELF"):
            with open(path, "rb") as f:
                yield path, ELFFile(io.BytesIO(f.read()))
        elif magic in (b"!<arch>\n", b"!<thin>\n"):
            for name, member in ar_members(path):
                if isinstance(member, str):
                    with open(member, "rb") as f:
                        body = f.read()
                else:
                    body = member
                if body[:4] == b"\x7fELF":
                    yield f"{path}({name})", ELFFile(io.BytesIO(body))
        else:
            raise ValueError(f"{path}: neither an ELF object nor an archive")


# ---------------------------------------------------------------------------
# Reading the marker symbols


def symbol_bytes(elf, sym):
    """Bytes of a defined data symbol (st_value is the offset in its section
    in a relocatable object, the address elsewhere)."""
    shndx = sym["st_shndx"]
    if not isinstance(shndx, int):
        return None  # SHN_UNDEF, SHN_COMMON, SHN_ABS
    sec = elf.get_section(shndx)
    if sec["sh_type"] == "SHT_NOBITS":
        return bytes(sym["st_size"])
    off = sym["st_value"]
    if elf["e_type"] != "ET_REL":
        off -= sec["sh_addr"]
    return sec.data()[off:off + sym["st_size"]]


def c_string(raw):
    """Text of a NUL-terminated char array."""
    return raw.split(b"\0", 1)[0].decode("utf-8")


def pci_table(elf, symbols, table_name, label):
    """Entries of a struct rte_pci_id[] named table_name, as lists
    [vendor, device, subsystem vendor, subsystem device]."""
    sym = symbols.get(table_name)
    if sym is None:
        raise ValueError(f"{label}: PCI table {table_name} not found")
    raw = symbol_bytes(elf, sym) or b""
    fmt = ("<" if elf.little_endian else ">") + PCI_ID_FMT
    size = struct.calcsize(fmt)
    ids = []
    for off in range(0, len(raw) - size + 1, size):
        _cls, ven, dev, sven, sdev = struct.unpack_from(fmt, raw, off)
        if ven == 0:
            break
        ids.append([ven, dev, sven, sdev])
    return ids


def drivers_of(elf, label):
    """The drivers registered in one object: list of dicts in file order."""
    symtab = elf.get_section_by_name(".symtab")
    if not isinstance(symtab, SymbolTableSection):
        return []
    symbols = {}
    for sym in symtab.iter_symbols():
        if sym.name and sym["st_shndx"] != "SHN_UNDEF":
            symbols.setdefault(sym.name, sym)
    names = []
    for pos, (name, sym) in enumerate(symbols.items()):
        m = NAME_RE.match(name)
        if m:
            raw = symbol_bytes(elf, sym)
            if raw:
                # A counter orders the registrations; a name carries no
                # order, so symbol table order stands.
                suffix = m.group("suffix")
                key = int(suffix) if suffix.isdigit() else pos
                names.append((key, c_string(raw)))
    drivers = []
    for _idx, drv in sorted(names):
        info = {"name": drv}
        for tag, key in (("param_string", "params"), ("kmod_dep", "kmod")):
            sym = symbols.get(f"__{drv}_{tag}_export")
            if sym is not None:
                info[key] = c_string(symbol_bytes(elf, sym) or b"")
        pci_ids = []
        sym = symbols.get(f"__{drv}_pci_tbl_export")
        if sym is not None:
            table = c_string(symbol_bytes(elf, sym) or b"")
            pci_ids = pci_table(elf, symbols, table, label)
        info["pci_ids"] = pci_ids
        drivers.append(info)
    # Export tags whose driver name is never registered are a mistake in
    # the driver (a typo in a macro argument): say so.
    known = {d["name"] for d in drivers}
    for name in symbols:
        m = EXPORT_RE.match(name)
        if m and m.group("drv") not in known:
            print(f"pmdinfogen: warning: {label}: {name} names no "
                  f"registered driver", file=sys.stderr)
    return drivers


# ---------------------------------------------------------------------------
# Output


def c_literal(text):
    """text as a C string literal (ASCII only; quotes and backslashes
    escaped, anything unprintable in octal)."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch in "\\\"":
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{o:03o}")
    return '"' + "".join(out) + '"'


def render(drivers, inputs):
    lines = [
        "/* Generated by buildtools/pmdinfogen.py; do not edit.",
        " * PMD information strings read by dpdk-pmdinfo.py from .rodata.",
        " * Inputs: " + " ".join(os.path.basename(i) for i in inputs),
        " */",
        "",
    ]
    for i, info in enumerate(drivers):
        text = "PMD_INFO_STRING= " + json.dumps(info, ensure_ascii=True)
        lines.append("__attribute__((used)) static const char "
                     f"vxpath_pmd_info_{i}[] =")
        lines.append("\t" + c_literal(text) + ";")
    if not drivers:
        lines.append("/* no driver registration found */")
        lines.append("typedef int vxpath_pmd_info_none;")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("output", help="C file to write")
    ap.add_argument("inputs", nargs="+", help="objects or static archives")
    ap.add_argument("--require", action="append", default=[],
                    metavar="NAME", help="fail unless driver NAME is found")
    args = ap.parse_args()

    drivers = []
    try:
        for label, elf in elf_inputs(args.inputs):
            drivers.extend(drivers_of(elf, label))
    except (OSError, ValueError) as e:
        print(f"pmdinfogen: error: {e}", file=sys.stderr)
        return 1
    found = {d["name"] for d in drivers}
    missing = [n for n in args.require if n not in found]
    if missing:
        print(f"pmdinfogen: error: no registration of {', '.join(missing)} "
              f"in {' '.join(args.inputs)}", file=sys.stderr)
        return 1
    with open(args.output, "w", encoding="ascii") as f:
        f.write(render(drivers, args.inputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
