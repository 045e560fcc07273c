"""What Excel hands over for the skills matrix, as plain lists of cell values.

HR keeps the matrix in Excel and gives it to us either as a workbook or as one
of the CSV dialects Excel saves (semicolons in Dutch settings, a BOM or
Windows-1252, a ``sep=`` line). This module deals with those file quirks and
nothing else; :mod:`matcher.io.matrix` gives the cells their meaning. Problems
only a file can have (formulas, merged cells, a file that is not what its name
says) are reported here, with the cell names the user sees in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, cast

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.cell.read_only import EmptyCell, ReadOnlyCell
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

from matcher.domain.phrases import phrase
from matcher.domain.problems import Grouped, Location, Problems, line
from matcher.io import workbook_archive
from matcher.io.fields import parse_text
from matcher.io.limits import (
    MAX_CELL,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_FILLED,
    MAX_ROWS,
)

PEOPLE_SHEET = "people"
SKILLS_SHEET = "skills"
DELIMITERS: tuple[str, ...] = (",", ";", "\t")
# Characters that people (or other tools) use to separate columns but we do not accept.
_FOREIGN_SEPARATORS = "|^~#!/"

Rows = list[list[object]]
#: What a cell is written from (a bool is an int, a datetime a date).
_CELL_TYPES = (str, int, float, Decimal, dt.date, dt.time, dt.timedelta, type(None))


def sheet_label(file: str, title: str) -> str:
    """How problems on a second sheet name their place, as the file name alone would be ambiguous."""
    return phrase("{file}, sheet {sheet}", file=file, sheet=title)


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(path: Path, problems: Problems) -> tuple[Rows, str] | None:
    """The rows of a CSV file and a hint on separators for when its header reads wrong.

    The file is refused, with the line or row where it goes wrong, when it is not text, ends inside
    a quoted value, or passes a limit (:mod:`matcher.io.limits`)."""
    data = _bytes(path, problems)
    text = _decode(data, path.name, problems) if data is not None else None
    if text is None:
        return None
    first_line = text.partition("\n")[0].strip()
    # Excel writes (and reads) a first line such as 'sep=;' to say which separator the file uses.
    declared = re.fullmatch(r"sep=(.)", first_line)
    if declared:
        text = text.partition("\n")[2]
    delimiter = declared[1] if declared else _delimiter(first_line)
    rows = _csv_rows(text, delimiter, path.name, problems)
    return (rows, _separator_hint(text.partition("\n")[0])) if rows is not None else None


def _bytes(path: Path, problems: Problems) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(Location(path.name), _file_too_large(size))
            return None
        return path.read_bytes()
    except FileNotFoundError:
        problems.add(Location(path.name), phrase("the file cannot be found"))
    except OSError as exc:
        problems.add(
            Location(path.name), phrase("the file cannot be opened ({error})", error=str(exc.strerror))
        )
    return None


def _file_too_large(size: int) -> str:
    return phrase(
        "the file is {size} MB; at most {limit} MB is read; split it into smaller files",
        size=Grouped(-(-size // 2**20)),
        limit=Grouped(MAX_FILE_BYTES // 2**20),
    )


def _csv_rows(text: str, delimiter: str, file: str, problems: Problems) -> Rows | None:
    """The records of ``text``, stopping at the first that cannot be read or passes a limit."""
    # strict: a file that ends inside a quoted value is an error, not a shorter last value.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: Rows = []
    cells = filled = 0
    line = 1
    try:
        for record in reader:
            where = Location(file, len(rows) + 1)
            if len(rows) > MAX_ROWS:
                problems.add(Location(file), too_many_rows())
                return None
            if len(record) > MAX_COLUMNS:
                problems.add(where, too_many_columns())
                return None
            cells += len(record)
            filled += len(record) - record.count("")
            if cells > MAX_CELLS or filled > MAX_FILLED:
                problems.add(where, too_many_cells(filled > MAX_FILLED))
                return None
            rows.append([unneutralised(cell) for cell in record])
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add(Location(file, len(rows) + 1), _csv_error(str(exc), line))
        return None
    return rows


def _csv_error(error: str, line: int) -> str:
    """What the csv module's complaint means for the person who saved the file."""
    if "end of data" in error:
        return phrase(
            "the file ends inside a quoted value that starts on line {line}; is the file cut off, or "
            'is a closing quote (") missing?',
            line=line,
        )
    if "field limit" in error:
        return phrase(
            'a value from line {line} on is longer than {limit} characters; is a closing quote (") missing?',
            line=line,
            limit=Grouped(MAX_CELL),
        )
    return phrase(
        "a quoted value on line {line} goes on after its closing quote; put the whole value in quotes "
        'and write a quote inside it twice ("")',
        line=line,
    )


def too_many_rows() -> str:
    return phrase(
        "the file has more than {limit} rows; split it into files of at most {limit} rows",
        limit=Grouped(MAX_ROWS),
    )


def too_many_columns() -> str:
    return phrase(
        "this row has more than {limit} columns; at most {limit} are read", limit=Grouped(MAX_COLUMNS)
    )


def too_many_cells(filled: bool = False) -> str:
    if filled:
        return phrase(
            "the file has more than {limit} filled cells by this row; split it into smaller files",
            limit=Grouped(MAX_FILLED),
        )
    return phrase(
        "the file has more than {limit} cells by this row; split it into smaller files",
        limit=Grouped(MAX_CELLS),
    )


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _decode(data: bytes, file: str, problems: Problems) -> str | None:
    """Text from UTF-8 (with or without Excel's BOM), else Windows-1252, which older Excel writes;
    UTF-16 and UTF-32 with their byte order mark, as Excel's "Unicode text" export is."""
    encoding = next((name for mark, name in _BOMS if data.startswith(mark)), None)
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as exc:
        fallback = _windows_1252(data) if encoding is None else None
        if fallback is None:
            problems.add(
                Location(file, line(data[: exc.start].count(b"\n") + 1)),
                phrase(
                    "byte {offset} is not text in UTF-8 or Windows-1252; save the file from Excel as "
                    "'CSV UTF-8 (comma delimited)'",
                    offset=exc.start,
                ),
            )
            return None
        text = fallback
    nul = text.find("\x00")
    if nul >= 0:
        problems.add(
            Location(file, line(text.count("\n", 0, nul) + 1)),
            phrase(
                "holds a NUL character (a zero byte), so this is not a CSV text file; save it from "
                "Excel as 'CSV UTF-8 (comma delimited)'"
            ),
        )
        return None
    return text


def _windows_1252(data: bytes) -> str | None:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _delimiter(first_line: str) -> str:
    """The accepted separator that finds an id column in the header, else the one giving most columns."""

    def header(delimiter: str) -> list[str]:
        # Read as the whole file is (a lone carriage return ends a line), so that nothing but the
        # file itself can fail here; reading it reports what is wrong, with the row.
        reader = csv.reader(io.StringIO(first_line, newline=""), delimiter=delimiter)
        try:
            return [cell.strip().lower() for cell in next(reader, [])]
        except csv.Error:
            return []

    for delimiter in DELIMITERS:
        if "id" in header(delimiter):
            return delimiter
    return max(DELIMITERS, key=lambda d: len(header(d)))


def _separator_hint(first_line: str) -> str:
    seen = max(_FOREIGN_SEPARATORS, key=first_line.count)
    if first_line.count(seen):
        return phrase(
            "Separate the columns with a comma, a semicolon (as Dutch Excel saves) or a tab; "
            "this file seems to use '{seen}'",
            seen=seen,
        )
    return phrase("Separate the columns with a comma, a semicolon (as Dutch Excel saves) or a tab")


def write_csv(path: Path, rows: Rows) -> None:
    # The BOM makes Excel open the file as UTF-8, so accents and other scripts survive.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(["" if value is None else neutralised(_text(value)) for value in row])


#: A cell starting with one of these, after any quotes, is a formula to a spreadsheet (OWASP's
#: CSV injection advice); a quote before it makes it text.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralised(cell: str) -> str:
    """``cell`` with a quote before it when a spreadsheet would run it as a formula.

    A cell that already starts with quotes before such a character gets one more, so that
    :func:`unneutralised` gives back exactly what was written.

    >>> neutralised("=HYPERLINK(1)"), neutralised("Ann")
    ("'=HYPERLINK(1)", 'Ann')
    """
    return "'" + cell if _FORMULA.match(cell) else cell


def unneutralised(cell: str) -> str:
    """A cell as it was before :func:`neutralised`: the quote it added goes again.

    >>> unneutralised("'-IT"), unneutralised("'t Hooft")
    ('-IT', "'t Hooft")
    """
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell[1:]) else cell


def _text(value: object) -> str:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if isoformat else str(value)


# --- XLSX --------------------------------------------------------------------------------------


def read_workbook(path: Path, problems: Problems) -> tuple[Rows | None, Rows | None]:
    """The rows of the people sheet and of the skills sheet (``None`` when absent or unreadable).

    The archive is unpacked once, counting, before openpyxl opens it
    (:mod:`matcher.io.workbook_archive`); then the sheets are read as a stream, row by row, up to
    the limits (:mod:`matcher.io.limits`)."""
    merged = workbook_archive.unpacked_parts(path, problems)
    if merged is None:
        return None, None
    # The workbook reads from this handle while the rows stream; closing it here also closes what
    # openpyxl leaves open when it gives up on a damaged file.
    with path.open("rb") as handle:
        workbook = _open(handle, path.name, problems)
        if workbook is None:
            return None, None
        try:
            return _sheets(workbook, path.name, merged, problems)
        finally:
            workbook.close()


def _sheets(
    workbook: openpyxl.Workbook, file: str, merged: dict[str, list[str]], problems: Problems
) -> tuple[Rows | None, Rows | None]:
    sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
    skills_sheet = sheets.get(SKILLS_SHEET)
    people_sheet = sheets.get(PEOPLE_SHEET) or next(
        (sheet for sheet in workbook.worksheets if sheet is not skills_sheet), None
    )
    if people_sheet is None:
        problems.add(Location(file), phrase("the workbook has no '{sheet}' sheet", sheet=PEOPLE_SHEET))
        return None, None
    people = _values(people_sheet, file, merged, problems)
    skills_label = sheet_label(file, SKILLS_SHEET)
    return people, _values(skills_sheet, skills_label, merged, problems) if skills_sheet else None


def _open(handle: BinaryIO, file: str, problems: Problems) -> openpyxl.Workbook | None:
    try:
        # openpyxl warns about workbook features it skips (data validation, styles);
        # they change nothing in the values, so a user should not see them.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # read_only streams the sheets instead of building every cell at once;
            # data_only=False, so that a formula shows up as a formula instead of its cached result.
            return openpyxl.load_workbook(handle, read_only=True, data_only=False)
    # A damaged or mislabelled file surfaces as any of a dozen exception types from
    # zipfile, xml and openpyxl itself; all of them mean the same thing to the user.
    except Exception:
        problems.add(Location(file), workbook_archive.not_a_workbook())
    return None


def _values(
    sheet: ReadOnlyWorksheet, file: str, merged: dict[str, list[str]], problems: Problems
) -> Rows | None:
    """The sheet's rows, each as wide as its last cell; None when it passes a limit or breaks off
    (reported), as part of a sheet would be read as the whole of it."""
    # The dimension a sheet declares may be wrong, or a lie; the rows are counted as they come.
    sheet.reset_dimensions()
    rows: Rows = []
    header: list[str] = []
    cells = filled = 0
    number = 0
    try:
        for number, row in enumerate(_cells(sheet), start=1):
            if number > MAX_ROWS + 1:
                problems.add(Location(file), too_many_rows())
                return None
            cells += len(row)
            if len(row) > MAX_COLUMNS and any(cell.value is not None for cell in row[MAX_COLUMNS:]):
                problems.add(Location(file, number), too_many_columns())
                return None
            if number == 1:
                header = [parse_text(cell.value) for cell in row]
                _report_merged(merged.get(_part_of(sheet), []), file, header, problems)
            values = [_value(cell, file, header, problems) for cell in row[:MAX_COLUMNS]]
            filled += len(values) - values.count(None)
            if cells > MAX_CELLS or filled > MAX_FILLED:
                problems.add(Location(file, number), too_many_cells(filled > MAX_FILLED))
                return None
            rows.append(values)
    except Exception:  # the sheet's XML is broken after the rows read so far
        problems.add(
            Location(file, number + 1),
            phrase(
                "the sheet cannot be read from this row on; open the file in Excel and save it again "
                "as 'Excel Workbook (*.xlsx)'"
            ),
        )
        return None
    return rows


def _cells(sheet: ReadOnlyWorksheet) -> Iterator[tuple[ReadOnlyCell | EmptyCell, ...]]:
    # The stubs type iter_rows for the writable sheet; a read-only one gives read-only cells.
    read: Any = sheet
    return cast(Iterator[tuple[ReadOnlyCell | EmptyCell, ...]], read.iter_rows())


def _part_of(sheet: ReadOnlyWorksheet) -> str:
    """The archive part a read-only sheet streams from (openpyxl keeps it as a private attribute)."""
    return str(getattr(sheet, "_worksheet_path", "")).lstrip("/")


def _header_at(header: list[str], column: int) -> str | None:
    return (header[column - 1] or None) if column <= len(header) else None


def _report_merged(ranges: list[str], file: str, header: list[str], problems: Problems) -> None:
    for merged in sorted((CellRange(text) for text in ranges), key=lambda r: (r.min_row, r.min_col)):
        field = _header_at(header, merged.min_col) if merged.min_row > 1 else None
        problems.add(
            Location(file, merged.min_row, field),
            phrase(
                "the cells {cells} are merged; unmerge them and give each cell its own value",
                cells=merged.coord,
            ),
        )


def _value(cell: ReadOnlyCell | EmptyCell, file: str, header: list[str], problems: Problems) -> object:
    if isinstance(cell, EmptyCell) or cell.data_type != "f":
        return cell.value
    formula = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", "")
    problems.add(
        Location(file, cell.row, _header_at(header, cell.column) if cell.row > 1 else None),
        phrase(
            "cell {cell} holds a formula ({formula}) instead of a value; copy the cells and "
            "paste them back with 'Paste Values'",
            cell=cell.coordinate,
            formula=str(formula),
        ),
    )
    return None


def write_workbook(path: Path, sheets: dict[str, Rows]) -> None:
    workbook = openpyxl.Workbook()
    assert workbook.active is not None, "a new workbook starts with one sheet"
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                _write_cell(sheet.cell(row_number, column), value)
        sheet.freeze_panes = "B2"
    workbook.save(path)


def _write_cell(cell: Cell, value: object) -> None:
    if not isinstance(value, _CELL_TYPES):
        raise ValueError(f"Cannot convert {value!r} to Excel")  # as openpyxl itself says
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        # Text such as a name that starts with '=' must stay text, not become a formula.
        cell.data_type = "s"
    elif hasattr(value, "isoformat"):
        cell.number_format = "yyyy-mm-dd"
