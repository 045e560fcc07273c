"""The peers a linked calendar is read from, real and on loopback.

* ``caldav_url``: Radicale, a CalDAV server, started on a free port with a storage folder of its own
  the first time a test needs it, stopped when the test session ends. It knows one user
  (:data:`USER`, :data:`PASSWORD`) from an htpasswd file; each test makes a calendar of its own
  (:func:`new_calendar`) so that none sees another's events.
* ``ics_server``: an HTTP server (the standard library's, in a thread) that serves the calendars a
  test gives it by path, with an ETag each, answering ``If-None-Match`` with 304 as Outlook's and
  Google's published addresses do; it can also answer with an error, redirect, or wait too long,
  send its answer in slow pieces or without a length. It answers a CalDAV request (PROPFIND,
  REPORT, PUT) as a GET, so it also stands for a server that is no CalDAV server. ``other_server``
  is a second one, to see whether anything was sent on to it.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

USER = "anouk"
PASSWORD = "correct horse battery"
#: How long the server may take to answer before the tests give up on it.
STARTUP = 30.0

CONFIG = """\
[server]
hosts = 127.0.0.1:{port}

[auth]
type = htpasswd
htpasswd_filename = {htpasswd}
htpasswd_encryption = plain
delay = 0

[rights]
type = owner_only

[storage]
filesystem_folder = {storage}

[logging]
level = warning
mask_passwords = True
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return True


@pytest.fixture(scope="session")
def caldav_url() -> Iterator[str]:
    """The base URL of a throwaway Radicale server (``http://127.0.0.1:PORT/``)."""
    workdir = Path(tempfile.mkdtemp(prefix="meeloop-radicale-"))
    port = _free_port()
    (workdir / "users").write_text(f"{USER}:{PASSWORD}\n")
    config = workdir / "config"
    config.write_text(CONFIG.format(port=port, htpasswd=workdir / "users", storage=workdir / "collections"))
    log = (workdir / "log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"radicale did not start: {(workdir / 'log').read_text(errors='replace')}")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def new_calendar(base: str) -> str:
    """Make an empty calendar for the test user with a raw MKCALENDAR; its address."""
    url = f"{base}{USER}/{uuid.uuid4().hex}/"
    response = httpx.request("MKCALENDAR", url, auth=(USER, PASSWORD), timeout=10)
    assert response.status_code == 201, response.text
    return url


def put_event(calendar_url: str, uid: str, text: str) -> None:
    """Store one event in the calendar with a raw PUT, as another calendar client would."""
    response = httpx.put(
        f"{calendar_url}{uid}.ics",
        content=text.encode("utf-8"),
        headers={"Content-Type": "text/calendar; charset=utf-8"},
        auth=(USER, PASSWORD),
        timeout=10,
    )
    assert response.status_code in (201, 204), response.text


# -- a published calendar over plain HTTP ----------------------------------------------------------


@dataclass
class Served:
    """What the server answers on one path: a body with its ETag, or a status (a redirect's
    ``location``), or nothing for ``delay`` seconds first; the body in ``pieces`` with ``pause``
    seconds before each, and with its length said beforehand unless ``unsized``."""

    body: bytes = b""
    status: int = 200
    location: str = ""
    delay: float = 0.0
    content_type: str = "text/calendar; charset=utf-8"
    pieces: int = 1
    pause: float = 0.0
    unsized: bool = False

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class IcsServer:
    url: str
    paths: dict[str, Served] = field(default_factory=dict)
    #: Each request as (path, its If-None-Match header or "").
    requests: list[tuple[str, str]] = field(default_factory=list)

    def serve(self, path: str, served: Served | str) -> str:
        """Serve ``served`` (a calendar's text, or how to answer) at ``path``; its address."""
        self.paths[path] = Served(served.encode("utf-8")) if isinstance(served, str) else served
        return self.url + path.lstrip("/")


def _handler(server: IcsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append((self.path, self.headers.get("If-None-Match", "")))
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            served = server.paths.get(self.path)
            if served is None:
                self.send_error(404)
                return
            time.sleep(served.delay)
            if served.location:
                self.send_response(served.status)
                self.send_header("Location", served.location)
                self.end_headers()
            elif served.status != 200:
                self.send_error(served.status)
            elif self.headers.get("If-None-Match") == served.etag:
                self.send_response(304)
                self.send_header("ETag", served.etag)
                self.end_headers()
            else:
                self.send_response(200)
                self.send_header("Content-Type", served.content_type)
                if not served.unsized:
                    self.send_header("Content-Length", str(len(served.body)))
                self.send_header("ETag", served.etag)
                self.end_headers()
                size = -(-len(served.body) // served.pieces)
                for start in range(0, len(served.body), size):
                    time.sleep(served.pause)
                    self.wfile.write(served.body[start : start + size])
                    self.wfile.flush()

        do_PROPFIND = do_REPORT = do_PUT = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def ics_server() -> Iterator[IcsServer]:
    """A fresh HTTP server on loopback for one test."""
    yield from _serve()


@pytest.fixture
def other_server() -> Iterator[IcsServer]:
    """A second one, on another port."""
    yield from _serve()


def _serve() -> Iterator[IcsServer]:
    found = IcsServer("")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    httpd.daemon_threads = True
    found.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
