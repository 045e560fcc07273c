"""Helpers for the tests of HR's rounds pages: the organisation in the app, the forms as a browser
sends them, and the round as stored."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from matcher.domain.model import Organisation
from matcher.io import orgjson
from matcher.services import organisation, rounds
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org
from tests.webtools import add_account, make_app, post_form

MENTORING = "2027-Q1 mentoring"


def import_organisation(url: str, org: Organisation | Path, tmp_path: Path) -> None:
    if isinstance(org, Organisation):
        path = tmp_path / "org.json"
        orgjson.write_json(org, path)
    else:
        path = org
    db = organisation.Database(url)
    try:
        import_with_opt_ins(db, path)
    finally:
        db.dispose()


def start_app(url: str, **settings) -> Flask:
    app = make_app(url, **{"JOBS_INLINE": True, "SMTP": None, **settings})
    add_account(app, "hr@wadloo.example", "hr")
    return app


def close_app(app: Flask) -> None:
    app.extensions["meeloop"]["db"].dispose()


def db_of(app: Flask) -> organisation.Database:
    return app.extensions["meeloop"]["db"]


def propose(client: FlaskClient, kind: str = "mentor", name: str = MENTORING, **fields) -> object:
    data = {"name": name, "who": "all", "time_limit": "2", **fields}
    page = f"/hr/rounds/new/{kind}"
    form = client.get(page).get_data(as_text=True)
    defaults = form_defaults(form)
    return post_form(client, page, {**defaults, **data}, form_page=page)


def form_defaults(html: str) -> dict[str, object]:
    """What a browser sends for the form as shown: each input's value, checked boxes, selected options."""
    found: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio"):
            if "checked" in tag:
                found[name.group(1)] = value.group(1) if value else "y"
        elif kind is None or kind.group(1) not in ("submit",):
            found[name.group(1)] = value.group(1) if value else ""
    for attributes, options in re.findall(r"<select([^>]*)>(.*?)</select>", html, re.S):
        name = re.search(r'name="([^"]+)"', attributes).group(1)
        values = [
            a or b
            for a, b in re.findall(
                r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', options
            )
        ]
        first = re.search(r'<option[^>]*value="([^"]*)"', options)
        if values:
            found[name] = values if len(values) > 1 else values[0]
        elif first and "multiple" not in attributes:
            found[name] = first.group(1)  # a browser sends the first option of a plain select
    return found


def stored_round(app: Flask, name: str = MENTORING):
    return rounds.load_round(db_of(app), name)


def job_id(response) -> int:
    found = re.search(r"/hr/rounds/jobs/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def review_url(name: str = MENTORING) -> str:
    return f"/hr/rounds/{name}"


def act(client: FlaskClient, action: str, data: dict, name: str = MENTORING):
    return post_form(client, f"{review_url(name)}/{action}", data, form_page=review_url(name))


def pairs_of(app: Flask, name: str = MENTORING) -> set[tuple[str, ...]]:
    return {unit.members for unit in stored_round(app, name).pairs}


MEETINGS = {"first_day": "2026-11-23", "last_day": "2027-01-31", "every": "2", "minutes": "60"}


def publish(client: FlaskClient, name: str = MENTORING, **fields):
    return act(client, "publish", {**MEETINGS, **fields}, name=name)


def time_org() -> Organisation:
    """The mentoring organisation, where Marit presents Wmo (three want it) and Niels hosts guests."""
    org = mentoring_org()
    people = tuple(
        dataclasses.replace(p, presenter=True)
        if p.id == "marit"
        else dataclasses.replace(p, host_capacity=2)
        if p.id == "niels"
        else p
        for p in org.people
    )
    return dataclasses.replace(org, people=people)
