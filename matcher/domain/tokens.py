"""Personal access tokens: how an HR system calls the API on behalf of an HR account.

A token is a long random secret with a recognisable prefix (so that a secret scanner and a person
reading a log know what leaked). Only its SHA-256 is stored: the secret has 256 bits of chance, so
a fast hash is enough, unlike a password. A token carries scopes, the parts of the API it opens, a
required expiry date, and is revoked rather than deleted, so that its list keeps what was issued.

>>> secret = new_secret()
>>> secret.startswith(PREFIX), len(digest(secret))
(True, 64)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from matcher.domain.phrases import phrase, term

#: The start of every secret: "meeloop personal access token".
PREFIX = "mlp_"
#: The scopes, each with what it opens, as a message.
SCOPES: dict[str, str] = {
    "people:read": term("read people, skills and who to ask"),
    "organisation:read": term("export the organisation"),
    "organisation:write": term("import the organisation"),
}
#: The latest expiry a token may have, counted from the day it is made.
MAX_DAYS = 366
#: The longest name a token may have.
MAX_NAME = 120
#: How often the time a token was last used is written: not on every call.
LAST_USED_EVERY = dt.timedelta(minutes=1)

ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"


class TokenError(ValueError):
    """A token that cannot be made or used as asked; ``message`` says why, as a message, and
    ``field`` which field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ApiToken:
    """A token as its list shows it: never the secret, which is shown once when it is made."""

    id: int
    account_id: int
    owner: str
    name: str
    scopes: tuple[str, ...]
    created: dt.datetime
    expires: dt.date
    last_used: dt.datetime | None = None
    revoked: dt.datetime | None = None

    def state(self, today: dt.date) -> str:
        """``active``, ``expired`` (after its expiry day) or ``revoked``."""
        if self.revoked is not None:
            return REVOKED
        if today > self.expires:
            return EXPIRED
        return ACTIVE


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored of a secret, and what a presented secret is looked up by."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_secret(text: str) -> bool:
    return text.startswith(PREFIX) and 20 <= len(text) <= 200


def checked_request(name: str, scopes: list[str], expires: dt.date | None, today: dt.date) -> str:
    """The token's name, stripped, when a token with these fields may be made; else TokenError."""
    name = name.strip()
    if not name:
        raise TokenError("name", phrase("give the token a name, for example the HR system that uses it"))
    if len(name) > MAX_NAME:
        raise TokenError("name", phrase("the name is longer than {limit} characters", limit=MAX_NAME))
    if not scopes:
        raise TokenError("scopes", phrase("choose at least one scope"))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise TokenError("scopes", phrase("there is no scope '{scope}'", scope=unknown[0]))
    if expires is None:
        raise TokenError("expires", phrase("a token needs an expiry date"))
    if expires <= today:
        raise TokenError("expires", phrase("the expiry date must be after today"))
    if expires > today + dt.timedelta(days=MAX_DAYS):
        raise TokenError(
            "expires", phrase("the expiry date can be at most {days} days from today", days=MAX_DAYS)
        )
    return name
