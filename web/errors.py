"""Errors become friendly pages (or JSON under /api), never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _wants_json():
            field = getattr(exc, "field", None)
            extra = {"field": field} if field else {}
            return jsonify(error=exc.name, message=exc.description, **extra), exc.code
        return render_template("error.html", code=exc.code, title=exc.name, message=exc.description), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError("Something went wrong on our side. It has been logged."))
