"""Commands for time: calendars and holidays, shadowing, lunch & learn and meeting times."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from matcher import scheduling, services
from web import cli_common as common

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- calendars and holidays ---------------------------------------------------------------------------


@click.group()
def calendar() -> None:
    """Busy time: people's calendar files and the organisation's holidays."""


@calendar.command("import")
@click.argument("person_id")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def calendar_import(ctx: click.Context, person_id: str, file: Path) -> None:
    """Store FILE (an .ics export or free/busy file) as PERSON_ID's busy time, replacing the last one."""
    found = scheduling.import_calendar(common.open_db(ctx), person_id, file, now=_now())
    click.echo(f"stored {file.name} for {person_id}: {found} busy stretches in the coming year")


@calendar.command("holiday")
@click.argument("day", type=DATE)
@click.argument("name", required=False, default="")
@click.option("--remove", is_flag=True, help="Remove the holiday instead.")
@click.pass_context
def calendar_holiday(ctx: click.Context, day: dt.datetime, name: str, remove: bool) -> None:
    """Mark DAY (YYYY-MM-DD) as a holiday: nobody is planned then."""
    database = common.open_db(ctx)
    if remove:
        gone = scheduling.remove_holiday(database, day.date())
        click.echo(f"{day:%Y-%m-%d}: {'removed' if gone else 'was not a holiday'}")
        return
    scheduling.set_holiday(database, day.date(), name)
    click.echo(f"{day:%Y-%m-%d} is a holiday{': ' + name if name else ''}")


@calendar.command("holidays")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def calendar_holidays(ctx: click.Context, as_json: bool) -> None:
    """The organisation's holidays."""
    found = scheduling.holidays(common.open_db(ctx))
    if as_json:
        common.emit_json({day.isoformat(): name for day, name in found.items()})
        return
    for day, name in found.items():
        click.echo(f"{day:%Y-%m-%d %a}  {name}")
    if not found:
        click.echo("No holidays stored; 'meeloop calendar holiday DATE NAME' adds one.")


# -- shadowing ---------------------------------------------------------------------------------------


@click.group()
def shadow() -> None:
    """Shadowing (kijkstage): ask to shadow a colleague, and plan the slots."""


@shadow.command("request")
@click.argument("guest_id")
@click.option("--skill", help="The skill to see at work (a name, alias or id).")
@click.option("--host", "host_id", metavar="PERSON_ID", help="A named colleague to shadow.")
@click.option("--length", type=click.Choice(list(scheduling.LENGTHS)), default="half-day", show_default=True)
@click.option("--from", "first_day", type=DATE, required=True, help="First day of the window.")
@click.option("--to", "last_day", type=DATE, required=True, help="Last day of the window.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def shadow_request(
    ctx: click.Context,
    guest_id: str,
    skill: str | None,
    host_id: str | None,
    length: str,
    first_day: dt.datetime,
    last_day: dt.datetime,
    as_json: bool,
) -> None:
    """GUEST_ID asks to shadow someone on a skill (or a named host) within a window of dates."""
    stored = scheduling.add_shadow_request(
        common.open_db(ctx),
        guest_id=guest_id,
        skill=skill,
        host_id=host_id,
        length=length,
        first_day=first_day.date(),
        last_day=last_day.date(),
        now=_now(),
    )
    if as_json:
        common.emit_json(stored.as_dict())
        return
    click.echo(f"request {stored.id} stored: {_describe(stored)}")


def _describe(request: scheduling.StoredRequest) -> str:
    what = " with ".join(
        part for part in (request.skill_id and f"on {request.skill_id}", request.host_id) if part
    )
    return (
        f"{request.guest_id} {what}, {request.minutes} min, "
        f"{request.first_day:%Y-%m-%d} – {request.last_day:%Y-%m-%d} ({request.status})"
    )


@shadow.command("requests")
@click.option("--status", type=click.Choice(["open", "planned", "cancelled"]))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def shadow_requests(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """The shadow requests, oldest first."""
    found = scheduling.shadow_requests(common.open_db(ctx), status=status)
    if as_json:
        common.emit_json([r.as_dict() for r in found])
        return
    for request in found:
        click.echo(f"{request.id:>5}  {_describe(request)}")
    if not found:
        click.echo("No shadow requests; 'meeloop shadow request' adds one.")


@shadow.command("cancel")
@click.argument("request_id", type=int)
@click.pass_context
def shadow_cancel(ctx: click.Context, request_id: int) -> None:
    """Withdraw a request; its planned slot is cancelled (and kept in the history)."""
    stored = scheduling.cancel_shadow_request(common.open_db(ctx), request_id, now=_now())
    click.echo(f"request {stored.id}: {stored.status}")


def _names(ctx: click.Context) -> dict[str, str]:
    return services.person_names(common.open_db(ctx))
