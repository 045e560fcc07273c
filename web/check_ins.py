"""Answering "did you meet?": the pages behind the links of a check-in e-mail (held, moved, not held;
the yes and no of older e-mails still work).

The links work without logging in: the random token in them answers for one person and one
session only (:mod:`matcher.services.notices`). Opening a link asks for one click on a button to
confirm, so that a mail program that opens links to check them answers nothing. A wrong token
is a plain 404, as a feed's is. Each page speaks the language of the person the e-mail went to,
unless the visitor chose another.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh

from matcher.domain.problems import InvalidInput
from matcher.services import notices
from web.context import database
from web.phrases import say

check_ins = Blueprint("check_ins", __name__)

#: The answers a link may carry: the three of today's e-mails and the two of older ones.
ANSWERS = (*notices.CHECK_IN_ANSWERS, *notices.OLD_ANSWERS)


def _invites() -> Any:
    return current_app.extensions["meeloop"]["invites"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _speak(view: notices.CheckInView) -> None:
    """The page in the reader's language, unless they chose one on this site."""
    if "locale" not in session:
        session["locale"] = view.language
        refresh()


def _page(
    template: str, view: notices.CheckInView, token: str, status: int = 200, **context: Any
) -> Response:
    _speak(view)
    response = make_response(render_template(template, view=view, token=token, **context), status)
    # The token is a key: keep the page out of caches and search engines.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _found(token: str) -> notices.CheckInView:
    view = notices.check_in(database(), _invites(), token)
    if view is None:
        abort(404)
    return view


@check_ins.get("/check-in/<token>")
def answered(token: str) -> Response:
    """The answer given so far: thanks, and the way to the reflection after "held"."""
    return _page("check_ins/answered.html", _found(token), token)


@check_ins.get("/check-in/<token>/<answer>")
def confirm(token: str, answer: str) -> Response:
    """The page a link in the e-mail opens: one button to give that answer."""
    if answer not in ANSWERS:
        abort(404)
    given = notices.OLD_ANSWERS.get(answer, answer)
    return _page("check_ins/confirm.html", _found(token), token, answer=given, moved_to="", errors={})


def _day(text: str) -> dt.date | None:
    """The new day of a moved session as the date field sends it (2026-12-10); None when empty."""
    return dt.date.fromisoformat(text) if text else None


@check_ins.post("/check-in/<token>/<answer>")
def give(token: str, answer: str) -> Any:
    if answer not in ANSWERS:
        abort(404)
    given = notices.OLD_ANSWERS.get(answer, answer)
    text = (request.form.get("moved_to") or "").strip()[:40] if given == notices.MOVED else ""
    errors: dict[str, list[str]] = {}
    try:
        view = notices.answer_check_in(database(), _invites(), token, given, now=_now(), moved_to=_day(text))
    except ValueError:
        errors["moved_to"] = [_("Give the new day as a date, such as 2026-12-10, or leave it empty.")]
    except InvalidInput as error:
        for problem in error.problems:
            errors.setdefault(problem.where.field or "answer", []).append(say(problem.message))
    else:
        if view is None:
            abort(404)
        return redirect(url_for("check_ins.answered", token=token))
    # Nothing was stored: the same page again, saying what to correct.
    view = _found(token)
    return _page("check_ins/confirm.html", view, token, 400, answer=given, moved_to=text, errors=errors)
