"""Languages and time zones: Dutch and English, chosen from the browser or by the user.

The order: what the user chose (kept on their account and in the session), then the
browser's Accept-Language, then English. Times are shown in the user's own time zone
from the talent map, else the organisation's default.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale
from babel.dates import get_day_names
from flask import Blueprint, Flask, current_app, g, redirect, request, session, url_for
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    get_timezone,
)
from flask_login import current_user

from matcher.engines.results import solver_word
from matcher.io import catalogs
from matcher.io.fields import format_working_hours, parse_working_hours
from matcher.services import accounts
from web.context import database, talent_map
from web.params import local_path
from web.phrases import say

LANGUAGES: dict[str, str] = {"en": "English", "nl": "Nederlands"}
DEFAULT_TIMEZONE = "Europe/Amsterdam"

language = Blueprint("language", __name__)


def select_locale() -> str:
    # An API token's request without Accept-Language: its account's language (web/api_auth.py).
    chosen = session.get("locale") or g.get("account_locale")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), default="en") or "en"


def select_timezone() -> str:
    if current_user and current_user.is_authenticated and current_user.person_id:
        person = talent_map().person(current_user.person_id)
        if person is not None and person.timezone:
            return person.timezone
    return current_app.config.get("DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE


def configure(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(catalogs.directory()))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.register_blueprint(language)

    @app.context_processor
    def languages() -> dict[str, Any]:
        return {
            "languages": LANGUAGES,
            "current_locale": str(get_locale() or "en"),
            "current_timezone": str(get_timezone() or DEFAULT_TIMEZONE),
        }

    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["time"] = _time
    app.jinja_env.filters["say"] = say  # the domain's messages, in the reader's language
    app.jinja_env.filters["number"] = _number
    app.jinja_env.filters["percent"] = _percent
    app.jinja_env.filters["working_hours"] = _working_hours
    app.jinja_env.filters["language_names"] = _language_names
    app.jinja_env.filters["solver"] = lambda name: say(solver_word(name))


def _as_moment(value: Any) -> Any:
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def _date(value: Any, style: str = "medium") -> str:
    value = _as_moment(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value, "EEEE d MMMM y" if style == "long" else "d MMM y")
    return format_date(value, "EEEE d MMMM y" if style == "long" else style)


def _datetime(value: Any, style: str = "medium") -> str:
    value = _as_moment(value)
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value, "EEE d MMM y, HH:mm" if style == "medium" else style)


def _time(value: Any) -> str:
    value = _as_moment(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_time(value, "HH:mm")


def _number(value: Any, digits: int | None = None) -> str:
    """A number as the reader writes it ("1.234,5" in Dutch); ``digits`` fixes the decimals."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0.###")


def _percent(share: Any) -> str:
    """A share (0.033) as a percentage with one decimal, the reader's way ("3,3%")."""
    return "" if share is None else format_percent(share, format="#,##0.0%")


def _working_hours(hours: Any) -> str:
    """Working hours in the reader's words ("ma–vr 08:00–16:30; za 10:00–14:00")."""
    if isinstance(hours, dict):
        hours = parse_working_hours(hours)
    if hours is None:
        return ""
    names = get_day_names("abbreviated", locale=get_locale())
    return format_working_hours(hours, days=[names[i] for i in range(7)], dash="–", between=", ")


def _language_names(codes: Any) -> str:
    """Language codes ("nl", "srn") as the reader names them ("Nederlands, Sranantongo")."""
    locale = get_locale() or Locale.parse("en")
    return ", ".join(locale.languages.get(code, code) for code in codes or ())


@language.post("/language")
def choose() -> Any:
    """The language switch: a plain form, so it works without JavaScript."""
    chosen = request.form.get("locale", "")
    if chosen in LANGUAGES:
        session["locale"] = chosen
        if current_user.is_authenticated:
            accounts.set_locale(database(), current_user.id, chosen)
    return redirect(local_path(request.form.get("next")) or url_for("pages.index"))
