"""Who a verified single sign-on is: the person by e-mail address or employee number, the role by the
groups, the account made once and its role set again at each login, with the last HR account kept
and a switched-off account refused."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.domain.accounts import AccountError
from matcher.io import orgjson
from matcher.services import accounts, organisation, sso
from tests.orgs import mentoring_org

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
SETTINGS = sso.SsoSettings(
    issuer="https://login.example", client_id="m", client_secret="s", hr_group="hr", manager_group="lead"
)


@pytest.fixture
def mapped(db, tmp_path):
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json")
    return db


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["hr", "lead"], "hr"),
        (["lead"], "manager"),
        ("lead", "manager"),
        (["staff"], "employee"),
        (None, "employee"),
    ],
)
def test_the_groups_give_the_role_hr_before_manager(groups, role):
    assert sso.role_of({"groups": groups}, SETTINGS) == role


def test_the_first_login_makes_the_account_and_a_later_one_sets_the_role_again(mapped):
    made = sso.sign_in(mapped, {"email": "MARIT@wadloo.example", "groups": ["lead"]}, SETTINGS, now=NOW)
    assert (made.person_id, made.role, made.login) == ("marit", "manager", "marit@wadloo.example")
    again = sso.sign_in(mapped, {"email": "marit@wadloo.example", "groups": []}, SETTINGS, now=NOW)
    assert (again.id, again.role) == (made.id, "employee")
    assert len(accounts.accounts(mapped)) == 1


def test_an_account_made_by_hand_with_the_address_as_login_is_used(mapped):
    first = accounts.add_account(
        mapped, "niels@wadloo.example", role="hr", password="x" * 12, person_id=None, now=NOW
    )
    # Handed over only on an address the provider has verified.
    with pytest.raises(AccountError):
        sso.sign_in(mapped, {"email": "niels@wadloo.example", "groups": ["hr"]}, SETTINGS, now=NOW)
    verified = {"email": "niels@wadloo.example", "email_verified": True, "groups": ["hr"]}
    signed = sso.sign_in(mapped, verified, SETTINGS, now=NOW)
    assert signed.id == first.id
    assert len(accounts.accounts(mapped)) == 1


def test_an_address_the_provider_has_not_verified_finds_nobody(mapped):
    claims = {"email": "marit@wadloo.example", "email_verified": False, "groups": ["hr"]}
    with pytest.raises(AccountError) as refused:
        sso.sign_in(mapped, claims, SETTINGS, now=NOW)
    assert "has not verified your e-mail address" in str(refused.value.message)
    assert accounts.accounts(mapped) == []


def test_an_account_with_the_address_as_login_but_for_someone_else_is_not_used(mapped):
    accounts.add_account(
        mapped, "niels@wadloo.example", role="hr", password="x" * 12, person_id="olga", now=NOW
    )
    with pytest.raises(AccountError):
        sso.sign_in(mapped, {"email": "niels@wadloo.example", "groups": ["hr"]}, SETTINGS, now=NOW)
    assert accounts.account_of_person(mapped, "niels") is None


def test_the_last_hr_account_keeps_its_role(mapped):
    hr = sso.sign_in(mapped, {"email": "olga@wadloo.example", "groups": ["hr"]}, SETTINGS, now=NOW)
    again = sso.sign_in(mapped, {"email": "olga@wadloo.example", "groups": []}, SETTINGS, now=NOW)
    assert (again.id, again.role) == (hr.id, "hr")


def test_a_switched_off_account_is_refused(mapped):
    made = sso.sign_in(mapped, {"email": "pim@wadloo.example"}, SETTINGS, now=NOW)
    sso.sign_in(mapped, {"email": "olga@wadloo.example", "groups": ["hr"]}, SETTINGS, now=NOW)
    accounts.set_active(mapped, made.id, False)
    with pytest.raises(AccountError) as refused:
        sso.sign_in(mapped, {"email": "pim@wadloo.example"}, SETTINGS, now=NOW)
    assert refused.value.field == "active"


@pytest.mark.parametrize(
    ("claims", "field"),
    [({"email": "nobody@wadloo.example"}, "person"), ({"sub": "x"}, "claim"), ({"email": ""}, "claim")],
)
def test_claims_that_find_nobody_are_refused_and_nothing_is_made(mapped, claims, field):
    with pytest.raises(AccountError) as refused:
        sso.sign_in(mapped, claims, SETTINGS, now=NOW)
    assert refused.value.field == field
    assert accounts.accounts(mapped) == []


def test_the_employee_number_is_the_persons_id(mapped):
    by_number = sso.SsoSettings(**{**SETTINGS.__dict__, "claim": "employee_number"})
    made = sso.sign_in(mapped, {"employee_number": "tom", "email": "other@x.example"}, by_number, now=NOW)
    assert made.person_id == "tom"
