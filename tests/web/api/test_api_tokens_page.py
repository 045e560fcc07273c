"""HR's page of API tokens: make one and see its secret once, list them, revoke one; only HR."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.api.support import START, Clock
from tests.web.hr_people.support import seed
from tests.webtools import add_account, csrf_token, log_in, make_app, post_form

PAGE = "/hr/api-tokens"


@pytest.fixture
def app(sqlite_url, tmp_path):
    seed(sqlite_url, tmp_path)
    app = make_app(sqlite_url, API_CLOCK=Clock(START))
    add_account(app, "hr@wadloo.example", "hr")
    add_account(app, "bram@wadloo.example", "employee", "bram")
    yield app
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def hr(app):
    client = app.test_client()
    log_in(client, "hr@wadloo.example")
    return client


def _make(hr, **fields):
    scopes = ["people:read", "organisation:write"]
    data = {"name": "AFAS koppeling", "scopes": scopes, "expires": "2027-01-31"}
    return post_form(hr, PAGE, {**data, **fields})


def test_hr_makes_a_token_sees_it_once_and_it_works(hr):
    made = _make(hr)
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    secret = re.search(r"<code>(mlp_[A-Za-z0-9_-]+)</code>", html).group(1)
    assert made.headers["Cache-Control"] == "no-store"
    listed = hr.get(PAGE).get_data(as_text=True)
    assert secret not in listed
    assert "AFAS koppeling" in listed and "never" in listed
    assert "read people, skills and who to ask, import the organisation" in listed
    api = hr.application.test_client()
    assert api.get("/api/people", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert "never" not in hr.get(PAGE).get_data(as_text=True)


def test_hr_revokes_a_token_and_it_stops_working(hr):
    html = _make(hr).get_data(as_text=True)
    secret = re.search(r"<code>(mlp_[A-Za-z0-9_-]+)</code>", html).group(1)
    token_id = re.search(r'action="/hr/api-tokens/(\d+)/revoke"', html).group(1)
    revoked = hr.post(f"{PAGE}/{token_id}/revoke", data={"csrf_token": csrf_token(hr, PAGE)})
    assert revoked.status_code == 302
    page = hr.get(PAGE).get_data(as_text=True)
    assert "is revoked: it no longer works" in page and "revoked" in page
    api = hr.application.test_client()
    assert api.get("/api/people", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": ""}, "give the token a name"),
        ({"scopes": []}, "choose at least one scope"),
        ({"expires": "2026-11-21"}, "the expiry date must be after today"),
        ({"expires": (START.date() + dt.timedelta(days=367)).isoformat()}, "at most 366 days from today"),
        ({"scopes": ["everything"]}, "there is no scope"),
    ],
)
def test_a_token_form_with_a_mistake_says_which_field_and_why(hr, fields, says):
    answer = _make(hr, **fields)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert says in html and ('aria-invalid="true"' in html or 'id="scopes-error"' in html)
    assert "<code>mlp_" not in html


def test_the_token_page_is_in_dutch_for_a_dutch_reader(hr):
    html = hr.get(PAGE, headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Een sleutel aanmaken" in html


def test_only_hr_reaches_the_token_page(app):
    employee = app.test_client()
    log_in(employee, "bram@wadloo.example")
    assert employee.get(PAGE).status_code == 403
    assert app.test_client().get(PAGE).status_code == 302
