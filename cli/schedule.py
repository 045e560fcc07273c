"""Commands for time: calendars and holidays, shadowing, lunch & learn and meeting times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from cli import common
from matcher.engines.lunch import LunchConfig
from matcher.engines.meetings import MeetingConfig
from matcher.engines.shadowing import ShadowConfig
from matcher.services import meeting_times, organisation, scheduling

DATE = click.DateTime(formats=["%Y-%m-%d"])
T = TypeVar("T")


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
    whom = f"shadows {request.host_id}" if request.host_id else "asks to shadow someone"
    skill = f" on {request.skill_id}" if request.skill_id else ""
    return (
        f"{request.guest_id} {whom}{skill}, {request.minutes} min, "
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


@shadow.command("plan")
@click.option("--from", "first_day", type=DATE, required=True, help="First day a slot may fall on.")
@click.option("--to", "last_day", type=DATE, required=True, help="Last day a slot may fall on.")
@click.option("--capacity-per", type=click.Choice(["week", "month"]), default="month", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--save", is_flag=True, help="Store the slots and mark their requests planned.")
@click.pass_context
def shadow_plan(
    ctx: click.Context,
    first_day: dt.datetime,
    last_day: dt.datetime,
    capacity_per: str,
    time_limit: float,
    as_json: bool,
    save: bool,
) -> None:
    """Place the open requests: host and slot together, in both people's free time."""
    config = ShadowConfig(capacity_period=capacity_per, time_limit=time_limit)
    database = common.open_db(ctx)
    found = scheduling.plan_shadowing(
        database, first_day.date(), last_day.date(), config, now=_now(), save=save
    )
    if as_json:
        common.emit_json(found.as_dict())
        return
    names = organisation.person_names(database)
    asked = len(found.slots) + len(found.unplaced)
    click.echo(f"{len(found.slots)} of {asked} requests placed (at most {found.bound} can be)")
    for s in found.slots:
        guest, host = names.get(s.guest_id, s.guest_id), names.get(s.host_id, s.host_id)
        until = s.end.astimezone(ZoneInfo(s.timezone))
        click.echo(
            f"  request {s.request_id}: {guest} shadows {host}, {_local(s.start, s.timezone)}-{until:%H:%M}"
        )
        for reason in s.reasons:
            click.echo(f"       - {reason}")
    for request_id, reason in found.unplaced:
        click.echo(f"  request {request_id} not placed: {reason}")
    if save:
        click.echo("saved")


@shadow.command("cancel")
@click.argument("request_id", type=int)
@click.pass_context
def shadow_cancel(ctx: click.Context, request_id: int) -> None:
    """Withdraw a request; its planned slot is cancelled (and kept in the history)."""
    stored = scheduling.cancel_shadow_request(common.open_db(ctx), request_id, now=_now())
    click.echo(f"request {stored.id}: {stored.status}")


def _local(moment: dt.datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)):%a %Y-%m-%d %H:%M} ({timezone})"


def _config(make: Callable[..., T], **values: Any) -> T:
    """A config from options; what the config refuses becomes a usage error, never a traceback."""
    try:
        return make(**values)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


# -- lunch & learn ---------------------------------------------------------------------------------------


@click.group("lunch")
def lunch_group() -> None:
    """Lunch & learn: colleagues present what others want to learn."""


@lunch_group.command("plan")
@click.option("--from", "first_day", type=DATE, required=True, help="First day of the horizon.")
@click.option("--to", "last_day", type=DATE, required=True, help="Last day of the horizon.")
@click.option("--per-week", type=click.IntRange(1, 5), default=1, show_default=True)
@click.option("--site", help="Plan for one site: its presenters and audience.")
@click.option("--min-demand", type=click.IntRange(1), default=2, show_default=True)
@click.option("--max-per-presenter", type=click.IntRange(1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--save", is_flag=True, help="Store the sessions, replacing an earlier plan for this horizon.")
@click.pass_context
def lunch_plan(
    ctx: click.Context,
    first_day: dt.datetime,
    last_day: dt.datetime,
    per_week: int,
    site: str | None,
    min_demand: int,
    max_per_presenter: int,
    as_json: bool,
    save: bool,
) -> None:
    """Sessions on the most-wanted topics, with presenters who offered, in lunch slots."""
    config = _config(
        LunchConfig,
        first_day=first_day.date(),
        last_day=last_day.date(),
        per_week=per_week,
        site=site,
        min_demand=min_demand,
        max_sessions_per_presenter=max_per_presenter,
    )
    database = common.open_db(ctx)
    found = scheduling.plan_lunch(database, config, now=_now(), save=save)
    if as_json:
        common.emit_json(found.as_dict())
        return
    names = organisation.person_names(database)
    click.echo(
        f"Lunch & learn {config.first_day} – {config.last_day}: {len(found.sessions)} sessions "
        f"(at most {found.bound} can be; {found.status})"
    )
    for s in found.sessions:
        click.echo(
            f"  {_local(s.start, s.timezone)}  {s.skill_id}, by {names.get(s.presenter_id, s.presenter_id)}"
        )
        for reason in s.reasons:
            click.echo(f"       - {reason}")
    if found.unplaced:
        click.echo("Not planned:")
    for skill_id, reason in found.unplaced:
        click.echo(f"  - {skill_id}: {reason}")
    if save:
        click.echo("saved")


# -- meeting times ------------------------------------------------------------------------------------------


@click.command()
@click.argument("round_name", metavar="ROUND")
@click.option("--from", "first_day", type=DATE, help="First day to meet (default: today).")
@click.option("--to", "last_day", type=DATE, help="End of the round (default: 12 weeks on).")
@click.option(
    "--every", "every_weeks", type=click.Choice(["2", "4"]), help="Also a series, every 2 or 4 weeks."
)
@click.option("--minutes", type=click.IntRange(15, 480), default=60, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--save", is_flag=True, help="Store the meeting times, replacing the round's earlier ones.")
@click.pass_context
def meet(
    ctx: click.Context,
    round_name: str,
    first_day: dt.datetime | None,
    last_day: dt.datetime | None,
    every_weeks: str | None,
    minutes: int,
    as_json: bool,
    save: bool,
) -> None:
    """Meeting times for the pairs or groups of a published ROUND, when all members are free."""
    start = first_day.date() if first_day else dt.date.today()
    config = _config(
        MeetingConfig,
        first_day=start,
        last_day=last_day.date() if last_day else start + dt.timedelta(weeks=12),
        minutes=minutes,
        every_weeks=int(every_weeks) if every_weeks else None,
    )
    database = common.open_db(ctx)
    found = meeting_times.plan_round_meetings(database, round_name, config, now=_now(), save=save)
    if as_json:
        common.emit_json(found.as_dict())
        return
    names = organisation.person_names(database)
    click.echo(
        f"Round '{round_name}': {len(found.meetings)} meeting times, {len(found.unplaced)} without "
        f"(at most {found.bound} can have one; {found.status})"
    )
    for m in found.meetings:
        who = ", ".join(names.get(p, p) for p in m.members)
        series = f", then {len(m.occurrences) - 1} more ({m.rrule})" if m.rrule else ""
        click.echo(f"  {_local(m.start, m.timezone)}  {who}{series}")
        for when, busy in m.clashes:
            click.echo(f"       ! {when:%Y-%m-%d}: {', '.join(names.get(p, p) for p in busy)} not free")
    for unit, reason in found.unplaced:
        click.echo(f"  - {unit}: {reason}")
    if save:
        click.echo("saved")
