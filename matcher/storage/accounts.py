"""Web accounts in the database. Password hashing is the caller's: only hashes arrive here.

Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.domain.accounts import ROLE_WORDS, ROLES, Account, AccountError, normal_login
from matcher.domain.phrases import phrase
from matcher.storage import AccountRow


def _account(row: AccountRow) -> Account:
    return Account(
        id=row.id,
        login=row.login,
        person_id=row.person_id,
        role=row.role,
        locale=row.locale,
        active=row.active,
        session_version=row.session_version,
        password_hash=row.password_hash,
        created=row.created,
        password_changed=row.password_changed,
    )


def add_account(
    session: Session,
    login: str,
    *,
    role: str,
    password_hash: str,
    person_id: str | None,
    now: dt.datetime,
) -> Account:
    login = normal_login(login)
    if not login:
        raise AccountError("login", phrase("a login is needed (usually the work e-mail address)"))
    if role not in ROLES:
        raise _unknown_role(role)
    if session.scalar(select(AccountRow.id).where(AccountRow.login == login)) is not None:
        raise AccountError("login", phrase("there is already an account '{login}'", login=login))
    if person_id is not None and account_of_person(session, person_id) is not None:
        raise AccountError("person", phrase("person {person} already has an account", person=person_id))
    row = AccountRow(
        login=login,
        person_id=person_id,
        role=role,
        password_hash=password_hash,
        locale=None,
        active=True,
        session_version=0,
        created=now,
        password_changed=now,
    )
    session.add(row)
    session.flush()
    return _account(row)


def _unknown_role(role: str) -> AccountError:
    roles = [ROLE_WORDS[r] for r in ROLES]
    return AccountError(
        "role", phrase("the role must be one of {roles:list}, not '{role}'", roles=roles, role=role)
    )


def account(session: Session, account_id: int) -> Account | None:
    row = session.get(AccountRow, account_id)
    return _account(row) if row else None


def account_by_login(session: Session, login: str) -> Account | None:
    row = session.scalars(select(AccountRow).where(AccountRow.login == normal_login(login))).one_or_none()
    return _account(row) if row else None


def account_of_person(session: Session, person_id: str) -> Account | None:
    row = session.scalars(select(AccountRow).where(AccountRow.person_id == person_id)).one_or_none()
    return _account(row) if row else None


def accounts(session: Session) -> list[Account]:
    return [_account(row) for row in session.scalars(select(AccountRow).order_by(AccountRow.login))]


def count_accounts(session: Session, role: str | None = None, *, active: bool | None = None) -> int:
    query = select(func.count(AccountRow.id))
    if role is not None:
        query = query.where(AccountRow.role == role)
    if active is not None:
        query = query.where(AccountRow.active == active)
    return session.scalar(query) or 0


def _last_hr(session: Session, row: AccountRow) -> bool:
    """Whether this is the only HR account that can log in: an account switched off does not count."""
    return row.role == "hr" and row.active and count_accounts(session, "hr", active=True) <= 1


def _row(session: Session, account_id: int) -> AccountRow:
    row = session.get(AccountRow, account_id)
    if row is None:
        raise AccountError("account", phrase("there is no account {id}", id=str(account_id)))
    return row


def set_password(session: Session, account_id: int, password_hash: str, *, now: dt.datetime) -> Account:
    """A new password ends every session started with the old one."""
    row = _row(session, account_id)
    row.password_hash = password_hash
    row.password_changed = now
    row.session_version += 1
    session.flush()
    return _account(row)


def end_sessions(session: Session, account_id: int) -> None:
    """End every session of the account: a signed session cookie copied earlier stops working."""
    _row(session, account_id).session_version += 1
    session.flush()


def set_locale(session: Session, account_id: int, locale: str | None) -> None:
    _row(session, account_id).locale = locale
    session.flush()


def set_role(session: Session, account_id: int, role: str) -> Account:
    if role not in ROLES:
        raise _unknown_role(role)
    row = _row(session, account_id)
    if role != "hr" and _last_hr(session, row):
        raise AccountError("role", phrase("this is the last HR account; make another one HR first"))
    row.role = role
    session.flush()
    return _account(row)


def set_active(session: Session, account_id: int, active: bool) -> Account:
    row = _row(session, account_id)
    if not active and _last_hr(session, row):
        raise AccountError("active", phrase("this is the last HR account; it cannot be switched off"))
    row.active = active
    row.session_version += 1
    session.flush()
    return _account(row)
