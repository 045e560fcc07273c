"""Small helpers shared by HR's pages on people, imports, skills and accounts."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response
from flask_wtf import FlaskForm

from matcher.domain.problems import InvalidInput
from web.phrases import say


def field_errors(form: FlaskForm, exc: InvalidInput, *, default: str | None = None) -> list[str]:
    """Put each problem at the form field it names; return the messages that fit no field. Every
    message is said in the reader's language."""
    loose = []
    for problem in exc.problems:
        field = problem.where.field or default
        message = say(problem.message)
        if field and field in form:
            form[field].errors = [*form[field].errors, message]
        else:
            loose.append(message)
    return loose


def no_store(answer: Any) -> Response:
    """For a page that shows a password once: no cache keeps it."""
    response = make_response(answer)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
