"""How the API says what went wrong: one JSON shape for every error, in the caller's language.

``{"error": "Bad Request", "status": 400, "message": "...", "field": "limit"}``: ``error`` is the
HTTP status's name (for programs), ``message`` the reason for people, in the caller's language;
``field`` names the parameter at fault, ``scope`` the scope a token lacks, and ``problems`` lists
each problem in an imported document with where it is (``path``, ``row``, ``field``) and why.
"""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Response, current_app, jsonify
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from matcher.domain.phrases import say as render
from matcher.domain.problems import InvalidInput, Problem
from matcher.io import catalogs
from web.errors import TITLES
from web.phrases import language


class ApiError(HTTPException):
    """An error with its reason in the caller's language, and what else the answer should carry."""

    def __init__(self, code: int, message: str, **extra: Any) -> None:
        self.code = code
        super().__init__(message)
        self.extra = extra


def said(text: object) -> str:
    """A message (or plain text) as the caller reads it."""
    return str(render(text, catalogs.translator(language())))


def problem(found: Problem) -> dict[str, Any]:
    """One problem of an imported document: where (``path`` as in the document, its ``row`` and
    ``field``) and why."""
    row = found.where.row_words()
    row_said = said(row) if row is not None else None
    path = ".".join(p for p in (row_said, found.where.field) if p)
    return {
        "path": path or None,
        "row": row_said,
        "field": found.where.field,
        "message": said(found.message),
    }


def invalid(exc: InvalidInput) -> ApiError:
    """A 422 for a document that cannot be imported, with every problem found."""
    extra: dict[str, Any] = {"problems": [problem(p) for p in exc.problems]}
    hidden = exc.hidden()
    if hidden is not None:
        extra["more"] = said(hidden)
    return ApiError(422, said(exc.summary()), **extra)


def json_error(exc: HTTPException) -> Response:
    """The answer for any error under /api/ (web.errors sends them here)."""
    code = exc.code or 500
    extra: dict[str, Any] = dict(getattr(exc, "extra", {}))
    field = getattr(exc, "field", None)
    if field:
        extra["field"] = field
    if code == 429:
        message = _("Too many requests. Wait a moment and try again.")
    elif isinstance(exc, CSRFError):
        # A page's session changes data only with the page's CSRF token; an HR system uses a token.
        message = _("Send the page's CSRF token (X-CSRFToken), or use an API token.")
        extra["field"] = "X-CSRFToken"
    elif exc.description != type(exc).description and isinstance(exc.description, str):
        message = exc.description  # said by the code that stopped, in the caller's language
    else:
        _title, usual = TITLES.get(code, (exc.name, exc.description))
        message = str(usual)
    response = jsonify(error=exc.name, status=code, message=message, **extra)
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="meeloop"'
    if code == 429:
        response.headers["Retry-After"] = str(_retry_after())
    response.headers["Cache-Control"] = "no-store"
    return response


def _retry_after() -> int:
    """Seconds until the limit that was hit lets the next request through."""
    limiter = current_app.extensions["meeloop"].get("limiter")
    hit = limiter.current_limit if limiter is not None else None
    if hit is None:
        return 60
    return max(1, math.ceil(hit.reset_at - time.time()))
