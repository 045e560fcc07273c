"""Single sign-on in Chromium against a real OpenID Connect provider (tests/oidc_server.py), in
English and in Dutch: "Log in with …" leads to the provider's login, back in meeloop the person is
logged in with the role of their groups; logging out ends meeloop's session and the provider's (the
next "Log in with …" asks for the password again); someone not on the talent map is refused with
a message. axe-core finds nothing on the login page with the button or with the refusal, which fits
at 1280 px and 320 px."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from matcher.services import accounts
from tests.conftest import ARTEFACTS
from tests.e2e.test_accessibility import AXE, WIDE, Findings, Visit
from tests.oidc_server import serve, sso_config
from tests.orgs import mentoring_org
from tests.web.rounds.support import close_app, db_of, import_organisation
from tests.webtools import make_app


def log_in_at_the_provider(tab, login: str) -> None:
    tab.locator("input[name=login]").wait_for()
    tab.fill("input[name=login]", login)
    tab.fill("input[name=password]", "anything")
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    # The provider asks once to let meeloop have the claims.
    if tab.locator("button.login-submit").count():
        with tab.expect_navigation():
            tab.click("button.login-submit")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_single_sign_on_logs_in_with_the_role_of_the_groups_and_logs_out_of_both(
    sqlite_url, tmp_path, browser, oidc_provider, language
):
    if not AXE.exists():
        pytest.fail("this test needs axe-core in node_modules: run 'npm ci' (bash .ci/run does)")
    engine = AXE.read_text(encoding="utf-8")
    import_organisation(sqlite_url, mentoring_org(), tmp_path)
    app = make_app(sqlite_url, TESTING=False, **sso_config(oidc_provider.issuer))
    findings = Findings([], Counter())
    try:
        with serve(app, oidc_provider.app_port) as base:
            context = browser.new_context(viewport=WIDE, locale=language)
            tab = context.new_page()
            tab.goto(f"{base}/login")
            button = tab.locator("#sso-login")
            assert button.inner_text() == (
                "Log in with Wadloo ID" if language == "en" else "Inloggen met Wadloo ID"
            )
            assert tab.locator("#password").count() == 1, "the password login stays"
            findings.check(tab, "anonymous", language, Visit("login with sso", tab.url), engine)
            (ARTEFACTS / language).mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(ARTEFACTS / language / "login-sso.png"), full_page=True)

            button.click()
            tab.wait_for_url(re.compile(f"^{re.escape(oidc_provider.issuer)}/"))
            log_in_at_the_provider(tab, "olga")
            tab.wait_for_url(f"{base}/")
            account = accounts.account_of_person(db_of(app), "olga")
            assert account is not None and account.role == "hr"
            assert tab.locator("header").get_by_text("olga@wadloo.example").count() == 1
            assert tab.goto(f"{base}/hr/rounds/").status == 200

            # Logging out: meeloop's session ends, then the provider asks to end its own.
            tab.click("header form[action$='/logout'] button")
            tab.wait_for_url(re.compile(f"^{re.escape(oidc_provider.issuer)}/"))
            with tab.expect_navigation():
                tab.click("button[name=logout]")
            tab.wait_for_url(re.compile(f"^{re.escape(base)}/login"))
            assert tab.goto(f"{base}/hr/rounds/").url.startswith(f"{base}/login")
            # The provider's session ended too: it asks who is there again.
            tab.goto(f"{base}/login")
            tab.click("#sso-login")
            tab.wait_for_url(re.compile(f"^{re.escape(oidc_provider.issuer)}/"))
            tab.locator("input[name=login]").wait_for()
            assert tab.locator("input[name=password]").count() == 1

            # Someone not on the talent map is refused, and stays logged out.
            log_in_at_the_provider(tab, "stranger")
            tab.wait_for_url(re.compile(f"^{re.escape(base)}/login/oidc/callback"))
            refusal = tab.locator("main [role=alert]").inner_text()
            assert "stranger@elsewhere.example" in refusal
            assert ("is not on the talent map" in refusal) == (language == "en")
            findings.check(tab, "anonymous", language, Visit("sso refused", tab.url), engine)
            tab.screenshot(path=str(ARTEFACTS / language / "login-sso-refused.png"), full_page=True)
            assert tab.goto(f"{base}/me/profile").url.startswith(f"{base}/login")
            assert accounts.account_by_login(db_of(app), "stranger@elsewhere.example") is None
            context.close()
    finally:
        close_app(app)
    assert not findings.problems, "\n".join(findings.problems)
