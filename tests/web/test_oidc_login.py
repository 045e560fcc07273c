"""Single sign-on against a real OpenID Connect provider (tests/oidc_server.py): the first login makes
the person's account with the role of their groups, later logins set the role again, the person is
found by e-mail address or by employee number, someone not on the talent map is refused, and
logging out goes to the provider's end of session. The provider's login and consent pages are
filled in here by a plain HTTP client, as a browser would (tests/e2e/test_oidc_login.py uses one)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from matcher.domain.problems import InvalidInput
from matcher.io import orgjson
from matcher.services import accounts, organisation
from matcher.services.sso import SsoSettings
from tests.oidc_server import sso_config
from tests.orgs import mentoring_org
from tests.webtools import add_account, make_app, post_form

_FORM = re.compile(r'<form[^>]*action="([^"]+)"')


@pytest.fixture
def setup(sqlite_url, tmp_path, oidc_provider):
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    db = organisation.Database(sqlite_url)
    organisation.import_file(db, tmp_path / "org.json")
    db.dispose()
    made = []

    def app_with(**changes: str):
        app = make_app(sqlite_url, **sso_config(oidc_provider.issuer, **changes))
        made.append(app)
        return app

    yield app_with
    for app in made:
        app.extensions["meeloop"]["db"].dispose()


def at_the_provider(provider: httpx.Client, address: str, login: str) -> str:
    """Log in at the provider's pages and agree; where it sends the browser back to meeloop."""
    while True:
        answer = provider.get(address) if address else None
        assert answer is not None
        if answer.is_redirect:
            address = urljoin(address, answer.headers["location"])
            if address.startswith("http://localhost/"):
                return address
            continue
        action = _FORM.search(answer.text)
        assert action, answer.text[:500]
        target = urljoin(address, action.group(1))
        data = {"login": login, "password": "anything"} if 'name="login"' in answer.text else {}
        posted = provider.post(target, data={"prompt": "login" if data else "consent", **data})
        assert posted.is_redirect, posted.text[:500]
        address = urljoin(target, posted.headers["location"])
        if address.startswith("http://localhost/"):
            return address


def sign_in(client, provider: httpx.Client, login: str):
    started = client.get("/login/oidc")
    assert started.status_code == 302
    back = at_the_provider(provider, started.headers["Location"], login)
    parts = urlsplit(back)
    return client.get(parts.path, query_string=parts.query)


def test_the_first_login_makes_the_account_with_the_role_of_the_groups(setup):
    app = setup()
    with httpx.Client() as provider:
        back = sign_in(app.test_client(), provider, "olga")
    assert back.status_code == 302, back.get_data(as_text=True)[:800]
    account = accounts.account_of_person(app.extensions["meeloop"]["db"], "olga")
    assert account is not None
    assert (account.login, account.role) == ("olga@wadloo.example", "hr")


def test_a_later_login_sets_the_role_from_the_groups_again(setup):
    app = setup()
    add_account(app, "pim@wadloo.example", "manager", "pim")
    client = app.test_client()
    with httpx.Client() as provider:
        assert sign_in(client, provider, "pim").status_code == 302
    account = accounts.account_of_person(app.extensions["meeloop"]["db"], "pim")
    assert account is not None and account.role == "employee"
    assert client.get("/me/profile").status_code == 200


def test_the_employee_number_can_find_the_person(setup):
    app = setup(claim="employee_number")
    with httpx.Client() as provider:
        assert sign_in(app.test_client(), provider, "niels").status_code == 302
    account = accounts.account_of_person(app.extensions["meeloop"]["db"], "niels")
    assert account is not None and account.role == "manager"


@pytest.mark.parametrize("claim", ["email", "employee_number"])
def test_someone_not_on_the_talent_map_is_refused_and_nothing_is_made(setup, claim):
    app = setup(claim=claim)
    client = app.test_client()
    with httpx.Client() as provider:
        back = sign_in(client, provider, "stranger")
    assert back.status_code == 403
    assert "is not on the talent map" in back.get_data(as_text=True)
    assert accounts.accounts(app.extensions["meeloop"]["db"]) == []
    assert client.get("/me/profile").status_code == 302


def test_logging_out_ends_the_providers_session_too(setup, oidc_provider):
    app = setup()
    client = app.test_client()
    with httpx.Client() as provider:
        assert sign_in(client, provider, "olga").status_code == 302
        out = post_form(client, "/logout", {}, form_page="/me/profile")
        assert out.status_code == 302
        ending = urlsplit(out.headers["Location"])
        assert f"{ending.scheme}://{ending.netloc}" == oidc_provider.issuer
        asked = parse_qs(ending.query)
        assert asked["post_logout_redirect_uri"] == ["http://localhost/login"]
        assert asked["id_token_hint"][0].count(".") == 2
    assert client.get("/me/profile").status_code == 302


def test_the_login_page_offers_the_provider_only_when_it_is_set(setup, sqlite_url):
    with_it = setup().test_client().get("/login").get_data(as_text=True)
    assert "Log in with Wadloo ID" in with_it and "/login/oidc" in with_it
    without = make_app(sqlite_url).test_client().get("/login").get_data(as_text=True)
    assert "/login/oidc" not in without
    assert make_app(sqlite_url).test_client().get("/login/oidc").status_code == 404


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"MEELOOP_OIDC_ISSUER": "ftp://login.example"}, ["MEELOOP_OIDC_ISSUER"]),
        ({"MEELOOP_OIDC_ISSUER": "http://login.example"}, ["MEELOOP_OIDC_ISSUER"]),
        ({"MEELOOP_OIDC_ISSUER": "not a url"}, ["MEELOOP_OIDC_ISSUER"]),
        ({"MEELOOP_OIDC_CLIENT_SECRET": ""}, ["MEELOOP_OIDC_CLIENT_SECRET"]),
        (
            {"MEELOOP_OIDC_CLIENT_ID": "", "MEELOOP_OIDC_CLIENT_SECRET": ""},
            ["MEELOOP_OIDC_CLIENT_ID", "MEELOOP_OIDC_CLIENT_SECRET"],
        ),
    ],
)
def test_a_bad_setting_stops_the_start_with_a_message_naming_it(sqlite_url, monkeypatch, environ, named):
    good = {"MEELOOP_OIDC_ISSUER": "https://login.example", "MEELOOP_OIDC_CLIENT_ID": "m"}
    for name, value in {**good, "MEELOOP_OIDC_CLIENT_SECRET": "s", **environ}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InvalidInput) as refused:
        make_app(sqlite_url)
    assert [problem.where.field for problem in refused.value.problems] == named


def test_without_an_issuer_single_sign_on_is_off():
    assert not SsoSettings.from_env({"MEELOOP_OIDC_CLIENT_ID": "m"}).on
