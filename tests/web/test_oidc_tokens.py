"""Single sign-on refuses an ID token that fails a check, with a message in the reader's language,
and changes nothing: no account is made and nobody is logged in. The tokens are forged here, signed
with a local key, and handed out by a small provider on loopback that serves discovery, its keys
and a token endpoint; meeloop's own code (Authlib) checks them as it checks a real provider's."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from matcher.io import orgjson
from matcher.services import accounts, organisation
from tests.oidc_server import CLIENT_ID, HR_GROUP, sso_config
from tests.orgs import mentoring_org
from tests.webtools import make_app

KEY = RSAKey.generate_key(2048, parameters={"kid": "signing"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "signing"})


@dataclass
class ForgingProvider:
    """What the token endpoint hands out next: these claims, signed with this key."""

    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    key: RSAKey = field(default_factory=lambda: KEY)

    def id_token(self) -> str:
        return jwt.encode({"alg": "RS256", "kid": "signing"}, self.claims, self.key)


@pytest.fixture
def provider() -> Iterator[ForgingProvider]:
    forging = ForgingProvider()

    class Handler(BaseHTTPRequestHandler):
        def _json(self, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/.well-known/openid-configuration":
                self._json(
                    {
                        "issuer": forging.issuer,
                        "authorization_endpoint": f"{forging.issuer}/auth",
                        "token_endpoint": f"{forging.issuer}/token",
                        "jwks_uri": f"{forging.issuer}/jwks",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                )
            elif self.path == "/jwks":
                self._json({"keys": [KEY.as_dict(private=False)]})
            else:
                self.send_error(404)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            token = {"access_token": "opaque", "token_type": "Bearer", "expires_in": 300}
            self._json({**token, "id_token": forging.id_token()})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    forging.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield forging
    server.shutdown()
    server.server_close()


@pytest.fixture
def app(sqlite_url, tmp_path, provider):
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    db = organisation.Database(sqlite_url)
    organisation.import_file(db, tmp_path / "org.json")
    db.dispose()
    app = make_app(sqlite_url, **sso_config(provider.issuer))
    yield app
    app.extensions["meeloop"]["db"].dispose()


def _good_claims(provider: ForgingProvider, nonce: str) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": provider.issuer,
        "sub": "olga-at-the-provider",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        "email": "olga@wadloo.example",
        "groups": [HR_GROUP],
    }


def _sign_in(app, provider: ForgingProvider, language: str = "en", **changes: Any):
    """Start a login, let the provider hand out the good claims with ``changes``, come back."""
    client = app.test_client()
    client.get("/login", headers={"Accept-Language": language})
    started = client.get("/login/oidc")
    assert started.status_code == 302
    asked = parse_qs(urlsplit(started.headers["Location"]).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["code_challenge"]
    provider.claims = {**_good_claims(provider, asked["nonce"][0]), **changes}
    back = client.get(
        "/login/oidc/callback",
        query_string={"code": "from-the-provider", "state": asked["state"][0]},
        headers={"Accept-Language": language},
    )
    return client, back


def _logged_in(client) -> bool:
    return client.get("/me/profile").status_code == 200


def test_a_good_token_logs_the_person_in_and_makes_their_account_with_the_role_of_their_groups(app, provider):
    client, back = _sign_in(app, provider)
    assert back.status_code == 302, back.get_data(as_text=True)
    account = accounts.account_of_person(app.extensions["meeloop"]["db"], "olga")
    assert account is not None and account.role == "hr" and account.login == "olga@wadloo.example"
    assert _logged_in(client)


REFUSALS = {
    "a wrong audience": ({"aud": "another-application"}, "meant for another application"),
    "a wrong audience that names meeloop its party": (
        {"aud": "another-application", "azp": CLIENT_ID},
        "meant for another application",
    ),
    "an expired token": ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "has expired"),
    "a wrong nonce": ({"nonce": "replayed"}, "could not be verified"),
    "another issuer": ({"iss": "https://evil.example"}, "could not be verified"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_token_that_fails_a_check_is_refused_with_a_message_and_nothing_changes(app, provider, case):
    changes, message = REFUSALS[case]
    client, back = _sign_in(app, provider, **changes)
    assert back.status_code == 401
    assert message in back.get_data(as_text=True)
    assert accounts.accounts(app.extensions["meeloop"]["db"]) == []
    assert not _logged_in(client)


def test_a_token_signed_with_another_key_is_refused(app, provider):
    provider.key = OTHER_KEY
    client, back = _sign_in(app, provider)
    assert back.status_code == 401
    assert "could not be verified" in back.get_data(as_text=True)
    assert accounts.accounts(app.extensions["meeloop"]["db"]) == []
    assert not _logged_in(client)


def test_the_refusal_is_in_the_readers_language(app, provider):
    _client, back = _sign_in(app, provider, "nl", aud="another-application")
    assert back.status_code == 401
    assert "andere toepassing" in back.get_data(as_text=True)


def test_a_callback_without_the_state_of_a_started_login_is_refused(app, provider):
    client = app.test_client()
    back = client.get("/login/oidc/callback", query_string={"code": "x", "state": "made-up"})
    assert back.status_code == 401
    assert accounts.accounts(app.extensions["meeloop"]["db"]) == []


def test_a_provider_that_cannot_be_reached_gets_a_message_and_the_password_form_stays(sqlite_url):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        issuer = f"http://127.0.0.1:{closed.getsockname()[1]}"
    app = make_app(sqlite_url, **sso_config(issuer))
    try:
        answer = app.test_client().get("/login/oidc")
        assert answer.status_code == 502
        page = answer.get_data(as_text=True)
        assert "cannot be reached" in page and 'name="password"' in page
    finally:
        app.extensions["meeloop"]["db"].dispose()
