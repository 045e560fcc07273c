"""What several web processes must share, on several machines alike: the login limit's counts and the
sessions. With a Redis server (``MEELOOP_REDIS_URL``, or the app's ``REDIS_URL``) both live there;
without one, each process counts login attempts in its own memory and a session lives in its signed
cookie, as it does for one server process.

A session kept in Redis is found by a random id, the only thing its cookie carries. Such a cookie
would stay valid as long as the session does, whatever happens to the session's content, so the id
changes (and the session under the old id is deleted) whenever a session starts or ends or its
password changes: see :func:`new_session_id`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, session
from flask.json.tag import TaggedJSONSerializer
from flask_session import Session
from flask_session.base import Serializer, ServerSideSessionInterface

#: Where each kind of shared state is kept in Redis, beside the job queue's own keys.
SESSION_PREFIX = "meeloop:session:"
LIMIT_PREFIX = "meeloop"


def redis_url(config: Mapping[str, Any]) -> str | None:
    """The Redis that web processes and workers share: ``REDIS_URL``, else ``MEELOOP_REDIS_URL``."""
    return config.get("REDIS_URL") or os.environ.get("MEELOOP_REDIS_URL") or None


def configure(app: Flask) -> None:
    """Set where login attempts are counted (``RATELIMIT_STORAGE_URI``, unless the app's settings
    name one) and, with Redis, keep the sessions there."""
    url = redis_url(app.config)
    if not url:
        app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
        return
    app.config.setdefault("RATELIMIT_STORAGE_URI", url)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", LIMIT_PREFIX)
    _keep_sessions_in_redis(app, url)


def _keep_sessions_in_redis(app: Flask, url: str) -> None:
    import redis

    app.config.update(
        SESSION_TYPE="redis",
        SESSION_REDIS=redis.Redis.from_url(url),
        SESSION_KEY_PREFIX=SESSION_PREFIX,
        # As with the signed cookie: the cookie ends with the browser, and a session ends
        # PERMANENT_SESSION_LIFETIME after it last changed (the key expires in Redis), not later
        # for being used.
        SESSION_PERMANENT=False,
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    Session(app)
    app.session_interface.serializer = TaggedJSON()  # type: ignore[attr-defined]


class TaggedJSON(Serializer):
    """A session as Flask's signed cookie writes it: JSON that keeps tuples, bytes, dates and
    safe HTML (a flashed message may be one), where Flask-Session's own serializer refuses HTML."""

    def __init__(self) -> None:
        self._tagged = TaggedJSONSerializer()

    def encode(self, session: Any) -> bytes:
        return self._tagged.dumps(dict(session)).encode()

    def decode(self, serialized_data: bytes) -> dict[str, Any]:
        return self._tagged.loads(serialized_data)


def new_session_id() -> None:
    """Move the session to a new id and delete it under the old one, so that a cookie copied before
    reads nothing after. A signed cookie session has no id to move: a new content is a new cookie."""
    interface = current_app.session_interface
    if isinstance(interface, ServerSideSessionInterface):
        interface.regenerate(session)


def new_session() -> None:
    """Start an empty session under a new id (logging in and out)."""
    new_session_id()
    session.clear()
