"""The meeloop command as a user runs it: a real process, real files, a real database."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from matcher.io import orgjson
from tests.clitools import MEELOOP, run
from tests.orgs import small_org


@pytest.fixture
def loaded(sqlite_url, tmp_path) -> str:
    orgjson.write_json(small_org(), tmp_path / "org.json")
    result = run("import", "org.json", db=sqlite_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return sqlite_url


def test_import_reports_what_it_changed(sqlite_url, tmp_path):
    orgjson.write_json(small_org(), tmp_path / "org.json")
    first = run("import", "org.json", db=sqlite_url, cwd=tmp_path)
    second = run("import", "org.json", db=sqlite_url, cwd=tmp_path)
    assert first.returncode == 0 and "5 people added" in first.stdout
    assert second.returncode == 0 and "nothing changed" in second.stdout


def test_ask_json_has_the_documented_shape(loaded, tmp_path):
    result = run("ask", "Wmo", "--json", db=loaded, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    assert [a["person_id"] for a in answers] == ["anna", "bram"]
    for answer in answers:
        assert {"person_id", "name", "level", "score", "reasons", "related_skill"} <= answer.keys()
        assert isinstance(answer["reasons"], list) and all(isinstance(r, str) for r in answer["reasons"])
        assert answer["related_skill"] is None
    assert result.stderr == ""


def test_ask_as_a_person_leaves_them_out(loaded, tmp_path):
    result = run("ask", "wmo", "--as", "bram", "--json", db=loaded, cwd=tmp_path)
    assert [a["person_id"] for a in json.loads(result.stdout)] == ["anna"]


def test_ask_with_a_typo_finds_the_skill_and_an_unknown_skill_suggests(loaded, tmp_path):
    typo = run("ask", "pyhton", "--json", db=loaded, cwd=tmp_path)
    assert typo.returncode == 0
    assert json.loads(typo.stdout)[0]["person_id"] == "chen"
    unknown = run("ask", "kantklossen", db=loaded, cwd=tmp_path)
    assert unknown.returncode == 1
    assert "no skill matches" in unknown.stderr and "Traceback" not in unknown.stderr


def test_ask_for_an_unknown_person_is_a_usage_error(loaded, tmp_path):
    result = run("ask", "sql", "--as", "nobody", db=loaded, cwd=tmp_path)
    assert result.returncode == 2
    assert "no person with id 'nobody'" in result.stderr


def test_bad_import_exits_2_with_every_problem_and_no_traceback(loaded, tmp_path):
    (tmp_path / "bad.csv").write_text(
        "id,name,email,manager,sql\nx1,X,x@wadloo.example,ghost,9\n", encoding="utf-8"
    )
    result = run("import", "bad.csv", db=loaded, cwd=tmp_path)
    assert result.returncode == 2
    assert "bad.csv, row 2, field 'manager'" in result.stderr
    assert "bad.csv, row 2, field 'sql'" in result.stderr
    assert "Traceback" not in result.stderr
    run("export", "after.json", db=loaded, cwd=tmp_path)
    assert "x1" not in (tmp_path / "after.json").read_text(encoding="utf-8")


def test_a_missing_file_is_a_clear_error(loaded, tmp_path):
    result = run("import", "nothere.json", db=loaded, cwd=tmp_path)
    assert result.returncode == 2
    assert "nothere.json: the file does not exist" in result.stderr


def test_export_writes_the_format_of_the_extension(loaded, tmp_path):
    for name in ("out.json", "out.csv", "out.xlsx"):
        assert run("export", name, db=loaded, cwd=tmp_path).returncode == 0
    assert (tmp_path / "out.skills.csv").is_file()
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["format"] == "meeloop-organisation"


def test_risks_json_names_the_skill_held_by_a_leaver(loaded, tmp_path):
    result = run("risks", "--json", "--horizon", "3650", db=loaded, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    risks = {r["skill_id"]: r for r in json.loads(result.stdout)}
    assert "archief" in risks


def test_an_unreachable_database_is_a_message_not_a_traceback(tmp_path):
    result = run("ask", "sql", db="postgresql+psycopg://nobody@127.0.0.1:1/none", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: the database could not be used")
    assert "Traceback" not in result.stderr


def test_the_database_comes_from_the_environment_when_no_option_is_given(tmp_path):
    orgjson.write_json(small_org(), tmp_path / "org.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEELOOP_")}
    env["MEELOOP_DATABASE_URL"] = f"sqlite:///{tmp_path / 'env.db'}"
    result = subprocess.run(
        [MEELOOP, "import", "org.json"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env.db").is_file()
    assert not (tmp_path / "instance").exists()


def test_demo_refuses_a_database_that_holds_an_organisation(loaded, tmp_path):
    result = run("demo", "--no-serve", db=loaded, cwd=tmp_path)
    assert result.returncode == 2
    assert "already holds an organisation" in result.stderr
    assert "anna" in (run("ask", "wmo", "--json", db=loaded, cwd=tmp_path).stdout)


def test_demo_builds_its_own_database_from_the_demo_data(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEELOOP_", "LC_", "LANG"))}
    result = subprocess.run(
        [MEELOOP, "--lang", "nl", "demo", "--no-serve"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "demo-organisatie geladen: 240 mensen, 108 vaardigheden" in result.stdout
    assert "  HR " in result.stdout and "medewerker" in result.stdout
    assert (tmp_path / "instance" / "demo.sqlite3").is_file()


def test_a_near_spelling_is_said_on_stderr_when_printing_json(loaded, tmp_path):
    result = run("ask", "pyhton", "--json", db=loaded, cwd=tmp_path)
    assert "(showing Python for 'pyhton')" in result.stderr
    json.loads(result.stdout)
