"""The HR skills matrix: reading CSV, and writing CSV and XLSX that read back the same."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from matcher.domain.model import Holding, Level, Organisation, Person, RelatedSkill, Skill, Wish, office_hours
from matcher.domain.problems import Location
from matcher.io.fields import parse_working_hours
from matcher.io.matrix import PERSON_COLUMNS, skills_file_for, write_matrix
from tests.unit.matrix_support import matrix, places, read_ok, write

# --- reading CSV --------------------------------------------------------------------------------


def test_a_semicolon_file_reads_people_skills_holdings_and_wishes(tmp_path):
    path = matrix(
        tmp_path,
        "id;name;email;manager;years_experience;python;learn:sql\n"
        "p1;Ann de Vries;ann@example.org;;2,5;4;\n"
        "p2;Bram Jansen;bram@example.org;p1;;2;3\n",
    )
    parsed = read_ok(path)
    org = parsed.organisation
    assert [p.id for p in org.people] == ["p1", "p2"]
    assert org.people[0].years_experience == 2.5
    assert org.people[1].manager_id == "p1"
    assert [s.id for s in org.skills] == ["python", "sql"]
    assert org.skills[0].aliases == ("py", "python3")
    assert org.skills[0].related == (RelatedSkill("sql", 0.8),)
    assert org.holdings == (
        Holding("p1", "python", Level.EXPERT),
        Holding("p2", "python", Level.WORKING),
    )
    assert org.wishes == (Wish("p2", "sql", 3),)
    assert parsed.covered_holdings == frozenset({"python"})
    assert parsed.covered_wishes == frozenset({"sql"})
    assert parsed.has_skills is True
    assert parsed.has_history is False
    assert parsed.sources == ("team.csv", "team.skills.csv")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_comma_semicolon_and_tab_separated_files_read_alike(tmp_path, delimiter):
    lines = [["id", "name", "email", "python"], ["p1", "Ann", "ann@example.org", "3"]]
    path = matrix(tmp_path, "".join(delimiter.join(line) + "\n" for line in lines))
    assert read_ok(path).organisation.holdings == (Holding("p1", "python", Level.PROFICIENT),)


def test_headers_ignore_case_and_spaces_and_match_skill_names_and_aliases(tmp_path):
    path = matrix(tmp_path, " ID , Name ,EMAIL, PY ,learn: Sql \np1,Ann,ann@example.org,working,1\n")
    org = read_ok(path).organisation
    assert org.holdings == (Holding("p1", "python", Level.WORKING),)
    assert org.wishes == (Wish("p1", "sql", 1),)


def test_empty_optional_cells_take_the_person_defaults(tmp_path):
    header = ",".join(PERSON_COLUMNS)
    path = matrix(tmp_path, f"{header}\np1,Ann,ann@example.org{',' * (len(PERSON_COLUMNS) - 3)}\n")
    assert read_ok(path).organisation.people == (Person("p1", "Ann", "ann@example.org"),)
    person = read_ok(path).organisation.people[0]
    assert person.ask_me is True
    assert person.languages == ("nl",)
    assert person.timezone == "Europe/Amsterdam"
    assert person.working_hours == office_hours()


def test_every_person_column_is_read(tmp_path):
    header = ",".join(PERSON_COLUMNS)
    row = (
        'p2,Bram,bram@example.org,Finance,Controller,Utrecht,Close,p1,1-3-2020,"7,5","en, nl",'
        'Europe/London,"mon-thu 08:30-17:00; fri 08:30-12:30",2026-12-31,ja,nee,no,2,1,'
    )
    path = matrix(tmp_path, f"{header}\n{row}\n")
    assert read_ok(path).organisation.people == (
        Person(
            id="p2", name="Bram", email="bram@example.org", department="Finance", function="Controller",
            site="Utrecht", team="Close", manager_id="p1", start_date=dt.date(2020, 3, 1),
            years_experience=7.5, languages=("en", "nl"), timezone="Europe/London",
            working_hours=parse_working_hours("mon-thu 08:30-17:00; fri 08:30-12:30"),
            leaving_date=dt.date(2026, 12, 31), intern=True, newcomer=False, ask_me=False,
            mentor_capacity=2, host_capacity=1,
        ),
    )  # fmt: skip


def test_level_zero_and_empty_cells_are_no_holding_and_empty_priority_is_no_wish(tmp_path):
    path = matrix(tmp_path, "id,name,email,python,sql,learn:python\np1,Ann,ann@example.org,0,,\n")
    parsed = read_ok(path)
    assert parsed.organisation.holdings == ()
    assert parsed.organisation.wishes == ()
    assert parsed.covered_holdings == frozenset({"python", "sql"})


def test_the_locator_points_at_the_row_and_column_of_everything_read(tmp_path):
    path = matrix(tmp_path, "id,name,email,Python,learn:SQL\n\np1,Ann,ann@example.org,3,2\n")
    locator = read_ok(path).locator
    assert locator.at(("person", "p1")) == Location("team.csv", 3)
    assert locator.at(("holding", "p1", "python")) == Location("team.csv", 3, "Python")
    assert locator.at(("wish", "p1", "sql")) == Location("team.csv", 3, "learn:SQL")
    assert locator.at(("skill", "sql")) == Location("team.skills.csv", 3)


def test_a_header_with_no_rows_gives_an_organisation_without_people(tmp_path):
    parsed = read_ok(matrix(tmp_path, "id,name,email,python\n"))
    assert parsed.organisation.people == ()
    assert parsed.covered_holdings == frozenset({"python"})


def test_known_skills_resolve_headers_when_there_is_no_skills_file(tmp_path):
    path = matrix(tmp_path, "id,name,email,Excel\np1,Ann,ann@example.org,2\n", skills=None)
    parsed = read_ok(path, known_skills=[Skill("spreadsheets", "Excel")])
    assert parsed.organisation.holdings == (Holding("p1", "spreadsheets", Level.WORKING),)
    assert parsed.organisation.skills == ()
    assert parsed.has_skills is False
    assert parsed.sources == ("team.csv",)


def test_a_skill_in_the_skills_file_wins_over_a_stored_skill_with_the_same_name(tmp_path):
    path = matrix(tmp_path, "id,name,email,Python\np1,Ann,ann@example.org,2\n")
    parsed = read_ok(path, known_skills=[Skill("py-old", "Python")])
    assert parsed.organisation.holdings == (Holding("p1", "python", Level.WORKING),)


def test_an_explicit_skills_path_is_used_instead_of_the_file_beside_it(tmp_path):
    path = matrix(tmp_path, "id,name,email,go\np1,Ann,ann@example.org,1\n")
    other = write(tmp_path / "catalogue.csv", "id,name\ngo,Go\n")
    parsed = read_ok(path, skills_path=other)
    assert [s.id for s in parsed.organisation.skills] == ["go"]
    assert parsed.sources == ("team.csv", "catalogue.csv")


def test_a_skill_name_defaults_to_its_id_and_parents_are_kept(tmp_path):
    skills = "id,name,parent\nprogramming,,\npython,Python,programming\n"
    org = read_ok(matrix(tmp_path, "id,name,email\n", skills=skills)).organisation
    assert org.skills == (
        Skill("programming", "programming"),
        Skill("python", "Python", parent_id="programming"),
    )


def test_excel_utf8_with_bom_reads_the_first_header_as_id(tmp_path):
    path = write(tmp_path / "team.csv", "id;name;email\np1;Zoë;zoe@example.org\n", encoding="utf-8-sig")
    assert read_ok(path).organisation.people[0].id == "p1"


def test_windows_1252_file_keeps_its_accents(tmp_path):
    text = "id;name;email;department\np1;Zoë Çelik;zoe@example.org;Façade\np2;Loïc Hélène;loic@example.org;\n"
    path = write(tmp_path / "team.csv", text, encoding="cp1252")
    people = read_ok(path).organisation.people
    assert [p.name for p in people] == ["Zoë Çelik", "Loïc Hélène"]
    assert people[0].department == "Façade"


def test_excel_unicode_text_in_utf16_is_read(tmp_path):
    path = write(tmp_path / "team.csv", "id\tname\temail\np1\t王芳\twang@example.org\n", encoding="utf-16")
    assert read_ok(path).organisation.people[0].name == "王芳"


def test_an_excel_sep_line_sets_the_separator_and_is_not_a_row(tmp_path):
    path = matrix(tmp_path, "sep=;\nid;name;email;python\np1;Ann, Jr.;ann@example.org;x\n")
    assert places(path) == [Location("team.csv", 2, "python")]


def test_cross_row_problems_are_left_for_the_integrity_checks(tmp_path):
    path = matrix(
        tmp_path,
        "id,name,email,manager\np1,Ann,same@example.org,nobody\np2,Bram,same@example.org,p1\n",
    )
    assert len(read_ok(path).organisation.people) == 2


# --- writing and the round trip -----------------------------------------------------------------


def rich_organisation() -> Organisation:
    hours = parse_working_hours
    people = (
        Person("p1", "Zoë Çelik", "zoe@example.org", "IT", "Lead", "Utrecht", "Platform",
               start_date=dt.date(2015, 4, 1), years_experience=14.0, languages=("nl", "en"),
               mentor_capacity=3, host_capacity=2),
        Person("p2", "Αλέξης Παπαδόπουλος", "alexis@example.org", "IT", "Engineer", "Athens", "Platform",
               manager_id="p1", start_date=dt.date(2022, 1, 10), years_experience=2.5, languages=("el", "en"),
               timezone="Europe/Athens", working_hours=hours("mon-thu 08:30-17:00; fri 08:30-12:30"),
               leaving_date=dt.date(2026, 6, 30), ask_me=False),
        Person("p3", "王芳", "wang@example.org", "Data", "Analyst", "Shanghai", "Insights", manager_id="p1",
               languages=("zh", "en"), timezone="Asia/Shanghai",
               working_hours=hours("mon 09:00-12:00,13:00-17:00; wed 09:00-12:00; sat-sun 10:00-14:00")),
        Person("p4", "Ахмед, \"Ахи\" Иванов", "ahmed@example.org", "Data", "Intern", "Amsterdam", "Insights",
               manager_id="p3", start_date=dt.date(2025, 2, 1), intern=True, newcomer=True),
        Person("p5", "=Not a formula", "eq@example.org"),
    )  # fmt: skip
    skills = (
        Skill("sql", "SQL", "data", aliases=("structured query language",)),
        Skill("programming", "Programming", "engineering"),
        Skill("python", "Python", "engineering", ("py", "python3"), "programming",
              (RelatedSkill("sql", 0.8), RelatedSkill("pandas", 0.5))),
        Skill("pandas", "pandas", "data", parent_id="python", related=(RelatedSkill("sql", 0.3),)),
        Skill("kotlin", "Kotlin", "engineering", parent_id="programming"),
    )  # fmt: skip
    holdings = (
        Holding("p1", "python", Level.EXPERT),
        Holding("p1", "sql", Level.PROFICIENT),
        Holding("p2", "python", Level.WORKING),
        Holding("p3", "pandas", Level.EXPERT),
        Holding("p3", "sql", Level.EXPERT),
        Holding("p4", "sql", Level.AWARE),
    )
    wishes = (Wish("p2", "sql", 3), Wish("p4", "python", 1), Wish("p4", "pandas", 2), Wish("p1", "kotlin", 2))
    return Organisation(people=people, skills=skills, holdings=holdings, wishes=wishes)


@pytest.mark.parametrize("name", ["org.csv", "org.xlsx"])
def test_what_is_written_reads_back_the_same(tmp_path, name):
    org = rich_organisation()
    written = write_matrix(org, tmp_path / name)
    back = read_ok(written[0]).organisation
    assert back.people == org.people
    assert back.skills == tuple(sorted(org.skills, key=lambda s: s.id))
    assert set(back.holdings) == set(org.holdings)
    assert set(back.wishes) == set(org.wishes)


def test_a_csv_export_neutralises_formulas_and_still_reads_back_the_same(tmp_path):
    people = (
        Person("p1", '=HYPERLINK("https://evil.example","click")', "a@example.org", "-IT", "+31 boss",
               "@home", "'=quoted already"),
        Person("p2", "Bram", "b@example.org", "=1+1"),
    )  # fmt: skip
    skills = (Skill("sql", "@SQL", "=cmd|' /C calc'!A0"), Skill("py", "-Python", "'-data"))
    org = Organisation(people=people, skills=skills, holdings=(Holding("p1", "sql", Level.EXPERT),))
    written = write_matrix(org, tmp_path / "org.csv")
    for path in written:
        for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()):
            assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), row
    cells = written[0].read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in cells and "'-IT" in cells and "''=quoted already" in cells
    back = read_ok(written[0]).organisation
    assert back.people == people
    assert back.skills == tuple(sorted(skills, key=lambda s: s.id))


def test_a_csv_matrix_is_written_with_its_skills_file_beside_it(tmp_path):
    written = write_matrix(rich_organisation(), tmp_path / "org.csv")
    assert written == [tmp_path / "org.csv", tmp_path / "org.skills.csv"]
    data = written[0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, first = data.decode("utf-8-sig").splitlines()[:2]
    assert header == ",".join([*PERSON_COLUMNS, "pandas", "python", "sql", "learn:kotlin", "learn:pandas",
                               "learn:python", "learn:sql"])  # fmt: skip
    assert first == (
        'p1,Zoë Çelik,zoe@example.org,IT,Lead,Utrecht,Platform,,2015-04-01,14,"nl, en",Europe/Amsterdam,'
        "mon-fri 09:00-17:00,,no,no,yes,3,2,no,,4,3,2,,,"
    )
    skills = written[1].read_text(encoding="utf-8-sig").splitlines()
    assert skills[0] == "id,name,category,parent,aliases,related"
    assert skills[-1] == "sql,SQL,data,,structured query language,"
    assert "python,Python,engineering,programming,py; python3,sql:0.8; pandas:0.5" in skills


def test_a_workbook_is_written_with_people_and_skills_sheets(tmp_path):
    assert write_matrix(rich_organisation(), tmp_path / "org.xlsx") == [tmp_path / "org.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "org.xlsx")
    assert book.sheetnames == ["people", "skills"]
    people = book["people"]
    assert [cell.value for cell in people[1][:3]] == ["id", "name", "email"]
    assert people["I2"].value == dt.datetime(2015, 4, 1)
    assert people["B6"].value == "=Not a formula"
    assert people["B6"].data_type == "s"
    assert [row[0].value for row in book["skills"].iter_rows(min_row=2)] == [
        "kotlin", "pandas", "programming", "python", "sql",
    ]  # fmt: skip


def test_an_organisation_without_skills_or_people_still_writes_both_files(tmp_path):
    written = write_matrix(Organisation(), tmp_path / "empty.csv")
    parsed = read_ok(written[0])
    assert parsed.organisation == Organisation()
    assert parsed.has_skills is True


def test_writing_to_another_extension_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        write_matrix(Organisation(), tmp_path / "org.ods")


def test_skills_file_for_puts_the_skills_beside_the_people_file():
    assert skills_file_for(Path("/data/people.csv")) == Path("/data/people.skills.csv")
