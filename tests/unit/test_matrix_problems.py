"""The HR skills matrix: the problems a CSV file is reported with, at their row and column."""

from __future__ import annotations

from matcher.domain.problems import Location
from tests.unit.matrix_support import matrix, places, problems, write

# --- problems in CSV ----------------------------------------------------------------------------


def test_an_empty_file_is_reported_as_empty(tmp_path):
    assert problems(write(tmp_path / "team.csv", "")) == [(Location("team.csv"), "the file is empty")]


def test_a_file_of_blank_lines_is_empty_too(tmp_path):
    assert problems(write(tmp_path / "team.csv", "\n,,\n\n")) == [(Location("team.csv"), "the file is empty")]


def test_a_pipe_separated_file_is_told_which_separators_are_accepted(tmp_path):
    path = matrix(tmp_path, "id|name|email\np1|Ann|ann@example.org\n")
    [(where, message)] = problems(path)
    assert where == Location("team.csv", 1)
    assert "no 'id' column" in message
    assert "a single column 'id|name|email'" in message
    assert "comma, a semicolon (as Dutch Excel saves) or a tab" in message
    assert "seems to use '|'" in message


def test_a_header_without_an_id_column_is_told_which_separators_are_accepted(tmp_path):
    path = matrix(tmp_path, "person,name,email\np1,Ann,ann@example.org\n")
    [(where, message)] = problems(path)
    assert where == Location("team.csv", 1)
    assert "3 columns: 'person', 'name', 'email'" in message
    assert "comma, a semicolon" in message


def test_an_empty_first_row_is_told_that_the_header_belongs_there(tmp_path):
    where, message = problems(matrix(tmp_path, "\np1,Ann,ann@example.org\n"))[0]
    assert where == Location("team.csv", 1)
    assert message.startswith("there is no 'id' column; the first row is empty.")


def test_missing_name_and_email_columns_are_each_reported(tmp_path):
    assert problems(matrix(tmp_path, "id\np1\n")) == [
        (Location("team.csv", 1), "the column 'name' is missing; it is required"),
        (Location("team.csv", 1), "the column 'email' is missing; it is required"),
    ]


def test_bad_cells_are_all_reported_at_once_with_their_row_and_column(tmp_path):
    path = matrix(
        tmp_path,
        "id,name,email,start_date,python,learn:sql\n"
        "p1,Ann,ann@example.org,2024-02-30,3,\n"
        "p2,Bram,bram@example.org,,7,\n"
        "p3,Cas,cas@example.org,,,5\n",
    )
    found = problems(path)
    assert [where for where, _ in found] == [
        Location("team.csv", 2, "start_date"),
        Location("team.csv", 3, "python"),
        Location("team.csv", 4, "learn:sql"),
    ]
    assert "level 7 is outside the scale" in found[1][1]


def test_every_kind_of_bad_person_cell_is_reported(tmp_path):
    header = "id,name,email,years_experience,timezone,working_hours,intern,mentor_capacity,languages"
    path = matrix(
        tmp_path,
        f"{header}\n,,not-an-email,eleven,Mars/Olympus,mon 17:00-09:00,maybe,-1,english\n",
    )
    assert places(path) == [
        Location("team.csv", 2, field)
        for field in header.split(",")
    ]  # fmt: skip


def test_an_empty_email_and_a_malformed_one_say_what_is_wrong(tmp_path):
    path = matrix(tmp_path, "id,name,email\np1,Ann,\np2,Bram,bram at example\n")
    assert problems(path) == [
        (Location("team.csv", 2, "email"), "the email address is empty; every person needs one"),
        (
            Location("team.csv", 3, "email"),
            "'bram at example' is not an email address; write it as name@example.org",
        ),
    ]


def test_a_ragged_row_is_reported_at_its_row(tmp_path):
    path = matrix(tmp_path, "id,name,email\np1,de Vries, Ann,ann@example.org\np2,Bram,bram@example.org,,\n")
    # The comma in the name shifts the email address into the name column's neighbour.
    assert places(path) == [Location("team.csv", 2), Location("team.csv", 2, "email")]
    path = matrix(tmp_path, "id,name,email\np1,Ann,ann@example.org,extra\n")
    [(where, message)] = problems(path)
    assert where == Location("team.csv", 2)
    assert message.startswith("column D has no header, yet this row has 'extra' in it")


def test_a_repeated_column_is_reported_also_when_two_names_mean_one_skill(tmp_path):
    path = matrix(tmp_path, "id,name,email,Name,python,py\np1,Ann,ann@example.org,Ann,1,1\n")
    found = problems(path)
    assert [where for where, _ in found] == [Location("team.csv", 1, "Name"), Location("team.csv", 1, "py")]
    assert found[1][1] == "this column repeats column E ('python'); keep only one of them"


def test_unknown_skill_columns_are_reported_once_per_column(tmp_path):
    path = matrix(
        tmp_path,
        "id,name,email,cobol,learn:fortran,learn:\np1,Ann,ann@example.org,1,1,\np2,Bram,b@example.org,2,2,\n",
    )
    assert problems(path) == [
        (
            Location("team.csv", 1, "cobol"),
            "unknown skill 'cobol'; it is not in the skills file nor in the stored skills",
        ),
        (
            Location("team.csv", 1, "learn:fortran"),
            "unknown skill 'fortran'; it is not in the skills file nor in the stored skills",
        ),
        (Location("team.csv", 1, "learn:"), "'learn:' needs a skill after it, as in learn:python"),
    ]


def test_a_duplicate_id_is_reported_at_its_second_row(tmp_path):
    path = matrix(tmp_path, "id,name,email\np1,Ann,ann@example.org\np1,Bram,bram@example.org\n")
    assert problems(path) == [(Location("team.csv", 3, "id"), "the id 'p1' is already used on row 2")]


def test_skills_file_problems_point_at_the_skills_file(tmp_path):
    rows = [
        "id,name,related,colour",
        "python,Python,,",
        "python,Python again,,",
        "a;b,Odd,,",
        "team,Team,,",
        "r,R,sql:2,",
    ]
    found = problems(matrix(tmp_path, "id,name,email\n", skills="\n".join(rows)))
    assert [message for _, message in found] == [
        "unknown column 'colour' for skills; the columns are id, name, category, parent, aliases, related",
        "the skill 'python' is already on row 2",
        "'a;b' cannot be a skill id: it holds one of , ; | :",
        "'team' cannot be a skill id: it is the name of a person column in the matrix",
        "strength 2 for 'sql' is outside 0 to 1 (0 excluded)",
    ]
    assert [where for where, _ in found] == [
        Location("team.skills.csv", 1, "colour"),
        Location("team.skills.csv", 3, "id"),
        Location("team.skills.csv", 4, "id"),
        Location("team.skills.csv", 5, "id"),
        Location("team.skills.csv", 6, "related"),
    ]


def test_a_missing_skills_file_given_explicitly_is_reported(tmp_path):
    path = matrix(tmp_path, "id,name,email\n", skills=None)
    assert problems(path, skills_path=tmp_path / "gone.csv") == [
        (Location("gone.csv"), "the file cannot be found")
    ]


def test_a_missing_file_and_an_unknown_extension_are_reported_not_raised(tmp_path):
    assert problems(tmp_path / "team.csv") == [(Location("team.csv"), "the file cannot be found")]
    assert problems(write(tmp_path / "team.ods", "x")) == [
        (Location("team.ods"), "a skills matrix must be a .csv or .xlsx file, not '.ods'")
    ]


def test_a_binary_file_named_csv_is_reported(tmp_path):
    path = tmp_path / "team.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    [(where, message)] = problems(path)
    assert where == Location("team.csv", "line 1")
    assert "not a CSV text file" in message
