"""The rules for a personal access token: its fields, its secret and when it works."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.domain.tokens import (
    ACTIVE,
    EXPIRED,
    MAX_DAYS,
    PREFIX,
    REVOKED,
    ApiToken,
    TokenError,
    checked_request,
    digest,
    looks_like_secret,
    new_secret,
)

TODAY = dt.date(2026, 11, 21)


def test_each_secret_is_new_recognisable_and_stored_by_its_digest_only():
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(s.startswith(PREFIX) and looks_like_secret(s) for s in secrets)
    one = next(iter(secrets))
    assert digest(one) == digest(one) and one not in digest(one) and len(digest(one)) == 64


@pytest.mark.parametrize(
    ("name", "scopes", "expires", "field"),
    [
        ("  ", ["people:read"], TODAY + dt.timedelta(days=1), "name"),
        ("x" * 121, ["people:read"], TODAY + dt.timedelta(days=1), "name"),
        ("AFAS", [], TODAY + dt.timedelta(days=1), "scopes"),
        ("AFAS", ["people:write"], TODAY + dt.timedelta(days=1), "scopes"),
        ("AFAS", ["people:read"], None, "expires"),
        ("AFAS", ["people:read"], TODAY, "expires"),
        ("AFAS", ["people:read"], TODAY + dt.timedelta(days=MAX_DAYS + 1), "expires"),
    ],
)
def test_a_token_request_that_breaks_a_rule_names_its_field(name, scopes, expires, field):
    with pytest.raises(TokenError) as refused:
        checked_request(name, scopes, expires, TODAY)
    assert refused.value.field == field


def test_a_token_may_last_up_to_the_longest_expiry():
    assert checked_request(" AFAS ", ["people:read"], TODAY + dt.timedelta(days=MAX_DAYS), TODAY) == "AFAS"


def test_a_token_works_through_its_expiry_day_until_revoked():
    now = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    token = ApiToken(1, 1, "hr", "AFAS", ("people:read",), now, TODAY + dt.timedelta(days=3))
    assert token.state(TODAY + dt.timedelta(days=3)) == ACTIVE
    assert token.state(TODAY + dt.timedelta(days=4)) == EXPIRED
    revoked = ApiToken(1, 1, "hr", "AFAS", ("people:read",), now, TODAY + dt.timedelta(days=3), revoked=now)
    assert revoked.state(TODAY) == REVOKED
