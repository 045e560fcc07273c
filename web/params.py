"""Query parameters, checked with a message that names the field, in the reader's language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from flask_babel import gettext as _
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
            raise BadParameter(name, _("'%(name)s' is required.", name=name))
        return None
    if len(value) > max_length:
        raise BadParameter(
            name, _("'%(name)s' is longer than %(limit)d characters.", name=name, limit=max_length)
        )
    return value


def integer(name: str, *, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(
            name, _("'%(name)s' must be a whole number, not '%(value)s'.", name=name, value=raw[:40])
        ) from None
    if not low <= value <= high:
        raise BadParameter(
            name, _("'%(name)s' must be between %(low)d and %(high)d.", name=name, low=low, high=high)
        )
    return value


#: How a yes or no is written in a query: ``?dry_run=true``, ``?dry_run=1``, ``?dry_run``.
_YES, _NO = frozenset({"", "1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def flag(name: str) -> bool:
    """A yes-or-no parameter: absent is no."""
    raw = request.args.get(name)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise BadParameter(
        name, _("'%(name)s' must be true or false, not '%(value)s'.", name=name, value=raw[:40])
    )


def texts(name: str, *, max_length: int = 200, most: int = 1000) -> list[str]:
    """Every value of a parameter that may be given more than once, stripped, empty ones left out."""
    values = [v.strip() for v in request.args.getlist(name) if v.strip()]
    if len(values) > most:
        raise BadParameter(name, _("'%(name)s' is given more than %(most)d times.", name=name, most=most))
    for value in values:
        if len(value) > max_length:
            raise BadParameter(
                name, _("'%(name)s' is longer than %(limit)d characters.", name=name, limit=max_length)
            )
    return values


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
