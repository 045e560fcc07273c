"""A person's changes on HR's person page and the employee's own data page; HR restores a person and
undoes an import, with a confirmation and the CSRF token; nobody else can. Flask's test client
against a real SQLite file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from matcher import storage
from matcher.io import orgjson
from matcher.services import history, organisation
from tests.orgs import small_org
from tests.web.hr_people.support import EMPLOYEE, HR, MANAGER, people_in
from tests.web.me.support import page_text, submit
from tests.webtools import csrf_token, log_in, post_form

LATER = dt.datetime(2026, 12, 2, 14, 3, tzinfo=dt.UTC)


def _db(app):
    return app.extensions["meeloop"]["db"]


def _client(app, login: str):
    client = app.test_client()
    log_in(client, login)
    return client


def _reimport(app, tmp_path, **people: dict) -> int:
    """Import the small organisation again with some people's fields changed; the run's id."""
    org = small_org()
    org = dataclasses.replace(
        org, people=tuple(dataclasses.replace(p, **people.get(p.id, {})) for p in org.people)
    )
    orgjson.write_json(org, tmp_path / "organisation.json")
    result = organisation.import_file(_db(app), tmp_path / "organisation.json", now=LATER, by=HR)
    assert result.run_id is not None
    return result.run_id


def _version(app) -> int:
    with _db(app).transaction() as session:
        return storage.data_version(session)


def test_an_hr_edit_on_the_page_shows_on_the_person_page_in_plain_words(app, hr):
    response = submit(hr, "/hr/people/bram/edit", {"department": "Inkoop"})
    assert response.status_code == 302
    text = page_text(hr.get("/hr/people/bram"))
    changes = text[text.index('id="changes"') :]
    assert f"changed by HR ({HR})" in changes
    assert "department Sociaal Domein → Inkoop" in changes
    # the import that added Bram, with what it gave him
    assert "HR import org.json" in changes and "level of Wmo-wetgeving: working" in changes
    newest = history.changes_of(_db(app), "bram")[0]
    assert (newest.author.kind, newest.author.by) == ("hr", HR)


def test_an_import_through_the_page_records_who_imported_it(app, hr, tmp_path):
    org = small_org()
    org = dataclasses.replace(
        org, people=tuple(dataclasses.replace(p, site="Werf") if p.id == "eva" else p for p in org.people)
    )
    orgjson.write_json(org, tmp_path / "organisation.json")
    with (tmp_path / "organisation.json").open("rb") as file:
        answer = post_form(hr, "/hr/import", {"file": (file, "organisation.json")})
    assert answer.status_code == 200
    newest = history.changes_of(_db(app), "eva")[0]
    assert (newest.author.kind, newest.author.by, newest.sources) == ("import", HR, ("organisation.json",))
    assert f"HR import organisation.json by {HR}" in page_text(hr.get("/hr/people/eva"))


def test_hr_restores_a_person_after_seeing_what_goes_back(app, hr):
    submit(hr, "/hr/people/bram/edit", {"department": "Inkoop", "site": "Werf"})
    edit = history.changes_of(_db(app), "bram")[0]
    page = f"/hr/people/bram/restore/{edit.id}"
    shown = page_text(hr.get(page))
    assert "department Inkoop → Sociaal Domein" in shown and "site Werf → Stadhuis" in shown
    assert people_in(app)["bram"].department == "Inkoop"  # looking changes nothing

    response = post_form(hr, page, {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/hr/people/bram#changes")
    bram = people_in(app)["bram"]
    assert (bram.department, bram.site) == ("Sociaal Domein", "Stadhuis")
    text = page_text(hr.get("/hr/people/bram"))
    assert f"restored by {HR} to how it was before change {edit.run_id}" in text


def test_a_post_without_the_csrf_token_restores_nothing(app, hr):
    submit(hr, "/hr/people/bram/edit", {"department": "Inkoop"})
    edit = history.changes_of(_db(app), "bram")[0]
    version = _version(app)
    assert hr.post(f"/hr/people/bram/restore/{edit.id}", data={}).status_code == 400
    assert people_in(app)["bram"].department == "Inkoop" and _version(app) == version


def test_a_change_of_someone_else_is_not_found_under_a_person(app, hr):
    annas = history.changes_of(_db(app), "anna")[0]
    assert hr.get(f"/hr/people/bram/restore/{annas.id}").status_code == 404
    assert hr.get("/hr/import/999/undo").status_code == 404


def test_hr_undoes_an_import_and_every_person_it_touched_goes_back(app, hr, tmp_path):
    run = _reimport(app, tmp_path, bram={"department": "Inkoop"}, dirk={"site": "Stadhuis"})
    page = f"/hr/import/{run}/undo"
    shown = page_text(hr.get(page))
    assert "Bram Çelik" in shown and "department Inkoop → Sociaal Domein" in shown
    assert "site Stadhuis → Gemeentewerf" in shown

    response = post_form(hr, page, {})
    assert response.status_code == 302
    people = people_in(app)
    assert (people["bram"].department, people["dirk"].site) == ("Sociaal Domein", "Gemeentewerf")
    assert f"change {run} undone by {HR}" in page_text(hr.get("/hr/people/dirk"))
    # the import page offers the undo of each run
    assert f'href="/hr/import/{run}/undo"' in page_text(hr.get("/hr/import"))
    again = post_form(hr, page, {})
    assert again.status_code == 400 and "undone already" in page_text(again)


def test_undo_names_the_field_a_later_change_touched_and_keeps_it_only_when_asked(app, hr, tmp_path):
    run = _reimport(app, tmp_path, bram={"department": "Inkoop", "site": "Werf"})
    submit(hr, "/hr/people/bram/edit", {"department": "Financiën"})
    page = f"/hr/import/{run}/undo"
    shown = page_text(hr.get(page))
    assert "Stays as it is" in shown and "department Financiën: changed later" in shown

    refused = post_form(hr, page, {})
    assert refused.status_code == 400
    text = page_text(refused)
    assert f"undo of change {run}" in text and "Bram Çelik" in text and "department" in text
    assert people_in(app)["bram"].site == "Werf"

    assert post_form(hr, page, {"keep": "y"}).status_code == 302
    bram = people_in(app)["bram"]
    assert (bram.department, bram.site) == ("Financiën", "Stadhuis")


def test_an_employee_and_a_manager_can_neither_see_history_pages_nor_undo(app, hr, tmp_path):
    run = _reimport(app, tmp_path, bram={"department": "Inkoop"})
    change = history.changes_of(_db(app), "bram")[0]
    version = _version(app)
    for login in (EMPLOYEE, MANAGER):
        client = _client(app, login)
        token = {"csrf_token": csrf_token(client, "/me/profile")}
        assert client.get(f"/hr/import/{run}/undo").status_code == 403
        assert client.post(f"/hr/import/{run}/undo", data=token).status_code == 403
        assert client.get(f"/hr/people/bram/restore/{change.id}").status_code == 403
        assert client.post(f"/hr/people/bram/restore/{change.id}", data=token).status_code == 403
        assert client.get("/hr/people/bram").status_code == 403
    assert people_in(app)["bram"].department == "Inkoop" and _version(app) == version


def test_an_employee_sees_their_own_changes_and_nobody_elses(app, hr):
    submit(hr, "/hr/people/bram/edit", {"department": "Inkoop"})
    submit(hr, "/hr/people/anna/edit", {"site": "Gemeentewerf"})
    bram = _client(app, EMPLOYEE)
    assert submit(bram, "/me/profile", {"ask_me": "y", "presenter": "y"}).status_code == 302
    text = page_text(bram.get("/me/data"))
    changes = text[text.index('id="changes"') :]
    assert "you changed your profile" in changes
    assert "presents at lunch & learn no → yes" in changes
    assert f"changed by HR ({HR})" in changes and "department Sociaal Domein → Inkoop" in changes
    assert "Gemeentewerf" not in changes  # Anna's change is hers
    exported = json.loads(bram.get("/me/data.json").data)
    assert [c["kind"] for c in exported["changes"]] == ["profile", "hr", "import"]
    assert all(f["field"] != "site" for c in exported["changes"][:2] for f in c["fields"])
