"""Single sign-on: who a verified OpenID Connect login is on the talent map, and with which role.

The web layer checks the ID token (signature, issuer, audience, expiry, nonce) and hands the
claims over; this module finds the person by one claim (the work e-mail address, or e.g. an
employee number that is the person's id on the map) and takes the role from a group claim. The
first login of a person makes their account; each later one sets the role the groups give.
Refusals are :class:`~matcher.domain.accounts.AccountError` with a message; nothing is changed then.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from werkzeug.security import generate_password_hash

from matcher.domain.accounts import Account, AccountError, normal_login
from matcher.domain.phrases import phrase
from matcher.domain.problems import Location, Problems
from matcher.io.mail import ENVIRONMENT
from matcher.storage import Database, load_person, people
from matcher.storage import accounts as store

#: Hosts where the issuer may be plain http: a provider on this machine (a test or a demo).
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SsoSettings:
    """The ``MEELOOP_OIDC_*`` settings; ``issuer`` empty when single sign-on is off."""

    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    claim: str = "email"
    groups_claim: str = "groups"
    hr_group: str = ""
    manager_group: str = ""
    name: str = ""

    @property
    def on(self) -> bool:
        return bool(self.issuer)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SsoSettings:
        """The settings of the environment; InvalidInput names each one that is wrong."""
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return (env.get(f"MEELOOP_OIDC_{name}") or default).strip()

        settings = cls(
            issuer=get("ISSUER"),
            client_id=get("CLIENT_ID"),
            client_secret=get("CLIENT_SECRET"),
            claim=get("CLAIM", "email"),
            groups_claim=get("GROUPS_CLAIM", "groups"),
            hr_group=get("HR_GROUP"),
            manager_group=get("MANAGER_GROUP"),
            name=get("NAME"),
        )
        if settings.on:
            settings.check()
        return settings

    def check(self) -> None:
        """InvalidInput naming each setting that is wrong."""
        problems = Problems()
        parts = urlsplit(self.issuer)
        secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)
        if not parts.hostname or not secure or parts.query or parts.fragment:
            problems.add(
                Location(ENVIRONMENT, field="MEELOOP_OIDC_ISSUER"),
                phrase(
                    "'{value}' is not an https:// address (plain http:// only on this machine)",
                    value=self.issuer,
                ),
            )
        for setting, value in (
            ("MEELOOP_OIDC_CLIENT_ID", self.client_id),
            ("MEELOOP_OIDC_CLIENT_SECRET", self.client_secret),
            ("MEELOOP_OIDC_CLAIM", self.claim),
        ):
            if not value:
                problems.add(Location(ENVIRONMENT, field=setting), phrase("needed with MEELOOP_OIDC_ISSUER"))
        problems.raise_if_any()


def role_of(claims: Mapping[str, object], settings: SsoSettings) -> str:
    """The role the group claim gives: HR before manager; anyone else is an employee."""
    found = claims.get(settings.groups_claim)
    groups = {found} if isinstance(found, str) else set(found) if isinstance(found, list | tuple) else set()
    groups = {str(group) for group in groups}
    if settings.hr_group and settings.hr_group in groups:
        return "hr"
    if settings.manager_group and settings.manager_group in groups:
        return "manager"
    return "employee"


def _unusable_password() -> str:
    """A hash of a random password nobody knows: an account made by single sign-on logs in there
    only, until HR gives it a password. The password is random, so a cheap hash is enough."""
    return generate_password_hash(secrets.token_urlsafe(32), method="pbkdf2:sha256:1000")


def sign_in(
    db: Database, claims: Mapping[str, object], settings: SsoSettings, *, now: dt.datetime
) -> Account:
    """The account of the person the verified claims name, made at their first login, with the
    role their groups give. AccountError when the claims name nobody on the map or the account is
    switched off; nothing is changed then."""
    value = claims.get(settings.claim)
    if not isinstance(value, str | int) or not str(value).strip():
        raise AccountError(
            "claim",
            phrase(
                "The sign-in service did not say who you are (no '{claim}'). Ask HR.", claim=settings.claim
            ),
        )
    wanted = str(value).strip()
    # An address the provider says it has not checked could be anyone's (a guest's, one a user
    # typed in themselves): it never finds a person.
    verified = claims.get("email_verified")
    if settings.claim == "email" and (verified is False or str(verified).lower() == "false"):
        raise AccountError(
            "claim",
            phrase(
                "Your sign-in service has not verified your e-mail address, so it cannot say who you are."
            ),
        )
    role = role_of(claims, settings)
    with db.transaction() as session:
        if settings.claim == "email":
            found = people.people_with_email(session, wanted)
            person = found[0] if len(found) == 1 else None
        else:
            person = load_person(session, wanted)
        if person is None:
            raise AccountError(
                "person",
                phrase(
                    "{who} is not on the talent map of this organisation, so you cannot log in here. Ask HR.",
                    who=wanted,
                ),
            )
        account = store.account_of_person(session, person.id)
        if account is None and person.email and verified is True:
            # An account made by hand with the person's address as its login (the first HR account),
            # handed over only on an address the provider has verified; one linked to someone else is
            # not theirs: making a new one below refuses then.
            by_login = store.account_by_login(session, normal_login(person.email))
            account = by_login if by_login is not None and by_login.person_id is None else None
        if account is None:
            return store.add_account(
                session,
                person.email or person.id,
                role=role,
                password_hash=_unusable_password(),
                person_id=person.id,
                now=now,
            )
        if not account.active:
            raise AccountError("active", phrase("Your account is switched off. Ask HR."))
        if account.role == role:
            return account
        try:
            return store.set_role(session, account.id, role)
        except AccountError:
            # The last HR account keeps its role: the organisation must not lock itself out.
            return account
