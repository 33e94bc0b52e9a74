#!/usr/bin/env python3
"""Writes a complete, tiny x86-64 Linux ELF executable (129 bytes) that exits with status 0:
an ELF header, one loadable segment, and `mov eax, 60; xor edi, edi; syscall`. Built by
hand rather than copied from /bin/true so the bytes are the same on every machine.
Usage: generate_elf.py OUT"""
import struct
import sys

BASE = 0x400000
EHDR_SIZE, PHDR_SIZE = 64, 56
CODE = bytes([0xB8, 0x3C, 0x00, 0x00, 0x00,  # mov eax, 60 (exit)
              0x31, 0xFF,                    # xor edi, edi (status 0)
              0x0F, 0x05])                   # syscall


def build():
    size = EHDR_SIZE + PHDR_SIZE + len(CODE)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # 64-bit, little-endian, v1, System V
    ehdr = ident + struct.pack(
        "<HHIQQQIHHHHHH",
        2,                                # e_type: ET_EXEC
        0x3E,                             # e_machine: x86-64
        1,                                # e_version
        BASE + EHDR_SIZE + PHDR_SIZE,     # e_entry: the code right after the headers
        EHDR_SIZE,                        # e_phoff
        0,                                # e_shoff: no section headers
        0,                                # e_flags
        EHDR_SIZE, PHDR_SIZE, 1,          # e_ehsize, e_phentsize, e_phnum
        0, 0, 0)                          # e_shentsize, e_shnum, e_shstrndx
    phdr = struct.pack(
        "<IIQQQQQQ",
        1,                                # p_type: PT_LOAD
        5,                                # p_flags: read + execute
        0, BASE, BASE,                    # p_offset, p_vaddr, p_paddr
        size, size,                       # p_filesz, p_memsz
        0x1000)                           # p_align
    return ehdr + phdr + CODE


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as f:
        f.write(build())
