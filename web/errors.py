"""Errors become friendly pages (or JSON under /api), never a stack trace."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

#: What an error page is called, and what it says when the code that stopped gave no reason.
TITLES: dict[int, tuple[Any, Any]] = {
    400: (_l("This request could not be used"), _l("Something in the request was missing or not right.")),
    401: (_l("Please log in"), _l("This page is for colleagues who are logged in.")),
    403: (_l("Not allowed"), _l("Your role does not give access to this page.")),
    404: (_l("Not found"), _l("There is no page at this address.")),
    405: (_l("Not possible here"), _l("This page cannot be used this way.")),
    413: (_l("File too large"), _l("The file is larger than meeloop accepts.")),
    429: (_l("Too many attempts"), _l("Wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("Something went wrong on our side. It has been logged.")),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _wants_json():
            from web.api_errors import json_error

            return json_error(exc)
        title, usual = TITLES.get(exc.code or 500, (exc.name, exc.description))
        # The code that stopped may say why (already in the reader's language); werkzeug's own
        # description is English, so the page says its own words instead.
        # The rate limiter's description is its limit ("5 per 1 minute"), not a sentence for people.
        own = exc.description != type(exc).description and exc.code != 429
        message = exc.description if own else usual
        return render_template("error.html", code=exc.code, title=title, message=message), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError(_("Something went wrong on our side. It has been logged.")))
