"""Shadowing: properties of every plan (hypothesis), checked against the agenda directly, not through
the engine's own rule functions; and the benchmark's instance."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.shadowing import as_slots, busy_share, greedy, instance, run, table
from matcher.domain.availability import Agenda, Interval, working_intervals
from matcher.domain.model import Holding, Level, Organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines.shadowing import ShadowConfig, ShadowRequest, build_problem, plan, validate
from matcher.io.fields import parse_working_hours
from tests.orgs import person
from tests.unit.shadowing_support import AMSTERDAM, CONFIG, LONDON, NEW_YORK, SKILLS

# -- properties of every plan -----------------------------------------------------------------------

ZONES = (AMSTERDAM, AMSTERDAM, LONDON, NEW_YORK)
HOURS = (
    "mon-fri 09:00-17:00",
    "mon-thu 08:00-16:30",
    "mon-fri 08:30-12:30,13:00-17:30",
    "tue-fri 10:00-18:00",
)
DAYS = (dt.date(2026, 3, 26), dt.date(2026, 5, 4), dt.date(2026, 10, 22), dt.date(2026, 10, 29))


@st.composite
def instances(draw: st.DrawFn) -> tuple[TalentMap, list[ShadowRequest], Agenda]:
    n = draw(st.integers(3, 9))
    first = draw(st.sampled_from(DAYS))
    people, holdings, busy = [], [], {}
    for i in range(n):
        pid = f"p{i}"
        people.append(
            person(
                pid,
                timezone=draw(st.sampled_from(ZONES)),
                site=draw(st.sampled_from(("A", "B", ""))),
                working_hours=parse_working_hours(draw(st.sampled_from(HOURS))),
                host_capacity=draw(st.integers(0, 3)),
            )
        )
        for skill in ("sql", "python"):
            level = draw(st.integers(0, 4))
            if level:
                holdings.append(Holding(pid, skill, Level(level)))
        blocks = []
        for _ in range(draw(st.integers(0, 6))):
            start = dt.datetime.combine(first, dt.time(), dt.UTC) + dt.timedelta(
                minutes=draw(st.integers(0, 5 * 24 * 4)) * 15 + draw(st.sampled_from((0, 0, 7)))
            )
            blocks.append(Interval(start, start + dt.timedelta(minutes=draw(st.integers(10, 300)))))
        busy[pid] = blocks
    requests = []
    for r in range(draw(st.integers(1, 14))):
        guest = draw(st.integers(0, n - 1))
        named = draw(st.integers(0, 2)) == 0
        start = first + dt.timedelta(days=draw(st.integers(0, 4)))
        requests.append(
            ShadowRequest(
                f"r{r}",
                f"p{guest}",
                draw(st.sampled_from(("sql", "python", None)))
                if named
                else draw(st.sampled_from(("sql", "python"))),
                f"p{draw(st.integers(0, n - 1))}" if named else None,
                draw(st.sampled_from((60, 60, 90, 240, 480))),
                start,
                start + dt.timedelta(days=draw(st.integers(0, 5))),
            )
        )
    org = Organisation("Wadloo", tuple(people), SKILLS, tuple(holdings))
    return TalentMap(org, today=dt.date(2026, 1, 1)), requests, Agenda(busy)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    instances(),
    st.sampled_from((0, 60)),
    st.sampled_from(("week", "month")),
    st.sampled_from(("cliques", "intervals")),
)
def test_every_plan_passes_validate_and_keeps_to_the_calendars(
    instance: tuple[TalentMap, list[ShadowRequest], Agenda], travel: int, period: str, no_overlap: str
) -> None:
    tmap, requests, agenda = instance
    config = ShadowConfig(
        time_limit=2.0, travel_minutes=travel, capacity_period=period, no_overlap=no_overlap, work_limit=5.0
    )
    problem = build_problem(tmap, requests, agenda, config)
    result = plan(problem)
    assert result.violations == ()
    assert validate(problem, result.slots) == []
    assert result.objective == len(result.slots) <= result.bound
    assert len(result.slots) + len(result.unplaced) == len(requests)
    assert all(why for _, why in result.unplaced)
    by_id = {r.id: r for r in requests}
    taken: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for slot in result.slots:
        request, guest, host = by_id[slot.request_id], tmap.person(slot.guest_id), tmap.person(slot.host_id)
        assert slot.guest_id == request.guest_id != slot.host_id
        assert slot.end - slot.start == dt.timedelta(minutes=request.minutes)
        assert slot.start.timestamp() % (15 * 60) == 0
        for someone in (guest, host):
            # Inside working hours on the request's dates, in the person's own time zone ...
            zone = ZoneInfo(someone.timezone)
            assert request.first_day <= slot.start.astimezone(zone).date() <= request.last_day
            day = (slot.start - dt.timedelta(days=1), slot.end + dt.timedelta(days=1))
            hours = working_intervals(someone.working_hours, someone.timezone, day)
            assert any(h.start <= slot.start and slot.end <= h.end for h in hours)
            # ... and touching none of their busy time.
            assert not any(b.start < slot.end and slot.start < b.end for b in agenda.busy[someone.id])
        away = travel if guest.site and host.site and guest.site != host.site else 0
        before, after = slot.start - dt.timedelta(minutes=away), slot.end + dt.timedelta(minutes=away)
        assert not any(b.start < after and before < b.end for b in agenda.busy[guest.id])
        taken.setdefault(guest.id, []).append((before, after))
        taken.setdefault(host.id, []).append((slot.start, slot.end))
        assert host.host_capacity > 0
        if request.skill_id:
            assert tmap.levels_of(host.id).get(request.skill_id, 0) >= 3
    for spans in taken.values():  # nobody double booked, travel included
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    if result.status == "optimal":
        assert result.objective == result.bound


# -- the benchmark's pieces -------------------------------------------------------------------------


def test_the_benchmark_instance_is_seeded_and_every_plan_in_it_passes_validate() -> None:
    tmap, requests, agenda, window = instance(requests=60, hosts=15, weeks=2, seed=3)
    again = instance(requests=60, hosts=15, weeks=2, seed=3)
    assert requests == again[1] and agenda == again[2]
    assert window == (dt.date(2026, 10, 12), dt.date(2026, 10, 25))
    assert 0.35 < busy_share(tmap, agenda, window) < 0.65
    assert sum(p.is_host for p in tmap.organisation.people) == 15
    problem = build_problem(tmap, requests, agenda, CONFIG)
    assert validate(problem, as_slots(problem, greedy(problem))) == []
    figures = run(requests=60, hosts=15, weeks=2, seed=3, time_limit=3.0)
    engine, baseline, constrained = figures["engine"], figures["greedy"], figures["most_constrained"]
    assert engine["violations"] == baseline["violations"] == constrained["violations"] == 0
    assert baseline["placed"] <= engine["placed"] <= figures["bound"]
    assert constrained["placed"] <= engine["placed"]
    assert engine["score_bound"] is not None and engine["score"] <= engine["score_bound"]
    assert "greedy, most constrained first" in table(figures)
    assert engine["peak_mib"] > 0 and figures["build"]["candidates"] > 0
