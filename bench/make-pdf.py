#!/usr/bin/env python3
"""Writes a one-page PDF drawn with SHAPES small filled triangles (a dense vector page,
like a scanned-then-vectorised receipt or a detailed chart), the same bytes every run.

    make-pdf.py OUT SHAPES
"""
import random
import sys

out, shapes = sys.argv[1], int(sys.argv[2])
generator = random.Random(7)
lines = []
for _ in range(shapes):
    x, y = generator.uniform(0, 600), generator.uniform(0, 780)
    lines.append("%.1f %.1f m %.1f %.1f l %.1f %.1f l f" % (x, y, x + 3, y + 1, x + 1, y + 3))
content = ("\n".join(lines) + "\n").encode()
objects = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
]
pdf = bytearray(b"%PDF-1.4\n")
offsets = []
for number, body in enumerate(objects, 1):
    offsets.append(len(pdf))
    pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
xref = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
open(out, "wb").write(pdf)
