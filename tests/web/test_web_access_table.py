"""The access table: role x route x expected status, with other people's ids.

Gemeente Wadloo: Bram is an employee, Chen a manager (of Dirk), HR is nobody on the map. Dirk shadows
Chen in a planned slot; Bram is in a published intervision round with its meetings. Each row says what
each of them gets, and what a visitor who is not logged in gets.
"""

from __future__ import annotations

import shutil

import pytest

from matcher import storage
from matcher.services import history, scheduling
from matcher.storage import ShadowRequestRow
from tests.web.me.support import prepare_organisation
from tests.webtools import add_account, log_in, make_app

ROLES = ("anonymous", "employee", "manager", "hr")
LOGINS = {"employee": "bram@wadloo.example", "manager": "chen@wadloo.example", "hr": "hr@wadloo.example"}
#: (method, path, {role: status}); {dirk_event}, {bram_event}, {dirk_request}, {day}, {dirk_change},
#: {bram_change} (the import that added each) and {import_run} (that import) are filled in.
#: A visitor without a session has no CSRF token either: their POSTs end at 400 before any lookup.
TABLE = [
    ("GET", "/", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 200}),
    ("GET", "/ask?skill=sql", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 200}),
    ("GET", "/people/dirk", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 200}),
    ("GET", "/api/people/dirk", {"anonymous": 401, "employee": 200, "manager": 200, "hr": 200}),
    ("GET", "/me/profile", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 404}),
    ("GET", "/me/plans", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 404}),
    # Bram's meeting: his own; Chen is in the same intervision round's meeting or not, HR is nobody.
    ("GET", "/me/plans/{bram_event}.ics", {"anonymous": 302, "employee": 200, "hr": 404}),
    # Dirk's shadowing slot with Chen as host: not Bram's, Chen's as host.
    ("GET", "/me/plans/{dirk_event}.ics", {"anonymous": 302, "employee": 404, "manager": 200, "hr": 404}),
    ("GET", "/me/reflections/{dirk_event}/{day}", {"anonymous": 302, "employee": 404, "hr": 404}),
    ("POST", "/me/shadowing/{dirk_request}/answer", {"anonymous": 400, "employee": 404, "hr": 404}),
    ("POST", "/me/shadowing/{dirk_request}/withdraw", {"anonymous": 400, "employee": 404, "manager": 404}),
    ("GET", "/me/data", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 404}),
    ("GET", "/me/data.json", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 404}),
    ("GET", "/team/", {"anonymous": 302, "employee": 403, "manager": 200, "hr": 200}),
    ("GET", "/team/?manager=anna", {"anonymous": 302, "employee": 403, "manager": 404, "hr": 200}),
    ("GET", "/team/?manager=chen", {"anonymous": 302, "employee": 403, "manager": 200, "hr": 200}),
    ("GET", "/hr/people", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/hr/people/dirk", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/hr/people/dirk/edit", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    # Restoring a person and undoing an import: HR only; HR's POSTs would change the data, so only
    # the refusals are in the table (tests/web/hr_people/test_history_pages.py has the rest).
    (
        "GET",
        "/hr/people/dirk/restore/{dirk_change}",
        {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200},
    ),
    ("POST", "/hr/people/dirk/restore/{dirk_change}", {"anonymous": 400, "employee": 403, "manager": 403}),
    ("GET", "/hr/people/dirk/restore/{bram_change}", {"anonymous": 302, "employee": 403, "hr": 404}),
    ("GET", "/hr/import/{import_run}/undo", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("POST", "/hr/import/{import_run}/undo", {"anonymous": 400, "employee": 403, "manager": 403}),
    ("GET", "/hr/import", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/hr/export?format=json", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/hr/accounts", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("POST", "/hr/accounts/many", {"anonymous": 400, "employee": 403, "manager": 403}),
    ("GET", "/hr/mail", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("POST", "/hr/mail", {"anonymous": 400, "employee": 403, "manager": 403}),
    ("GET", "/hr/skills", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/hr/rounds/", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/hr/rounds/intervisie%20najaar", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    (
        "GET",
        "/hr/rounds/intervisie%20najaar/round.ics",
        {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200},
    ),
    ("GET", "/hr/reports/", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/hr/reports/map", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/feed/made-up-token.ics", {"anonymous": 404, "employee": 404, "manager": 404, "hr": 404}),
    ("GET", "/check-in/made-up-token", {"anonymous": 404, "employee": 404, "manager": 404, "hr": 404}),
    ("GET", "/check-in/made-up-token/yes", {"anonymous": 404, "employee": 404, "manager": 404, "hr": 404}),
    ("POST", "/check-in/made-up-token/no", {"anonymous": 400, "employee": 404, "manager": 404, "hr": 404}),
    ("GET", "/value-check/made-up-token", {"anonymous": 404, "employee": 404, "manager": 404, "hr": 404}),
    ("GET", "/me/value-check", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 404}),
    ("GET", "/me/learning-climate", {"anonymous": 302, "employee": 200, "manager": 200, "hr": 404}),
    ("GET", "/hr/reports/value-checks", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/hr/reports/learning-climate", {"anonymous": 302, "employee": 403, "manager": 403, "hr": 200}),
    ("GET", "/team/learning-climate", {"anonymous": 302, "employee": 403, "manager": 200, "hr": 403}),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory, sqlite_copy):
    folder = tmp_path_factory.mktemp("table")
    app = make_app(sqlite_copy(folder), RATELIMIT_ENABLED=False)
    prepare_organisation(app.extensions["meeloop"]["db"], folder)
    add_account(app, LOGINS["employee"], "employee", "bram")
    add_account(app, LOGINS["manager"], "manager", "chen")
    add_account(app, LOGINS["hr"], "hr", None)
    yield app
    app.extensions["meeloop"]["db"].dispose()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def ids(app) -> dict[str, str]:
    db = app.extensions["meeloop"]["db"]
    dirk = next(e for e in scheduling.scheduled(db, kind="shadowing") if "dirk" in e.members)
    bram = next(e for e in scheduling.scheduled(db, kind="meeting") if "bram" in e.members)
    with db.transaction() as session:
        request = session.query(ShadowRequestRow).filter_by(guest_id="dirk").one()
    assert "bram" not in dirk.members
    changes = {person: history.changes_of(db, person)[-1] for person in ("dirk", "bram")}
    return {
        "dirk_change": str(changes["dirk"].id),
        "bram_change": str(changes["bram"].id),
        "import_run": str(changes["dirk"].run_id),
        "dirk_event": str(dirk.id),
        "bram_event": str(bram.id),
        "dirk_request": str(request.id),
        "day": dirk.start.date().isoformat(),
    }


@pytest.fixture(scope="module")
def clients(app):
    made = {"anonymous": app.test_client()}
    for role, login in LOGINS.items():
        made[role] = app.test_client()
        log_in(made[role], login)
    return made


CASES = [
    (method, path, role, status) for method, path, expected in TABLE for role, status in expected.items()
]


@pytest.mark.parametrize(("method", "path", "role", "status"), CASES)
def test_the_access_table(app, clients, ids, method, path, role, status):
    url = path.format(**ids)
    client = clients[role]
    data = {}
    if method == "POST" and role != "anonymous":
        # a real form's token, so that the answer is about access and not about CSRF
        page = client.get("/")
        token = page.get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        data = {"csrf_token": token}
    response = client.open(url, method=method, data=data)
    assert response.status_code == status, (role, method, url)
    if status == 302:
        assert response.headers["Location"].startswith("/login")
    if status == 404 and role != "anonymous" and url.startswith("/me/"):
        # another person's thing says nothing about whose it is
        body = response.get_data(as_text=True)
        assert "Dirk" not in body and "dirk" not in body


def test_the_table_covers_every_role_of_each_private_route():
    for _method, path, expected in TABLE:
        if "{" in path:
            assert "employee" in expected and "anonymous" in expected, path


def test_storage_is_unchanged_by_refused_requests(app, clients, ids):
    db = app.extensions["meeloop"]["db"]
    with db.transaction() as session:
        before = session.query(ShadowRequestRow).filter_by(guest_id="dirk").one().status
        version = storage.data_version(session)
    bram = clients["employee"]
    token = bram.get("/").get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert (
        bram.post(f"/me/shadowing/{ids['dirk_request']}/withdraw", data={"csrf_token": token}).status_code
        == 404
    )
    with db.transaction() as session:
        assert session.query(ShadowRequestRow).filter_by(guest_id="dirk").one().status == before
        assert storage.data_version(session) == version
