"""Use cases for personal access tokens: make one, list them, revoke one, and find who a presented
secret acts for. Each function is one transaction.

A token acts for its HR account with only its scopes. It stops working when it expires, when it is
revoked, and when its account is switched off or is no longer HR: the account is checked on every
call, so taking the role away is enough.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher.domain.accounts import Account
from matcher.domain.phrases import phrase
from matcher.domain.tokens import (
    ACTIVE,
    EXPIRED,
    LAST_USED_EVERY,
    REVOKED,
    ApiToken,
    TokenError,
    checked_request,
    digest,
    looks_like_secret,
    new_secret,
)
from matcher.storage import Database
from matcher.storage import accounts as account_store
from matcher.storage import api_tokens as store

#: Only HR may hold tokens: the API reads and writes everyone's data.
OWNER_ROLE = "hr"


@dataclass(frozen=True)
class Caller:
    """Who a token acts for, and what it may do."""

    token: ApiToken
    account: Account

    def may(self, scope: str) -> bool:
        return scope in self.token.scopes


def make_token(
    db: Database,
    account_id: int,
    *,
    name: str,
    scopes: list[str],
    expires: dt.date | None,
    now: dt.datetime,
) -> tuple[ApiToken, str]:
    """A new token for an HR account, and its secret: the only time the secret is seen."""
    name = checked_request(name, scopes, expires, now.date())
    assert expires is not None  # checked_request refuses a token without one
    with db.transaction() as session:
        owner = account_store.account(session, account_id)
        if owner is None or not owner.active or owner.role != OWNER_ROLE:
            raise TokenError("account", phrase("only an active HR account can have tokens"))
        secret = new_secret()
        token = store.add_token(
            session,
            account_id,
            name=name,
            digest=digest(secret),
            scopes=[s for s in dict.fromkeys(scopes)],
            expires=expires,
            now=now,
        )
    return token, secret


def tokens(db: Database) -> list[ApiToken]:
    with db.transaction() as session:
        return store.tokens(session)


def revoke(db: Database, token_id: int, *, now: dt.datetime) -> ApiToken:
    with db.transaction() as session:
        token = store.revoke(session, token_id, now)
    if token is None:
        raise TokenError("token", phrase("there is no token {id}", id=token_id))
    return token


def caller(db: Database, secret: str, *, now: dt.datetime) -> Caller:
    """Who the secret acts for; TokenError (field ``token``) saying why it does not work: unknown,
    revoked, expired, or its account no longer active HR. Notes when it was used, at most once a
    minute, so that calls do not each write."""
    if not looks_like_secret(secret):
        raise TokenError("token", phrase("it is not a meeloop token"))
    with db.transaction() as session:
        found = store.token_by_digest(session, digest(secret))
        if found is None:
            raise TokenError("token", phrase("it is not known; it may have been mistyped"))
        token, account = found
        state = token.state(now.date())
        if state == REVOKED:
            raise TokenError("token", phrase("it has been revoked"))
        if state == EXPIRED:
            raise TokenError("token", phrase("it expired on {day}", day=token.expires))
        assert state == ACTIVE
        if not account.active or account.role != OWNER_ROLE:
            raise TokenError("token", phrase("its account is no longer an active HR account"))
        if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
            store.touch(session, token.id, now)
    return Caller(token, account)
