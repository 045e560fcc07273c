"""The bad-input corpus: files a person (or a broken tool, or an attacker) could hand meeloop, each
with where its refusal must point and a piece of what it must say.

Every file is written into a folder the test gives, from code, in a few milliseconds; the big ones
(a zip bomb, two million rows) are small on disk and big only in what they claim or unpack to. The
organisation they are read against is :func:`tests.orgs.small_org`: people anna, bram, chen, dirk
and eva; skills archief, python, sql, wmo and sociaal-recht.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matcher.io.limits import MAX_COLUMNS, MAX_FILLED, MAX_PARTS, MAX_ROWS, MAX_UNPACKED_BYTES
from tests.corpus import xlsx


@dataclass(frozen=True)
class Case:
    """A bad file: how to write it, and what its refusal must hold (English, as written)."""

    name: str
    write: Callable[[Path], Path]
    says: str
    row: str | None = None
    field: str | None = None
    #: The file the refusal names, when it is not the one imported (a CSV's skills file).
    file: str | None = None

    @property
    def kind(self) -> str:
        return self.name.split("-")[0]

    def __str__(self) -> str:
        return self.name


CASES: list[Case] = []


def case(name: str, says: str, row: str | None = None, field: str | None = None, file: str | None = None):
    def register(write: Callable[[Path], Path]) -> Callable[[Path], Path]:
        CASES.append(Case(name, write, says, row, field, file))
        return write

    return register


# -- CSV: the skills matrix ------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

HEADER = "id,name,email,department,manager,start_date,python,sql,learn:python"
ANNA = "anna,Anna de Vries,anna@wadloo.example,Sociaal Domein,,1998-03-01,,,"
BRAM = "bram,Bram Çelik,bram@wadloo.example,Sociaal Domein,anna,2024-09-01,2,,3"
CHEN = "chen,王芳,chen@wadloo.example,Informatievoorziening,anna,2015-01-01,3,4,"


def matrix(folder: Path, *lines: str, name: str = "matrix.csv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def raw(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@case("csv-cut-off-mid-row", "is the file cut off", "row 4", "department")
def _(folder: Path) -> Path:
    # The finding: the last person's row cut after their e-mail address.
    return raw(
        folder, "matrix.csv", f"{HEADER}\r\n{ANNA}\r\n{BRAM}\r\nchen,王芳,chen@wadloo.example".encode()
    )


@case("csv-demo-matrix-cut-off-mid-row", "is the file cut off", "row 241", "department")
def _(folder: Path) -> Path:
    # The probe's finding as it was: the demo matrix cut after the last person's e-mail address.
    lines = (DEMO / "skills-matrix.csv").read_bytes().rstrip(b"\r\n").split(b"\n")
    last = b",".join(lines[-1].split(b",")[:3])
    (folder / "skills-matrix.skills.csv").write_bytes((DEMO / "skills-matrix.skills.csv").read_bytes())
    return raw(folder, "skills-matrix.csv", b"\n".join([*lines[:-1], last]))


@case("csv-cut-off-after-a-separator", "is the file cut off", "row 3", "learn:python")
def _(folder: Path) -> Path:
    return raw(
        folder, "matrix.csv", f"{HEADER}\r\n{ANNA}\r\nbram,Bram,bram@wadloo.example,SD,anna,,2,".encode()
    )


@case("csv-short-row", "ends after 5 values", "row 2", "start_date")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, "anna,Anna de Vries,anna@wadloo.example,Sociaal Domein,", BRAM)


@case("csv-long-row", "column J has no header", "row 3")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, BRAM + ",4")


@case("csv-ends-inside-quotes", "ends inside a quoted value that starts on line 3", "row 3")
def _(folder: Path) -> Path:
    return raw(folder, "matrix.csv", f'{HEADER}\r\n{ANNA}\r\nbram,"Bram Çelik,bram@wadloo'.encode())


@case("csv-text-after-closing-quote", "goes on after its closing quote", "row 3")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, 'bram,"Bram" Çelik,bram@wadloo.example,SD,anna,,2,,3')


@case("csv-alt-enter-in-a-name", "holds a line break at character 5 ('Anna')", "row 2", "name")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, 'anna,"Anna\nde Vries",anna@wadloo.example,SD,,,,,', BRAM)


@case("csv-crlf-in-a-department", "holds a line break", "row 3", "department")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, 'bram,Bram,bram@wadloo.example,"Sociaal\r\nDomein",anna,,2,,3')


@case("csv-line-separator-in-a-team-lead", "holds a line break", "row 3", "manager")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, "bram,Bram,bram@wadloo.example,SD,an\u2028na,,2,,3")


@case("csv-nul-byte", "holds a NUL character", "line 3")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, "bram,Bram\x00,bram@wadloo.example,SD,anna,,2,,3")


@case("csv-bell-in-a-department", "control character (U+0007)", "row 2", "department")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, "anna,Anna,anna@wadloo.example,Soc\x07,,,,,", BRAM)


@case("csv-escape-in-a-name", "control character (U+001B)", "row 3", "name")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, "bram,\x1b[31mBram,bram@wadloo.example,SD,anna,,2,,3")


@case("csv-tab-in-a-name", "control character (U+0009)", "row 3", "name")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, 'bram,"Bram\tÇelik",bram@wadloo.example,SD,anna,,2,,3')


@case("csv-next-line-character-in-a-name", "holds a line break at character 5", "row 3", "name")
def _(folder: Path) -> Path:
    # NEL (U+0085), a line break of its own in Unicode
    return matrix(folder, HEADER, ANNA, "bram,Bram\x85Çelik,bram@wadloo.example,SD,anna,,2,,3")


@case("csv-10000-character-name", "no value in a file may be longer than 2,000", "row 3", "name")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, f"bram,{'B' * 10_000},bram@wadloo.example,SD,anna,,2,,3")


@case("csv-201-character-department", "201 characters long; at most 200", "row 3", "department")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, f"bram,Bram,bram@wadloo.example,{'D' * 201},anna,,2,,3")


@case("csv-121-character-id", "at most 120", "row 3", "id")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, f"{'b' * 121},Bram,bram@wadloo.example,SD,anna,,2,,3")


@case("csv-255-character-email", "at most 254", "row 3", "email")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, f"bram,Bram,{'b' * 240}@wadloo.example,SD,anna,,2,,3")


@case("csv-200000-character-quoted-cell", "longer than 2,000 characters", "row 3")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, f'bram,"{"B" * 200_000}",bram@wadloo.example,SD,anna,,2,,3')


@case("csv-utf16-without-bom", "holds a NUL character", "line 1")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, ANNA, encoding="utf-16-le")


@case("csv-neither-utf8-nor-windows-1252", "byte 79 is not text in UTF-8 or Windows-1252", "line 2")
def _(folder: Path) -> Path:
    return raw(folder, "matrix.csv", f"{HEADER}\r\nanna,Anna \x81".encode("latin-1"))


@case("csv-utf8-bom-and-a-bad-level", "level 7 is outside the scale", "row 3", "python")
def _(folder: Path) -> Path:
    return raw(folder, "matrix.csv", f"\ufeff{HEADER}\r\n{ANNA}\r\n{BRAM.replace(',2,', ',7,')}\r\n".encode())


@case("csv-utf16-bom-and-a-short-row", "is the file cut off", "row 3", "start_date")
def _(folder: Path) -> Path:
    return matrix(
        folder, "\ufeff" + HEADER, ANNA, "bram,Bram,bram@wadloo.example,SD,anna", encoding="utf-16-le"
    )


@case("csv-utf32-bom-and-a-line-break", "holds a line break", "row 2", "name")
def _(folder: Path) -> Path:
    return matrix(
        folder, "\ufeff" + HEADER, 'anna,"An\nna",anna@wadloo.example,SD,,,,,', encoding="utf-32-le"
    )


@case("csv-windows-1252-and-a-short-row", "is the file cut off", "row 2", "start_date")
def _(folder: Path) -> Path:
    return matrix(folder, HEADER, "anna,Zoë Çelik,anna@wadloo.example,SD,", encoding="cp1252")


@case("csv-excel-sep-line-and-a-control-character", "control character (U+0001)", "row 2", "site")
def _(folder: Path) -> Path:
    return matrix(folder, "sep=;", "id;name;email;site", "anna;Anna;anna@wadloo.example;Stad\x01huis")


@case("csv-more-than-the-row-limit", f"more than {MAX_ROWS:,} rows; split it")
def _(folder: Path) -> Path:
    rows = (f"p{n},P {n},p{n}@wadloo.example" for n in range(MAX_ROWS + 1))
    return matrix(folder, "id,name,email", *rows)


@case("csv-more-than-the-column-limit", f"more than {MAX_COLUMNS:,} columns", "row 1")
def _(folder: Path) -> Path:
    return matrix(folder, "id,name,email," + ",".join(f"c{n}" for n in range(MAX_COLUMNS)), ANNA)


@case(
    "csv-more-filled-cells-than-the-limit", f"more than {MAX_FILLED:,} filled cells by this row", "row 40001"
)
def _(folder: Path) -> Path:
    header = "id,name,email," + ",".join(f"c{n}" for n in range(47))
    rows = (f"p{n},P,p@x.nl," + ",".join(["11"] * 47) for n in range(MAX_FILLED // 50 + 1))
    return matrix(folder, header, *rows)


@case("csv-lone-carriage-return-in-the-header", "the column 'name' is missing", "row 1")
def _(folder: Path) -> Path:
    # An old Mac line end inside the first line: Python's csv module refuses it on its own.
    return raw(folder, "matrix.csv", f"id,na\rme,email\r\n{ANNA}\r\n".encode())


@case("csv-empty", "the file is empty")
def _(folder: Path) -> Path:
    return raw(folder, "matrix.csv", b"")


@case("csv-nul-in-a-header", "holds a NUL character", "line 1")
def _(folder: Path) -> Path:
    return matrix(folder, "id,name,email,pyth\x00on", ANNA)


@case("csv-line-break-in-a-header", "holds a line break", "row 1", "D")
def _(folder: Path) -> Path:
    return matrix(folder, 'id,name,email,"learn:\npython"', "anna,Anna,anna@wadloo.example,2")


@case(
    "csv-skills-file-with-a-line-break",
    "holds a line break at character 3",
    "row 3",
    "name",
    "matrix.skills.csv",
)
def _(folder: Path) -> Path:
    skills = 'id,name,category,parent,aliases,related\r\nsql,SQL,Data,,,\r\npython,"Py\nthon",Data,,,\r\n'
    (folder / "matrix.skills.csv").write_text(skills, encoding="utf-8")
    return matrix(folder, "id,name,email,python", "anna,Anna,anna@wadloo.example,2")


@case("csv-skills-file-cut-off", "is the file cut off", "row 3", "category", "matrix.skills.csv")
def _(folder: Path) -> Path:
    (folder / "matrix.skills.csv").write_bytes(
        b"id,name,category,parent,aliases,related\r\nsql,SQL,Data,,,\r\npy,Py"
    )
    return matrix(folder, "id,name,email,sql", "anna,Anna,anna@wadloo.example,2")


@case(
    "csv-alias-with-a-control-character",
    "control character (U+0002)",
    "row 2",
    "aliases",
    "matrix.skills.csv",
)
def _(folder: Path) -> Path:
    skills = "id,name,category,parent,aliases,related\r\nsql,SQL,Data,,Structured\x02; Query,\r\n"
    (folder / "matrix.skills.csv").write_text(skills, encoding="utf-8")
    return matrix(folder, "id,name,email,sql", "anna,Anna,anna@wadloo.example,2")


# -- JSON: the organisation ------------------------------------------------------------------------

PERSON = '{"id": "anna", "name": "Anna de Vries", "email": "anna@wadloo.example"%s}'


def organisation(folder: Path, people: str, name: str = "organisation.json") -> Path:
    text = '{"format": "meeloop-organisation", "version": 1,\n "people": [\n  ' + people + "\n ]\n}\n"
    return raw(folder, name, text.encode("utf-8", "surrogatepass"))


def person(extra: str) -> str:
    return PERSON % extra


@case("json-cut-off", "not valid JSON: a text starts here and is never closed", "line 3, column 43")
def _(folder: Path) -> Path:
    return raw(folder, "organisation.json", organisation(folder, person("")).read_bytes()[:110])


@case("json-nested-100000-deep", "nested more than 64 levels deep", "line 3, column 65")
def _(folder: Path) -> Path:
    return organisation(folder, "[" * 100_000 + "]" * 100_000)


@case("json-nested-900-deep", "nested more than 64 levels deep", "people[0]", "0")
def _(folder: Path) -> Path:
    return organisation(folder, "[" * 900 + "]" * 900)


@case("json-nested-deep-in-an-unknown-field", "nested more than 64 levels deep", "people[0]", "hobby")
def _(folder: Path) -> Path:
    return organisation(folder, person(', "hobby": ' + "[" * 200 + "]" * 200))


@case("json-lone-high-surrogate", "'\\ud800' is half of a character", "line 3, column 31")
def _(folder: Path) -> Path:
    return organisation(folder, person("").replace("Anna de", "Anna\\ud800 de"))


@case("json-lone-low-surrogate-in-a-key", "'\\udc01' is half of a character", "line 3, column 76")
def _(folder: Path) -> Path:
    return organisation(folder, person(', "\\udc01": 1'))


@case("json-surrogates-the-wrong-way-round", "'\\udc00' is half of a character", "line 3, column 27")
def _(folder: Path) -> Path:
    return organisation(folder, person("").replace("Anna de", "\\udc00\\ud800"))


@case("json-5000-digit-number", "a number of 5,000 digits", "line 3, column 94")
def _(folder: Path) -> Path:
    return organisation(folder, person(', "mentor_capacity": ' + "9" * 5000))


@case("json-5000-digit-negative-number", "a number of 5,000 digits", "line 3, column 92")
def _(folder: Path) -> Path:
    return organisation(folder, person(', "host_capacity": -' + "1" * 5000))


@case(
    "json-5000-digit-fraction", "is outside the allowed range (at most 60)", "people[0]", "years_experience"
)
def _(folder: Path) -> Path:
    return organisation(folder, person(', "years_experience": 1' + "0" * 5000 + ".5"))


@case("json-nan", "NaN is not a number a field can take", "line 3, column 95")
def _(folder: Path) -> Path:
    return organisation(folder, person(', "years_experience": NaN'))


@case("json-infinity", "-Infinity is not a number a field can take", "line 3, column 95")
def _(folder: Path) -> Path:
    return organisation(folder, person(', "years_experience": -Infinity'))


@case("json-escaped-nul", "'\\u0000' is a NUL character", "line 3, column 31")
def _(folder: Path) -> Path:
    return organisation(folder, person("").replace("Anna de", "Anna\\u0000 de"))


@case("json-raw-nul-byte", "not valid JSON: a control character", "line 3, column 31")
def _(folder: Path) -> Path:
    return organisation(folder, person("").replace("Anna de", "Anna\x00 de"))


@case("json-line-break-in-a-name", "holds a line break at character 5 ('Anna')", "people[0]", "name")
def _(folder: Path) -> Path:
    return organisation(folder, person("").replace("Anna de", "Anna\\nde"))


@case(
    "json-10000-character-name",
    "10,000 characters long; no value in a file may be longer than 2,000",
    "people[0]",
    "name",
)
def _(folder: Path) -> Path:
    return organisation(folder, person("").replace("Anna de Vries", "A" * 10_000))


@case("json-bell-in-a-department", "control character (U+0007)", "people[0]", "department")
def _(folder: Path) -> Path:
    return organisation(folder, person(', "department": "Sociaal\\u0007Domein"'))


@case("json-long-function", "201 characters long; at most 200", "people[0]", "function")
def _(folder: Path) -> Path:
    return organisation(folder, person(f', "function": "{"f" * 201}"'))


@case("json-line-break-in-an-alias", "holds a line break", "skills[0]", "aliases.1")
def _(folder: Path) -> Path:
    skills = [{"id": "sql", "name": "SQL", "aliases": ["Structured Query Language", "S\nQL"]}]
    doc = {"format": "meeloop-organisation", "version": 1, "skills": skills}
    return raw(folder, "organisation.json", json.dumps(doc).encode())


@case("json-control-character-in-a-round", "control character (U+001F)", "history[0]", "round")
def _(folder: Path) -> Path:
    history = [
        {"round": "20\u001f25", "kind": "mentor", "members": ["anna", "bram"], "started": "2025-01-01"}
    ]
    doc = {"format": "meeloop-organisation", "version": 1, "history": history}
    return raw(folder, "organisation.json", json.dumps(doc).encode())


@case("json-tab-in-the-organisation-name", "control character (U+0009)", None, "name")
def _(folder: Path) -> Path:
    doc = {"format": "meeloop-organisation", "version": 1, "name": "Gemeente\tWadloo"}
    return raw(folder, "organisation.json", json.dumps(doc).encode())


@case("json-utf16", "the file is not UTF-8 text", "byte 0")
def _(folder: Path) -> Path:
    return raw(folder, "organisation.json", organisation(folder, person("")).read_text().encode("utf-16"))


@case("json-windows-1252", "the file is not UTF-8 text", "byte 90")
def _(folder: Path) -> Path:
    return raw(
        folder,
        "organisation.json",
        organisation(folder, person("")).read_text().replace("Anna", "Zoë").encode("cp1252"),
    )


@case("json-bom-and-a-bad-email", "is not an e-mail address", "people[0]", "email")
def _(folder: Path) -> Path:
    text = organisation(folder, person("")).read_text().replace("anna@wadloo.example", "anna at wadloo")
    return raw(folder, "organisation.json", ("\ufeff" + text).encode())


@case("json-trailing-comma", "not valid JSON: a key in double quotes is expected here", "line 3, column 75")
def _(folder: Path) -> Path:
    return organisation(folder, person(", "))


@case("json-two-documents", "not valid JSON: there is more after the end of the data", "line 6, column 1")
def _(folder: Path) -> Path:
    text = organisation(folder, person("")).read_text() + "{}\n"
    return raw(folder, "organisation.json", text.encode())


@case("json-empty", "the file is empty")
def _(folder: Path) -> Path:
    return raw(folder, "organisation.json", b"  \n")


@case("json-a-list-not-an-object", "should be an object")
def _(folder: Path) -> Path:
    return raw(folder, "organisation.json", b"[1, 2, 3]")


@case("json-cut-inside-a-string", "a text starts here and is never closed", "line 3, column 10")
def _(folder: Path) -> Path:
    return raw(folder, "organisation.json", organisation(folder, person("")).read_bytes()[:75])


# -- XLSX: the skills matrix as a workbook ----------------------------------------------------------

PEOPLE = [
    ["id", "name", "email", "department", "python"],
    ["anna", "Anna de Vries", "anna@wadloo.example", "SD", 4],
]


def book(folder: Path, rows: list[list[object]], name: str = "matrix.xlsx") -> Path:
    return xlsx.workbook(folder / name, xlsx.table(rows))


@case("xlsx-zip-bomb", f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
def _(folder: Path) -> Path:
    return xlsx.zeros(folder / "matrix.xlsx", MAX_UNPACKED_BYTES + 2**20)


@case("xlsx-zip-bomb-with-lying-sizes", "not an Excel workbook that can be opened")
def _(folder: Path) -> Path:
    return xlsx.zeros(folder / "matrix.xlsx", MAX_UNPACKED_BYTES + 2**20, declared=10_000)


@case("xlsx-too-many-parts", f"a workbook of at most {MAX_PARTS:,} parts")
def _(folder: Path) -> Path:
    parts = {f"xl/media/image{n}.png": b"" for n in range(MAX_PARTS)}
    return xlsx.workbook(folder / "matrix.xlsx", xlsx.table(PEOPLE), extra=parts)


@case("xlsx-two-million-rows", f"more than {MAX_ROWS:,} rows")
def _(folder: Path) -> Path:
    rows = [
        xlsx.row_xml(1, PEOPLE[0]),
        xlsx.row_xml(2, PEOPLE[1]),
        xlsx.row_xml(2_000_000, ["zz", "Z", "z@z.zz"]),
    ]
    return xlsx.workbook(folder / "matrix.xlsx", xlsx.sheet_xml(rows, dimension="A1:E2000000"))


@case("xlsx-more-than-the-row-limit", f"more than {MAX_ROWS:,} rows")
def _(folder: Path) -> Path:
    rows = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, MAX_ROWS + 3))
    return xlsx.workbook(
        folder / "matrix.xlsx", xlsx.sheet_xml([xlsx.row_xml(1, ["id", "name", "email"]), *rows])
    )


@case("xlsx-more-than-the-column-limit", f"more than {MAX_COLUMNS:,} columns", "row 2")
def _(folder: Path) -> Path:
    wide = '<row r="2">' + xlsx.cell(1, 2, "anna") + xlsx.cell(MAX_COLUMNS + 5, 2, "x") + "</row>"
    return xlsx.workbook(folder / "matrix.xlsx", xlsx.sheet_xml([xlsx.row_xml(1, PEOPLE[0]), wide]))


@case("xlsx-broken-xml", "cannot be read from this row on", "row 3")
def _(folder: Path) -> Path:
    rows = [
        xlsx.row_xml(1, PEOPLE[0]),
        xlsx.row_xml(2, PEOPLE[1]),
        '<row r="3"><c r="A3" t="inlineStr"><is><t>br',
    ]
    return xlsx.workbook(folder / "matrix.xlsx", xlsx.sheet_xml(rows, dimension="A1:E3"))


@case("xlsx-a-shared-string-that-is-not-there", "cannot be read from this row on", "row 2")
def _(folder: Path) -> Path:
    rows = [xlsx.row_xml(1, PEOPLE[0]), '<row r="2"><c r="A2" t="s"><v>99</v></c></row>']
    return xlsx.workbook(folder / "matrix.xlsx", xlsx.sheet_xml(rows))


@case("xlsx-declared-utf16-but-utf8", "not an Excel workbook that can be opened")
def _(folder: Path) -> Path:
    sheet = xlsx.table(PEOPLE).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return xlsx.workbook(folder / "matrix.xlsx", sheet.encode("utf-8"))


@case("xlsx-alt-enter-in-a-name", "holds a line break at character 5 ('Anna')", "row 2", "name")
def _(folder: Path) -> Path:
    return book(folder, [PEOPLE[0], ["anna", "Anna\nde Vries", "anna@wadloo.example", "SD", 4]])


@case("xlsx-tab-in-a-department", "control character (U+0009)", "row 2", "department")
def _(folder: Path) -> Path:
    return book(folder, [PEOPLE[0], ["anna", "Anna", "anna@wadloo.example", "Sociaal\tDomein", 4]])


@case("xlsx-10000-character-name", "no value in a file may be longer than 2,000", "row 2", "name")
def _(folder: Path) -> Path:
    return book(folder, [PEOPLE[0], ["anna", "A" * 10_000, "anna@wadloo.example", "SD", 4]])


@case("xlsx-long-site", "250 characters long; at most 200", "row 2", "site")
def _(folder: Path) -> Path:
    return book(folder, [["id", "name", "email", "site"], ["anna", "Anna", "anna@wadloo.example", "S" * 250]])


@case("xlsx-not-a-zip", "not an Excel workbook that can be opened")
def _(folder: Path) -> Path:
    return raw(folder, "matrix.xlsx", f"{HEADER}\r\n{ANNA}\r\n".encode())


@case("xlsx-cut-off", "not an Excel workbook that can be opened")
def _(folder: Path) -> Path:
    data = book(folder, PEOPLE).read_bytes()
    return raw(folder, "matrix.xlsx", data[: len(data) // 2])


@case("xlsx-formula-instead-of-a-name", "holds a formula (=A2&A2)", "row 2", "name")
def _(folder: Path) -> Path:
    rows = [
        xlsx.row_xml(1, PEOPLE[0]),
        '<row r="2"><c r="A2" t="inlineStr"><is><t>anna</t></is></c><c r="B2"><f>A2&amp;A2</f></c></row>',
    ]
    return xlsx.workbook(folder / "matrix.xlsx", xlsx.sheet_xml(rows))


@case("xlsx-merged-cells", "the cells B2:C2 are merged", "row 2", "name")
def _(folder: Path) -> Path:
    tail = '<mergeCells count="1"><mergeCell ref="B2:C2"/></mergeCells>'
    rows = [xlsx.row_xml(1, PEOPLE[0]), xlsx.row_xml(2, PEOPLE[1])]
    return xlsx.workbook(folder / "matrix.xlsx", xlsx.sheet_xml(rows, tail=tail))


@case("xlsx-short-row-is-fine-but-a-level-is-not", "level 9 is outside the scale", "row 2", "python")
def _(folder: Path) -> Path:
    return book(
        folder,
        [
            PEOPLE[0],
            ["anna", "Anna", "anna@wadloo.example", "SD", 9],
            ["bram", "Bram", "bram@wadloo.example"],
        ],
    )


# -- ICS: a person's calendar upload ----------------------------------------------------------------

EVENT = (
    "BEGIN:VEVENT\r\nUID:1@example.org\r\nDTSTAMP:20261101T090000Z\r\nDTSTART:20261130T090000Z\r\n"
    "DTEND:20261130T100000Z\r\nSUMMARY:Overleg\r\nEND:VEVENT\r\n"
)


def calendar(
    folder: Path,
    body: str,
    *,
    head: str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n",
    end: str = "END:VCALENDAR\r\n",
    name: str = "agenda.ics",
) -> Path:
    return raw(folder, name, (head + body + end).encode("utf-8", "surrogatepass"))


@case("ics-without-end", "BEGIN:VCALENDAR is never closed; is the file cut off?", "line 1")
def _(folder: Path) -> Path:
    return calendar(folder, EVENT, end="")


@case("ics-cut-off-mid-event", "BEGIN:VEVENT is never closed", "line 4")
def _(folder: Path) -> Path:
    return calendar(folder, EVENT[:80], end="")


@case(
    "ics-a-date-that-does-not-exist",
    "cannot be read: Wrong datetime format",
    "line 7, event 'Overleg' (UID 1@example.org)",
    "DTSTART",
)
def _(folder: Path) -> Path:
    return calendar(folder, EVENT.replace("DTSTART:20261130T090000Z", "DTSTART:20261345T090000Z"))


@case(
    "ics-a-date-that-is-not-a-date",
    "cannot be read: Expected time",
    "line 8, event 'Overleg' (UID 1@example.org)",
    "DTEND",
)
def _(folder: Path) -> Path:
    return calendar(folder, EVENT.replace("DTEND:20261130T100000Z", "DTEND:morgen"))


@case(
    "ics-ends-before-it-starts",
    "the event ends before it starts",
    "line 8, event 'Overleg' (UID 1@example.org)",
    "DTEND",
)
def _(folder: Path) -> Path:
    return calendar(folder, EVENT.replace("DTEND:20261130T100000Z", "DTEND:20261129T100000Z"))


@case("ics-nul-byte", "control character (U+0000)", "line 9")
def _(folder: Path) -> Path:
    return calendar(folder, EVENT.replace("Overleg", "Over\x00leg"))


@case("ics-escape-character", "control character (U+001B)", "line 9")
def _(folder: Path) -> Path:
    return calendar(folder, EVENT.replace("Overleg", "\x1b[2JOverleg"))


@case("ics-windows-1252", "is not UTF-8 text", "line 9")
def _(folder: Path) -> Path:
    return raw(
        folder,
        "agenda.ics",
        calendar(folder, EVENT.replace("Overleg", "Overleg café")).read_text().encode("cp1252"),
    )


@case("ics-not-a-calendar", "does not start with BEGIN:VCALENDAR", "line 1")
def _(folder: Path) -> Path:
    return raw(folder, "agenda.ics", f"{HEADER}\r\n{ANNA}\r\n".encode())


@case("ics-nested-200-deep", "nests more than 8 components deep", "line 11")
def _(folder: Path) -> Path:
    return calendar(folder, "BEGIN:VEVENT\r\n" * 200 + "END:VEVENT\r\n" * 200)


@case("ics-end-does-not-match", "END:VTODO does not match BEGIN:VEVENT on line 4", "line 10")
def _(folder: Path) -> Path:
    return calendar(folder, EVENT.replace("END:VEVENT", "END:VTODO"))


@case("ics-repeats-every-second", "repeats so often", "line 9, event 'Overleg' (UID 1@example.org)", "RRULE")
def _(folder: Path) -> Path:
    return calendar(folder, EVENT.replace("SUMMARY", "RRULE:FREQ=SECONDLY\r\nSUMMARY"))


@case(
    "ics-unknown-time-zone",
    "uses time zone 'Mars/Olympus'",
    "line 7, event 'Overleg' (UID 1@example.org)",
    "DTSTART",
)
def _(folder: Path) -> Path:
    return calendar(
        folder, EVENT.replace("DTSTART:20261130T090000Z", "DTSTART;TZID=Mars/Olympus:20261130T090000")
    )


@case("ics-too-large", "the file is larger than 5 MiB")
def _(folder: Path) -> Path:
    return calendar(folder, "X-FILLER:" + "x" * (5 * 2**20) + "\r\n" + EVENT)
