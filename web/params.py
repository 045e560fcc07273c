"""Query parameters, checked with a message that names the field."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from werkzeug.exceptions import BadRequest


class BadParameter(BadRequest):
    """A 400 that names the parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def text(name: str, *, required: bool = False, max_length: int = 200) -> str | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        if required:
            raise BadParameter(name, f"'{name}' is required")
        return None
    if len(value) > max_length:
        raise BadParameter(name, f"'{name}' is longer than {max_length} characters")
    return value


def integer(name: str, *, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"'{name}' must be a whole number, not '{raw[:40]}'") from None
    if not low <= value <= high:
        raise BadParameter(name, f"'{name}' must be between {low} and {high}")
    return value


def local_path(target: str | None) -> str | None:
    """``target`` when it is a page of this site, else None: never an open redirect.

    Browsers drop tabs, line breaks and other control characters from a URL and read a backslash
    as a slash, so ``/\\t/evil.example`` and ``/\\evil.example`` lead to another site. The check is
    made on what a browser would read, and that is what comes back.

    >>> local_path("/ask?skill=sql"), local_path("/\\t/evil.example"), local_path("/\\\\evil.example")
    ('/ask?skill=sql', None, None)
    """
    if not target:
        return None
    cleaned = "".join(c for c in target if ord(c) > 32 and ord(c) != 127)
    read = cleaned.replace("\\", "/")
    if not read.startswith("/") or read.startswith("//"):
        return None
    parts = urlsplit(read)
    if parts.scheme or parts.netloc:
        return None
    return cleaned
