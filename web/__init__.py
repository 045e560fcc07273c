"""The meeloop web UI: a small Flask app over the talent map."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from typing import Any

from flask import Flask

from matcher import services, storage
from matcher.invites.ics import InviteSettings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Defaults live here; ``MEELOOP_*`` environment variables
    and then ``test_config`` override them."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATABASE_URL=storage.database_url(),
        SECRET_KEY=os.environ.get("MEELOOP_SECRET_KEY") or secrets.token_hex(32),
        TODAY=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False  # keep JSON in the order it was built: ranked answers, documented fields
    configure_database(app)
    configure_blueprints(app)
    configure_errors(app)
    return app


def configure_database(app: Flask) -> None:
    database = services.Database(app.config["DATABASE_URL"])
    fixed_today = app.config["TODAY"]

    def today() -> dt.date:
        return fixed_today or dt.date.today()

    app.extensions["meeloop"] = {
        "db": database,
        "maps": services.MapCache(database, today=today),
        "invites": app.config.get("INVITES") or InviteSettings.from_env(os.environ),
    }


def configure_blueprints(app: Flask) -> None:
    from web.api import api
    from web.feeds import feeds
    from web.pages import pages

    app.register_blueprint(pages)
    app.register_blueprint(feeds)
    app.register_blueprint(api, url_prefix="/api")


def configure_errors(app: Flask) -> None:
    from web.errors import register

    if not app.debug:
        logging.basicConfig(level=logging.INFO)
    register(app)
