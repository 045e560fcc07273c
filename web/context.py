"""Access to the app's database and talent map from inside a request."""

from __future__ import annotations

from flask import current_app

from matcher.services import Database
from matcher.talentmap import TalentMap


def talent_map() -> TalentMap:
    return current_app.extensions["meeloop"]["maps"].get()


def database() -> Database:
    return current_app.extensions["meeloop"]["db"]
