"""Skills matrix test helpers: people files with their skills file beside them, workbooks, and the
problems a file is read with."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from matcher.domain.parsed import Parsed
from matcher.domain.problems import InvalidInput, Location
from matcher.io.matrix import read_matrix, skills_file_for

SKILLS_CSV = (
    "id,name,category,parent,aliases,related\n"
    "python,Python,programming,,py; python3,sql:0.8\n"
    "sql,SQL,data,,,\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def matrix(tmp_path: Path, text: str, skills: str | None = SKILLS_CSV, name: str = "team.csv") -> Path:
    """A people file, with its skills file beside it unless ``skills`` is None."""
    path = write(tmp_path / name, text)
    if skills is not None:
        write(skills_file_for(path), skills)
    return path


def read_ok(path: Path, **kwargs: object) -> Parsed:
    """Read a file that holds no problems."""
    parsed = read_matrix(path, **kwargs)
    assert not parsed.problems, [str(p) for p in parsed.problems]
    return parsed


def problems(path: Path, **kwargs: object) -> list[tuple[Location, str]]:
    """What is wrong with a file: raised at once when it cannot be read as a
    table, or carried with the result for single cells."""
    try:
        found = list(read_matrix(path, **kwargs).problems)
    except InvalidInput as caught:
        found = caught.problems
    assert found, "expected problems"
    return [(p.where, p.message) for p in found]


def places(path: Path, **kwargs: object) -> list[Location]:
    return [where for where, _ in problems(path, **kwargs)]


def workbook(path: Path, people: list[list[object]], skills: list[list[object]] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "people"
    for row in people:
        sheet.append(row)
    if skills is not None:
        skills_sheet = book.create_sheet("skills")
        for row in skills:
            skills_sheet.append(row)
    book.save(path)
    return path
