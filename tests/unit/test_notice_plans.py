"""No plan of any kind starts before now plus the notice period: meetings of pairs and groups,
shadowing slots and lunch & learn sessions, for people in Amsterdam, New York and Tokyo, made at
any moment (late in the evening too)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain.availability import Agenda
from matcher.domain.model import Holding, Level, Organisation, Skill, Wish
from matcher.domain.notice import Notice, earliest_start
from matcher.domain.talentmap import TalentMap
from matcher.engines import lunch, meetings, shadowing
from tests.orgs import person

AMSTERDAM, NEW_YORK, TOKYO = "Europe/Amsterdam", "America/New_York", "Asia/Tokyo"
ZONES = (AMSTERDAM, NEW_YORK, TOKYO)
MONDAY = dt.date(2026, 5, 4)
LAST = MONDAY + dt.timedelta(days=27)
# Ascension Day, a Thursday: nothing is planned then, and it is no notice day.
HOLIDAYS = frozenset({dt.date(2026, 5, 14)})
SKILLS = (Skill("sql", "SQL"), Skill("wmo", "Wmo"))
PEOPLE = (
    person("ams", timezone=AMSTERDAM, host_capacity=4, presenter=True),
    person("ams2", timezone=AMSTERDAM),
    person("nyc", timezone=NEW_YORK, host_capacity=4, presenter=True),
    person("tyo", timezone=TOKYO, host_capacity=4),
    person("tyo2", timezone=TOKYO),
)
ORG = Organisation(
    "Wadloo",
    PEOPLE,
    SKILLS,
    (
        Holding("ams", "sql", Level.EXPERT),
        Holding("nyc", "wmo", Level.EXPERT),
        Holding("tyo", "sql", Level.EXPERT),
    ),
    tuple(Wish(p, s, 3) for p in ("ams2", "tyo", "tyo2") for s in ("sql", "wmo")),
)
TMAP = TalentMap(ORG, today=dt.date(2026, 4, 1))


@st.composite
def moments(draw: st.DrawFn) -> tuple[dt.datetime, str, int]:
    """A moment from a week before the plans' first day to well into them, often at 23:30 local,
    with the organisation's time zone and its notice period."""
    zone = draw(st.sampled_from(ZONES))
    day = MONDAY + dt.timedelta(days=draw(st.integers(-9, 12)))
    if draw(st.booleans()):
        clock = dt.time(23, 30)
    else:
        clock = dt.time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 15, 45))))
    now = dt.datetime.combine(day, clock, ZoneInfo(zone)).astimezone(dt.UTC)
    return now, zone, draw(st.integers(0, 4))


def agenda_at(now: dt.datetime, zone: str, days: int) -> tuple[Agenda, dt.datetime]:
    notice = Notice(days, zone)
    earliest = earliest_start(now, days, HOLIDAYS, zone)
    return Agenda(holidays=HOLIDAYS).after_notice(notice.cutoff(now, HOLIDAYS)), earliest


def assert_after(starts: list[dt.datetime], earliest: dt.datetime, now: dt.datetime) -> None:
    assert all(start >= earliest for start in starts), (min(starts), earliest)
    assert all(start >= now for start in starts)
    assert all(
        start.astimezone(ZoneInfo(p.timezone)).date() not in HOLIDAYS for start in starts for p in PEOPLE[:1]
    )


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(moments())
def test_no_meeting_of_a_pair_or_group_starts_before_the_notice_period(moment):
    now, zone, days = moment
    agenda, earliest = agenda_at(now, zone, days)
    units = [
        ("pair", ("ams", "nyc")),
        ("far", ("tyo", "ams")),
        ("group", ("ams2", "nyc", "ams")),
        ("tokyo", ("tyo2", "tyo")),
    ]
    config = meetings.MeetingConfig(first_day=MONDAY, last_day=LAST, search_days=21, every_weeks=1)
    found = meetings.plan_meetings(units, {p.id: p for p in PEOPLE}, agenda, config)
    starts = [start for m in found.meetings for start, _ in m.occurrences]
    if earliest < dt.datetime.combine(LAST - dt.timedelta(days=7), dt.time(), dt.UTC):
        assert found.meetings
    if starts:
        assert_after(starts, earliest, now)
    for _, reason in found.unplaced:
        assert "after the notice period" in reason or "nothing is planned in the past" in reason


@SETTINGS
@given(moments())
def test_no_shadowing_slot_starts_before_the_notice_period(moment):
    now, zone, days = moment
    agenda, earliest = agenda_at(now, zone, days)
    requests = [
        shadowing.ShadowRequest("1", "ams2", "sql", None, 60, MONDAY, MONDAY + dt.timedelta(days=13)),
        shadowing.ShadowRequest("2", "tyo2", None, "tyo", 240, MONDAY, MONDAY + dt.timedelta(days=9)),
        shadowing.ShadowRequest("3", "tyo2", "sql", "ams", 60, MONDAY, MONDAY + dt.timedelta(days=2)),
    ]
    config = shadowing.ShadowConfig(time_limit=5.0, work_limit=5.0)
    problem = shadowing.build_problem(TMAP, requests, agenda, config)
    found = shadowing.plan(problem)
    assert shadowing.validate(problem, found.slots) == []
    if found.slots:
        assert_after([s.start for s in found.slots], earliest, now)
    for _, reason in found.unplaced:
        if "no common free time" in reason and earliest > dt.datetime.combine(MONDAY, dt.time(), dt.UTC):
            assert "after the notice period" in reason or "nothing is planned in the past" in reason


@SETTINGS
@given(moments())
def test_no_lunch_session_starts_before_the_notice_period(moment):
    now, zone, days = moment
    agenda, earliest = agenda_at(now, zone, days)
    config = lunch.LunchConfig(first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=13), per_week=2)
    problem = lunch.build_problem(TMAP, agenda, config)
    found = lunch.propose(problem)
    assert lunch.validate(problem, found.sessions) == []
    if found.sessions:
        assert_after([s.start for s in found.sessions], earliest, now)
    for _, reason in found.unplaced:
        if "no free lunch slot" in reason:
            assert "after the notice period" in reason or "nothing is planned in the past" in reason
