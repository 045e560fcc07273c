"""Workbooks written part by part, so that a test can make one that openpyxl would never write: a
sheet declaring two million rows, a part that unpacks to more than the archive says, broken XML."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="people" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        "</Relationships>"
    ),
}


def cell(column: int, row: int, value: object) -> str:
    ref = f"{get_column_letter(column)}{row}"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def row_xml(number: int, values: Sequence[object]) -> str:
    return f'<row r="{number}">' + "".join(cell(i, number, v) for i, v in enumerate(values, 1)) + "</row>"


def sheet_xml(rows: Iterable[str], *, dimension: str | None = None, tail: str = "") -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}'
        f"<sheetData>{''.join(rows)}</sheetData>{tail}</worksheet>"
    )


def table(rows: Sequence[Sequence[object]]) -> str:
    return sheet_xml(row_xml(number, values) for number, values in enumerate(rows, start=1))


def workbook(path: Path, sheet: str | bytes, *, extra: dict[str, bytes] | None = None) -> Path:
    """A workbook with one sheet 'people' holding ``sheet`` (the worksheet's XML)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr(SHEET, sheet)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def zeros(path: Path, size: int, *, declared: int | None = None) -> Path:
    """A workbook whose sheet part unpacks to ``size`` bytes (spaces, compressed two hundred-fold)
    while its headers say ``declared`` (default: the truth)."""
    header = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    crc, body = zlib.crc32(header), [packer.compress(header)]
    block = b" " * 2**20
    left = size - len(header)
    while left > 0:
        piece = block[: min(left, len(block))]
        crc = zlib.crc32(piece, crc)
        body.append(packer.compress(piece))
        left -= len(piece)
    body.append(packer.flush())
    compressed = b"".join(body)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
    return _append_raw(path, SHEET, compressed, crc, size, declared if declared is not None else size)


def _append_raw(path: Path, name: str, compressed: bytes, crc: int, size: int, declared: int) -> Path:
    """Add a deflated part with the sizes given, rewriting the central directory by hand."""
    data = path.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    (entries, directory_size, directory_at) = struct.unpack("<HII", data[end + 10 : end + 20])
    directory = data[directory_at : directory_at + directory_size]
    encoded = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(compressed), declared, len(encoded), 0
    )
    offset = directory_at
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(compressed), declared, len(encoded), 0, 0, 0, 0, 0, offset,
    )  # fmt: skip
    new_directory = directory + central + encoded
    new_at = offset + len(local) + len(encoded) + len(compressed)
    end_record = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, entries + 1, entries + 1, len(new_directory), new_at, 0
    )
    path.write_bytes(data[:directory_at] + local + encoded + compressed + new_directory + end_record)
    return path
