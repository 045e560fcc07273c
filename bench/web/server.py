"""The app under waitress in its own process, as ``meeloop serve`` runs it."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

from bench.synthetic import DEFAULT_TODAY
from bench.web.preparation import SECRET_KEY
from web.serving import THREADS

#: Threads per server process.
SERVER_THREADS = THREADS

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def serve_child() -> None:
    """The server process: ``python -c "from bench.web.server import serve_child; serve_child()" JSON``."""
    from web import create_app
    from web.serving import serve_app

    settings = json.loads(sys.argv[1])
    config = {
        "DATABASE_URL": settings["url"],
        "SECRET_KEY": SECRET_KEY,
        "SESSION_COOKIE_SECURE": False,
        "TODAY": dt.date.fromisoformat(settings["today"]),
    }
    serve_app(lambda: create_app(config), "127.0.0.1", settings["port"], workers=settings["workers"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


class Server:
    """The app as ``meeloop serve --workers N`` runs it, in a child process with its output in a log
    file: under waitress with one worker, under gunicorn with several."""

    def __init__(self, url: str, folder: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.workers = workers
        self.log_path = folder / "server.log"
        settings = json.dumps(
            {"url": url, "port": self.port, "today": DEFAULT_TODAY.isoformat(), "workers": workers}
        )
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from bench.web.server import serve_child; serve_child()", settings],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def wait_until_up(self, seconds: float = 600) -> None:
        """Until /api/health answers; the first answer loads the organisation and builds the map."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise click.ClickException(f"the server stopped while starting:\n{self.log_tail()}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=seconds)
            try:
                connection.request("GET", "/api/health")
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    return
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()
        raise click.ClickException(f"the server did not come up:\n{self.log_tail()}")

    def cpu_seconds(self) -> float | None:
        """User and system time so far of the server process and its worker processes (Linux)."""
        total = _cpu_seconds(self.process.pid)
        if total is None:
            return None
        return total + sum(_cpu_seconds(child) or 0.0 for child in _children(self.process.pid))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
