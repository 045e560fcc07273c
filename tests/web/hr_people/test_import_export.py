"""HR imports and exports the organisation: JSON, CSV and Excel, previews, bad files, and an import
that fails half way on PostgreSQL. Flask's test client against a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest

from matcher.storage.admin import recent_imports
from tests.web.hr_people.support import HR, page_text, people_in, seed, start_app
from tests.webtools import csrf_token, log_in, post_form

# -- import ----------------------------------------------------------------------------------------


def _upload(client, files: dict[str, tuple[bytes, str]], **options):
    data = {name: (io.BytesIO(content), filename) for name, (content, filename) in files.items()}
    data.update({k: "y" for k, v in options.items() if v})
    data["csrf_token"] = csrf_token(client, "/hr/import")
    return client.post("/hr/import", data=data, content_type="multipart/form-data")


def _org_json(*people: dict) -> bytes:
    return json.dumps({"format": "meeloop-organisation", "version": 1, "people": list(people)}).encode()


def test_importing_json_adds_people_and_records_the_import(app, hr):
    frank = {"id": "frank", "name": "Frank Ödegaard", "email": "frank@wadloo.example", "manager": "anna"}
    response = _upload(hr, {"file": (_org_json(frank), "nieuw.json")})
    html = page_text(response)
    assert response.status_code == 200
    assert "1 person added" in html and "6 people and 5 skills stored" in html
    assert "frank" in html
    people = people_in(app)
    assert len(people) == 6 and people["frank"].name == "Frank Ödegaard"
    # The history on the page names the file.
    assert re.search(r"<td>nieuw\.json</td>", page_text(hr.get("/hr/import")))


def test_a_file_with_a_very_long_name_imports_under_a_shortened_name(app, hr):
    frank = {"id": "frank", "name": "Frank", "email": "frank@wadloo.example", "manager": "anna"}
    long_name = "medewerkers-" + "x" * 300 + ".json"
    response = _upload(hr, {"file": (_org_json(frank), long_name)})
    assert response.status_code == 200 and "1 person added" in page_text(response)
    (name,) = re.findall(r"<td>(medewerkers-x+[^<]*)</td>", page_text(hr.get("/hr/import")))
    assert name.endswith(".json") and len(name) <= 120


def test_a_preview_shows_the_changes_and_stores_nothing(app, hr):
    frank = {"id": "frank", "name": "Frank", "email": "frank@wadloo.example"}
    response = _upload(hr, {"file": (_org_json(frank), "nieuw.json")}, dry_run=True)
    html = page_text(response)
    assert response.status_code == 200
    assert "Preview: nothing was stored" in html and "1 person added" in html
    assert len(people_in(app)) == 5
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert all("nieuw.json" not in run.sources for run in recent_imports(session))


def test_a_bad_matrix_is_reported_row_by_row_and_changes_nothing(app, hr):
    before = people_in(app)
    matrix = (
        b"id,name,email,manager,wmo\n"
        b"anna,Anna de Vries,anna@wadloo.example,,4\n"
        b"gert,Gert,gert@wadloo.example,E09999,2\n"
        b"hans,Hans,hans@wadloo.example,,7\n"
    )
    response = _upload(hr, {"file": (matrix, "matrix.csv")})
    html = page_text(response)
    assert response.status_code == 400
    assert "2 problems found, nothing was changed" in html
    row = re.search(r"<tr><td>matrix\.csv</td><td>3</td><td>manager</td><td>([^<]+)</td></tr>", html)
    assert row and "E09999" in row.group(1) and "not a known person" in row.group(1)
    assert re.search(r"<td>matrix\.csv</td><td>4</td><td>wmo</td><td>level 7 is outside", html)
    assert people_in(app) == before


def test_bad_json_is_reported_with_its_path_and_changes_nothing(app, hr):
    before = people_in(app)
    bad = _org_json(
        {"id": "anna", "name": "Anna", "email": "anna@wadloo.example", "start_date": "31-02-2024"}
    )
    response = _upload(hr, {"file": (bad, "org.json")})
    html = page_text(response)
    assert response.status_code == 400
    assert re.search(r"<td>org\.json</td><td>people\[0\]</td><td>start_date</td>", html)
    assert people_in(app) == before
    broken = _upload(hr, {"file": (b"{not json", "org.json")})
    assert broken.status_code == 400 and "org.json" in page_text(broken)
    assert people_in(app) == before


def test_an_upload_of_another_type_or_none_at_all_is_refused_at_the_field(app, hr):
    wrong = _upload(hr, {"file": (b"hello", "notes.txt")})
    assert wrong.status_code == 400 and "Use a .json, .csv or .xlsx file." in page_text(wrong)
    missing = post_form(hr, "/hr/import", {})
    assert missing.status_code == 400 and "Choose a file to import." in page_text(missing)


def test_a_matrix_imports_with_its_skills_file_and_replace_archives_the_rest(app, hr):
    matrix = b"id,name,email,wmo,learn:sql\nanna,Anna de Vries,anna@wadloo.example,3,2\n"
    skills = b"id,name,category,parent,aliases,related\nwmo,Wmo-wetgeving,Wet,,Wmo,\nsql,SQL,Data,,,\n"
    response = _upload(
        hr, {"file": (matrix, "matrix.csv"), "skills_file": (skills, "skills.csv")}, replace=True
    )
    assert response.status_code == 200, page_text(response)[:2000]
    assert "4 removed" in page_text(response)
    assert set(people_in(app)) == {"anna"}


@pytest.mark.postgres
def test_a_bad_import_leaves_postgresql_as_it_was(postgres_url, tmp_path):
    seed(postgres_url, tmp_path)
    app = start_app(postgres_url)
    try:
        client = app.test_client()
        log_in(client, HR)
        good = {"id": "frank", "name": "Frank", "email": "frank@wadloo.example"}
        clash = {"id": "gert", "name": "Gert", "email": "anna@wadloo.example"}
        response = _upload(client, {"file": (_org_json(good, clash), "org.json")})
        assert response.status_code == 400 and "anna@wadloo.example" in page_text(response)
        assert set(people_in(app)) == {"anna", "bram", "chen", "dirk", "eva"}
        assert _upload(client, {"file": (_org_json(good), "org.json")}).status_code == 200
        assert "frank" in people_in(app)
    finally:
        app.extensions["meeloop"]["db"].dispose()


# -- export ------------------------------------------------------------------------------------------


def test_the_json_export_is_the_organisation(hr):
    response = hr.get("/hr/export?format=json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=organisation-")
    doc = json.loads(response.data)
    assert doc["name"] == "Gemeente Wadloo" and {p["id"] for p in doc["people"]} == {
        "anna",
        "bram",
        "chen",
        "dirk",
        "eva",
    }


def test_the_csv_export_is_a_zip_with_the_matrix_and_its_skills_file(hr):
    response = hr.get("/hr/export?format=csv")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["skills-matrix.csv", "skills-matrix.skills.csv"]
        people = list(csv.DictReader(io.StringIO(archive.read("skills-matrix.csv").decode("utf-8-sig"))))
        skills = list(
            csv.DictReader(io.StringIO(archive.read("skills-matrix.skills.csv").decode("utf-8-sig")))
        )
    assert {row["id"] for row in people} == {"anna", "bram", "chen", "dirk", "eva"}
    assert next(row for row in people if row["id"] == "chen")["name"] == "王芳"
    assert {row["id"] for row in skills} >= {"wmo", "sql"}


def test_the_excel_export_opens_with_people_and_skills_sheets(hr):
    response = hr.get("/hr/export?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    try:
        rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))
        assert rows[0][:3] == ("id", "name", "email") and len(rows) == 6
        assert "skills" in book.sheetnames
    finally:
        book.close()


@pytest.mark.parametrize("chosen", ["json", "xlsx"])
def test_an_export_imported_again_changes_nothing(app, hr, chosen):
    exported = hr.get(f"/hr/export?format={chosen}")
    response = _upload(hr, {"file": (exported.data, f"export.{chosen}")})
    assert response.status_code == 200, page_text(response)[:3000]
    assert "Nothing changed" in page_text(response) and "5 people and 5 skills stored" in page_text(response)


def test_an_unknown_export_format_is_a_400_naming_the_choices(hr):
    response = hr.get("/hr/export?format=pdf")
    assert response.status_code == 400 and "json, csv or xlsx" in page_text(response)
