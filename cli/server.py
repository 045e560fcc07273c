"""Commands that serve the web UI: serve, and demo (a fresh demo organisation, then serve it)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from cli import common
from cli.main import DEMO_DATABASE, demo_data_dir
from matcher.domain.accounts import ROLE_WORDS
from matcher.domain.phrases import counted, phrase
from matcher.services import demo as demo_data
from matcher.services import organisation
from web.serving import default_workers


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _serve(
    database: organisation.Database,
    host: str,
    port: int,
    *,
    secure_cookies: bool | None = None,
    defaults: Mapping[str, str] | None = None,
    workers: int = 1,
    job_worker: bool = True,
) -> None:
    """Serve the web UI; its links point to where it is served unless ``MEELOOP_BASE_URL`` says
    otherwise. ``defaults``: settings (``MEELOOP_*``) for what the environment leaves unset.
    ``workers``: processes (one under waitress, several under gunicorn). ``job_worker``: start a
    worker process for the job queue beside the server (``meeloop worker``), stopped with it."""
    from matcher.io.ics import served_url
    from web import create_app
    from web.serving import serve_app

    settings: dict[str, Any] = {"DATABASE_URL": database.url, "SERVED_AT": served_url(host, port)}
    settings |= {name: value for name, value in (defaults or {}).items() if not os.environ.get(name)}
    if secure_cookies is not None:
        # The demo is plain http on this machine; a browser would drop a cookie marked Secure.
        settings["SESSION_COOKIE_SECURE"] = secure_cookies
    app = create_app(settings)
    common.echo(phrase("meeloop is running on {address} (Ctrl+C stops it)", address=f"http://{host}:{port}/"))
    if app.config["SESSION_COOKIE_SECURE"]:
        common.echo(
            phrase(
                "note: login cookies are sent over HTTPS only; put meeloop behind an HTTPS proxy, "
                "or set MEELOOP_SECURE_COOKIES=0 to use it over plain http on a trusted network"
            ),
            err=True,
        )
    beside = None
    if job_worker:
        # SIGTERM ends the server through its ``finally``, which stops the worker too.
        signal.signal(signal.SIGTERM, _exit)
        from cli.worker import start_beside

        chosen = {name: value for name, value in (defaults or {}).items() if not os.environ.get(name)}
        beside = start_beside(database, served_at=settings["SERVED_AT"], env=chosen)
    try:
        if workers > 1:
            common.echo(phrase("{n} processes answer requests side by side", n=workers))
            # Each process makes its own app, with its own database connections, after it started.
            app.extensions["meeloop"]["db"].dispose()
            serve_app(lambda: create_app(settings), host, port, workers=workers)
        else:
            serve_app(lambda: app, host, port)
    finally:
        if beside is not None:
            from cli.worker import stop

            stop(beside)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    default=default_workers,
    show_default="MEELOOP_WORKERS, else 1",
    type=click.IntRange(1, 256),
    help="Processes that answer requests side by side (gunicorn); one per core suits a server. "
    "With 1, one process (waitress).",
)
@click.option(
    "--no-worker",
    is_flag=True,
    help="Start no job worker beside the server: workers run on their own (meeloop worker).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, no_worker: bool) -> None:
    """Serve the web UI."""
    _serve(common.open_db(ctx), host, port, workers=workers, job_worker=not no_worker)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only build the demo database.")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, no_serve: bool) -> None:
    """Build a fresh demo database from data/demo (the demo municipality), then serve it."""
    explicit = ctx.obj["db_url"] or os.environ.get("MEELOOP_DEMO_DATABASE_URL")
    if explicit is None:
        # Its own file, made afresh; never the organisation's real database.
        # Its queue too: jobs of a demo before this one must not run against this one.
        for suffix in ("", "-wal", "-shm", ".queue", ".queue-wal", ".queue-shm"):
            Path(f"{DEMO_DATABASE}{suffix}").unlink(missing_ok=True)
    ctx.obj["db_url"] = explicit or f"sqlite:///{DEMO_DATABASE}"
    if explicit is not None and organisation.load_organisation(common.open_db(ctx)).people:
        raise click.UsageError(
            common.said(
                phrase(
                    "that database already holds an organisation; 'meeloop demo' loads the demo only into an "
                    "empty database (or, without --db, into its own {file})",
                    file=DEMO_DATABASE,
                )
            )
        )
    database = common.open_db(ctx)
    source = demo_data_dir() / "organisation.json"
    calendars = DEMO_DATABASE.parent / "demo-calendars"
    result = demo_data.load_demo(database, source, now=dt.datetime.now(dt.UTC), calendars=calendars)
    people = counted(result.people, "{n} person", "{n} people")
    skills = counted(result.skills, "{n} skill", "{n} skills")
    common.echo(phrase("demo organisation loaded: {people}, {skills}", people=people, skills=skills))
    common.echo(phrase("demo accounts (passwords made up for this demo database only):"))
    for login, role, password in _demo_accounts(database):
        click.echo(f"  {common.said(ROLE_WORDS.get(role, role)):12} {login:36} {password}")
    common.echo(
        phrase(
            "sample calendars to upload on a profile page, with busy times in the coming weeks: {folder}",
            folder=calendars,
        )
    )
    if not no_serve:
        _serve(database, host, port, secure_cookies=False, defaults=demo_data.SETTINGS)


#: Who logs in to the demo: an HR adviser, a team leader and someone in her team.
DEMO_ACCOUNTS = demo_data.ACCOUNTS


def _demo_accounts(database: organisation.Database) -> list[tuple[str, str, str]]:
    from matcher.services import accounts

    wanted = [(person_id, role, secrets.token_urlsafe(9)) for person_id, role in DEMO_ACCOUNTS]
    return accounts.add_person_accounts(database, wanted, now=dt.datetime.now(dt.UTC))
