"""Who calls the API: a logged-in page (its session) or an HR system (a personal access token).

A token comes as ``Authorization: Bearer <token>`` and acts for its HR account with only its
scopes, for this request alone: no session is started for it, and a token's request carries no
CSRF token (a browser never sends this header by itself). A session's requests that change data
still need their CSRF token. Token requests are rate-limited per token (``API_RATE_LIMIT``).
The answers' language: the request's Accept-Language, else the token's account's language.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from matcher.domain.tokens import SCOPES, TokenError, digest
from matcher.services import api_tokens
from matcher.services.api_tokens import Caller
from web.api_errors import ApiError, said
from web.auth import User
from web.context import database

_BEARER = re.compile(r"Bearer[ \t]+(\S+)[ \t]*", re.IGNORECASE)
#: Reached without a login or token: the health check and the API's own description.
PUBLIC = frozenset({"api.health", "api.openapi"})
#: Scopes that only HR holds: everyone's data as a whole. A page's session needs the HR role.
HR_SCOPES = frozenset({"organisation:read", "organisation:write"})
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def now() -> dt.datetime:
    """The time tokens are checked against: ``API_CLOCK`` (a function, for tests) or the clock."""
    clock = current_app.config.get("API_CLOCK")
    return clock() if clock else dt.datetime.now(dt.UTC)


def _presented() -> str | None:
    """The secret in the Authorization header; None when there is no such header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    found = _BEARER.fullmatch(header)
    if found is None:
        raise ApiError(401, _("Send the token as: Authorization: Bearer <token>."), field="Authorization")
    return found.group(1)


def caller() -> Caller | None:
    """The token of this request; None for a page's session."""
    found: Caller | None = g.get("api_caller")
    return found


def authenticate() -> None:
    """The API blueprint's before_request: a token, a session, or 401."""
    secret = _presented()
    if secret is None:
        if request.endpoint in PUBLIC:
            return
        if not current_user.is_authenticated:
            raise ApiError(401, _("Log in first, or send a token: Authorization: Bearer <token>."))
        if request.method not in _SAFE:
            current_app.extensions["csrf"].protect()
        return
    try:
        found = api_tokens.caller(database(), secret, now=now())
    except TokenError as refused:
        reason = said(refused.message)
        raise ApiError(
            401, _("This token does not work: %(reason)s.", reason=reason), field="Authorization"
        ) from None
    g.api_caller = found
    if "Accept-Language" not in request.headers and found.account.locale:
        g.account_locale = found.account.locale
    # Flask-Login's user for this request alone (what it sets itself after loading a user); no
    # session is written, so the token never turns into a login.
    g._login_user = User(found.account)


def need(scope: str) -> None:
    """Stop with 403 unless this request may use ``scope``: a token that has it, or a session of
    an account whose role gives it."""
    token = caller()
    if token is not None:
        if not token.may(scope):
            raise ApiError(
                403,
                _(
                    "This token does not have the scope '%(scope)s' (%(means)s).",
                    scope=scope,
                    means=said(SCOPES[scope]),
                ),
                scope=scope,
            )
        return
    if scope in HR_SCOPES and not current_user.is_hr:
        raise ApiError(403, _("This is for HR only."), scope=scope)


def _limit_key() -> str:
    """The token itself, however its header is written (any case of "Bearer", any spaces): a
    caller cannot get a fresh count by writing the same token another way."""
    header = request.headers.get("Authorization", "")
    found = _BEARER.fullmatch(header)
    return "api-token:" + digest(found.group(1) if found else header)


def _not_a_token_request() -> bool:
    return "Authorization" not in request.headers


def configure(app: Flask, api: Any) -> None:
    """Token requests carry no CSRF token; the pages' sessions are checked in :func:`authenticate`.
    Token requests are counted per token against ``API_RATE_LIMIT``."""
    app.extensions["csrf"].exempt(api)
    limiter = app.extensions["meeloop"]["limiter"]
    limiter.limit(
        lambda: current_app.config["API_RATE_LIMIT"], key_func=_limit_key, exempt_when=_not_a_token_request
    )(api)
