"""Access to the app's database and talent map from inside a request."""

from __future__ import annotations

from flask import current_app, g

from matcher.domain.talentmap import TalentMap
from matcher.services.database import Database


def talent_map() -> TalentMap:
    """The organisation's talent map, checked for freshness once per request."""
    if "talent_map" not in g:
        g.talent_map = current_app.extensions["meeloop"]["maps"].get()
    return g.talent_map


def database() -> Database:
    return current_app.extensions["meeloop"]["db"]
