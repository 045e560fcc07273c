"""The HR skills matrix as an Excel workbook: reading it and the problems it is reported with."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from matcher.domain.model import Holding, Level
from matcher.domain.problems import Location
from tests.unit.matrix_support import places, problems, read_ok, workbook

# --- reading XLSX -------------------------------------------------------------------------------


def test_a_workbook_reads_dates_numbers_and_its_skills_sheet(tmp_path):
    path = workbook(
        tmp_path / "team.xlsx",
        [
            ["id", "name", "email", "start_date", "years_experience", "Python"],
            [1001, "Ахмед", "ahmed@example.org", dt.datetime(2021, 9, 1), 3.5, 3.0],
        ],
        [["id", "name"], ["python", "Python"]],
    )
    parsed = read_ok(path)
    person = parsed.organisation.people[0]
    assert (person.id, person.name, person.start_date, person.years_experience) == (
        "1001",
        "Ахмед",
        dt.date(2021, 9, 1),
        3.5,
    )
    assert parsed.organisation.holdings == (Holding("1001", "python", Level.PROFICIENT),)
    assert parsed.has_skills is True
    assert parsed.sources == ("team.xlsx",)
    assert parsed.locator.at(("skill", "python")) == Location("team.xlsx, sheet skills", 2)


def test_a_workbook_without_a_people_sheet_uses_its_first_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Blad1"
    book.active.append(["id", "name", "email"])
    book.active.append(["p1", "Ann", "ann@example.org"])
    book.save(tmp_path / "team.xlsx")
    parsed = read_ok(tmp_path / "team.xlsx")
    assert [p.id for p in parsed.organisation.people] == ["p1"]
    assert parsed.has_skills is False


def test_a_formula_cell_is_reported_by_its_cell_name(tmp_path):
    rows = [[f"p{n}", f"Person {n}", 2, f"p{n}@example.org"] for n in range(2, 6)]
    path = workbook(tmp_path / "team.xlsx", [["id", "name", "python", "email"], *rows], [["id"], ["python"]])
    book = openpyxl.load_workbook(path)
    book["people"]["C5"] = "=1+2"
    book.save(path)
    [(where, message)] = problems(path)
    assert where == Location("team.xlsx", 5, "python")
    assert message.startswith("cell C5 holds a formula (=1+2) instead of a value")
    assert "Paste Values" in message


def test_merged_cells_are_reported_by_their_range(tmp_path):
    rows = [[f"p{n}", f"Person {n}", f"p{n}@example.org"] for n in range(2, 6)]
    path = workbook(tmp_path / "team.xlsx", [["id", "name", "email"], *rows])
    book = openpyxl.load_workbook(path)
    book["people"].merge_cells("B3:B5")
    book.save(path)
    found = problems(path)
    assert found[0] == (
        Location("team.xlsx", 3, "name"),
        "the cells B3:B5 are merged; unmerge them and give each cell its own value",
    )
    # The cells merged away are empty, which is also what the user sees in them.
    assert [where for where, _ in found[1:]] == [
        Location("team.xlsx", 4, "name"),
        Location("team.xlsx", 5, "name"),
    ]


def test_merged_header_cells_are_reported_too(tmp_path):
    path = workbook(tmp_path / "team.xlsx", [["id", "name", "email", "", ""]])
    book = openpyxl.load_workbook(path)
    book["people"].merge_cells("D1:E1")
    book.save(path)
    assert problems(path) == [
        (
            Location("team.xlsx", 1),
            "the cells D1:E1 are merged; unmerge them and give each cell its own value",
        )
    ]


def test_problems_on_the_skills_sheet_name_the_sheet(tmp_path):
    path = workbook(tmp_path / "team.xlsx", [["id", "name", "email"]], [["id", "related"], ["python", "x:9"]])
    assert places(path) == [Location("team.xlsx, sheet skills", 2, "related")]


@pytest.mark.parametrize("content", [b"", b"not a workbook at all", b"PK\x03\x04broken zip", b"id,name\n"])
def test_a_file_that_is_no_workbook_is_reported_without_a_traceback(tmp_path, content):
    path = tmp_path / "team.xlsx"
    path.write_bytes(content)
    [(where, message)] = problems(path)
    assert where == Location("team.xlsx")
    assert message.startswith("this is not an Excel workbook that can be opened")


def test_an_empty_people_sheet_is_reported(tmp_path):
    path = workbook(tmp_path / "team.xlsx", [])
    assert problems(path) == [(Location("team.xlsx"), "the sheet 'people' is empty")]
