"""The HR skills matrix: one row per person, one column per skill, as CSV or XLSX.

A people table carries fixed person columns, a level column per skill (headed
by the skill's id, name or alias) and ``learn:<skill>`` columns for learning
wishes. The skills and their relations travel beside it: a ``<stem>.skills.csv``
file, or a ``skills`` sheet in the workbook.

Reading checks each cell on its own and reports every problem at once; checks
that need the whole organisation (managers, duplicate emails, skill references)
are left to the integrity checks, which find the rows through the locator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from matcher.domain.model import Holding, Organisation, Person, Skill, Wish
from matcher.domain.parsed import Parsed
from matcher.domain.phrases import counted, phrase
from matcher.domain.problems import Location, Locator, Problems
from matcher.io import fields
from matcher.io.fields import PERSON_COLUMNS, blank, parse_line, parse_text
from matcher.io.limits import MAX_CELL, MAX_EMAIL, MAX_ID, MAX_TEXT
from matcher.io.matrix_xlsx import (
    PEOPLE_SHEET,
    SKILLS_SHEET,
    read_csv,
    read_workbook,
    sheet_label,
    write_csv,
    write_workbook,
)

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "email")
SKILL_COLUMNS: tuple[str, ...] = ("id", "name", "category", "parent", "aliases", "related")
LEARN_PREFIX = "learn:"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _unless_blank(parse: Callable[[object], object]) -> Callable[[object], object]:
    """An empty cell leaves the Person default in place."""
    return lambda value: None if blank(value) else parse(value)


def _required(empty: str, limit: int) -> Callable[[object], str]:
    """A cell that must hold one line of text of at most ``limit`` characters; ``empty`` says so when
    it holds none."""

    def parse(value: object) -> str:
        text = parse_line(value, limit)
        if not text:
            raise ValueError(empty)
        return text

    return parse


_ID = _required(phrase("the id is empty; every person needs one"), MAX_ID)
_NAME = _required(phrase("the name is empty; every person needs one"), MAX_TEXT)
_EMAIL_ADDRESS = _required(phrase("the email address is empty; every person needs one"), MAX_EMAIL)
_SKILL_ID = _required(phrase("the skill id is empty; every skill needs one"), MAX_ID)


def _email(value: object) -> str:
    text = _EMAIL_ADDRESS(value)
    if not _EMAIL.fullmatch(text):
        raise ValueError(phrase("'{text}' is not an email address; write it as name@example.org", text=text))
    return text


def _skill_id(value: object) -> str:
    return fields.parse_skill_id(_SKILL_ID(value))


def _an_id(value: object) -> str:
    return parse_line(value, MAX_ID)


def _aliases(value: object) -> tuple[str, ...]:
    return tuple(parse_line(alias) for alias in fields.parse_list(parse_line(value, MAX_CELL)))


# Per person column: the Person attribute it fills and how its cell is read.
_PERSON_FIELDS: dict[str, tuple[str, Callable[[object], object]]] = {
    "id": ("id", _ID),
    "name": ("name", _NAME),
    "email": ("email", _email),
    "department": ("department", parse_line),
    "function": ("function", parse_line),
    "site": ("site", parse_line),
    "team": ("team", parse_line),
    "manager": ("manager_id", _unless_blank(_an_id)),
    "start_date": ("start_date", fields.parse_date),
    "years_experience": ("years_experience", fields.parse_years),
    "languages": ("languages", _unless_blank(fields.parse_languages)),
    "timezone": ("timezone", fields.parse_timezone),
    "working_hours": ("working_hours", fields.parse_working_hours),
    "leaving_date": ("leaving_date", fields.parse_date),
    "intern": ("intern", _unless_blank(fields.parse_bool)),
    "newcomer": ("newcomer", _unless_blank(fields.parse_bool)),
    "ask_me": ("ask_me", _unless_blank(fields.parse_bool)),
    "mentor_capacity": ("mentor_capacity", fields.parse_count),
    "host_capacity": ("host_capacity", fields.parse_count),
    "presenter": ("presenter", _unless_blank(fields.parse_bool)),
}


def skills_file_for(path: Path) -> Path:
    """The skills file that travels beside a CSV matrix: people.csv -> people.skills.csv."""
    return path.with_name(f"{path.stem}.skills.csv")


# --- reading: from a file to a table of cells --------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """A header and the non-blank rows below it, each with its row number as Excel shows it.

    Rows are padded to the width of the header; cells beyond it are kept, to be reported.
    """

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]
    hint: str  # what to tell someone whose header lacks the id column (a sentence)


def read_matrix(path: Path, *, skills_path: Path | None = None, known_skills: Sequence[Skill] = ()) -> Parsed:
    """Read a skills matrix.

    A file that cannot be read as a table raises InvalidInput at once; problems
    in single cells travel with the result, so that the checks on the whole
    organisation can add theirs and everything is reported together."""
    problems = Problems()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        people, skills, sources = _csv_tables(path, skills_path, problems)
    elif suffix == ".xlsx":
        people, skills, sources = _xlsx_tables(path, problems)
    else:
        problems.add(
            Location(path.name),
            phrase("a skills matrix must be a .csv or .xlsx file, not '{suffix}'", suffix=path.suffix),
        )
        problems.raise_if_any()
    locator = Locator()
    file_skills = _read_skills(skills, problems, locator) if skills else ()
    columns = _Columns.of(people, _skill_index(file_skills, known_skills), problems) if people else None
    if people is None or columns is None:
        problems.raise_if_any()
    people_part = _read_people(people, columns, problems, locator) if people and columns else ((), (), ())
    persons, holdings, wishes = people_part
    given = (
        frozenset(_PERSON_FIELDS[c][0] for c in columns.person) | {"skills", "wishes"}
        if columns
        else frozenset()
    )
    return Parsed(
        organisation=Organisation(people=persons, skills=file_skills, holdings=holdings, wishes=wishes),
        locator=locator,
        covered_holdings=frozenset(columns.levels) if columns else frozenset(),
        covered_wishes=frozenset(columns.wishes) if columns else frozenset(),
        has_skills=skills is not None,
        has_history=False,
        sources=sources,
        problems=problems,
        given_fields=dict.fromkeys((p.id for p in persons), given),
    )


def _csv_tables(
    path: Path, skills_path: Path | None, problems: Problems
) -> tuple[_Table | None, _Table | None, tuple[str, ...]]:
    if skills_path is None and skills_file_for(path).exists():
        skills_path = skills_file_for(path)
    people = _csv_table(path, problems)
    skills = _csv_table(skills_path, problems) if skills_path else None
    sources = (path.name, skills_path.name) if skills_path else (path.name,)
    return people, skills, sources


def _xlsx_tables(path: Path, problems: Problems) -> tuple[_Table | None, _Table | None, tuple[str, ...]]:
    people_rows, skills_rows = read_workbook(path, problems)
    hint = phrase("The first row of the sheet must hold the column names")
    people_empty = phrase("the sheet '{sheet}' is empty", sheet=PEOPLE_SHEET)
    people = _table(path.name, people_rows, problems, hint, people_empty)
    label, empty = (
        sheet_label(path.name, SKILLS_SHEET),
        phrase("the sheet '{sheet}' is empty", sheet=SKILLS_SHEET),
    )
    return people, _table(label, skills_rows, problems, hint, empty), (path.name,)


def _csv_table(path: Path, problems: Problems) -> _Table | None:
    read = read_csv(path, problems)
    if not read:
        return None
    table = _table(path.name, read[0], problems, read[1], phrase("the file is empty"))
    if table:
        _report_short_rows(table, problems)
    return table


def _table(
    file: str, records: list[list[object]] | None, problems: Problems, hint: str, empty: str
) -> _Table | None:
    """The header and the rows that hold something, each as long as it came (a sheet's row ends
    at its last cell, a CSV row at its last separator)."""
    if records is None:
        return None
    if not any(not blank(cell) for record in records for cell in record):
        problems.add(Location(file), empty)
        return None
    header = tuple(_header_text(file, index, cell, problems) for index, cell in enumerate(records[0]))
    rows = [
        (number, tuple(record))
        for number, record in enumerate(records[1:], start=2)
        if not all(blank(cell) for cell in record)
    ]
    return _Table(file, header, tuple(rows), hint)


def _header_text(file: str, index: int, cell: object, problems: Problems) -> str:
    text = parse_text(cell)
    try:
        return fields.check_line(fields.check_cell(text), MAX_CELL)
    except ValueError as exc:
        problems.add(Location(file, 1, get_column_letter(index + 1)), fields.reason(exc))
        return ""


def _report_short_rows(table: _Table, problems: Problems) -> None:
    """A CSV row with fewer values than the header has columns lost its end: a file cut off half
    way, or a separator missing. Reading on would leave the missing fields as stored, or empty."""
    width = max((index + 1 for index, text in enumerate(table.header) if text), default=0)
    for number, cells in table.rows:
        if len(cells) < width:
            problems.add(
                Location(table.file, number, table.header[len(cells)] or None),
                counted(
                    width,
                    "this row ends after {count} values, where the header has {n} column; is the file "
                    "cut off, or a separator missing?",
                    "this row ends after {count} values, where the header has {n} columns; is the file "
                    "cut off, or a separator missing?",
                    count=len(cells),
                ),
            )


# --- reading: the meaning of the columns -------------------------------------------------------


def _skill_index(file_skills: Sequence[Skill], known_skills: Sequence[Skill]) -> dict[str, str]:
    """Lower-cased id, name or alias -> skill id; the skills file wins, then ids over names."""
    index: dict[str, str] = {}
    for skills in (file_skills, known_skills):
        for skill in skills:
            index.setdefault(skill.id.lower(), skill.id)
        for skill in skills:
            for name in (skill.name, *skill.aliases):
                index.setdefault(name.strip().lower(), skill.id)
    return index


@dataclass
class _Columns:
    """Which column index holds which person field, skill level or learning wish."""

    person: dict[str, int]
    levels: dict[str, int]
    wishes: dict[str, int]

    @classmethod
    def of(cls, table: _Table, skills: dict[str, str], problems: Problems) -> _Columns | None:
        # Without an id column the header is most likely misread; anything more would be noise.
        if "id" not in (text.lower() for text in table.header):
            problems.add(Location(table.file, 1), _missing_column(table, "id"))
            return None
        columns = cls({}, {}, {})
        for index, text in enumerate(table.header):
            if text:
                columns._place(table, index, skills, problems)
        missing = [name for name in REQUIRED_COLUMNS if name not in columns.person]
        for name in missing:
            problems.add(Location(table.file, 1), _missing_column(table, name))
        return None if missing else columns

    def _place(self, table: _Table, index: int, skills: dict[str, str], problems: Problems) -> None:
        text = table.header[index]
        key = text.lower()
        target: str | None
        if key in PERSON_COLUMNS:
            group, target = self.person, key
        elif key.startswith(LEARN_PREFIX):
            group, target = self.wishes, _resolve(table, index, text[len(LEARN_PREFIX) :], skills, problems)
        else:
            group, target = self.levels, _resolve(table, index, text, skills, problems)
        if target is None:
            return
        if target in group:
            first = group[target]
            problems.add(
                Location(table.file, 1, text),
                phrase(
                    "this column repeats column {column} ('{header}'); keep only one of them",
                    column=get_column_letter(first + 1),
                    header=table.header[first],
                ),
            )
            return
        group[target] = index


def _resolve(table: _Table, index: int, name: str, skills: dict[str, str], problems: Problems) -> str | None:
    name = name.strip()
    skill_id = skills.get(name.lower()) if name else None
    if skill_id is None:
        message = (
            phrase("unknown skill '{name}'; it is not in the skills file nor in the stored skills", name=name)
            if name
            else phrase("'{prefix}' needs a skill after it, as in {prefix}python", prefix=LEARN_PREFIX)
        )
        problems.add(Location(table.file, 1, table.header[index]), message)
    return skill_id


def _cut(text: str, most: int = 60) -> str:
    """A value from the file as a message shows it: at most ``most`` characters."""
    return text if len(text) <= most else text[: most - 3] + "..."


def _missing_column(table: _Table, name: str) -> str:
    if name != "id":
        return phrase("the column '{name}' is missing; it is required", name=name)
    shown = ", ".join(f"'{text}'" for text in table.header if text)
    count = sum(1 for text in table.header if text)
    if count == 0:
        return phrase("there is no 'id' column; the first row is empty. {hint}", hint=table.hint)
    if count == 1:
        return phrase(
            "there is no 'id' column; the first row reads as a single column {shown}. {hint}",
            shown=shown,
            hint=table.hint,
        )
    return phrase(
        "there is no 'id' column; the first row reads as {count} columns: {shown}. {hint}",
        count=count,
        shown=shown,
        hint=table.hint,
    )


class _Row:
    """One row being read: parses its cells and reports each bad cell at its place."""

    def __init__(self, table: _Table, number: int, cells: tuple[object, ...], problems: Problems) -> None:
        self.table, self.number, self.cells, self.problems = table, number, cells, problems
        self.ok = True

    def where(self, index: int | None = None) -> Location:
        return Location(self.table.file, self.number, None if index is None else self.table.header[index])

    def parse(self, index: int | None, parse: Callable[[object], Any], default: Any = None) -> Any:
        if index is None:
            return default
        value = self.cells[index] if index < len(self.cells) else None
        try:
            if isinstance(value, str) and value:  # most cells of a matrix are empty
                fields.check_cell(value)
            return parse(value)
        except ValueError as exc:
            self.fail(index, fields.reason(exc))
            return default

    def text(self, index: int) -> str:
        """The cell's text as it is, for a row whose problems are reported already."""
        return parse_text(self.cells[index]) if index < len(self.cells) else ""

    def report_stray(self) -> None:
        """A value without a column header: a ragged row, usually a separator inside a value."""
        header = self.table.header
        for index, cell in enumerate(self.cells):
            if not blank(cell) and (index >= len(header) or not header[index]):
                self.problems.add(
                    self.where(),
                    phrase(
                        "column {column} has no header, yet this row has '{value}' in it; give the column a "
                        "header, or look for a stray separator in this row",
                        column=get_column_letter(index + 1),
                        value=_cut(parse_text(cell)),
                    ),
                )
                return

    def fail(self, index: int, message: str) -> None:
        self.problems.add(self.where(index), message)
        self.ok = False


# --- reading: rows into domain data ------------------------------------------------------------


def _read_people(
    table: _Table, columns: _Columns, problems: Problems, locator: Locator
) -> tuple[tuple[Person, ...], tuple[Holding, ...], tuple[Wish, ...]]:
    people: list[Person] = []
    holdings: list[Holding] = []
    wishes: list[Wish] = []
    first_row: dict[str, int] = {}
    for number, cells in table.rows:
        row = _Row(table, number, cells, problems)
        row.report_stray()
        person = _person(row, columns)
        person_id = person.id if person else row.text(columns.person["id"])
        if person_id in first_row:
            row.fail(
                columns.person["id"],
                phrase("the id '{id}' is already used on row {row}", id=person_id, row=first_row[person_id]),
            )
            person_id = ""
        if person_id:
            first_row[person_id] = number
            locator.record(("person", person_id), row.where())
        if person and person_id:
            people.append(person)
        holdings += _holdings(row, person_id, columns, locator)
        wishes += _wishes(row, person_id, columns, locator)
    return tuple(people), tuple(holdings), tuple(wishes)


def _person(row: _Row, columns: _Columns) -> Person | None:
    values = {}
    for column, index in sorted(columns.person.items(), key=lambda item: item[1]):
        attribute, parse = _PERSON_FIELDS[column]
        value = row.parse(index, parse)
        if value is not None:
            values[attribute] = value
    # A bad cell is reported, and the person still counts, so that others' references to them hold.
    return Person(**values) if {"id", "name", "email"} <= values.keys() else None


def _holdings(row: _Row, person_id: str, columns: _Columns, locator: Locator) -> list[Holding]:
    holdings = []
    for skill_id, index in columns.levels.items():
        level = row.parse(index, fields.parse_level)
        if level and person_id:  # level 0 is the same as no holding
            holdings.append(Holding(person_id, skill_id, level))
            locator.record(("holding", person_id, skill_id), row.where(index))
    return holdings


def _wishes(row: _Row, person_id: str, columns: _Columns, locator: Locator) -> list[Wish]:
    wishes = []
    for skill_id, index in columns.wishes.items():
        priority = row.parse(index, fields.parse_priority)
        if priority is not None and person_id:
            wishes.append(Wish(person_id, skill_id, priority))
            locator.record(("wish", person_id, skill_id), row.where(index))
    return wishes


def _read_skills(table: _Table, problems: Problems, locator: Locator) -> tuple[Skill, ...]:
    columns: dict[str, int] = {}
    for index, text in enumerate(table.header):
        key = text.lower()
        if key and key not in SKILL_COLUMNS:
            problems.add(
                Location(table.file, 1, text),
                phrase(
                    "unknown column '{name}' for skills; the columns are {columns}",
                    name=text,
                    columns=", ".join(SKILL_COLUMNS),
                ),
            )
        elif key in columns:
            problems.add(
                Location(table.file, 1, text),
                phrase("the column '{name}' appears twice; keep only one", name=text),
            )
        elif key:
            columns[key] = index
    if "id" not in columns:
        problems.add(Location(table.file, 1), _missing_column(table, "id"))
        return ()
    skills: dict[str, Skill] = {}
    first_row: dict[str, int] = {}
    for number, cells in table.rows:
        row = _Row(table, number, cells, problems)
        row.report_stray()
        skill = _skill(row, columns)
        if skill and skill.id.lower() in first_row:
            row.fail(
                columns["id"],
                phrase(
                    "the skill '{id}' is already on row {row}", id=skill.id, row=first_row[skill.id.lower()]
                ),
            )
        elif skill:
            first_row[skill.id.lower()] = number
            skills[skill.id] = skill
            locator.record(("skill", skill.id), row.where())
    return tuple(skills[skill_id] for skill_id in sorted(skills))


def _skill(row: _Row, columns: dict[str, int]) -> Skill | None:
    skill_id = row.parse(columns["id"], _skill_id, "")
    skill = Skill(
        id=skill_id,
        name=row.parse(columns.get("name"), parse_line, "") or skill_id,
        category=row.parse(columns.get("category"), parse_line, ""),
        parent_id=row.parse(columns.get("parent"), _an_id, "") or None,
        aliases=row.parse(columns.get("aliases"), _aliases, ()),
        related=row.parse(columns.get("related"), fields.parse_related, ()),
    )
    return skill if row.ok else None


# --- writing -----------------------------------------------------------------------------------


def write_matrix(org: Organisation, path: Path) -> list[Path]:
    """Write the organisation as a matrix (.csv plus its skills file, or one .xlsx); return the files."""
    people, skills = _people_rows(org), _skills_rows(org)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        skills_path = skills_file_for(path)
        write_csv(path, people)
        write_csv(skills_path, skills)
        return [path, skills_path]
    if suffix == ".xlsx":
        write_workbook(path, {PEOPLE_SHEET: people, SKILLS_SHEET: skills})
        return [path]
    raise ValueError(f"a skills matrix can be written as .csv or .xlsx, not '{path.suffix or path.name}'")


def _people_rows(org: Organisation) -> list[list[object]]:
    held = sorted({holding.skill_id for holding in org.holdings})
    wished = sorted({wish.skill_id for wish in org.wishes})
    levels = {(h.person_id, h.skill_id): int(h.level) for h in org.holdings}
    priorities = {(w.person_id, w.skill_id): w.priority for w in org.wishes}
    header: list[object] = [*PERSON_COLUMNS, *held, *(LEARN_PREFIX + skill_id for skill_id in wished)]
    return [header] + [
        [
            *_person_cells(p),
            *(levels.get((p.id, s)) for s in held),
            *(priorities.get((p.id, s)) for s in wished),
        ]
        for p in org.people
    ]


def _person_cells(person: Person) -> list[object]:
    years = person.years_experience
    return [
        person.id, person.name, person.email, person.department, person.function, person.site,
        person.team, person.manager_id, person.start_date, int(years) if float(years).is_integer() else years,
        ", ".join(person.languages), person.timezone, fields.format_working_hours(person.working_hours),
        person.leaving_date, _yes_no(person.intern), _yes_no(person.newcomer), _yes_no(person.ask_me),
        person.mentor_capacity, person.host_capacity, _yes_no(person.presenter),
    ]  # fmt: skip


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _skills_rows(org: Organisation) -> list[list[object]]:
    header: list[object] = list(SKILL_COLUMNS)
    return [header] + [
        [s.id, s.name, s.category, s.parent_id, "; ".join(s.aliases), fields.format_related(s.related)]
        for s in sorted(org.skills, key=lambda s: s.id)
    ]
