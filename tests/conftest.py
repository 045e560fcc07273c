"""Shared fixtures: real databases (an SQLite file and a PostgreSQL server), each test on its own copy
of a database migrated once per session; a real Redis server (tests/redis_server.py)."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from matcher.storage import Database, make_engine, migrate
from tests.caldav_server import caldav_url, ics_server, other_server  # noqa: F401 (fixtures: a CalDAV and two HTTP servers)
from tests.imap_server import imap_server, mailbox  # noqa: F401 (fixtures: a real IMAP server, dovecot)
from tests.oidc_server import oidc_provider  # noqa: F401 (fixture: a real OpenID Connect provider)
from tests.redis_server import fresh_redis_url, redis_url  # noqa: F401 (fixtures: a real Redis server)

POSTGRES_HINT = (
    "the PostgreSQL tests need a server: install Debian's 'postgresql' package (bash .ci/run does) "
    "or point MEELOOP_TEST_POSTGRES_URL at a server where the user may create databases"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_server_user(command: list[str]) -> list[str]:
    # initdb refuses to run as root; Debian's package brings a 'postgres' user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A server URL without a database name: from the environment, or a
    throwaway server started here for this test session."""
    configured = os.environ.get("MEELOOP_TEST_POSTGRES_URL")
    if configured:
        yield configured.rstrip("/")
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.fail(POSTGRES_HINT)
    workdir = Path(tempfile.mkdtemp(prefix="meeloop-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
    data, port = workdir / "data", _free_port()
    subprocess.run(
        _as_server_user([initdb, "-D", str(data), "-A", "trust", "-U", "meeloop", "--no-sync", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(workdir / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://meeloop@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(workdir, ignore_errors=True)


_databases = itertools.count(1)


@contextmanager
def _postgres_database(server: str, template: str | None = None) -> Iterator[str]:
    """A new database on the server, empty or a copy of ``template``; dropped afterwards."""
    name = f"meeloop_test_{os.getpid()}_{next(_databases)}"
    copy = f' TEMPLATE "{template}"' if template else ""
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()  # a template must have no open connections left


# The migrations run once per session, into a template; each test gets a copy of it. The one test
# that runs them from an empty database is tests/integration/test_migrations.py.


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> Iterator[str]:
    """The name of a PostgreSQL database migrated to the newest schema, to copy from."""
    with _postgres_database(postgres_server) as url:
        _migrated(url)
        yield url.rsplit("/", 1)[1]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to the newest schema, to copy from."""
    path = tmp_path_factory.mktemp("template") / "meeloop.sqlite3"
    _migrated(f"sqlite:///{path}")
    assert not path.with_name(f"{path.name}-wal").exists(), "the template's write-ahead log was not folded in"
    return path


@pytest.fixture(scope="session")
def sqlite_copy(sqlite_template: Path) -> Callable[[Path], str]:
    """For fixtures wider than one test: ``sqlite_copy(folder)`` puts a copy of the migrated template
    in ``folder`` and returns its URL."""

    def copy(folder: Path, name: str = "meeloop.sqlite3") -> str:
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{shutil.copy(sqlite_template, folder / name)}"

    return copy


@pytest.fixture
def postgres_url(postgres_server: str, postgres_template: str) -> Iterator[str]:
    """A PostgreSQL database for one test, with the schema already in place."""
    with _postgres_database(postgres_server, postgres_template) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_copy: Callable[[Path], str]) -> str:
    """An SQLite file for one test, with the schema already in place."""
    return sqlite_copy(tmp_path)


@pytest.fixture
def empty_postgres_url(postgres_server: str) -> Iterator[str]:
    """A PostgreSQL database without any table."""
    with _postgres_database(postgres_server) as url:
        yield url


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    """An SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on a real SQLite file and on a real PostgreSQL server."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


# -- a real browser: Debian's Chromium, driven by Playwright ---------------------------------------

ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("the browser tests need Debian's 'chromium' package (bash .ci/run installs it)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS, headless=True)
        yield launched
        launched.close()
