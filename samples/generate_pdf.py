#!/usr/bin/env python3
"""Writes a small, valid three-page PDF with text, by hand and byte for byte the same on
every run (no dates, a fixed /ID). Usage: generate_pdf.py OUT.pdf"""
import sys

PAGES = [
    ["Grey sample document", "Page 1 of 3",
     "This PDF is a good upload sample: three pages of text."],
    ["Second page", "Page 2 of 3",
     "Poppler should report Pages: 3 and render each page."],
    ["Third page", "Page 3 of 3",
     "The end. samples/generate.sh writes this file again, identically."],
]


def escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def content_stream(lines):
    ops = ["BT", "/F1 24 Tf", "72 720 Td", f"({escape(lines[0])}) Tj", "/F1 12 Tf"]
    for line in lines[1:]:
        ops += ["0 -28 Td", f"({escape(line)}) Tj"]
    ops.append("ET")
    return "\n".join(ops).encode("ascii")


def build():
    # Object numbers: 1 catalog, 2 page tree, 3 font, then a page and its contents per page.
    n = len(PAGES)
    page_ids = [4 + 2 * i for i in range(n)]
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: ("<< /Type /Pages /Kids [%s] /Count %d >>"
            % (" ".join(f"{p} 0 R" for p in page_ids), n)).encode("ascii"),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for i, lines in enumerate(PAGES):
        page, contents = page_ids[i], page_ids[i] + 1
        objects[page] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {contents} 0 R >>"
        ).encode("ascii")
        stream = content_stream(lines)
        objects[contents] = (b"<< /Length %d >>\nstream\n" % len(stream)) + stream + b"\nendstream"

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    file_id = b"<4772657953616d706c65446f63756d65>"  # "GreySampleDocume" in hex: fixed, not random
    out += (b"trailer\n<< /Size %d /Root 1 0 R /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, file_id, file_id, xref))
    return bytes(out)


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as f:
        f.write(build())
