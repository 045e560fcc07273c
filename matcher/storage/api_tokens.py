"""Personal access tokens in the database. Only digests of secrets arrive here.

Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.domain.accounts import Account
from matcher.domain.tokens import ApiToken
from matcher.storage.accounts import account as load_account
from matcher.storage.base import utc
from matcher.storage.rows.accounts import AccountRow
from matcher.storage.rows.api_tokens import ApiTokenRow


def _token(row: ApiTokenRow, owner: str) -> ApiToken:
    return ApiToken(
        id=row.id,
        account_id=row.account_id,
        owner=owner,
        name=row.name,
        scopes=tuple(row.scopes.split()),
        created=utc(row.created),
        expires=row.expires,
        last_used=utc(row.last_used) if row.last_used else None,
        revoked=utc(row.revoked) if row.revoked else None,
    )


def add_token(
    session: Session,
    account_id: int,
    *,
    name: str,
    digest: str,
    scopes: list[str],
    expires: dt.date,
    now: dt.datetime,
) -> ApiToken:
    row = ApiTokenRow(
        account_id=account_id,
        name=name,
        digest=digest,
        scopes=" ".join(scopes),
        created=now,
        expires=expires,
        last_used=None,
        revoked=None,
    )
    session.add(row)
    session.flush()
    login = session.scalar(select(AccountRow.login).where(AccountRow.id == account_id)) or ""
    return _token(row, login)


def tokens(session: Session) -> list[ApiToken]:
    """Every token, newest first, with its owner's login."""
    found = session.execute(
        select(ApiTokenRow, AccountRow.login)
        .join(AccountRow, AccountRow.id == ApiTokenRow.account_id)
        .order_by(ApiTokenRow.created.desc(), ApiTokenRow.id.desc())
    )
    return [_token(row, login) for row, login in found]


def token_by_digest(session: Session, digest: str) -> tuple[ApiToken, Account] | None:
    """The token with this digest and the account it acts for."""
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.digest == digest))
    if row is None:
        return None
    owner = load_account(session, row.account_id)
    if owner is None:
        return None
    return _token(row, owner.login), owner


def touch(session: Session, token_id: int, now: dt.datetime) -> None:
    row = session.get(ApiTokenRow, token_id)
    if row is not None:
        row.last_used = now
        session.flush()


def revoke(session: Session, token_id: int, now: dt.datetime) -> ApiToken | None:
    """Revoke a token (once: a second revoke keeps the first time); None when there is no such token."""
    row = session.get(ApiTokenRow, token_id)
    if row is None:
        return None
    if row.revoked is None:
        row.revoked = now
        session.flush()
    login = session.scalar(select(AccountRow.login).where(AccountRow.id == row.account_id)) or ""
    return _token(row, login)
