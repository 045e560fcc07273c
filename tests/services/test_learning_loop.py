"""The learning loop on a real SQLite file and PostgreSQL server: a published mentor round whose
sessions were checked in on and reflected on feeds the next round: a pair that both rated highly,
a mentor whose sessions did not take place, a skill whose sessions led to applied value (and one
whose group is too small to count)."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.domain.model import Holding, Level, Organisation, Skill, Wish
from matcher.domain.schedule import ScheduledEvent
from matcher.engines.pairing import PairingConfig, Rules
from matcher.engines.pairing.feedback import repeat_reason
from matcher.io import orgjson
from matcher.services import learning_loop, personal, rounds
from matcher.storage import Database
from matcher.storage import notices as notice_storage
from matcher.storage import reflections as reflection_storage
from matcher.storage import schedule as schedule_storage
from tests.optins import import_with_opt_ins
from tests.orgs import person

FIRST_DAY = dt.date(2026, 9, 1)
TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
MENTEES = ("xena", "yuri", "zoe", "wout")
FIRST_ROUND = (("anna", "xena"), ("anna", "yuri"), ("anna", "zoe"), ("bert", "wout"))


def loop_org() -> Organisation:
    mentor = {"years_experience": 20, "start_date": dt.date(2005, 1, 1)}
    mentee = {"years_experience": 1, "start_date": dt.date(2026, 1, 5)}
    people = (
        person("anna", "Anna de Vries", mentor_capacity=3, **mentor),
        person("bert", "Bert Jansen", mentor_capacity=1, **mentor),
        *(person(pid, **mentee) for pid in MENTEES),
        *(person(f"guest{i}", **mentee) for i in range(4)),
        person("host", "Hanna Host", **mentor),
    )
    skills = (Skill("sql", "SQL"), Skill("excel", "Excel"))
    holdings = (Holding("anna", "sql", Level.EXPERT), Holding("bert", "sql", Level.PROFICIENT))
    wishes = tuple(Wish(pid, "sql", 3) for pid in MENTEES)
    return Organisation("Gemeente Wadloo", people, skills, holdings, wishes)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), dt.UTC)


def session_days(n: int) -> list[dt.date]:
    return [FIRST_DAY + dt.timedelta(weeks=2 * i + 1) for i in range(n)]


@pytest.fixture
def loop_db(db: Database, tmp_path) -> Database:
    """Round "first" published with four pairs, each meeting three times; what came back."""
    orgjson.write_json(loop_org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=at(FIRST_DAY) - dt.timedelta(days=30))
    config = PairingConfig(mode="mentor", locked=FIRST_ROUND)
    first_now = at(FIRST_DAY)
    rounds.propose_round(db, round_name="first", config=config, today=FIRST_DAY, now=first_now, save=True)
    rounds.publish_round(db, "first", today=FIRST_DAY, now=first_now)
    days = session_days(3)
    meetings = [
        ScheduledEvent(
            kind="meeting",
            source="first",
            key=f"unit {i}",
            title=f"first: {teacher} and {learner}",
            start=at(days[0]),
            end=at(days[0]) + dt.timedelta(hours=1),
            timezone="Europe/Amsterdam",
            members=(teacher, learner),
            roles={teacher: "mentor", learner: "mentee"},
            rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=3",
            occurrences=tuple((at(d), at(d) + dt.timedelta(hours=1)) for d in days),
        )
        for i, (teacher, learner) in enumerate(FIRST_ROUND, 1)
    ]
    lunch = ScheduledEvent(
        kind="lunch",
        source="lunch 2026",
        key="excel",
        title="Lunch & learn: Excel",
        start=at(days[1]),
        end=at(days[1]) + dt.timedelta(hours=1),
        timezone="Europe/Amsterdam",
        members=("host",),
        roles={"host": "presenter"},
        details={"skill": "excel"},
    )
    with db.transaction() as session:
        ids = schedule_storage.add_events(session, [*meetings, lunch], now=first_now)
    unit = dict(zip(FIRST_ROUND, ids, strict=False))
    with_xena, with_yuri, with_zoe, with_wout = (unit[p] for p in FIRST_ROUND)
    reflected = [
        # Anna and Xena: both reached applied value or more in their latest reflections.
        ("anna", with_xena, days[0], ("immediate",)),
        ("anna", with_xena, days[2], ("applied", "realised")),
        ("xena", with_xena, days[1], ("potential", "applied")),
        # Anna and Yuri: Yuri's latest reflection stays at immediate value.
        ("anna", with_yuri, days[0], ("applied",)),
        ("yuri", with_yuri, days[0], ("applied",)),
        ("yuri", with_yuri, days[1], ("immediate",)),
        # Bert and Wout, Zoe: applied value, so SQL's sessions count 5 people at applied of 6.
        ("bert", with_wout, days[0], ("applied",)),
        ("zoe", with_zoe, days[0], ("reframing",)),
        ("wout", with_wout, days[0], ("immediate",)),
        # Excel: four people reached applied value at a lunch session, fewer than the smallest group.
        *((f"guest{i}", ids[-1], days[1], ("applied",)) for i in range(4)),
        ("guest0", ids[-1], days[2], ("applied", "realised")),
    ]
    with db.transaction() as session:
        for person_id, event_id, day, levels in reflected:
            reflection_storage.save(session, person_id, event_id, day, levels, "", now=NOW)
    answers = [
        # Two of Anna's sessions did not take place (each said by one of the two), one moved.
        (with_yuri, days[0], "yuri", notice_storage.NOT_HELD),
        (with_yuri, days[0], "anna", notice_storage.HELD),
        (with_zoe, days[1], "anna", notice_storage.NOT_HELD),
        (with_zoe, days[2], "zoe", notice_storage.MOVED),
        # One of Bert's: below the two that cost a place.
        (with_wout, days[1], "wout", notice_storage.NOT_HELD),
    ]
    with db.transaction() as session:
        for i, (event_id, day, person_id, given) in enumerate(answers):
            notice_storage.ask(session, event_id, day, person_id, f"token-{i}", now=NOW)
            asked = notice_storage.by_token(session, f"token-{i}")
            assert asked is not None
            notice_storage.answer(session, asked.id, given, now=NOW)
    return db


def test_signals_come_from_stored_check_ins_and_reflections(loop_db):
    found = learning_loop.feedback_for(loop_db, "mentor", round_name="second", today=TODAY)
    assert found.rated_highly == (("anna", "xena"),)
    assert found.not_held == (("anna", 2),)
    # SQL: anna, xena, yuri (earlier), bert and zoe reached applied value or more, wout did not.
    # Excel: four people only, fewer than the smallest group counted.
    assert found.valued_skills == (("sql", 5, 6),)


def test_the_smallest_group_is_respected_and_old_sessions_fade(loop_db):
    def skills(**options) -> tuple:
        settings = learning_loop.LoopSettings(**{k: v for k, v in options.items() if k != "today"})
        today = options.get("today", TODAY)
        return learning_loop.feedback_for(
            loop_db, "mentor", round_name="second", today=today, settings=settings
        ).valued_skills

    # Five people at applied value make a group of five; six are asked for, and SQL no longer counts.
    assert skills(min_group=5) == (("sql", 5, 6),)
    assert skills(min_group=6) == ()
    # Excel: four people, one of whom reflected twice, count as four.
    assert skills(min_group=4) == (("excel", 4, 4), ("sql", 5, 6))
    assert skills(today=TODAY + dt.timedelta(days=400)) == ()
    # Other kinds of round have their own pairs and sessions.
    exchange = learning_loop.feedback_for(loop_db, "exchange", round_name="second", today=TODAY)
    assert exchange.rated_highly == () and exchange.not_held == ()


@pytest.mark.parametrize("option", [True, False], ids=["repeat option on", "repeat option off"])
def test_the_next_round_repeats_a_pair_rated_highly_only_with_the_option_and_says_why(loop_db, option):
    config = PairingConfig(mode="mentor", rules=Rules(cooldown_rounds=2, repeat_when_rated_highly=option))
    proposal = rounds.propose_round(
        loop_db, round_name="second", config=config, today=TODAY, now=NOW, save=True
    )
    pairs = {p.members: p for p in proposal.pairs}
    assert (("anna", "xena") in pairs) is option
    assert not any(p in pairs for p in FIRST_ROUND[1:])  # the cooldown holds for the others
    if option:
        assert repeat_reason() in pairs[("anna", "xena")].reasons
    # Anna's two sessions not held cost her a place: at most two mentees.
    assert sum(1 for members in pairs if members[0] == "anna") <= 2
    stored = rounds.load_round(loop_db, "second")
    changed = [str(line) for line in learning_loop.what_changed(loop_db, stored)]
    assert any("1 pair rated their sessions together highly" in line for line in changed)
    assert "Anna de Vries: fewer mentees (3 to 2 places): 2 of their sessions did not take place" in changed
    assert any("SQL (5 of 6 colleagues)" in line for line in changed)
    assert not any("Excel" in line or "xena" in line.casefold() for line in changed)
    # Publishing checks the pairs with what the proposal saw: the repeat stays allowed.
    published = rounds.publish_round(loop_db, "second", today=TODAY, now=NOW)
    assert published.status == "published"
    # HR reads why the pair meets again; Anna and Xena do not read how the other rated.
    for member in ("anna", "xena") if option else ():
        memberships = personal.my_rounds(loop_db, member).memberships
        (mine,) = [m for m in memberships if m.round == "second" and m.members == ("anna", "xena")]
        assert repeat_reason() not in mine.reasons and mine.reasons


def test_a_round_without_recent_sessions_says_nothing_changed(loop_db):
    later = TODAY + dt.timedelta(days=400)
    config = PairingConfig(mode="buddy")
    rounds.propose_round(loop_db, round_name="buddies", config=config, today=later, now=NOW, save=True)
    stored = rounds.load_round(loop_db, "buddies")
    assert not stored.config.feedback
    assert [str(s) for s in learning_loop.what_changed(loop_db, stored)] == [
        "nothing from earlier sessions changed this round"
    ]
