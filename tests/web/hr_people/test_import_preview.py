"""The import preview on HR's page: per colleague what changes and each conflict with what they
entered, checkboxes to take the file's value, carried to the import; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest

from matcher.io import orgjson
from matcher.services import organisation, profiles
from matcher.storage import ImportRunRow
from tests.orgs import small_org
from tests.web.hr_people.support import DEMO, HR, page_text, seed, start_app
from tests.webtools import csrf_token, log_in

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
BRAMS_OWN = {
    "host_capacity": 1,
    "presenter": True,
    "working_hours": "mon-thu 08:00-16:30",
    "skills": {"wmo": 2, "python": 2},
}


@pytest.fixture
def app(db_url, tmp_path):
    seed(db_url, tmp_path)
    app = start_app(db_url)
    yield app
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def hr(app):
    client = app.test_client()
    log_in(client, HR)
    return client


def _db(app):
    return app.extensions["meeloop"]["db"]


def _small_org_file() -> bytes:
    """HR's organisation JSON, as the tests' organisation was first imported from."""
    return json.dumps(orgjson.to_document(small_org())).encode()


def _preview(client, content: bytes, name: str = "org.json"):
    data = {
        "file": (io.BytesIO(content), name),
        "dry_run": "y",
        "csrf_token": csrf_token(client, "/hr/import"),
    }
    return client.post("/hr/import", data=data, content_type="multipart/form-data")


class Checkboxes(HTMLParser):
    """The take checkboxes of the page with their labels, and the table headers' scopes."""

    def __init__(self) -> None:
        super().__init__()
        self.boxes: dict[str, str] = {}
        self.labelled: set[str] = set()
        self.scopes: list[str | None] = []
        self.token: str | None = None
        self._review = False

    def handle_endtag(self, tag):
        if tag == "table":
            self._review = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._review = "import-review" in (a.get("class") or "")
        if tag == "input" and a.get("name") == "take":
            self.boxes[a["value"]] = a["id"]
        if tag == "input" and a.get("name") == "confirm-token":
            self.token = a.get("value")
        if tag == "label" and a.get("for"):
            self.labelled.add(a["for"])
        if tag == "th" and self._review:
            self.scopes.append(a.get("scope"))


def _read(html: str) -> Checkboxes:
    parser = Checkboxes()
    parser.feed(html)
    return parser


def test_the_preview_lists_the_conflicts_and_the_import_takes_only_the_chosen_field(app, hr):
    profiles.update_person(_db(app), "bram", BRAMS_OWN, now=NOW, by="bram", allowed=profiles.SELF_EDITABLE)
    entered = organisation.load_organisation(_db(app)).person("bram")
    response = _preview(hr, _small_org_file())
    html = page_text(response)
    assert response.status_code == 200 and "Preview: nothing was stored" in html
    assert "Conflicts with what people entered themselves" in html
    page = _read(html)
    assert set(page.boxes) == {"bram:host_capacity", "bram:presenter", "bram:working_hours"}
    assert all(box in page.labelled for box in page.boxes.values())
    assert page.scopes and all(scope in ("col", "rowgroup") for scope in page.scopes)
    assert organisation.load_organisation(_db(app)).person("bram") == entered

    confirm = {
        "confirm-token": page.token,
        "take": ["bram:working_hours"],
        "csrf_token": csrf_token(hr, "/hr/import"),
    }
    started = hr.post("/hr/import", data=confirm)
    assert started.status_code == 302 and "/hr/work/" in started.headers["Location"]
    done = hr.get(started.headers["Location"])
    assert done.status_code == 200 and "Imported" in page_text(done)
    assert "2 fields stay as the colleagues entered them." in page_text(done)
    bram = organisation.load_organisation(_db(app)).person("bram")
    assert bram.working_hours == small_org().person("bram").working_hours
    assert (bram.host_capacity, bram.presenter) == (1, True)
    with _db(app).transaction() as session:
        run = session.query(ImportRunRow).order_by(ImportRunRow.id.desc()).first()
        assert run.taken == ["bram:working_hours"]

    again = hr.post("/hr/import", data={**confirm, "csrf_token": csrf_token(hr, "/hr/import")})
    assert again.status_code == 302  # the preview is used up: upload the file again


def test_a_token_of_another_session_imports_nothing(app, hr):
    profiles.update_person(_db(app), "bram", BRAMS_OWN, now=NOW, by="bram", allowed=profiles.SELF_EDITABLE)
    token = _read(page_text(_preview(hr, _small_org_file()))).token
    other = app.test_client()
    log_in(other, HR)
    response = other.post(
        "/hr/import",
        data={
            "confirm-token": token,
            "take": ["bram:working_hours"],
            "csrf_token": csrf_token(other, "/hr/import"),
        },
    )
    assert response.status_code == 302
    assert (
        organisation.load_organisation(_db(app)).person("bram").working_hours
        != small_org().person("bram").working_hours
    )


def test_a_preview_of_240_new_colleagues_folds_them_into_one_list(db_url, tmp_path):
    app = start_app(db_url)
    try:
        client = app.test_client()
        log_in(client, HR)
        html = page_text(_preview(client, DEMO.read_bytes(), "organisation.json"))
        added = re.search(r"<details class=\"numbers\">\s*<summary>Added \(240\)</summary>", html)
        assert added, html[:2000]
        assert "import-review" not in html  # no table row per added colleague
        assert "opts" in html and "they opt in themselves" in html
    finally:
        app.extensions["meeloop"]["db"].dispose()
