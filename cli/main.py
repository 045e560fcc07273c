"""The ``meeloop`` command line.

Errors go to stderr with a non-zero status and never a traceback: 2 for input
that cannot be accepted (with every problem listed), 1 for anything else.
Progress goes to stderr only on a terminal, so ``--json`` output stays clean.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from bench.groups import command as bench_groups
from bench.pairing import command as bench_pairing
from bench.shadowing import command as bench_shadowing
from bench.talentmap import bench
from bench.web import command as bench_web
from cli import common
from cli.accounts import user
from cli.groups import groups
from cli.invites import COMMANDS as INVITE_COMMANDS
from cli.schedule import calendar, lunch_group, meet, shadow
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap, UnknownSkill
from matcher.engines.pairing import MODES, PairingConfig
from matcher.plans.rounds import RoundError, StoredRound
from matcher.services import organisation

EXIT_BAD_INPUT = 2
DEMO_DATABASE = Path("instance") / "demo.sqlite3"


def demo_data_dir() -> Path:
    """The demo organisation: ``MEELOOP_DEMO_DATA`` or ``data/demo`` in the source tree."""
    configured = os.environ.get("MEELOOP_DEMO_DATA")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "data" / "demo"


class Meeloop(click.Group):
    """Turns the domain's errors into messages and exit statuses."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            click.echo(exc.report(), err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except (UnknownSkill, RoundError) as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except SQLAlchemyError as exc:
            click.echo(f"error: the database could not be used: {_first_line(exc)}", err=True)
            ctx.exit(1)
        except OSError as exc:
            click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            ctx.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("MEELOOP_DEBUG"):
                raise
            click.echo(
                f"error: unexpected {type(exc).__name__}: {exc} (set MEELOOP_DEBUG=1 for details)", err=True
            )
            ctx.exit(1)


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


@click.group(cls=Meeloop)
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="SQLAlchemy database URL (default: MEELOOP_DATABASE_URL, else sqlite:///instance/meeloop.sqlite3).",
)
@click.version_option(package_name="meeloop")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """meeloop: find who to ask, plan mentor rotations and shadowing, send invites."""
    ctx.obj = {"db_url": db_url}


@cli.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the database or bring its schema up to date."""
    database = common.open_db(ctx)
    click.echo(f"database ready: {database.engine.url.render_as_string(hide_password=True)}")


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--skills", "skills_file", type=click.Path(path_type=Path), help="Skills file for a CSV matrix."
)
@click.option("--replace", is_flag=True, help="Remove people (and skills) that are not in the file.")
@click.pass_context
def import_(ctx: click.Context, file: Path, skills_file: Path | None, replace: bool) -> None:
    """Import the organisation from JSON, or a skills matrix from CSV or XLSX (an upsert by id)."""
    result = organisation.import_file(
        common.open_db(ctx),
        file,
        skills_path=skills_file,
        replace=replace,
        progress=common.progress(common.on_terminal()),
    )
    if result.changes.nothing:
        click.echo(f"nothing changed ({result.people} people, {result.skills} skills stored)")
    else:
        click.echo(f"imported {file.name}: {result.changes.summary()}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def export(ctx: click.Context, file: Path) -> None:
    """Export the organisation; the format follows the extension (.json, .csv, .xlsx)."""
    database = common.open_db(ctx)
    for written in organisation.export_file(database, file):
        click.echo(f"wrote {written}")
    if file.suffix.lower() != ".json":
        click.echo(
            "note: the skills matrix holds people, skills, levels and wishes; the organisation's name and "
            "its earlier pairings and groups are only in a .json export",
            err=True,
        )


def _talent_map(ctx: click.Context, *, quiet: bool) -> TalentMap:
    show = common.progress(common.on_terminal() and not quiet)
    show("loading the organisation and building the talent map")
    talent = organisation.MapCache(common.open_db(ctx)).get()
    org = talent.organisation
    show(f"talent map ready: {len(org.people)} people, {len(org.skills)} skills")
    return talent


@cli.command()
@click.argument("skill")
@click.option("--as", "asker", metavar="PERSON_ID", help="Rank by fit with this person, who is left out.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def ask(ctx: click.Context, skill: str, asker: str | None, limit: int, as_json: bool) -> None:
    """Who can I ask about SKILL (an id, name, alias or a near spelling)?"""
    talent = _talent_map(ctx, quiet=as_json)
    if asker is not None and talent.person(asker) is None:
        raise click.BadParameter(f"no person with id '{asker}'", param_hint="--as")
    result = talent.ask(skill, asker_id=asker, limit=limit)
    if result.matched_by == "spelling":
        click.echo(f"(showing {result.skill_name} for '{skill}')", err=as_json)
    if as_json:
        common.emit_json([a.as_dict() for a in result.answers])
        return
    if not result.answers:
        click.echo(f"Nobody who is open to questions knows {result.skill_name} yet.")
    for rank, answer in enumerate(result.answers, 1):
        related = f" — via {talent.skill(answer.related_skill).name}" if answer.related_skill else ""
        head = f"{rank:>2}. {answer.name} <{answer.email}>"
        click.echo(f"{head} level {answer.level}, score {answer.score:.1f}{related}")
        for reason in answer.reasons:
            click.echo(f"      - {reason}")


@cli.command()
@click.option("--min-holders", default=2, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--horizon",
    "horizon_days",
    default=180,
    show_default=True,
    type=click.IntRange(0, 3650),
    help="Days ahead in which planned departures count.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def risks(ctx: click.Context, min_holders: int, horizon_days: int, as_json: bool) -> None:
    """Knowledge at risk: skills held well by too few people, or by people who leave soon."""
    found = _talent_map(ctx, quiet=as_json).risks(min_holders=min_holders, horizon_days=horizon_days)
    if as_json:
        common.emit_json([r.as_dict() for r in found])
        return
    if not found:
        click.echo("No knowledge at risk.")
    for risk in found:
        click.echo(f"{risk.skill_name} ({risk.skill_id}): {risk.remaining} left at level 3 or higher")
        for reason in risk.reasons:
            click.echo(f"   - {reason}")
        for successor in risk.successors:
            click.echo(f"   could take over: {successor.name} — {successor.reason}")


@cli.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def bridges(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Bridge figures: people who connect departments."""
    found = _talent_map(ctx, quiet=as_json).bridges(limit=limit)
    if as_json:
        common.emit_json([b.as_dict() for b in found])
        return
    for bridge in found:
        click.echo(
            f"{bridge.name} ({bridge.department}), score {bridge.score:.3f}: {'; '.join(bridge.reasons)}"
        )


def _serve(
    database: organisation.Database, host: str, port: int, *, secure_cookies: bool | None = None
) -> None:
    from waitress import serve as waitress_serve

    from web import create_app

    settings: dict[str, Any] = {"DATABASE_URL": database.url}
    if secure_cookies is not None:
        # The demo is plain http on this machine; a browser would drop a cookie marked Secure.
        settings["SESSION_COOKIE_SECURE"] = secure_cookies
    app = create_app(settings)
    click.echo(f"meeloop is running on http://{host}:{port}/ (Ctrl+C stops it)")
    if app.config["SESSION_COOKIE_SECURE"]:
        click.echo(
            "note: login cookies are sent over HTTPS only; put meeloop behind an HTTPS proxy, "
            "or set MEELOOP_SECURE_COOKIES=0 to use it over plain http on a trusted network",
            err=True,
        )
    waitress_serve(app, host=host, port=port, threads=8, ident="meeloop")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web UI."""
    _serve(common.open_db(ctx), host, port)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only build the demo database.")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, no_serve: bool) -> None:
    """Build a fresh demo database from data/demo (the demo municipality), then serve it."""
    explicit = ctx.obj["db_url"] or os.environ.get("MEELOOP_DEMO_DATABASE_URL")
    if explicit is None:
        # Its own file, made afresh; never the organisation's real database.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEMO_DATABASE}{suffix}").unlink(missing_ok=True)
    ctx.obj["db_url"] = explicit or f"sqlite:///{DEMO_DATABASE}"
    if explicit is not None and organisation.load_organisation(common.open_db(ctx)).people:
        raise click.UsageError(
            "that database already holds an organisation; 'meeloop demo' loads the demo only into an empty "
            f"database (or, without --db, into its own {DEMO_DATABASE})"
        )
    database = common.open_db(ctx)
    source = demo_data_dir() / "organisation.json"
    result = organisation.import_file(database, source, replace=True, now=dt.datetime.now(dt.UTC))
    click.echo(f"demo organisation loaded: {result.people} people, {result.skills} skills")
    click.echo("demo accounts (passwords made up for this demo database only):")
    for login, role, password in _demo_accounts(database):
        click.echo(f"  {role:9} {login:36} {password}")
    if not no_serve:
        _serve(database, host, port, secure_cookies=False)


#: Who logs in to the demo: an HR adviser, a team leader and someone in her team.
DEMO_ACCOUNTS = (("E00138", "hr"), ("E00123", "manager"), ("E00125", "employee"))


def _demo_accounts(database: organisation.Database) -> list[tuple[str, str, str]]:
    from matcher import storage
    from matcher.storage import accounts
    from web.auth import hash_password

    made = []
    now = dt.datetime.now(dt.UTC)
    with database.transaction() as session:
        for person_id, role in DEMO_ACCOUNTS:
            person = storage.load_person(session, person_id)
            if person is None or accounts.account_of_person(session, person_id) is not None:
                continue
            password = secrets.token_urlsafe(9)
            accounts.add_account(
                session,
                person.email,
                role=role,
                password_hash=hash_password(password),
                person_id=person_id,
                now=now,
            )
            made.append((person.email, role, password))
    return made


# -- pairing rounds ---------------------------------------------------------------------------------


def _pairing_config(config_file: Path | None, mode: str | None, time_limit: float | None) -> PairingConfig:
    """The config file's settings, then the options: an option given wins."""
    data = common.read_config(config_file) if config_file else {}
    if mode is None and "mode" not in data:
        raise click.UsageError(
            f"choose the kind of round with --mode ({', '.join(MODES)}) or a config file's 'mode'"
        )
    config = PairingConfig.from_mapping(data, source=config_file.name if config_file else "config")
    if mode is not None:
        config = config.replace(mode=mode)
    if time_limit is not None:
        config = config.replace(time_limit=time_limit)
    return config


@cli.command()
@click.option(
    "--mode", type=click.Choice(list(MODES)), help="The kind of round; overrides the config file's mode."
)
@common.round_options("2026-Q4 mentor", "rules, weights, select, locked, forbidden")
@click.pass_context
def pair(
    ctx: click.Context,
    mode: str | None,
    round_name: str,
    config_file: Path | None,
    time_limit: float | None,
    as_json: bool,
    save: bool,
) -> None:
    """Propose the pairs of a round: mentor, reverse, exchange, buddy or intern-manager.

    A round proposed (and saved) before keeps the pairs locked in it; a published round is final.
    """
    config = _pairing_config(config_file, mode, time_limit)
    show = common.on_terminal() and not as_json
    common.progress(show)(
        f"proposing {config.mode} round '{round_name}' (search up to {config.time_limit:g} s)"
    )
    database = common.open_db(ctx)
    proposal = organisation.propose_round(
        database,
        round_name=round_name,
        config=config,
        today=dt.date.today(),
        now=dt.datetime.now(dt.UTC),
        save=save,
        on_progress=common.solver_progress(show),
    )
    common.show_proposal(database, proposal, proposal.pairs, "pair", as_json=as_json, saved=save)


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def rounds(ctx: click.Context, as_json: bool) -> None:
    """The pairing and group rounds, newest first."""
    found = organisation.list_rounds(common.open_db(ctx))
    if as_json:
        common.emit_json([r.as_dict() for r in found])
        return
    if not found:
        click.echo("No rounds yet; 'meeloop pair --save' or 'meeloop groups --save' stores one.")
        return
    width = max(len("round"), *(len(r.name) for r in found))
    click.echo(f"{'round':<{width}}  {'kind':<14}  {'status':<9}  {'units':>5}  {'objective':>9}  created")
    for r in found:
        columns = f"{r.name:<{width}}  {r.mode:<14}  {r.status:<9}  {r.pairs:>5}  {r.objective:>9g}"
        click.echo(f"{columns}  {common.stamp(r.created)}")


def _show_round(stored: StoredRound, names: dict[str, str]) -> None:
    click.echo(
        f"Round '{stored.name}', {stored.mode}, {stored.status}: {len(stored.pairs)} {stored.unit}s, "
        f"{len(stored.unmatched)} left out"
    )
    common.show_units(stored.mode, stored.pairs, stored.unmatched, stored.conflicts, names)
    click.echo(
        common.summary_line(stored.solver_status, stored.objective, stored.bound, stored.gap, stored.solver)
    )
    click.echo("Events:")
    for event in stored.events:
        click.echo(f"  {common.stamp(event.at)}  {event.action}: {event.detail}")


@cli.command("round")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def round_(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show a stored round: its pairs or groups, who was left out, and what happened to it."""
    database = common.open_db(ctx)
    stored = organisation.load_round(database, name)
    if as_json:
        common.emit_json(stored.as_dict())
        return
    _show_round(stored, organisation.person_names(database))


@cli.command()
@click.argument("name")
@click.pass_context
def publish(ctx: click.Context, name: str) -> None:
    """Publish a proposed round after checking it against every rule; its pairs or groups join the history."""
    stored = organisation.publish_round(
        common.open_db(ctx), name, today=dt.date.today(), now=dt.datetime.now(dt.UTC)
    )
    click.echo(f"published round '{name}': {stored.events[-1].detail}")


@cli.command()
@click.argument("name")
@click.argument("members", nargs=-1, required=True)
@click.option("--unlock", is_flag=True, help="Unlock the pair or group instead.")
@click.pass_context
def lock(ctx: click.Context, name: str, members: tuple[str, ...], unlock: bool) -> None:
    """Lock a proposed pair or group of round NAME (person ids, any order): proposing again keeps it."""
    change = organisation.unlock_pair if unlock else organisation.lock_pair
    stored = change(common.open_db(ctx), name, members, now=dt.datetime.now(dt.UTC))
    click.echo(f"round '{name}': {stored.events[-1].detail}")


cli.add_command(groups)
cli.add_command(user)
for command in (calendar, shadow, lunch_group, meet, *INVITE_COMMANDS):
    cli.add_command(command)
cli.add_command(bench)
cli.add_command(bench_pairing)
cli.add_command(bench_groups)
cli.add_command(bench_shadowing)
cli.add_command(bench_web)


def main() -> None:
    cli(prog_name="meeloop")
