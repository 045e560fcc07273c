"""Access to the app's database and talent map from inside a request."""

from __future__ import annotations

import datetime as dt

from flask import current_app, g

from matcher.domain.talentmap import TalentMap
from matcher.services import scheduling
from matcher.services.database import Database


def talent_map() -> TalentMap:
    """The organisation's talent map, checked for freshness once per request."""
    if "talent_map" not in g:
        g.talent_map = current_app.extensions["meeloop"]["maps"].get()
    return g.talent_map


def database() -> Database:
    return current_app.extensions["meeloop"]["db"]


def first_plan_day() -> dt.date:
    """The first working day after the notice period (``MEELOOP_NOTICE_DAYS``): the first day a plan
    made now may use, and the default first day of the plan and meeting forms. With a fixed day
    (``TODAY``, for tests and demos) the notice counts from that day."""
    fixed = current_app.config.get("TODAY")
    now = dt.datetime.combine(fixed, dt.time(12), dt.UTC) if fixed else dt.datetime.now(dt.UTC)
    return scheduling.first_plan_day(database(), now=now)
