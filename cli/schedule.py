"""Commands for time: calendars and holidays, shadowing, lunch & learn and meeting times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click
from babel.dates import format_date

from cli import common
from matcher.domain.phrases import counted, phrase, term
from matcher.engines.lunch import LunchConfig
from matcher.engines.meetings import MeetingConfig
from matcher.engines.results import status_word
from matcher.engines.shadowing import ShadowConfig
from matcher.plans.rounds import said_by
from matcher.services import meeting_times, organisation, scheduling

DATE = click.DateTime(formats=["%Y-%m-%d"])
T = TypeVar("T")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _first_day(database: organisation.Database, given: dt.datetime | None) -> dt.date:
    """The day given, else the first working day after the notice period (MEELOOP_NOTICE_DAYS)."""
    return given.date() if given else scheduling.first_plan_day(database, now=_now())


FROM_HELP = "First day {what} (default: the first working day after the notice period)."


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
    common.echo(
        phrase(
            "stored {file} for {person}: {stretches} in the coming year",
            file=file.name,
            person=person_id,
            stretches=counted(found, "{n} busy stretch", "{n} busy stretches"),
        )
    )


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
        when = f"{day:%Y-%m-%d}"
        common.echo(
            phrase("{day}: removed", day=when) if gone else phrase("{day}: was not a holiday", day=when)
        )
        return
    scheduling.set_holiday(database, day.date(), name)
    if name:
        common.echo(phrase("{day} is a holiday: {name}", day=f"{day:%Y-%m-%d}", name=name))
    else:
        common.echo(phrase("{day} is a holiday", day=f"{day:%Y-%m-%d}"))


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
        weekday = format_date(day, "EEE", locale=common.translator().locale)
        click.echo(f"{day:%Y-%m-%d} {weekday}  {name}")
    if not found:
        common.echo(phrase("No holidays stored; 'meeloop calendar holiday DATE NAME' adds one."))


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
    common.echo(phrase("request {id} stored: {request}", id=stored.id, request=_describe(stored)))


#: A shadow request's status as a word.
REQUEST_STATUS = {"open": term("open"), "planned": term("planned"), "cancelled": term("cancelled")}


def _describe(request: scheduling.StoredRequest) -> str:
    """Who asks to shadow whom (or on what), how long, within which dates, and how far it got."""
    if request.host_id and request.skill_id:
        who = phrase(
            "{guest} shadows {host} on {skill}",
            guest=request.guest_id,
            host=request.host_id,
            skill=request.skill_id,
        )
    elif request.host_id:
        who = phrase("{guest} shadows {host}", guest=request.guest_id, host=request.host_id)
    elif request.skill_id:
        who = phrase(
            "{guest} asks to shadow someone on {skill}", guest=request.guest_id, skill=request.skill_id
        )
    else:
        who = phrase("{guest} asks to shadow someone", guest=request.guest_id)
    return phrase(
        "{who}, {minutes} min, {first} – {last} ({status})",
        who=who,
        minutes=request.minutes,
        first=f"{request.first_day:%Y-%m-%d}",
        last=f"{request.last_day:%Y-%m-%d}",
        status=REQUEST_STATUS.get(request.status, request.status),
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
        click.echo(f"{request.id:>5}  {common.said(_describe(request))}")
    if not found:
        common.echo(phrase("No shadow requests; 'meeloop shadow request' adds one."))


@shadow.command("plan")
@click.option("--from", "first_day", type=DATE, help=FROM_HELP.format(what="a slot may fall on"))
@click.option("--to", "last_day", type=DATE, required=True, help="Last day a slot may fall on.")
@click.option("--capacity-per", type=click.Choice(["week", "month"]), default="month", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--save", is_flag=True, help="Store the slots and mark their requests planned.")
@click.pass_context
def shadow_plan(
    ctx: click.Context,
    first_day: dt.datetime | None,
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
        database, _first_day(database, first_day), last_day.date(), config, now=_now(), save=save
    )
    if as_json:
        common.emit_json(found.as_dict())
        return
    names = organisation.person_names(database)
    asked = len(found.slots) + len(found.unplaced)
    common.echo(
        phrase(
            "{placed} of {asked} requests placed (at most {bound} can be)",
            placed=len(found.slots),
            asked=asked,
            bound=found.bound,
        )
    )
    for s in found.slots:
        guest, host = names.get(s.guest_id, s.guest_id), names.get(s.host_id, s.host_id)
        until = s.end.astimezone(ZoneInfo(s.timezone))
        common.echo(
            phrase(
                "request {id}: {guest} shadows {host}, {start}-{end}",
                id=s.request_id,
                guest=guest,
                host=host,
                start=_local(s.start, s.timezone),
                end=f"{until:%H:%M}",
            ),
            indent="  ",
        )
        for reason in s.reasons:
            click.echo(f"       - {common.said(reason)}")
    for request_id, reason in found.unplaced:
        common.echo(phrase("request {id} not placed: {reason}", id=request_id, reason=reason), indent="  ")
    if save:
        common.echo(phrase("saved"))


@shadow.command("cancel")
@click.argument("request_id", type=int)
@click.pass_context
def shadow_cancel(ctx: click.Context, request_id: int) -> None:
    """Withdraw a request; its planned slot is cancelled (and kept in the history)."""
    stored = scheduling.cancel_shadow_request(common.open_db(ctx), request_id, now=_now())
    status = REQUEST_STATUS.get(stored.status, stored.status)
    common.echo(phrase("request {id}: {status}", id=stored.id, status=status))


def _local(moment: dt.datetime, timezone: str) -> str:
    """A moment in its time zone, with the weekday in the output's language: "do 2026-12-03 11:00"."""
    from babel.dates import format_datetime

    local = moment.astimezone(ZoneInfo(timezone))
    return f"{format_datetime(local, 'EEE yyyy-MM-dd HH:mm', locale=common.language())} ({timezone})"


def _config(make: Callable[..., T], **values: Any) -> T:
    """A config from options; what the config refuses becomes a usage error, never a traceback."""
    try:
        return make(**values)
    except ValueError as exc:
        raise click.UsageError(common.said(said_by(exc))) from None


# -- lunch & learn ---------------------------------------------------------------------------------------


@click.group("lunch")
def lunch_group() -> None:
    """Lunch & learn: colleagues present what others want to learn."""


@lunch_group.command("plan")
@click.option("--from", "first_day", type=DATE, help=FROM_HELP.format(what="of the horizon"))
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
    first_day: dt.datetime | None,
    last_day: dt.datetime,
    per_week: int,
    site: str | None,
    min_demand: int,
    max_per_presenter: int,
    as_json: bool,
    save: bool,
) -> None:
    """Sessions on the most-wanted topics, with presenters who offered, in lunch slots."""
    database = common.open_db(ctx)
    config = _config(
        LunchConfig,
        first_day=_first_day(database, first_day),
        last_day=last_day.date(),
        per_week=per_week,
        site=site,
        min_demand=min_demand,
        max_sessions_per_presenter=max_per_presenter,
    )
    found = scheduling.plan_lunch(database, config, now=_now(), save=save)
    if as_json:
        common.emit_json(found.as_dict())
        return
    names = organisation.person_names(database)
    common.echo(
        phrase(
            "Lunch & learn {first} – {last}: {sessions} (at most {bound} can be; {status})",
            first=config.first_day.isoformat(),
            last=config.last_day.isoformat(),
            sessions=counted(len(found.sessions), "{n} session", "{n} sessions"),
            bound=found.bound,
            status=status_word(found.status),
        )
    )
    for s in found.sessions:
        common.echo(
            phrase(
                "{start}  {skill}, by {presenter}",
                start=_local(s.start, s.timezone),
                skill=s.skill_id,
                presenter=names.get(s.presenter_id, s.presenter_id),
            ),
            indent="  ",
        )
        for reason in s.reasons:
            click.echo(f"       - {common.said(reason)}")
    if found.unplaced:
        common.echo(phrase("Not planned:"))
    for skill_id, reason in found.unplaced:
        click.echo(f"  - {skill_id}: {common.said(reason)}")
    if save:
        common.echo(phrase("saved"))


# -- meeting times ------------------------------------------------------------------------------------------


@click.command()
@click.argument("round_name", metavar="ROUND")
@click.option("--from", "first_day", type=DATE, help=FROM_HELP.format(what="to meet"))
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
    database = common.open_db(ctx)
    start = _first_day(database, first_day)
    config = _config(
        MeetingConfig,
        first_day=start,
        last_day=last_day.date() if last_day else start + dt.timedelta(weeks=12),
        minutes=minutes,
        every_weeks=int(every_weeks) if every_weeks else None,
    )
    found = meeting_times.plan_round_meetings(database, round_name, config, now=_now(), save=save)
    if as_json:
        common.emit_json(found.as_dict())
        return
    names = organisation.person_names(database)
    common.echo(
        phrase(
            "Round '{round}': {meetings}, {without} without (at most {bound} can have one; {status})",
            round=round_name,
            meetings=counted(len(found.meetings), "{n} meeting time", "{n} meeting times"),
            without=len(found.unplaced),
            bound=found.bound,
            status=status_word(found.status),
        )
    )
    for m in found.meetings:
        who = ", ".join(names.get(p, p) for p in m.members)
        line = phrase("{start}  {who}", start=_local(m.start, m.timezone), who=who)
        if m.rrule:
            line = phrase(
                "{line}, then {n} more ({rrule})", line=line, n=len(m.occurrences) - 1, rrule=m.rrule
            )
        common.echo(line, indent="  ")
        for when, busy in m.clashes:
            common.echo(
                phrase(
                    "! {day}: {people:list} not free",
                    day=f"{when:%Y-%m-%d}",
                    people=[names.get(p, p) for p in busy],
                ),
                indent="       ",
            )
    for unit, reason in found.unplaced:
        click.echo(f"  - {unit}: {common.said(reason)}")
    if save:
        common.echo(phrase("saved"))
