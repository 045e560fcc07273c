"""Use cases for web accounts: who may log in, with which role, and their passwords.

Passwords are hashed here (scrypt, as werkzeug writes it) and only hashes are stored. Each function
is one transaction; refusals are :class:`~matcher.domain.accounts.AccountError` with the field.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from matcher.domain.accounts import Account, AccountError, normal_login
from matcher.domain.phrases import phrase
from matcher.storage import Database, load_people, load_person
from matcher.storage import accounts as store


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(account: Account, password: str) -> bool:
    return check_password_hash(account.password_hash, password)


def account(db: Database, account_id: int) -> Account | None:
    with db.transaction() as session:
        return store.account(session, account_id)


def account_by_login(db: Database, login: str) -> Account | None:
    with db.transaction() as session:
        return store.account_by_login(session, login)


def account_of_person(db: Database, person_id: str) -> Account | None:
    with db.transaction() as session:
        return store.account_of_person(session, person_id)


def accounts(db: Database) -> list[Account]:
    with db.transaction() as session:
        return store.accounts(session)


def log_in(db: Database, login: str, password: str) -> Account | None:
    """The active account with this login and password; None for anything else.

    The password is checked against a hash every time, a stand-in one when there is no such
    account, so that how long a refusal takes does not tell which accounts exist."""
    found = account_by_login(db, login)
    matches = check_password_hash(found.password_hash if found else _stand_in_hash(), password)
    if found is None or not found.active or not matches:
        return None
    return found


@cache
def _stand_in_hash() -> str:
    """A hash of a random password, made the same way as the real ones, so it costs as much."""
    return hash_password(secrets.token_urlsafe(32))


def add_account(
    db: Database, login: str, *, role: str, password: str, person_id: str | None, now: dt.datetime
) -> Account:
    """A new account; for a person on the talent map when ``person_id`` is given."""
    with db.transaction() as session:
        if person_id is not None and load_person(session, person_id) is None:
            raise AccountError(
                "person", phrase("there is nobody with the id '{person}' on the talent map", person=person_id)
            )
        return store.add_account(
            session, login, role=role, password_hash=hash_password(password), person_id=person_id, now=now
        )


def add_person_accounts(
    db: Database, wanted: Iterable[tuple[str, str, str]], *, now: dt.datetime
) -> list[tuple[str, str, str]]:
    """Accounts for people on the map who have none yet: ``(person id, role, password)`` each,
    logging in with their e-mail address. Says which were made: ``(login, role, password)``."""
    made = []
    with db.transaction() as session:
        for person_id, role, password in wanted:
            person = load_person(session, person_id)
            if person is None or store.account_of_person(session, person_id) is not None:
                continue
            store.add_account(
                session,
                person.email,
                role=role,
                password_hash=hash_password(password),
                person_id=person_id,
                now=now,
            )
            made.append((person.email, role, password))
    return made


#: How a password meeloop made itself is hashed when many are made at once. Such a password is
#: random (at least 96 bits), so no guessing reaches it however fast the hash: a cheap one keeps it
#: as safe as scrypt keeps a password a person chose, and a thousand accounts take a second, not
#: minutes. A password a person chooses is always hashed with scrypt (:func:`hash_password`).
MADE_PASSWORD_METHOD = "pbkdf2:sha256:1000"


@dataclass(frozen=True)
class MadeAccounts:
    """What making accounts for many people did: the accounts made, each ``(person id, login,
    one-time password)``, and who was passed over, each ``(person id, reason)``."""

    made: tuple[tuple[str, str, str], ...]
    passed_over: tuple[tuple[str, str], ...]


def make_accounts(
    db: Database, person_ids: Iterable[str], *, role: str, now: dt.datetime, password: Callable[[], str]
) -> MadeAccounts:
    """Accounts for many people on the map at once, each logging in with their work e-mail
    address and a one-time password from ``password()`` (random: see :data:`MADE_PASSWORD_METHOD`).
    People who already have an account, whose address is already someone's login, or who have no
    address are passed over with the reason. One transaction."""
    made: list[tuple[str, str, str]] = []
    passed: list[tuple[str, str]] = []
    wanted = list(dict.fromkeys(person_ids))
    with db.transaction() as session:
        existing = store.accounts(session)
        taken = {a.login for a in existing}
        having = {a.person_id for a in existing if a.person_id}
        people = load_people(session, wanted)
        for person_id in wanted:
            person = people.get(person_id)
            login = normal_login(person.email) if person else ""
            if person is None:
                passed.append((person_id, phrase("there is nobody with this id on the talent map")))
            elif person_id in having:
                passed.append((person_id, phrase("already has an account")))
            elif not login:
                passed.append((person_id, phrase("has no e-mail address to log in with")))
            elif login in taken:
                passed.append((person_id, phrase("their e-mail address is the login of another account")))
            else:
                secret = password()
                store.add_account(
                    session,
                    login,
                    role=role,
                    password_hash=generate_password_hash(secret, method=MADE_PASSWORD_METHOD),
                    person_id=person_id,
                    now=now,
                )
                taken.add(login)
                made.append((person_id, login, secret))
    return MadeAccounts(tuple(made), tuple(passed))


def set_password(db: Database, account_id: int, password: str, *, now: dt.datetime) -> Account:
    """A new password; the account's other sessions end."""
    with db.transaction() as session:
        return store.set_password(session, account_id, hash_password(password), now=now)


def end_sessions(db: Database, account_id: int) -> None:
    """Log the account out everywhere (at logout): the session cookie is signed, not stored, so
    only a new session version on the server makes a copy of it worthless."""
    with db.transaction() as session:
        store.end_sessions(session, account_id)


def set_role(db: Database, account_id: int, role: str) -> Account:
    with db.transaction() as session:
        return store.set_role(session, account_id, role)


def set_active(db: Database, account_id: int, active: bool) -> Account:
    with db.transaction() as session:
        return store.set_active(session, account_id, active)


def set_locale(db: Database, account_id: int, locale: str | None) -> None:
    with db.transaction() as session:
        store.set_locale(session, account_id, locale)
