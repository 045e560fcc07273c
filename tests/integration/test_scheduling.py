"""Time as it is stored: calendars, holidays, shadow requests, group rounds, lunch & learn and
meeting times, through the use cases, on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

import pytest
import sqlalchemy
from alembic import command

from matcher import storage
from matcher.domain.problems import InvalidInput
from matcher.engines import lunch, meetings, shadowing
from matcher.engines.groups import GroupConfig
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson
from matcher.plans.rounds import RoundError
from matcher.services import meeting_times, organisation, rounds, scheduling
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org, person, small_org

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 11, 30)
WEEK = (
    dt.datetime.combine(MONDAY, dt.time(), dt.UTC),
    dt.datetime.combine(MONDAY + dt.timedelta(days=5), dt.time(), dt.UTC),
)

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//meeloop tests//EN
BEGIN:VEVENT
UID:weekly@example.org
DTSTAMP:20261101T000000Z
DTSTART;TZID=Europe/Amsterdam:20261102T100000
DTEND;TZID=Europe/Amsterdam:20261102T120000
RRULE:FREQ=WEEKLY;BYDAY=MO
SUMMARY:Team
END:VEVENT
END:VCALENDAR
"""


def load(db: organisation.Database, org, tmp_path: Path) -> None:
    orgjson.write_json(org, tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW)


@pytest.fixture
def small(db, tmp_path):
    load(db, small_org(), tmp_path)
    return db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), dt.UTC)


def agenda(db: organisation.Database, window=WEEK):
    return scheduling.agenda(db, window)


def test_an_uploaded_calendar_becomes_busy_time(small, tmp_path):
    (tmp_path / "anna.ics").write_text(CALENDAR)
    found = scheduling.import_calendar(small, "anna", tmp_path / "anna.ics", now=NOW)
    assert found > 40  # every Monday of the coming year
    busy = agenda(small).busy["anna"]
    # 10:00-12:00 in Amsterdam is 09:00-11:00 UTC in winter.
    assert [(b.start, b.end) for b in busy] == [(at(MONDAY, 9), at(MONDAY, 11))]


def test_a_new_upload_replaces_the_old_one_which_is_kept(small, tmp_path):
    (tmp_path / "a.ics").write_text(CALENDAR)
    (tmp_path / "b.ics").write_text(CALENDAR.replace("BYDAY=MO", "BYDAY=TU").replace("1102", "1103"))
    scheduling.import_calendar(small, "anna", tmp_path / "a.ics", now=NOW)
    scheduling.import_calendar(small, "anna", tmp_path / "b.ics", now=NOW + dt.timedelta(hours=1))
    busy = agenda(small).busy["anna"]
    assert [b.start.date() for b in busy] == [MONDAY + dt.timedelta(days=1)]
    with small.transaction() as session:
        rows = session.scalars(sqlalchemy.select(storage.CalendarUploadRow)).all()
        assert sorted((r.filename, r.replaced is None) for r in rows) == [("a.ics", False), ("b.ics", True)]


def test_a_bad_calendar_says_where_and_changes_nothing(small, tmp_path):
    broken = CALENDAR.replace("DTSTART;TZID=Europe/Amsterdam:20261102T100000", "DTSTART:2026-11-02")
    (tmp_path / "broken.ics").write_text(broken)
    with pytest.raises(InvalidInput) as caught:
        scheduling.import_calendar(small, "anna", tmp_path / "broken.ics", now=NOW)
    assert "broken.ics" in caught.value.report()
    (tmp_path / "ok.ics").write_text(CALENDAR)
    with pytest.raises(InvalidInput) as caught:
        scheduling.import_calendar(small, "nobody", tmp_path / "ok.ics", now=NOW)
    assert "no person with id 'nobody'" in caught.value.report()
    assert agenda(small).busy == {}


def test_a_holiday_leaves_nobody_free_that_day(small):
    scheduling.set_holiday(small, MONDAY, "Sinterklaas (vrij)")
    free = agenda(small).free(small_org().person("anna"), WEEK)
    assert free and all(f.start.date() != MONDAY for f in free)
    assert scheduling.holidays(small) == {MONDAY: "Sinterklaas (vrij)"}
    assert scheduling.remove_holiday(small, MONDAY) and not scheduling.holidays(small)


def test_a_shadow_request_with_several_mistakes_lists_them_all_and_stores_nothing(small):
    with pytest.raises(InvalidInput) as caught:
        scheduling.add_shadow_request(
            small,
            guest_id="nobody",
            skill="pyhton",
            host_id="bram",
            length="week",
            first_day=MONDAY,
            last_day=MONDAY - dt.timedelta(days=1),
            now=NOW,
        )
    fields = {p.where.field for p in caught.value.problems}
    assert fields == {"guest", "length", "to", "host"}
    assert scheduling.shadow_requests(small) == []


def test_a_shadow_request_is_stored_open_and_can_be_withdrawn(small):
    stored = scheduling.add_shadow_request(
        small,
        guest_id="bram",
        skill="Structured Query Language".replace("Structured Query Language", "sql"),
        host_id=None,
        length="half-day",
        first_day=MONDAY,
        last_day=MONDAY + dt.timedelta(days=11),
        now=NOW,
    )
    assert (stored.skill_id, stored.minutes, stored.status) == ("sql", 240, "open")
    cancelled = scheduling.cancel_shadow_request(small, stored.id, now=NOW)
    assert cancelled.status == "cancelled"
    assert [r.status for r in scheduling.shadow_requests(small)] == ["cancelled"]


def test_a_group_round_is_stored_locked_and_published_into_the_history(db, tmp_path):
    people = [
        person(f"p{i}", department=("A", "B", "C")[i % 3], function=("x", "y")[i % 2]) for i in range(12)
    ]
    load(
        db,
        dataclasses.replace(small_org(), people=tuple(people), holdings=(), wishes=(), history=()),
        tmp_path,
    )
    config = GroupConfig.for_kind("think-tank", size_min=3, size_max=4, time_limit=1.0)
    first = rounds.propose_group_round(
        db, round_name="denktank", config=config, today=NOW.date(), now=NOW, save=True
    )
    assert len(first.groups) == 3 and not first.violations
    locked = first.groups[0].members
    rounds.lock_pair(db, "denktank", locked, now=NOW)
    again = rounds.propose_group_round(
        db, round_name="denktank", config=config, today=NOW.date(), now=NOW, save=True
    )
    assert any(set(locked) <= set(g.members) and g.locked for g in again.groups)
    with pytest.raises(RoundError, match="think-tank round"):
        rounds.propose_round(
            db,
            round_name="denktank",
            config=PairingConfig(mode="mentor"),
            today=NOW.date(),
            now=NOW,
            save=True,
        )
    published = rounds.publish_round(db, "denktank", today=NOW.date(), now=NOW)
    assert published.is_group_round and published.status == "published"
    history = [e for e in organisation.load_organisation(db).history if e.round == "denktank"]
    assert sorted(e.members for e in history) == sorted(g.members for g in published.pairs)
    assert {e.kind for e in history} == {"think-tank"}


def lunch_org():
    org = mentoring_org()
    people = tuple(dataclasses.replace(p, presenter=p.id in ("niels", "olga")) for p in org.people)
    return dataclasses.replace(org, people=people)


def test_lunch_plans_are_stored_and_replanning_changes_only_what_moved(db, tmp_path):
    load(db, lunch_org(), tmp_path)
    config = lunch.LunchConfig(first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=20))
    first = scheduling.plan_lunch(db, config, now=NOW, save=True)
    assert first.sessions
    stored = scheduling.scheduled(db, kind="lunch")
    assert [(e.start, e.members) for e in stored] == [(s.start, (s.presenter_id,)) for s in first.sessions]
    second = scheduling.plan_lunch(db, config, now=NOW + dt.timedelta(hours=1), save=True)
    assert [s.start for s in second.sessions] == [s.start for s in first.sessions]
    again = scheduling.scheduled(db, kind="lunch")
    assert [(e.id, e.sequence) for e in again] == [(e.id, 0) for e in stored]
    # A presenter who becomes busy moves their session: the same event, one sequence higher.
    moved = stored[0]
    (tmp_path / "busy.ics").write_text(busy_calendar(moved.start, moved.end), encoding="utf-8")
    scheduling.import_calendar(db, moved.members[0], tmp_path / "busy.ics", now=NOW)
    scheduling.plan_lunch(db, config, now=NOW + dt.timedelta(hours=2), save=True)
    with db.transaction() as session:
        row = session.get(storage.ScheduledEventRow, moved.id)
        assert row.status == "planned" and row.sequence == 1 and row.start != moved.start
        assert row.history[0]["start"] == moved.start.isoformat() and row.history[0]["sequence"] == 0
        others = session.scalars(
            sqlalchemy.select(storage.ScheduledEventRow).where(storage.ScheduledEventRow.id != moved.id)
        ).all()
        assert all(r.sequence == 0 for r in others if r.members != [moved.members[0]])


def busy_calendar(start: dt.datetime, end: dt.datetime) -> str:
    stamp = "%Y%m%dT%H%M%SZ"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:busy-1\r\n"
        f"DTSTAMP:{NOW:{stamp}}\r\nDTSTART:{start:{stamp}}\r\nDTEND:{end:{stamp}}\r\n"
        "SUMMARY:Away\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_meeting_times_need_a_published_round_and_avoid_what_is_already_planned(db, tmp_path):
    load(db, lunch_org(), tmp_path)
    lunch_plan = scheduling.plan_lunch(
        db, lunch.LunchConfig(first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=20)), now=NOW, save=True
    )
    proposal = rounds.propose_round(
        db,
        round_name="mentor",
        config=PairingConfig(mode="mentor", time_limit=2),
        today=NOW.date(),
        now=NOW,
        save=True,
    )
    config = meetings.MeetingConfig(first_day=MONDAY, last_day=MONDAY + dt.timedelta(weeks=8), every_weeks=2)
    with pytest.raises(RoundError, match="not published"):
        meeting_times.plan_round_meetings(db, "mentor", config, now=NOW, save=True)
    rounds.publish_round(db, "mentor", today=NOW.date(), now=NOW)
    plan = meeting_times.plan_round_meetings(db, "mentor", config, now=NOW, save=True)
    assert len(plan.meetings) == len(proposal.pairs) and not plan.unplaced
    busy: dict[str, list] = {}
    for event in scheduling.scheduled(db):
        for member in event.members:
            busy.setdefault(member, []).extend(event.times())
    for member, times in busy.items():
        times.sort()
        assert all(a.end <= b.start for a, b in itertools.pairwise(times)), member
    lunch_times = {(s.presenter_id, s.start) for s in lunch_plan.sessions}
    assert lunch_times and all(
        (m, s) not in lunch_times
        for meeting in plan.meetings
        for m in meeting.members
        for s, _ in meeting.occurrences
    )


def test_the_time_migration_goes_down_and_up_again(small, tmp_path):
    scheduling.set_holiday(small, MONDAY, "vrij")
    config = storage.alembic_config(small.url)
    with small.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    tables = sqlalchemy.inspect(small.engine).get_table_names()
    assert "holiday" not in tables and "scheduled_event" not in tables
    storage.migrate(small.engine)
    assert storage.schema_is_current(small.engine)
    assert scheduling.holidays(small) == {}
    assert organisation.load_organisation(small).people


def test_shadow_plans_place_open_requests_and_keep_the_reason_for_the_rest(small, tmp_path):
    (tmp_path / "chen.ics").write_text(CALENDAR)
    scheduling.import_calendar(small, "chen", tmp_path / "chen.ics", now=NOW)
    last = MONDAY + dt.timedelta(days=4)
    ask = {"host_id": None, "first_day": MONDAY, "last_day": last, "now": NOW}
    placed = scheduling.add_shadow_request(small, guest_id="bram", skill="sql", length="hour", **ask)
    nobody = scheduling.add_shadow_request(small, guest_id="bram", skill="archief", length="hour", **ask)
    config = shadowing.ShadowConfig(time_limit=2)
    plan = scheduling.plan_shadowing(small, MONDAY, last, config, now=NOW, save=True)
    [slot] = plan.slots
    assert (slot.request_id, slot.host_id, slot.guest_id) == (str(placed.id), "chen", "bram")
    assert not plan.violations
    busy = agenda(small).busy["chen"]
    assert any(b.start <= slot.start and slot.end <= b.end for b in busy)  # now in chen's agenda
    requests = {r.id: r for r in scheduling.shadow_requests(small)}
    assert requests[placed.id].status == "planned"
    assert requests[nobody.id].status == "open" and "Archiefwet" in requests[nobody.id].note
    [event] = scheduling.scheduled(small, kind="shadowing")
    assert event.roles == {"chen": "host", "bram": "guest"} and event.start == slot.start
    # Planning again only looks at open requests: the planned slot stays as it is.
    again = scheduling.plan_shadowing(small, MONDAY, last, config, now=NOW, save=True)
    assert not again.slots and scheduling.scheduled(small, kind="shadowing") == [event]
