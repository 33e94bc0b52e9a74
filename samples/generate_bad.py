#!/usr/bin/env python3
"""Writes the bad samples that no Debian tool makes directly, the same bytes every run.

    generate_bad.py huge-png OUT          a PNG whose header claims 50000x50000 pixels
    generate_bad.py broken-xref IN OUT    IN with its startxref pointing into a page's text
    generate_bad.py random OUT            4 KiB of fixed pseudo-random bytes
"""
import random
import struct
import sys
import zlib


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(out: str) -> None:
    # A valid signature and IHDR (8-bit greyscale, 50000x50000 = 2.5 gigapixels), then one
    # small compressed row: enough for a decoder to believe it and size its buffers.
    header = struct.pack(">IIBBBBB", 50000, 50000, 8, 0, 0, 0, 0)
    row = zlib.compress(b"\x00" + b"\x80" * 50000, 9)
    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b""))


def broken_xref(source: str, out: str) -> None:
    data = open(source, "rb").read()
    at = data.rindex(b"startxref")
    wrong = data.index(b"stream") + 10  # inside the first page's content stream
    with open(out, "wb") as f:
        f.write(data[:at] + b"startxref\n%d\n%%%%EOF\n" % wrong)


def random_bytes(out: str) -> None:
    generator = random.Random(20261123)
    with open(out, "wb") as f:
        f.write(bytes(generator.getrandbits(8) for _ in range(4096)))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "huge-png":
        huge_png(sys.argv[2])
    elif command == "broken-xref":
        broken_xref(sys.argv[2], sys.argv[3])
    elif command == "random":
        random_bytes(sys.argv[2])
    else:
        sys.exit(__doc__)
