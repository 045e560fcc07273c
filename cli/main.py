"""The ``meeloop`` command line.

Errors go to stderr with a non-zero status and never a traceback: 2 for input
that cannot be accepted (with every problem listed), 1 for anything else.
Progress goes to stderr only on a terminal, so ``--json`` output stays clean.

Each command lives in the module of its area and is imported only when it runs,
so ``meeloop --help`` starts without loading the solvers, the database layer or
the benchmarks. The table below names every command with the line ``--help``
shows for it; a test checks that line against the command's own docstring.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

EXIT_BAD_INPUT = 2
DEMO_DATABASE = Path("instance") / "demo.sqlite3"
#: Commands that serve the pages: the browser libraries are installed first when missing.
SERVES_PAGES = ("serve", "demo")

#: name -> (module, attribute, the first sentence of the command's help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("cli.talent", "init", "Create the database or bring its schema up to date."),
    "import": (
        "cli.talent",
        "import_",
        "Import the organisation from JSON, or a skills matrix from CSV or XLSX (an upsert by id).",
    ),
    "export": (
        "cli.talent",
        "export",
        "Export the organisation; the format follows the extension (.json, .csv, .xlsx).",
    ),
    "ask": ("cli.talent", "ask", "Who can I ask about SKILL (an id, name, alias or a near spelling)?"),
    "risks": (
        "cli.talent",
        "risks",
        "Knowledge at risk: skills held well by too few people, or by people who leave soon.",
    ),
    "bridges": (
        "cli.talent",
        "bridges",
        "Bridge figures: the few people through whom departments are linked, most of the link first.",
    ),
    "assets": (
        "cli.assets",
        "assets",
        "Install the browser libraries the pages use (npm ci) and copy them into web/static/vendor.",
    ),
    "serve": ("cli.server", "serve", "Serve the web UI."),
    "worker": (
        "cli.worker",
        "worker",
        "Work off the job queue: solves, publishing, sending, imports, and the scheduled work.",
    ),
    "demo": (
        "cli.server",
        "demo",
        "Build a fresh demo database from data/demo (the demo municipality), then serve it.",
    ),
    "user": (
        "cli.accounts",
        "user",
        "Web accounts: add (the first HR account too), list, password, role, disable, enable.",
    ),
    "pair": (
        "cli.rounds",
        "pair",
        "Propose the pairs of a round: mentor, reverse, exchange, buddy or intern-manager.",
    ),
    "groups": (
        "cli.groups",
        "groups",
        "Propose the groups of a round: think-tank, intervision or community.",
    ),
    "rounds": ("cli.rounds", "rounds", "The pairing and group rounds, newest first."),
    "round": (
        "cli.rounds",
        "round_",
        "Show a stored round: its pairs or groups, who was left out, and what happened to it.",
    ),
    "lock": (
        "cli.rounds",
        "lock",
        "Lock a proposed pair or group of round NAME (person ids, any order): proposing again keeps it.",
    ),
    "publish": (
        "cli.rounds",
        "publish",
        "Publish a proposed round after checking it against every rule; its pairs or groups join the "
        "history.",
    ),
    "calendar": (
        "cli.schedule",
        "calendar",
        "Busy time: people's calendar files and the organisation's holidays.",
    ),
    "shadow": (
        "cli.schedule",
        "shadow",
        "Shadowing (kijkstage): ask to shadow a colleague, and plan the slots.",
    ),
    "lunch": ("cli.schedule", "lunch_group", "Lunch & learn: colleagues present what others want to learn."),
    "meet": (
        "cli.schedule",
        "meet",
        "Meeting times for the pairs or groups of a published ROUND, when all members are free.",
    ),
    "ics": ("cli.invites", "ics", "Calendar files (.ics) to download or import."),
    "send": (
        "cli.invites",
        "send",
        "E-mail the invites, updates and cancellations that SOURCE (a round, or every plan when left "
        "out) calls for since the last send, and deliver what waits in the outbox.",
    ),
    "outbox": ("cli.invites", "outbox", "The e-mails queued, sent and failed (for SOURCE's events, or all)."),
    "feed-token": (
        "cli.invites",
        "feed_token",
        "A new secret calendar feed address for PERSON_ID (the old one stops working), or --revoke it.",
    ),
    "move": (
        "cli.invites",
        "move",
        "Move a planned event (a series: all of it) to START, in the event's own time zone.",
    ),
    "swap": (
        "cli.invites",
        "swap",
        "Swap two people between their pairs or groups of ROUND, also after publishing.",
    ),
    "drop": (
        "cli.invites",
        "drop",
        "Take the pair or group PERSON_ID is in out of ROUND, also after publishing.",
    ),
    "why": (
        "cli.why",
        "why",
        "Why not X? PERSON_ID's possible partners in ROUND (or the groups they could move to), each "
        "with the round's score when taken, or the rule that forbids it.",
    ),
    "undo-import": (
        "cli.history",
        "undo_import",
        "Undo change RUN (an import or an edit, numbered as on HR's import page): each person it touched "
        "goes back to how they were before it, as a new change.",
    ),
    "bench": (
        "bench.talentmap",
        "bench",
        "Measure import, the talent map and who-to-ask latency on a synthetic organisation.",
    ),
    "bench-pairing": (
        "bench.pairing",
        "command",
        "Compare the pairing engine with greedy, stable matching, networkx, rustworkx and exact solvers.",
    ),
    "bench-groups": (
        "bench.groups",
        "command",
        "Compare the group engine with best-of-N random shuffles and GroupEng-style swaps.",
    ),
    "bench-shadowing": (
        "bench.shadowing",
        "command",
        "Place shadow requests with the engine and with two greedy baselines.",
    ),
    "bench-web": (
        "bench.web",
        "command",
        "Page latency of the web UI: search, person and own profile pages with concurrent logged-in clients.",
    ),
    "bench-fairness": (
        "bench.fairness",
        "command",
        "Quarterly rounds with fairness over rounds, against the same engine without memory.",
    ),
    "bench-review": (
        "bench.review",
        "bench_review",
        "A round's review page and why-not answers at 2,000 people, against re-proposing the round.",
    ),
    "bench-load": (
        "bench.mixed",
        "command",
        "Reads and writes together: profile saves, shadow requests and reflections with concurrent clients.",
    ),
    "bench-jobs": (
        "bench.jobs",
        "command",
        "Pages while solves run on the job queue: two web processes, two workers, PostgreSQL and Redis.",
    ),
}


def demo_data_dir() -> Path:
    """The demo organisation: ``MEELOOP_DEMO_DATA`` or ``data/demo`` in the source tree."""
    configured = os.environ.get("MEELOOP_DEMO_DATA")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "data" / "demo"


def _shortened(text: str, width: int) -> str:
    import textwrap

    return text if len(text) <= width else textwrap.shorten(text, width, placeholder="...")


def load_command(name: str) -> click.Command:
    """The command itself, importing its module."""
    import importlib

    module, attribute, _short = COMMANDS[name]
    command: click.Command = getattr(importlib.import_module(module), attribute)
    return command


class Meeloop(click.Group):
    """Loads each command when it runs, and turns the domain's errors into messages and exit statuses."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            names = self.list_commands(ctx)
            limit = formatter.width - 6 - max(len(name) for name in names)
            formatter.write_dl([(name, _shortened(COMMANDS[name][2], limit)) for name in names])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            ctx.exit(_report(exc))


def _report(exc: Exception) -> int:
    """Say what went wrong on stderr; the exit status for it."""
    from cli.common import said, translator
    from matcher.domain.phrases import phrase
    from matcher.domain.problems import InvalidInput
    from matcher.domain.talentmap import UnknownSkill
    from matcher.plans.rounds import RoundError
    from matcher.services.database import DATABASE_ERRORS

    if isinstance(exc, InvalidInput):
        click.echo(exc.report(translator()), err=True)
        return EXIT_BAD_INPUT
    if isinstance(exc, UnknownSkill | RoundError):
        click.echo(said(_message_of(exc)), err=True)
    elif isinstance(exc, DATABASE_ERRORS):
        click.echo(
            said(phrase("error: the database could not be used: {reason}", reason=_first_line(exc))), err=True
        )
    elif isinstance(exc, OSError):
        # The system's own words for what went wrong (strerror), with the file it concerns.
        reason = exc.strerror or str(exc)
        said_error = (
            phrase("error: {message}: {file}", message=reason, file=str(exc.filename))
            if exc.filename
            else phrase("error: {message}", message=reason)
        )
        click.echo(said(said_error), err=True)
    elif os.environ.get("MEELOOP_DEBUG"):
        raise exc
    else:
        unexpected = phrase(
            "error: unexpected {name}: {message} (set MEELOOP_DEBUG=1 for details)",
            name=type(exc).__name__,
            message=str(exc),
        )
        click.echo(said(unexpected), err=True)
    return 1


def _message_of(exc: Exception) -> object:
    """What the exception says: its message as it was raised (a message keeps its structure)."""
    from matcher.domain.phrases import phrase

    first = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    return phrase("error: {message}", message=first)


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


@click.group(cls=Meeloop)
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="SQLAlchemy database URL (default: MEELOOP_DATABASE_URL, else sqlite:///instance/meeloop.sqlite3).",
)
@click.option(
    "--lang",
    metavar="LANG",
    help="The language of the output: nl or en (default: the environment's LC_ALL, LC_MESSAGES or LANG).",
)
@click.version_option(package_name="meeloop")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, lang: str | None) -> None:
    """meeloop: find who to ask, plan mentor rotations and shadowing, send invites."""
    ctx.obj = {"db_url": db_url, "lang": lang or environment_language()}
    if ctx.invoked_subcommand in SERVES_PAGES:
        from cli.assets import install_assets

        install_assets()


def environment_language() -> str:
    """The language the environment asks for (LC_ALL, then LC_MESSAGES, then LANG), as a tag."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip()
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value
    return "en"


def main() -> None:
    cli(prog_name="meeloop")
