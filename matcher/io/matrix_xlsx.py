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
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from matcher.domain.phrases import phrase
from matcher.domain.problems import Location, Problems
from matcher.io.fields import parse_text

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
    """The rows of a CSV file and a hint on separators for when its header reads wrong."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(Location(path.name), phrase("the file cannot be found"))
        return None
    except OSError as exc:
        problems.add(
            Location(path.name), phrase("the file cannot be opened ({error})", error=str(exc.strerror))
        )
        return None
    text = _decode(data)
    if text is None or "\x00" in text:
        message = phrase("this is not a CSV text file; save it from Excel as 'CSV UTF-8 (comma delimited)'")
        problems.add(Location(path.name), message)
        return None
    first_line = text.partition("\n")[0].strip()
    # Excel writes (and reads) a first line such as 'sep=;' to say which separator the file uses.
    declared = re.fullmatch(r"sep=(.)", first_line)
    if declared:
        text = text.partition("\n")[2]
    delimiter = declared[1] if declared else _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows: Rows = [[unneutralised(cell) for cell in row] for row in reader]
    except csv.Error as exc:
        problems.add(
            Location(path.name, reader.line_num),
            phrase("the file cannot be read as CSV here ({error})", error=str(exc)),
        )
        return None
    return rows, _separator_hint(text.partition("\n")[0])


def _decode(data: bytes) -> str | None:
    """Text from UTF-8 (with or without Excel's BOM), else Windows-1252, which older Excel writes."""
    # Excel's "Unicode text" export is UTF-16 with a byte order mark.
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _delimiter(first_line: str) -> str:
    """The accepted separator that finds an id column in the header, else the one giving most columns."""

    def header(delimiter: str) -> list[str]:
        return [cell.strip().lower() for cell in next(csv.reader([first_line], delimiter=delimiter), [])]

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
    """The rows of the people sheet and of the skills sheet (``None`` when absent or unreadable)."""
    workbook = _open(path, problems)
    if workbook is None:
        return None, None
    sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
    skills_sheet = sheets.get(SKILLS_SHEET)
    people_sheet = sheets.get(PEOPLE_SHEET) or next(
        (sheet for sheet in workbook.worksheets if sheet is not skills_sheet), None
    )
    people = _values(people_sheet, path.name, problems) if people_sheet else None
    if people_sheet is None:
        problems.add(Location(path.name), phrase("the workbook has no '{sheet}' sheet", sheet=PEOPLE_SHEET))
    skills_label = sheet_label(path.name, SKILLS_SHEET)
    return people, _values(skills_sheet, skills_label, problems) if skills_sheet else None


def _open(path: Path, problems: Problems) -> openpyxl.Workbook | None:
    try:
        # openpyxl warns about workbook features it skips (data validation, styles);
        # they change nothing in the values, so a user should not see them.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # data_only=False, so that a formula shows up as a formula instead of its cached result.
            return openpyxl.load_workbook(path, data_only=False)
    except FileNotFoundError:
        problems.add(Location(path.name), phrase("the file cannot be found"))
    # A damaged or mislabelled file surfaces as any of a dozen exception types from
    # zipfile, xml and openpyxl itself; all of them mean the same thing to the user.
    except Exception:
        problems.add(
            Location(path.name),
            phrase(
                "this is not an Excel workbook that can be opened; open it in Excel and save it again "
                "as 'Excel Workbook (*.xlsx)'"
            ),
        )
    return None


def _values(sheet: Worksheet, file: str, problems: Problems) -> Rows:
    header = [parse_text(cell.value) for cell in next(sheet.iter_rows(max_row=1), ())]
    _report_merged(sheet, file, header, problems)
    return [[_value(cell, file, header, problems) for cell in row] for row in sheet.iter_rows()]


def _header_at(header: list[str], column: int) -> str | None:
    return (header[column - 1] or None) if column <= len(header) else None


def _report_merged(sheet: Worksheet, file: str, header: list[str], problems: Problems) -> None:
    for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        field = _header_at(header, merged.min_col) if merged.min_row > 1 else None
        problems.add(
            Location(file, merged.min_row, field),
            phrase(
                "the cells {cells} are merged; unmerge them and give each cell its own value",
                cells=merged.coord,
            ),
        )


def _value(cell: Cell | MergedCell, file: str, header: list[str], problems: Problems) -> object:
    if isinstance(cell, MergedCell) or cell.data_type != "f":
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
