"""Real worker processes for the tests: ``meeloop worker`` against a test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Seconds a worker may take to start (import, app, queue).
STARTUP = 60.0


def start_worker(
    db_url: str, *, env: Mapping[str, str] | None = None, scheduler: bool = False
) -> subprocess.Popen[bytes]:
    """``meeloop worker`` in a process of its own, once it says it takes jobs."""
    command = [sys.executable, "-m", "cli", "--db", db_url, "worker", "--nice", "0"]
    if not scheduler:
        command.append("--no-scheduler")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "LANG": "en", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + STARTUP
    heard = b""
    while b"takes jobs" not in heard:
        line = process.stderr.readline()
        heard += line
        if not line and process.poll() is not None:
            raise AssertionError(f"the worker stopped at the start: {heard.decode(errors='replace')}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the worker did not start: {heard.decode(errors='replace')}")
    # Read the rest of its log, so that it never blocks on a full pipe; tests may look at it.
    lines = heard.decode(errors="replace").splitlines()
    stream = process.stderr

    def read() -> None:
        with stream:
            for raw in stream:
                lines.append(raw.decode(errors="replace").rstrip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    process.log_lines = lines  # type: ignore[attr-defined]
    process.reader = reader  # type: ignore[attr-defined]
    return process


def stop_worker(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    reader = getattr(process, "reader", None)
    if reader is not None:
        reader.join(timeout=10)


@contextlib.contextmanager
def worker_running(db_url: str, **options) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker(db_url, **options)
    try:
        yield process
    finally:
        stop_worker(process)


def wait_until(test, *, timeout: float = 120.0, every: float = 0.1, what: str = "it") -> None:
    """Wait for ``test()`` to hold; fail after ``timeout`` seconds (a bound, never the measure)."""
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:.0f} s"
        time.sleep(every)
