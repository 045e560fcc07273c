"""Helpers for the tests of HR's pages on people, imports, exports, the skills taxonomy and accounts."""

from __future__ import annotations

from pathlib import Path

from matcher.io import orgjson
from matcher.services import organisation
from tests.optins import import_with_opt_ins
from tests.orgs import small_org
from tests.webtools import add_account, make_app

DEMO = Path(__file__).resolve().parents[3] / "data" / "demo" / "organisation.json"
HR, MANAGER, EMPLOYEE = "hr@wadloo.example", "anna@wadloo.example", "bram@wadloo.example"


def seed(url: str, tmp_path: Path, source: Path | None = None) -> None:
    if source is None:
        source = tmp_path / "org.json"
        orgjson.write_json(small_org(), source)
    db = organisation.Database(url)
    import_with_opt_ins(db, source)
    db.dispose()


def start_app(url: str):
    app = make_app(url, JOBS_INLINE=True)
    add_account(app, HR, "hr")
    add_account(app, MANAGER, "manager", "anna")
    add_account(app, EMPLOYEE, "employee", "bram")
    return app


def people_in(app) -> dict[str, object]:
    return {p.id: p for p in organisation.load_organisation(app.extensions["meeloop"]["db"]).people}


def page_text(response) -> str:
    return response.get_data(as_text=True)
