"""Who reaches HR's pages on people, imports, exports, skills and accounts: every route, for every
role. Flask's test client against a real SQLite file."""

from __future__ import annotations

import pytest

from matcher.storage import accounts as account_store
from tests.web.hr_people.support import EMPLOYEE, MANAGER, page_text, people_in
from tests.webtools import csrf_token, log_in

#: Every route of the part, with the page whose form a POST comes from.
GETS = [
    "/hr/people",
    "/hr/people/bram",
    "/hr/people/bram/edit",
    "/hr/import",
    "/hr/export?format=json",
    "/hr/skills",
    "/hr/skills/new",
    "/hr/skills/wmo/edit",
    "/hr/accounts",
]
POSTS = [
    "/hr/people/bram/edit",
    "/hr/import",
    "/hr/skills/new",
    "/hr/skills/wmo/edit",
    "/hr/accounts",
    "/hr/accounts/1/role",
    "/hr/accounts/1/active",
    "/hr/accounts/1/password",
]


# -- access --------------------------------------------------------------------------------------


def test_every_page_and_form_sends_anonymous_visitors_to_the_login(app):
    client = app.test_client()
    for path in GETS:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
    token = csrf_token(client, "/login")
    for path in POSTS:
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path


@pytest.mark.parametrize("login", [EMPLOYEE, MANAGER])
def test_employees_and_managers_may_not_use_the_hr_pages(app, login):
    client = app.test_client()
    log_in(client, login)
    token = csrf_token(client, "/account/password")
    for path in GETS:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert client.post(path, data={"csrf_token": token, "role": "hr", "active": "1"}).status_code == 403
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert account_store.account_by_login(session, login).role != "hr"


def test_the_menu_shows_hr_people_and_import_to_hr_only(app, hr):
    html = page_text(hr.get("/"))
    assert 'href="/hr/people"' in html and 'href="/hr/import"' in html
    employee = app.test_client()
    log_in(employee, EMPLOYEE)
    assert 'href="/hr/people"' not in page_text(employee.get("/"))


def test_a_form_without_its_csrf_token_is_refused(app, hr):
    before = people_in(app)
    with app.extensions["meeloop"]["db"].transaction() as session:
        accounts_before = account_store.accounts(session)
    for path in POSTS:
        response = hr.post(path, data={"name": "Someone Else", "role": "employee", "active": "0"})
        assert response.status_code == 400, path
        assert "CSRF" in page_text(response)
    assert people_in(app) == before
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert account_store.accounts(session) == accounts_before


def test_an_unknown_person_or_skill_is_a_404(hr):
    assert hr.get("/hr/people/nobody").status_code == 404
    assert hr.get("/hr/people/nobody/edit").status_code == 404
    assert hr.get("/hr/skills/nothing/edit").status_code == 404
