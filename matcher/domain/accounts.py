"""Web accounts: who may log in, with which role. Passwords are kept only as hashes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher.domain.phrases import term

ROLES: tuple[str, ...] = ("hr", "manager", "employee")
#: Each role as it is named in a sentence.
ROLE_WORDS: dict[str, str] = {"hr": term("HR"), "manager": term("manager"), "employee": term("employee")}
#: The shortest password accepted.
MIN_PASSWORD = 10


class AccountError(ValueError):
    """An account that cannot be made or changed as asked; ``message`` says why, as a message
    (``str(error)`` is its English), and ``field`` which field of the form it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Account:
    """Who is logged in: what the web layer needs on every request."""

    id: int
    login: str
    person_id: str | None
    role: str
    locale: str | None
    active: bool
    session_version: int
    password_hash: str
    created: dt.datetime
    password_changed: dt.datetime


def normal_login(login: str) -> str:
    return login.strip().casefold()


def password_rule(password: str, login: str) -> str | None:
    """The rule a new password breaks ("length", "login" or "variety"); None when it keeps them all."""
    if len(password) < MIN_PASSWORD:
        return "length"
    if password.strip().casefold() == login.strip().casefold():
        return "login"
    if len(set(password)) < 4:
        return "variety"
    return None
