"""A real OpenID Connect provider for the tests that ask for one: the npm ``oidc-provider``
(certified by the OpenID Foundation) run by ``node tests/oidc/provider.mjs`` on a free port, started
the first time a test needs it and stopped when the test session ends. Its client sends people back
to meeloop served on ``peer.app_port`` (see :func:`serve`) and to ``http://localhost`` (Flask's test
client); its accounts are :data:`ACCOUNTS`, and any password logs them in."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from flask import Flask
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
NODE_HINT = "the single sign-on tests need Node.js and 'npm ci' (bash .ci/run does both)"
#: How long the provider may take to serve its discovery document before the tests give up.
STARTUP = 30.0
CLIENT_ID = "meeloop"
CLIENT_SECRET = "meeloop-test-secret-that-is-long-enough"
HR_GROUP = "meeloop-hr"
MANAGER_GROUP = "meeloop-managers"
#: The provider's accounts by login, with their claims.
ACCOUNTS = {
    "olga": {
        "email": "Olga@wadloo.example",
        "email_verified": True,
        "employee_number": "olga",
        "groups": [HR_GROUP, "staff"],
    },
    "niels": {
        "email": "niels@wadloo.example",
        "email_verified": True,
        "employee_number": "niels",
        "groups": [MANAGER_GROUP],
    },
    "pim": {
        "email": "pim@wadloo.example",
        "email_verified": True,
        "employee_number": "pim",
        "groups": ["staff"],
    },
    "stranger": {
        "email": "stranger@elsewhere.example",
        "email_verified": True,
        "employee_number": "x9",
        "groups": [],
    },
}


@dataclass(frozen=True)
class Peer:
    issuer: str
    app_port: int

    @property
    def app_base(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _discovered(issuer: str) -> bool:
    try:
        return httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.fail(NODE_HINT)
    port, app_port = _free_port(), _free_port()
    setup = {
        "port": port,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [
            f"http://127.0.0.1:{app_port}/login/oidc/callback",
            "http://localhost/login/oidc/callback",
        ],
        "post_logout_redirect_uris": [f"http://127.0.0.1:{app_port}/login", "http://localhost/login"],
        "accounts": ACCOUNTS,
    }
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ROOT,
            env={**os.environ, "PROVIDER_SETUP": json.dumps(setup)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        while not _discovered(issuer):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the OpenID provider did not start: {log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield Peer(issuer, app_port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sso_config(issuer: str, **changes: str) -> dict[str, object]:
    """The app settings for single sign-on with this provider."""
    from matcher.services.sso import SsoSettings

    settings = SsoSettings(
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        hr_group=HR_GROUP,
        manager_group=MANAGER_GROUP,
        name="Wadloo ID",
    )
    return {
        "OIDC": SsoSettings(**{**settings.__dict__, **changes}),
        "OIDC_SCOPES": "openid email profile groups employee",
    }


@contextmanager
def serve(app: Flask, port: int) -> Iterator[str]:
    """The app on a real HTTP server on this loopback port (the one the provider sends back to)."""
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        http.shutdown()
        http.server_close()
        thread.join(timeout=5)
