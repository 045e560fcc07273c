"""Every sentence the engines write for people is a message that comes through the catalog.

Group rounds, shadowing, lunch & learn, meetings (and pairing's locks and left-out reasons) are run
on small organisations; their reasons, the reasons why something or someone is left out, the rules
a hand-made plan breaks, notes and conflicts are all checked the same way:

* each is a :class:`~matcher.domain.phrases.Message` whose template an extractor finds;
* said in a pseudo-language in which every template comes back in «brackets», it starts and ends
  with one: no sentence escapes the catalog;
* each of its parameters is a message checked the same way, or plain data: names, ids, skills,
  sites, time zones, numbers and clock times, never English words glued into a sentence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Skill, Wish
from matcher.domain.phrases import KEYWORDS, English, Message, phrase, say
from matcher.domain.talentmap import TalentMap
from matcher.engines import groups, lunch, meetings, pairing, shadowing
from matcher.engines.groups import Criterion, GroupConfig
from matcher.engines.groups.criteria import Balance, CountRange
from matcher.engines.lunch import LunchSession
from matcher.engines.meetings import Meeting, MeetingConfig
from matcher.engines.pairing import PairingConfig
from matcher.engines.shadowing import ShadowSlot
from matcher.io.fields import parse_working_hours
from tests.orgs import mentoring_org, person, small_org
from tests.unit import lunch_support
from tests.unit.shadowing_support import AMSTERDAM, MONDAY, NEW_YORK, ask, busy_except, local, world

TODAY = dt.date(2026, 11, 2)
MATCHER = Path(__file__).resolve().parents[2] / "matcher"
HOUR = dt.timedelta(hours=1)

#: What may stand in a sentence's parameter as plain text once its data is taken out: digits,
#: clock times, dates and the punctuation between them.
PUNCTUATION = re.compile(r"[\s\d:;,.\-–()'…/+×]*")


class Pseudo(English):
    """A pseudo-language: every template of the catalog visibly changed."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"«{singular if n == 1 else plural}»"


@pytest.fixture(scope="module")
def extracted() -> set[str | tuple[str, str]]:
    found = extract_from_dir(str(MATCHER), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found}


def data_of(org: Organisation, *more: Iterable[str]) -> list[str]:
    """The plain text a sentence may hold: what the organisation and the plan's ids name."""
    words: set[str] = set()
    for p in org.people:
        words.update((p.id, p.name, p.department, p.function, p.site, p.team, p.timezone))
    for s in org.skills:
        words.update((s.id, s.name))
    for extra in more:
        words.update(extra)
    return sorted((w for w in words if w), key=len, reverse=True)


def is_data(text: str, data: list[str]) -> bool:
    for word in data:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text)
    return PUNCTUATION.fullmatch(text) is not None


def check(sentence: object, data: list[str], extracted: set) -> None:
    """The sentence is a message of an extracted template that comes through the catalog, and so
    is every message in it; everything else in it is data."""
    assert isinstance(sentence, Message), f"not a message: {sentence!r}"
    assert sentence.template in extracted or (sentence.template, sentence.plural) in extracted, sentence
    said = say(sentence, Pseudo())
    assert said.startswith("«") and said.endswith("»"), said
    for value in sentence.params.values():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, Message):
                check(item, data, extracted)
            elif isinstance(item, str):
                assert is_data(item, data), f"English as plain text in {sentence!r}: {item!r}"


def check_all(sentences: list, data: list[str], extracted: set, at_least: int) -> None:
    assert len(sentences) >= at_least, sentences
    for sentence in sentences:
        check(sentence, data, extracted)


def test_the_check_fails_on_plain_text_and_on_english_glued_into_a_message(extracted) -> None:
    data = ["Anna"]
    with pytest.raises(AssertionError):
        check("Anna is in 2 groups", data, extracted)
    with pytest.raises(AssertionError):
        check(phrase("{name} is in {n} groups", name="Anna is not free", n=2), data, extracted)
    with pytest.raises(AssertionError):
        check(Message("made up", "a template nobody wrote"), data, extracted)
    check(phrase("{name} is in {n} groups", name="Anna", n=2), data, extracted)


# -- group rounds -------------------------------------------------------------------------------------


def group_org() -> Organisation:
    """Thirteen colleagues over functions, departments, sites, teams (some without) and experience;
    AI is held by two, Wmo wanted by some; p00, p04 and p08 met in the last think tank."""
    people = [
        person(
            f"p{i:02d}",
            f"P{i:02d} Jansen",
            function=f"f{i % 4}",
            department=f"d{i % 3}",
            site="s0" if i < 11 else f"s{i - 10}",
            team=f"t{i // 4}" if i % 5 else "",
            years_experience=[1, 3, 7, 20][i % 4],
        )
        for i in range(13)
    ]
    holdings = [Holding("p00", "ai", Level.EXPERT), Holding("p05", "ai", Level.PROFICIENT)]
    wishes = [Wish(f"p{i:02d}", "wmo", 2) for i in (1, 2, 3, 7)]
    history = [HistoryEntry("r1", "think-tank", ("p00", "p04", "p08"), dt.date(2026, 6, 1))]
    skills = (Skill("ai", "AI"), Skill("wmo", "Wmo"))
    return Organisation("Test", tuple(people), skills, tuple(holdings), tuple(wishes), tuple(history))


def test_group_reasons_left_out_violations_notes_and_conflicts_are_messages(extracted) -> None:
    org = group_org()
    config = GroupConfig.for_kind(
        "think-tank",
        size_min=4,
        size_max=5,
        criteria=(
            Criterion("function", "diverse", 3.0),
            Criterion("department", "similar", 1.0),
            Criterion("team", "diverse", 1.0),
            Criterion("site", "similar", 0.5),
            Criterion("experience", "diverse", 1.0),
            Criterion("skill:ai", "diverse", 1.0),
            Criterion("interest:wmo", "similar", 1.0),
        ),
        topic_skills=("ai",),
        counts=(
            CountRange("skill:ai", level=3, min=0, max=1, hard=False),
            CountRange("department", max=2, hard=False),
            CountRange("site", value="s0", min=1),
            CountRange("interest:wmo", max=3),
        ),
        balance=(Balance("experience", 1.0), Balance("tenure", 0.5), Balance("level:ai", 1.0, 0.1)),
        no_isolated=("site", "skill:ai", "interest:wmo", "team"),
        cooldown_rounds=2,
        max_repeats=1,
        locked=(("p01", "p02"), ("p03", "p06"), ("p01", "p07"), tuple(f"p{i:02d}" for i in range(6, 12))),
        forbidden=(("p03", "p06"), ("p09", "p10")),
        time_limit=2,
    )
    problem = groups.build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    proposal = groups.propose(problem)
    sentences = [r for g in proposal.groups for r in g.reasons]
    sentences += [u.reason for u in proposal.unmatched] + [u.role for u in proposal.unmatched]
    sentences += list(proposal.conflicts) + list(proposal.notes)
    bad = [
        ("p00", "p04", "p08", "ghost"),
        ("p00", "p09", "p10"),
        ("p01", "p11", "p12", "p03", "p06", "p05"),
    ]
    broken = groups.validate(problem, bad)
    assert {v.rule for v in broken} >= {
        "taking part",
        "one group each",
        "size",
        "locked",
        "forbidden",
        "balance",
    }
    sentences += [v.message for v in broken] + [v.rule for v in broken] + [str(v) for v in broken]
    data = data_of(org, ["ghost"])
    check_all(sentences, data, extracted, at_least=25)
    # Each kind of round on an organisation of mentors and mentees, one of whom cannot be placed.
    tmap = TalentMap(mentoring_org(), today=TODAY)
    for kind in ("think-tank", "intervision", "community"):
        problem = groups.build_problem(tmap, GroupConfig.for_kind(kind, time_limit=1), today=TODAY)
        proposal = groups.propose(problem)
        sentences = [r for g in proposal.groups for r in g.reasons] + [u.reason for u in proposal.unmatched]
        check_all(sentences, data_of(mentoring_org()), extracted, at_least=1)


def test_a_group_round_no_plan_can_keep_and_one_that_is_refused_say_so_in_messages(extracted) -> None:
    org = group_org()
    ring = tuple((f"p0{i}", f"p0{(i + 1) % 5}") for i in range(5))
    config = GroupConfig(size_min=4, size_max=4, forbidden=ring, time_limit=2)
    small = dataclasses.replace(org, people=org.people[:8])
    proposal = groups.propose(groups.build_problem(TalentMap(small, today=TODAY), config, today=TODAY))
    assert proposal.status == "infeasible" and proposal.notes
    sentences = [*proposal.notes, *(v.message for v in proposal.violations)]
    apart = tuple((a, b) for a in ("p00", "p01", "p02", "p03") for b in ("p00", "p01", "p02", "p03") if a < b)
    refused = GroupConfig(
        size_min=4,
        size_max=4,
        forbidden=(*apart, ("p04", "p05")),
        counts=(CountRange("skill:ai", min=2), CountRange("site", max=1)),
        time_limit=1,
    )
    problem = groups.build_problem(TalentMap(small, today=TODAY), refused, today=TODAY)
    sentences += [reason for _, _, reason in groups.rules.unkeepable(problem)]
    bad = [tuple(f"p0{i}" for i in range(4)), tuple(f"p0{i}" for i in range(4, 8))]
    sentences += [v.message for v in groups.validate(problem, bad)]
    check_all(sentences, data_of(org), extracted, at_least=7)


# -- pairing: locks, left out ---------------------------------------------------------------------------


@pytest.mark.parametrize("org", [mentoring_org(), small_org()], ids=["mentoring", "small"])
def test_pairing_conflicts_and_left_out_reasons_in_every_mode_are_messages(org, extracted) -> None:
    tmap = TalentMap(org, today=TODAY)
    sentences = []
    a, b, c, d = (p.id for p in org.people[:4])
    locks = ((a, "ghost"), (a, b, c), (c, d), (b, d), (a, b))
    for mode in ("mentor", "reverse", "exchange", "buddy", "intern-manager"):
        config = PairingConfig(mode=mode, locked=locks if mode in ("mentor", "exchange") else ())
        problem = pairing.build_problem(tmap, config, today=TODAY)
        proposal = pairing.propose(problem)
        sentences += [r for p in proposal.pairs for r in p.reasons]
        sentences += [u.reason for u in proposal.unmatched] + [u.role for u in proposal.unmatched]
        sentences += [*proposal.conflicts, *proposal.notes]
        broken = pairing.validate(problem, [(a, "ghost"), (c, d), (a, c), (a, b, c)])
        sentences += [v.message for v in broken] + [v.rule for v in broken]
    check_all(sentences, data_of(org, ["ghost"]), extracted, at_least=20)


# -- shadowing ---------------------------------------------------------------------------------------


def test_shadowing_reasons_unplaced_requests_violations_and_notes_are_messages(extracted) -> None:
    people = [
        person("ann", "Ann", site="Stadhuis"),
        person("bea", "Bea", site="Gemeentewerf", host_capacity=1),
        person("nick", "Nick", site="Stadhuis", timezone=NEW_YORK, host_capacity=2),
        person("cor", "Cor", site="Stadhuis", host_capacity=1),
        person("dan", "Dan", site="Stadhuis"),
        person("eva", "Eva", site="Stadhuis"),
    ]
    holdings = [
        Holding("bea", "sql", Level.EXPERT),
        Holding("nick", "python", Level.EXPERT),
        Holding("cor", "archief", Level.PROFICIENT),
        Holding("dan", "archief", Level.AWARE),
        Holding("ann", "archief", Level.WORKING),
    ]
    wishes = [Wish("ann", "sql", 3), Wish("eva", "python", 2)]
    tuesday = MONDAY + dt.timedelta(days=1)
    busy = {
        "eva": busy_except(MONDAY, (15, 16)) + busy_except(tuesday, (15, 16)),
        "nick": busy_except(MONDAY, (15, 17), zone=NEW_YORK),
        "dan": busy_except(MONDAY),
    }
    tmap, agenda = world(people, holdings, wishes, busy)
    requests = [
        ask("r1", "ann", "sql"),  # Bea, across sites: travel
        ask("r2", "eva", "python", first=MONDAY, last=tuesday),  # Nick, in New York
        ask("r3", "dan", "sql"),  # Bea is full this month
        ask("r4", "ann", "python", host="nick", minutes=90),  # no common free time with Nick
        ask("r5", "dan", "archief"),  # Dan is busy all day
        ask("r6", "ann", "archief", host="dan"),  # Dan hosts no guests
        ask("r7", "eva", "archief", minutes=30),  # no free time of Eva on Monday but 15-16 ...
        ask("r8", "ann", "python", host="bea"),  # Bea does not hold Python
        ask("r9", "cor", "python", minutes=45),
    ]
    problem = shadowing.build_problem(tmap, requests, agenda, shadowing.ShadowConfig(time_limit=3))
    result = shadowing.plan(problem)
    assert result.slots and len(result.unplaced) >= 4
    sentences = [r for s in result.slots for r in s.reasons] + [why for _, why in result.unplaced]
    sentences += list(result.notes)
    one = result.slots[0]

    def moved(start: dt.datetime, minutes: int = 60, **changes: object) -> ShadowSlot:
        return dataclasses.replace(one, start=start, end=start + dt.timedelta(minutes=minutes), **changes)

    bad = [
        dataclasses.replace(one, request_id="nope"),
        dataclasses.replace(one, guest_id="dan"),
        dataclasses.replace(one, skill_id="python"),
        moved(one.start, minutes=50),
        moved(one.start + dt.timedelta(minutes=5)),
        moved(local(AMSTERDAM, MONDAY + dt.timedelta(days=9), 10)),
        moved(local(AMSTERDAM, MONDAY, 3)),
        moved(one.start, request_id="r3", guest_id="dan"),
        moved(one.start, host_id="nick"),
        one,
    ]
    broken = shadowing.validate(problem, bad)
    sentences += [v.message for v in broken] + [v.rule for v in broken]
    check_all(sentences, data_of(tmap.organisation, [r.id for r in requests], ["nope"]), extracted, 20)


def test_a_month_of_shadowing_capacity_is_named_in_the_readers_words(extracted) -> None:
    people = [person("ann", "Ann"), person("bea", "Bea", host_capacity=1), person("dan", "Dan")]
    tmap, agenda = world(people, [Holding("bea", "sql", Level.EXPERT)])
    requests = [ask("r1", "ann"), ask("r2", "dan")]
    for period in ("month", "week"):
        config = shadowing.ShadowConfig(time_limit=2, capacity_period=period)
        problem = shadowing.build_problem(tmap, requests, agenda, config)
        result = shadowing.plan(problem)
        (why,) = [why for _, why in result.unplaced]
        assert "is full in" in why
        twice = [result.slots[0], dataclasses.replace(result.slots[0], request_id="r2", guest_id="dan")]
        sentences = [why, *(v.message for v in shadowing.validate(problem, twice))]
        check_all(sentences, data_of(tmap.organisation, ["r1", "r2"]), extracted, at_least=2)


# -- lunch & learn -----------------------------------------------------------------------------------


def test_lunch_reasons_unplaced_topics_and_violations_are_messages(extracted) -> None:
    presenter, talent = lunch_support.presenter, lunch_support.talent
    busy = [HistoryEntry(f"round {n}", "mentor", ("chen", f"x{n}"), dt.date(2026, 1, 1)) for n in range(3)]
    tmap = talent(
        [
            presenter("anna", name="Anna"),
            presenter("bram", name="Bram"),
            presenter("chen", name="Chen"),
            person("dirk", "Dirk"),
            presenter("eva", name="Eva"),
            *lunch_support.colleagues("w1", "w2", "w3"),
        ],
        [
            Holding("anna", "wmo", Level.EXPERT),
            Holding("anna", "sql", Level.EXPERT),
            Holding("bram", "wmo", Level.PROFICIENT),
            Holding("chen", "sql", Level.EXPERT),
            Holding("dirk", "archief", Level.EXPERT),
            Holding("eva", "python", Level.WORKING),
        ],
        [Wish(w, s, p) for w in ("w1", "w2", "w3") for s, p in (("wmo", 3), ("sql", 2), ("archief", 2))]
        + [Wish(w, "python", 1) for w in ("w1", "w2")],
        busy,
    )
    week20 = Interval(
        lunch_support.local(AMSTERDAM, 2026, 5, 11, 0), lunch_support.local(AMSTERDAM, 2026, 5, 18, 0)
    )
    agenda = Agenda({"w3": [week20]})
    _, plan = lunch_support.plan_for(tmap, agenda)
    sentences = [r for s in plan.sessions for r in s.reasons] + [why for _, why in plan.unplaced]
    for changes in ({"per_week": 1, "last_day": dt.date(2026, 5, 10)}, {"max_topics": 1}):
        _, small = lunch_support.plan_for(tmap, agenda, **changes)
        sentences += [why for _, why in small.unplaced]
    days = [lunch_support.WEEK19 + dt.timedelta(days=d) for d in range(14)]
    blocked = Agenda({p: [lunch_support.lunch_on(d) for d in days] for p in ("anna", "bram")})
    _, none = lunch_support.plan_for(tmap, blocked)
    sentences += [why for _, why in none.unplaced]

    def session(
        skill: str, who: str, day: int, hour: int = 12, audience: tuple[str, ...] = ()
    ) -> LunchSession:
        start = lunch_support.local(AMSTERDAM, 2026, 5, day, hour)
        return LunchSession(skill, who, start, start + HOUR, AMSTERDAM, audience, 2, ())

    chen_busy = Agenda({"chen": [lunch_support.lunch_on(dt.date(2026, 5, 12))]})
    checked = lunch.build_problem(tmap, chen_busy, lunch_support.config())
    hand_made = [
        session("wmo", "anna", 4, audience=("w1", "dirk")),
        session("wmo", "anna", 4, hour=13),
        session("sql", "anna", 5),
        session("python", "eva", 6),
        session("wmo", "dirk", 7),
        session("wmo", "ghost", 8),
        session("sql", "chen", 12),
        session("sql", "chen", 20),
        session("archief", "bram", 11),
    ]
    broken = lunch.validate(checked, hand_made)
    sited = lunch.build_problem(tmap, chen_busy, lunch_support.config(site="Stadhuis"))
    broken += lunch.validate(sited, hand_made[:1])
    assert {v.rule for v in broken} >= {"per week", "double booked", "presenter limit", "lunch window"}
    sentences += [v.message for v in broken] + [v.rule for v in broken]
    check_all(sentences, data_of(tmap.organisation, ["ghost", "12:00-13:00"]), extracted, at_least=20)


# -- meetings ----------------------------------------------------------------------------------------


def test_meeting_reasons_unplaced_units_and_violations_are_messages(extracted) -> None:
    people = {
        p.id: p
        for p in (
            person("anna", "Anna"),
            person("bram", "Bram"),
            person("chen", "Chen"),
            person("nick", "Nick", timezone=NEW_YORK),
            person("olga", "Olga", working_hours=parse_working_hours("mon-fri 10:00-11:00")),
        )
    }
    monday = dt.date(2026, 3, 2)
    away = Interval(
        local(AMSTERDAM, monday + dt.timedelta(weeks=2), 0),
        local(AMSTERDAM, monday + dt.timedelta(weeks=2, days=5), 0),
    )
    agenda = Agenda({"bram": [away]})
    units = [
        ("a", ("anna", "nick")),
        ("b", ("bram", "chen", "anna")),
        ("c", ("olga", "chen")),
        ("d", ("olga", "bram")),
        ("e", ("ghost", "anna")),
    ]
    series = MeetingConfig(first_day=monday, last_day=dt.date(2026, 4, 30), every_weeks=1, minutes=45)
    plan = meetings.plan_meetings(units, people, agenda, series)
    sentences = [r for m in plan.meetings for r in m.reasons] + [why for _, why in plan.unplaced]
    single = MeetingConfig(first_day=monday, last_day=dt.date(2026, 4, 30), every_weeks=2)
    plan2 = meetings.plan_meetings(units, people, agenda, single)
    sentences += [r for m in plan2.meetings for r in m.reasons] + [why for _, why in plan2.unplaced]
    nobody = Agenda(
        {
            pid: [Interval(local(AMSTERDAM, monday, 0), local(AMSTERDAM, monday + dt.timedelta(days=40), 0))]
            for pid in ("anna",)
        }
    )
    plan3 = meetings.plan_meetings(units[:3], people, nobody, dataclasses.replace(single, every_weeks=None))
    sentences += [why for _, why in plan3.unplaced]
    assert len(plan.unplaced) + len(plan2.unplaced) + len(plan3.unplaced) >= 4

    def hand_made(unit: str, members: tuple[str, ...], start: dt.datetime, length=HOUR) -> Meeting:
        return Meeting(
            unit, members, start, start + length, AMSTERDAM, ((start, start + length),), (), None, ()
        )

    config = MeetingConfig(first_day=monday, last_day=dt.date(2026, 4, 30))
    bad = [
        hand_made("a", ("anna", "nick"), local(AMSTERDAM, monday, 10, 50)),
        hand_made("b", ("bram", "chen", "anna"), local(AMSTERDAM, monday, 11), length=HOUR / 2),
        hand_made("b", ("bram", "chen", "anna"), local(AMSTERDAM, monday, 7)),
        hand_made("c", ("chen",), local(AMSTERDAM, monday, 10)),
        hand_made("d", ("olga", "bram"), local(AMSTERDAM, dt.date(2026, 4, 20), 10)),
        hand_made("e", ("ghost", "anna"), local(AMSTERDAM, monday, 12)),
        dataclasses.replace(
            hand_made("d", ("olga", "bram"), local(AMSTERDAM, monday, 10)), rrule="x", timezone=NEW_YORK
        ),
    ]
    broken = meetings.validate(units, people, agenda, config, bad)
    assert len({v.rule for v in broken}) >= 7
    sentences += [v.message for v in broken] + [v.rule for v in broken]
    check_all(
        sentences,
        data_of(Organisation("x", tuple(people.values())), ["a", "b", "c", "d", "e", "ghost"]),
        extracted,
        20,
    )
