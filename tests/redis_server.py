"""A real Redis server for the tests that ask for one: Debian's ``redis-server``, started on a free port
in a folder of its own the first time a test needs it, stopped when the test session ends. It keeps
nothing on disk and listens on loopback only."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

REDIS_HINT = "the Redis tests need a server: install Debian's 'redis-server' package (bash .ci/run does)"
#: How long the server may take to answer its first PING before the tests give up on it.
STARTUP = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
    finally:
        client.close()


def _wait_until_it_answers(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP
    while not _answers(url):
        if process.poll() is not None:
            pytest.fail(f"redis-server stopped at the start: {log.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"redis-server did not answer within {STARTUP:.0f} s: {log.read_text(errors='replace')}"
            )
        time.sleep(0.05)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The URL of a throwaway Redis server started for this test session (``redis://127.0.0.1:PORT/0``)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(REDIS_HINT)
    workdir = Path(tempfile.mkdtemp(prefix="meeloop-redis-"))
    port, log = _free_port(), workdir / "log"
    command = [
        server,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(workdir),
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
        "--logfile", str(log),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_until_it_answers(process, url, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def fresh_redis_url(redis_url: str) -> str:
    """The test server's URL, its database 0 emptied before this test: nothing left from another one.
    A fixture that outlives one test (a worker process for a module) keeps its keys in another of the
    server's databases (``redis_url`` ending in ``/1``), which this one leaves alone."""
    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()
    return redis_url
