"""The API served on a real HTTP server, with HR accounts, tokens and a clock the test moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from matcher.services import api_tokens, organisation
from tests.web.hr_people.support import seed
from tests.webtools import add_account, live_server, make_app

HR, OTHER_HR, EMPLOYEE = "hr@wadloo.example", "hr2@wadloo.example", "bram@wadloo.example"
START = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
ALL_SCOPES = ["people:read", "organisation:read", "organisation:write"]


class Clock:
    """The time the app checks tokens against; a test moves it."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


@dataclass
class Served:
    base: str
    app: object
    db: organisation.Database
    clock: Clock
    hr_id: int
    other_hr_id: int

    def token(self, scopes: list[str] = ALL_SCOPES, *, days: int = 30, owner: int | None = None) -> str:
        _made, secret = api_tokens.make_token(
            self.db,
            owner or self.hr_id,
            name="Personeelssysteem",
            scopes=scopes,
            expires=self.clock().date() + dt.timedelta(days=days),
            now=self.clock(),
        )
        return secret

    def client(self, secret: str | None = None, language: str | None = None) -> httpx.Client:
        headers = {}
        if secret is not None:
            headers["Authorization"] = f"Bearer {secret}"
        if language is not None:
            headers["Accept-Language"] = language
        return httpx.Client(base_url=self.base, headers=headers, timeout=30)


@contextmanager
def served(url: str, tmp_path: Path, **settings: object) -> Iterator[Served]:
    seed(url, tmp_path)
    clock = Clock(START)
    app = make_app(url, API_CLOCK=clock, **settings)
    hr = add_account(app, HR, "hr")
    other = add_account(app, OTHER_HR, "hr")
    add_account(app, EMPLOYEE, "employee", "bram")
    db = app.extensions["meeloop"]["db"]
    try:
        with live_server(app) as base:
            yield Served(base, app, db, clock, hr.id, other.id)
    finally:
        db.dispose()
