#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Print the .note.dlopen entries of ELF files (https://systemd.io/ELF_DLOPEN_METADATA/).

dlopen-notes.py FILE...        the entries of every file, one JSON array
dlopen-notes.py -s FILE...     their sonames, one a line

Debian 12's binutils and dpkg-shlibdeps do not read these notes yet
(readelf -n shows "Unknown note type: (0x407c0c0a)"), so the packaging test
reads them with this.  Notes are found by type and owner in every SHT_NOTE
section, as the specification asks, not by section name.
"""
import json
import struct
import sys

NOTE_TYPE = 0x407C0C0A
NOTE_OWNER = b"FDO\0"
SHT_NOTE = 7


def align4(n):
    return (n + 3) & ~3


def notes(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise ValueError(f"{path}: not an ELF file")
    bits64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if bits64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
    entries = []
    for i in range(shnum):
        base = shoff + i * shentsize
        if bits64:
            _, sh_type, _, _, off, size = struct.unpack_from(end + "IIQQQQ", data, base)
        else:
            _, sh_type, _, _, off, size = struct.unpack_from(end + "IIIIII", data, base)
        if sh_type != SHT_NOTE:
            continue
        pos, stop = off, off + size
        while pos + 12 <= stop:
            namesz, descsz, ntype = struct.unpack_from(end + "III", data, pos)
            name = data[pos + 12:pos + 12 + namesz]
            dpos = pos + 12 + align4(namesz)
            desc = data[dpos:dpos + descsz]
            pos = dpos + align4(descsz)
            if ntype != NOTE_TYPE or name != NOTE_OWNER:
                continue
            payload = json.loads(desc.rstrip(b"\0").decode())
            if not isinstance(payload, list):
                raise ValueError(f"{path}: a .note.dlopen payload is not a JSON array")
            entries.extend(payload)
    return entries


def main(argv):
    sonames = argv[:1] == ["-s"]
    files = argv[1:] if sonames else argv
    if not files:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    entries = []
    for path in files:
        entries.extend(notes(path))
    if sonames:
        for name in sorted({s for e in entries for s in e.get("soname", [])}):
            print(name)
    else:
        print(json.dumps(entries, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
