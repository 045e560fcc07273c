"""The meeloop web UI: a small Flask app over the talent map."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response

from matcher.io import ics
from matcher.io.ics import InviteSettings
from matcher.services import organisation
from matcher.services.database import database_url
from matcher.services.mapcache import MapCache


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Defaults live here; ``MEELOOP_*`` environment variables
    and then ``test_config`` override them."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATABASE_URL=database_url(),
        SECRET_KEY=os.environ.get("MEELOOP_SECRET_KEY"),
        TODAY=None,
        SESSION_COOKIE_NAME="meeloop_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Cookies go over HTTPS only, unless MEELOOP_SECURE_COOKIES=0 (the demo on plain http://localhost).
        SESSION_COOKIE_SECURE=os.environ.get("MEELOOP_SECURE_COOKIES", "1") != "0",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        # Wrong passwords: per login and address, and per address for all logins together.
        LOGIN_LIMIT="5 per minute;20 per hour",
        LOGIN_LIMIT_PER_ADDRESS="30 per minute;200 per hour",
        # Requests with one API token (web/api_auth.py).
        API_RATE_LIMIT=os.environ.get("MEELOOP_API_RATE_LIMIT", "120 per minute"),
        RATELIMIT_ENABLED=True,
        DEFAULT_TIMEZONE=os.environ.get("MEELOOP_TIMEZONE", "Europe/Amsterdam"),
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        # Where the server was started ("http://127.0.0.1:8080"): what links point to without
        # MEELOOP_BASE_URL. `meeloop serve` sets it.
        SERVED_AT=None,
    )
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    app.json.sort_keys = False  # keep JSON in the order it was built: ranked answers, documented fields
    proxies = int(os.environ.get("MEELOOP_PROXIES", "0") or 0)
    if proxies:
        # Behind HTTPS proxies: take the client's address and scheme from their X-Forwarded headers,
        # so that the login rate limit counts each client, not the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    configure_database(app)
    configure_security(app)
    configure_i18n(app)
    configure_blueprints(app)
    configure_login_limits(app)
    configure_sso(app)
    configure_api(app)
    configure_errors(app)
    configure_jobs(app)
    return app


def instance_secret(folder: Path) -> str:
    """The key that signs sessions, made once and kept in the instance folder so that
    logins survive a restart (MEELOOP_SECRET_KEY overrides it)."""
    path = folder / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(key)
        return key


def configure_database(app: Flask) -> None:
    database = organisation.Database(app.config["DATABASE_URL"])
    fixed_today = app.config["TODAY"]

    def today() -> dt.date:
        return fixed_today or dt.date.today()

    app.extensions["meeloop"] = {
        "db": database,
        "maps": MapCache(database, today=today),
        "invites": app.config.get("INVITES") or invite_settings(app.config),
    }


def invite_settings(config: Mapping[str, Any]) -> InviteSettings:
    """Who invites come from and where their links point: each ``MEELOOP_*`` invite setting from
    the app's configuration keys, else from the environment; links point to ``MEELOOP_BASE_URL``,
    else to the address the server was started on (``SERVED_AT``)."""
    keys = {name: str(config[name]) for name in ics.VARIABLES if config.get(name) is not None}
    return InviteSettings.from_env({**os.environ, **keys}, served_at=config.get("SERVED_AT") or "")


def configure_jobs(app: Flask) -> None:
    from web import worker

    worker.configure(app)


#: What pages may load and where their forms may go (web/oidc.py adds the provider's logout).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def configure_security(app: Flask) -> None:
    from flask_wtf.csrf import CSRFProtect

    from web import shared_state
    from web.auth import login_manager

    # Sessions and the login limit's counts: in this process, or in Redis shared by all of them.
    shared_state.configure(app)
    CSRFProtect(app)
    login_manager.init_app(app)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def configure_login_limits(app: Flask) -> None:
    """The login page's rate limits, on the view the auth blueprint registered."""
    from web.auth import limit_logins

    limit_logins(app)


def configure_sso(app: Flask) -> None:
    """Single sign-on with OpenID Connect, when ``MEELOOP_OIDC_ISSUER`` is set (web/oidc.py)."""
    from web import oidc

    oidc.configure(app)


def configure_api(app: Flask) -> None:
    """Tokens for the API: no CSRF token with them, and a rate limit per token."""
    from web import api_auth
    from web.api import api

    api_auth.configure(app, api)


def configure_i18n(app: Flask) -> None:
    from web import i18n, navigation

    i18n.configure(app)
    navigation.configure(app)


#: Each module holds one blueprint of the same name; the menu shows what is registered.
BLUEPRINTS: tuple[tuple[str, str, str | None], ...] = (
    ("web.auth", "auth", None),
    ("web.pages", "pages", None),
    ("web.me", "me", "/me"),
    ("web.team", "team", "/team"),
    ("web.hr_people", "hr_people", "/hr"),
    ("web.hr_rounds", "hr_rounds", "/hr/rounds"),
    ("web.hr_reports", "hr_reports", "/hr/reports"),
    ("web.hr_transfer", "hr_transfer", None),
    ("web.explorer", "explorer", None),
    ("web.feeds", "feeds", None),
    ("web.check_ins", "check_ins", None),
    ("web.surveys", "surveys", None),
    ("web.api", "api", "/api"),
    ("web.calendars", "calendar_links", None),
    ("web.hr_replies", "hr_replies", None),
    ("web.api_tokens", "api_tokens", "/hr/api-tokens"),
)


def configure_blueprints(app: Flask) -> None:
    for module_name, name, prefix in BLUEPRINTS:
        blueprint = getattr(importlib.import_module(module_name), name)
        app.register_blueprint(blueprint, url_prefix=prefix)


def configure_errors(app: Flask) -> None:
    from web.errors import register

    configure_logging(app)
    register(app)


#: How each log line reads: when, how bad, whose, and the message.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(app: Flask) -> None:
    """One line per message. Outside debug mode everything (the app, waitress, the background jobs)
    goes through one handler on the root logger; Flask's own handler on the app's logger would
    print each of the app's messages a second time, so it is taken off."""
    from flask.logging import default_handler

    if app.debug:
        return
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    app.logger.removeHandler(default_handler)
