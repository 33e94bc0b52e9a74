#!/usr/bin/env python3
"""Writes minimal Office Open XML files with the standard library's zipfile, byte for byte
the same on every run (fixed member dates and order).

Usage:
  generate_office.py docx OUT.docx     a one-paragraph Word document
  generate_office.py xlsx OUT.xlsx     a one-sheet workbook with a few cells
  generate_office.py zipbomb OUT.docx  a .docx-shaped zip whose word/document.xml inflates
                                       to 200 MiB of zeros (the zip stays about 200 KiB)

Member order matters to libmagic: [Content_Types].xml first, then _rels/.rels, then the
main part (word/... or xl/...), as Office writes them. `file` 5.44 reads the name of the
third member (or a later one) to tell a .docx or .xlsx from a plain zip."""
import sys
import zipfile

DATE = (2024, 1, 1, 0, 0, 0)
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT = DOC_REL + "/officeDocument"


def member(name):
    info = zipfile.ZipInfo(name, date_time=DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16
    info.create_system = 3  # Unix, whatever the machine, so the bytes never vary
    return info


def write_zip(path, parts):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts:
            zf.writestr(member(name), text.encode("utf-8"))


def content_types(overrides):
    items = "".join(
        f'<Override PartName="{part}" ContentType="{ctype}"/>' for part, ctype in overrides)
    return (XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{items}</Types>")


def root_rels(target):
    return (XML + f'<Relationships xmlns="{PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="{target}"/>'
            "</Relationships>")


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSX_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def docx(path):
    document = (
        XML + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body>"
        "<w:p><w:r><w:t>Grey sample document.</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>A good .docx upload sample, written by samples/generate_office.py."
        "</w:t></w:r></w:p>"
        "</w:body></w:document>")
    write_zip(path, [
        ("[Content_Types].xml", content_types([("/word/document.xml", DOCX_MAIN)])),
        ("_rels/.rels", root_rels("word/document.xml")),
        ("word/document.xml", document),
    ])


def xlsx(path):
    workbook = (
        XML + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{DOC_REL}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    workbook_rels = (
        XML + f'<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>")
    sheet = (
        XML + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
        '<row r="1"><c r="A1" t="inlineStr"><is><t>item</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>amount</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>coffee</t></is></c><c r="B2"><v>350</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>tea</t></is></c><c r="B3"><v>275</v></c></row>'
        '<row r="4"><c r="A4" t="inlineStr"><is><t>total</t></is></c>'
        "<c r=\"B4\"><f>SUM(B2:B3)</f><v>625</v></c></row>"
        "</sheetData></worksheet>")
    write_zip(path, [
        ("[Content_Types].xml", content_types([
            ("/xl/workbook.xml", XLSX_MAIN),
            ("/xl/worksheets/sheet1.xml", XLSX_SHEET),
        ])),
        ("_rels/.rels", root_rels("xl/workbook.xml")),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/worksheets/sheet1.xml", sheet),
    ])


def zipbomb(path, inflated=200 * 1024 * 1024, chunk=1024 * 1024):
    """[Content_Types].xml, _rels/.rels, then word/document.xml: `inflated` bytes of zeros,
    deflated, written one chunk at a time so memory stays low. libmagic 5.44 names a zip
    .docx only from its third member on, so _rels/.rels stays: the bomb passes the upload
    sniff as a .docx and must be caught when it is inflated."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member("[Content_Types].xml"),
                    content_types([("/word/document.xml", DOCX_MAIN)]).encode("utf-8"))
        zf.writestr(member("_rels/.rels"), root_rels("word/document.xml").encode("utf-8"))
        zeros = bytes(chunk)
        with zf.open(member("word/document.xml"), "w") as out:
            for _ in range(inflated // chunk):
                out.write(zeros)


if __name__ == "__main__":
    kinds = {"docx": docx, "xlsx": xlsx, "zipbomb": zipbomb}
    if len(sys.argv) != 3 or sys.argv[1] not in kinds:
        sys.exit(__doc__)
    kinds[sys.argv[1]](sys.argv[2])
