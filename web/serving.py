"""How the web app is served: one process under waitress, or several processes under gunicorn.

One Python process runs one request's Python at a time, whatever its threads: the interpreter lock
lets one thread run while the others wait. On a machine with several cores, several processes answer
requests side by side. Each process builds its own app (its own database connections and its own
cached talent map, which follows the data version in the database, so that a change made through one
process is seen by the others on their next request).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from flask import Flask

#: Threads per process (``MEELOOP_THREADS``, else 8): requests that wait on the database let another
#: thread run meanwhile.
THREADS = max(1, int(os.environ.get("MEELOOP_THREADS", "8") or 8))


def default_workers() -> int:
    """``MEELOOP_WORKERS``, else one process."""
    configured = os.environ.get("MEELOOP_WORKERS", "").strip()
    return max(1, int(configured)) if configured.isdigit() else 1


def serve_app(make_app: Callable[[], Flask], host: str, port: int, *, workers: int = 1) -> None:
    """Serve the app made by ``make_app`` until stopped: under waitress in this process when
    ``workers`` is 1 (any operating system), else under gunicorn with that many processes, each
    making its own app after it started (Unix)."""
    if workers <= 1:
        from waitress import serve

        serve(make_app(), host=host, port=port, threads=THREADS, ident="meeloop")
        return
    _processes(make_app, host, port, workers).run()


def _processes(make_app: Callable[[], Flask], host: str, port: int, workers: int) -> Any:
    from gunicorn.app.base import BaseApplication

    class Processes(BaseApplication):  # type: ignore[misc]
        """gunicorn's arbiter with meeloop's app: each worker process makes the app itself."""

        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": THREADS,
                # A solve can keep a worker busy; gunicorn must not take that for a hung process.
                "timeout": 0,
                "graceful_timeout": 30,
                # A browser (or a proxy) keeps its connection open between requests; closing it after
                # gunicorn's default of 2 s races with the next request sent on it under load.
                "keepalive": 30,
                "proc_name": "meeloop",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return make_app()

    return Processes()
