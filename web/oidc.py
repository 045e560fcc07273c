"""Logging in with the organisation's OpenID Connect provider (single sign-on), with Authlib.

The provider is found from its issuer's discovery document. The login is the authorization code
flow with PKCE; Authlib keeps the state and nonce in the session and checks the ID token: its
signature (the provider's JWKS), issuer, audience, expiry and nonce. A token that fails any check
is refused with a message on the login page, and nothing changes: no account, no session.
matcher/services/sso.py says who the claims are. Logging out ends the provider's session too
when it offers an ``end_session_endpoint`` (RP-initiated logout).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError

from matcher.domain.accounts import AccountError
from matcher.services import sso
from web import CONTENT_SECURITY_POLICY
from web.context import database
from web.params import local_path
from web.shared_state import new_session

oidc = Blueprint("oidc", __name__)

#: Where the session keeps the ID token of a login by single sign-on, for the provider's logout.
ID_TOKEN = "oidc_id_token"
_NEXT = "oidc_next"
#: How long discovery and the token request may take before the login is refused.
TIMEOUT = 15


def configure(app: Flask) -> None:
    """Single sign-on when ``MEELOOP_OIDC_ISSUER`` is set (or the app's ``OIDC`` settings are given);
    a wrong setting stops the start with a message naming it."""
    settings = app.config.get("OIDC") or sso.SsoSettings.from_env()
    if settings.on:
        settings.check()
    app.extensions["meeloop"]["sso"] = settings
    app.register_blueprint(oidc)
    if not settings.on:
        return
    registry = OAuth(app)
    registry.register(
        "provider",
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=f"{settings.issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config.get("OIDC_SCOPES") or "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT,
        },
    )
    app.extensions["meeloop"]["oidc"] = registry.create_client("provider")
    app.after_request(_allow_logout_form)


def _settings() -> sso.SsoSettings:
    settings: sso.SsoSettings = current_app.extensions["meeloop"]["sso"]
    return settings


def _client() -> Any:
    client = current_app.extensions["meeloop"].get("oidc")
    if client is None:
        abort(404)
    return client


def button_label() -> str:
    """What the login button says: the provider's name when one is set."""
    name = _settings().name
    if name:
        return _("Log in with %(name)s", name=name)
    return _("Log in with your organisation account")


@oidc.app_context_processor
def login_button() -> dict[str, Any]:
    on = "sso" in current_app.extensions.get("meeloop", {}) and _settings().on
    return {"sso_button": button_label() if on else None}


@oidc.get("/login/oidc")
def start() -> Any:
    client = _client()
    session[_NEXT] = local_path(request.args.get("next"))
    try:
        return client.authorize_redirect(url_for("oidc.callback", _external=True))
    except requests.RequestException:
        current_app.logger.warning("single sign-on: the provider's discovery cannot be read")
        return _refused(_("The sign-in service cannot be reached now. Try again later."), 502)


@oidc.get("/login/oidc/callback")
def callback() -> Any:
    client = _client()
    try:
        token = client.authorize_access_token(claims_options=_claims_options(client))
    except requests.RequestException:
        current_app.logger.warning("single sign-on: the provider cannot be reached")
        return _refused(_("The sign-in service cannot be reached now. Try again later."), 502)
    except (OAuthError, JoseError, ValueError) as error:
        current_app.logger.warning("single sign-on refused: %s", error)
        return _refused(_token_problem(error), 401)
    claims = token.get("userinfo")
    if not claims:
        return _refused(_("The sign-in service sent no identity. Nothing was changed."), 401)
    try:
        account = sso.sign_in(database(), claims, _settings(), now=dt.datetime.now(dt.UTC))
    except AccountError as error:
        current_app.logger.warning("single sign-on refused for %s: %s", claims.get("sub"), error)
        return _refused(error.message, 403)
    target = session.get(_NEXT)
    # A new session: nothing from before the login (a fixed session id) is carried over.
    new_session()
    from web.auth import User

    login_user(User(account))
    session[ID_TOKEN] = token.get("id_token")
    if account.locale:
        session["locale"] = account.locale
    current_app.logger.info("login by single sign-on: account %s", account.id)
    return redirect(target or url_for("pages.index"))


def _claims_options(client: Any) -> dict[str, Any]:
    """The ID token must come from the discovered issuer and be meant for meeloop. Authlib checks
    the issuer by itself, but the audience only through ``azp``: a token for another application
    that names meeloop as its authorized party would pass, so the audience is asked for here."""
    issuer = client.load_server_metadata().get("issuer") or _settings().issuer
    return {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": _settings().client_id},
    }


def _token_problem(error: Exception) -> str:
    if isinstance(error, InvalidClaimError) and error.claim == "aud":
        return _("The sign-in was meant for another application, not for this one. Nothing was changed.")
    if isinstance(error, ExpiredTokenError):
        return _("The sign-in has expired. Nothing was changed; please log in again.")
    return _("The sign-in could not be verified. Nothing was changed; please log in again.")


def _refused(problem: str, status: int) -> Any:
    from web.auth import LoginForm

    session.pop(_NEXT, None)
    return render_template("auth/login.html", form=LoginForm(), sso_problem=problem), status


def logout_target() -> str | None:
    """Where logging out goes next: the provider's end of session for a login by single sign-on,
    when it has one; None otherwise. Read before the session is cleared."""
    id_token = session.get(ID_TOKEN)
    client = current_app.extensions["meeloop"].get("oidc")
    if not id_token or client is None:
        return None
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        made = client.create_logout_url(
            post_logout_redirect_uri=url_for("auth.login", _external=True),
            id_token_hint=id_token,
            client_id=_settings().client_id,
        )
    except requests.RequestException:
        return None
    return str(made["url"])


def _allow_logout_form(response: Response) -> Response:
    """Pages of a login by single sign-on let the logout form's answer go on to the provider's end
    of session: a browser holds a form's redirects to the page's ``form-action`` too."""
    if ID_TOKEN not in session or "Content-Security-Policy" in response.headers:
        return response
    try:
        # Read once, then kept by the client.
        ending = current_app.extensions["meeloop"]["oidc"].load_server_metadata().get("end_session_endpoint")
    except requests.RequestException:
        ending = None
    if ending:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(ending))
        policy = CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origin}")
        response.headers["Content-Security-Policy"] = policy
    return response
