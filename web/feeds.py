"""Calendar feeds: a person's events behind their secret token, for calendar apps to subscribe to.

A wrong or revoked token is a plain 404, the same as a page that does not exist: the answer
says nothing about whether a token was ever valid. Events are served with ``METHOD:PUBLISH``,
cancelled ones kept as cancelled so that subscribed calendars remove them.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, current_app

from matcher.services import publishing
from web.context import database

feeds = Blueprint("feeds", __name__)


@feeds.get("/feed/<token>.ics")
def feed(token: str) -> Response:
    if len(token) > 100:
        abort(404)
    settings = current_app.extensions["meeloop"]["invites"]
    data = publishing.feed(database(), settings, token, now=dt.datetime.now(dt.UTC))
    if data is None:
        abort(404)
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = publishing.CALENDAR_TYPE
    response.headers["Content-Disposition"] = 'inline; filename="meeloop.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
