"""The notice period through the use cases: no meeting, shadowing slot or lunch session starts before
the first working day after it, a holiday does not count as notice, a move into it is refused, and
the default first day of a plan is that day."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from matcher.domain.notice import Notice
from matcher.engines import lunch, meetings, shadowing
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.plans.rounds import RoundError
from matcher.services import meeting_times, organisation, publishing, rounds, scheduling
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org, small_org

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Friday 27 November 2026, 23:30 in Amsterdam. Monday and Tuesday are the notice; Wednesday 2 December
# is a holiday, so Thursday 3 December is the first day anything may be planned on.
NOW = dt.datetime(2026, 11, 27, 23, 30, tzinfo=AMSTERDAM).astimezone(dt.UTC)
HOLIDAY = dt.date(2026, 12, 2)
FIRST = dt.date(2026, 12, 3)
EARLIEST = dt.datetime.combine(FIRST, dt.time(), AMSTERDAM).astimezone(dt.UTC)
NOTICE = Notice(2, "Europe/Amsterdam")
MONDAY = dt.date(2026, 11, 30)


def load(db: organisation.Database, org, tmp_path: Path) -> None:
    orgjson.write_json(org, tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW - dt.timedelta(days=30))
    scheduling.set_holiday(db, HOLIDAY, "studiedag")


def presenters_org():
    org = mentoring_org()
    people = tuple(dataclasses.replace(p, presenter=p.id in ("niels", "olga")) for p in org.people)
    return dataclasses.replace(org, people=people)


def test_the_first_plan_day_skips_the_notice_the_weekend_and_the_holiday(db, tmp_path, monkeypatch):
    load(db, small_org(), tmp_path)
    monkeypatch.delenv("MEELOOP_NOTICE_DAYS", raising=False)
    monkeypatch.delenv("MEELOOP_TIMEZONE", raising=False)
    assert scheduling.first_plan_day(db, now=NOW) == FIRST
    monkeypatch.setenv("MEELOOP_NOTICE_DAYS", "0")
    assert scheduling.first_plan_day(db, now=NOW) == dt.date(2026, 11, 27)  # no notice: today
    assert scheduling.first_plan_day(db, now=NOW, notice=Notice(3)) == dt.date(2026, 12, 4)


def test_no_lunch_session_or_meeting_starts_before_the_notice_period(db, tmp_path):
    load(db, presenters_org(), tmp_path)
    horizon = lunch.LunchConfig(first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=20))
    sessions = scheduling.plan_lunch(db, horizon, now=NOW, save=True, notice=NOTICE).sessions
    rounds.propose_round(
        db,
        round_name="mentor",
        config=PairingConfig(mode="mentor", time_limit=2),
        today=NOW.date(),
        now=NOW,
        save=True,
    )
    rounds.publish_round(db, "mentor", today=NOW.date(), now=NOW)
    # The round's first day is today: the first meetings are searched from the first day after the notice.
    config = meetings.MeetingConfig(
        first_day=NOW.date(), last_day=NOW.date() + dt.timedelta(weeks=8), every_weeks=2
    )
    planned = meeting_times.plan_round_meetings(db, "mentor", config, now=NOW, save=True, notice=NOTICE)
    assert sessions and planned.meetings and not planned.unplaced
    starts = [s.start for s in sessions] + [o for m in planned.meetings for o, _ in m.occurrences]
    assert min(starts) >= EARLIEST
    assert all(s.astimezone(AMSTERDAM).date() != HOLIDAY for s in starts)
    assert min(m.start for m in planned.meetings).astimezone(AMSTERDAM).date() == FIRST
    stored = scheduling.scheduled(db)
    assert stored and min(e.start for e in stored) >= EARLIEST


def test_a_shadowing_slot_waits_for_the_notice_and_a_request_inside_it_says_why(db, tmp_path):
    load(db, small_org(), tmp_path)
    ask = {"host_id": None, "skill": "sql", "length": "hour", "now": NOW}
    soon = scheduling.add_shadow_request(db, guest_id="bram", first_day=MONDAY, last_day=MONDAY, **ask)
    later = scheduling.add_shadow_request(
        db, guest_id="bram", first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=11), **ask
    )
    config = shadowing.ShadowConfig(time_limit=2)
    plan = scheduling.plan_shadowing(db, MONDAY, MONDAY + dt.timedelta(days=11), config, now=NOW, save=True)
    [slot] = plan.slots
    assert slot.request_id == str(later.id) and slot.start >= EARLIEST
    [(request_id, why)] = plan.unplaced
    assert request_id == str(soon.id)
    assert why.endswith("nothing is planned before 2026-12-03, after the notice period of 2 working days")
    stored = {r.id: r for r in scheduling.shadow_requests(db)}
    assert "after the notice period of 2 working days" in stored[soon.id].note


def test_moving_an_event_into_the_notice_period_is_refused_in_words(db, tmp_path):
    load(db, presenters_org(), tmp_path)
    horizon = lunch.LunchConfig(first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=20))
    [first, *_] = scheduling.plan_lunch(db, horizon, now=NOW, save=True, notice=NOTICE).sessions
    [event] = [e for e in scheduling.scheduled(db, kind="lunch") if e.start == first.start]
    tuesday_noon = dt.datetime(2026, 12, 1, 12, tzinfo=AMSTERDAM)
    with pytest.raises(RoundError) as refused:
        meeting_times.move_event(db, event.id, tuesday_noon, now=NOW, notice=NOTICE)
    assert str(refused.value.message) == (
        f"event {event.id} was not moved: nothing is planned before 2026-12-03, "
        "after the notice period of 2 working days"
    )


def test_no_invite_is_queued_for_a_meeting_that_has_begun_and_the_sender_is_told(db, tmp_path):
    load(db, presenters_org(), tmp_path)
    horizon = lunch.LunchConfig(first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=20))
    sessions = scheduling.plan_lunch(db, horizon, now=NOW, save=True, notice=NOTICE).sessions
    assert len(sessions) >= 2
    settings = InviteSettings(organizer="hr@wadloo.example", organizer_name="HR", domain="wadloo.example")
    # Sent after the first session began: only the later ones are invited, the first is counted as too late.
    later = sessions[0].start + dt.timedelta(minutes=5)
    source = scheduling.lunch_source(horizon)
    queued = publishing.queue_invites(db, settings, source=source, now=later)
    assert queued and all(d.event.start > later for d in queued)
    late = publishing.too_late(db, source=source, now=later)
    assert late and {d.event.start for d in late} == {sessions[0].start}
    assert (
        publishing.too_late_words(len(late))
        == f"{len(late)} messages were not sent: their meetings have already begun"
    )
    assert publishing.too_late_words(1) == "1 message was not sent: its meeting has already begun"
