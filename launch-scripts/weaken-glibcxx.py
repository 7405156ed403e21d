#!/usr/bin/env python3
"""Marks one GLIBCXX version requirement of an ELF64 library as weak (VER_FLG_WEAK), in place.

TorchSharp's libLibTorchSharp.so is built with GCC 13, which makes every object that includes <iostream> reference
std::ios_base_library_init() at version GLIBCXX_3.4.32. Nothing calls it (the reference only forces a new enough
libstdc++), but the loader refuses a library whose required version is missing. A weak requirement is not fatal, so
the library loads against an older libstdc++ (Debian 12, Ubuntu 22.04). patchelf has no option for this flag.

usage: weaken-glibcxx.py LIBRARY [VERSION]   (VERSION defaults to GLIBCXX_3.4.32)
Exit status: 0 patched or already weak, 3 the library does not require VERSION, 2 not an ELF64 library.
"""
import os
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path, version):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        print(f"{path}: not a little-endian ELF64 file", file=sys.stderr)
        return 2
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    for (_, sh_type, _, _, sh_offset, _, sh_link, sh_info, _, _) in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[sh_link][4]
        need = sh_offset
        for _ in range(sh_info):
            _, vn_cnt, _, vn_aux, vn_next = struct.unpack_from("<HHIII", data, need)
            aux = need + vn_aux
            for _ in range(vn_cnt):
                _, flags, _, name, vna_next = struct.unpack_from("<IHHII", data, aux)
                end = data.index(b"\0", strtab + name)
                if data[strtab + name:end].decode() == version:
                    if flags & VER_FLG_WEAK:
                        print(f"{path}: {version} already weak")
                        return 0
                    struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                    # Write a new file and rename it: the build output may hard-link the package cache's copy.
                    tmp = path + ".weak-tmp"
                    with open(tmp, "wb") as f:
                        f.write(data)
                    os.chmod(tmp, os.stat(path).st_mode)
                    os.replace(tmp, path)
                    print(f"{path}: {version} requirement marked weak")
                    return 0
                aux += vna_next
            need += vn_next
    print(f"{path}: does not require {version}", file=sys.stderr)
    return 3


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else "GLIBCXX_3.4.32"))
