"""What the engines say about settings, and the sentences that count, are messages.

Settings a round cannot run with (pairing, group, shadowing, lunch and meeting settings) are refused
with messages: each comes through the catalog (in the pseudo-language every template comes back in
«brackets») and reads in Dutch. A sentence about one learner or one round says it in the singular,
in English and in Dutch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from babel.messages.extract import extract_from_dir

from matcher.domain.model import TimeRange
from matcher.domain.phrases import KEYWORDS, Message, say
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines import pairing
from matcher.engines.groups import GroupConfig
from matcher.engines.groups.criteria import CountRange
from matcher.engines.lunch import LunchConfig
from matcher.engines.meetings import MeetingConfig
from matcher.engines.pairing import PairingConfig
from matcher.engines.shadowing import ShadowConfig
from matcher.io.catalogs import translator
from matcher.plans.rounds import said_by
from tests.orgs import mentoring_org
from tests.unit.test_engine_messages import MATCHER, Pseudo, check, data_of

TODAY = dt.date(2026, 11, 2)
MONDAY = dt.date(2026, 11, 30)


def setting_names(config: object) -> list[str]:
    """The names of a config's settings, those of its sections too."""
    names = []
    for f in dataclasses.fields(config):  # type: ignore[arg-type]
        names.append(f.name)
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            names += setting_names(value)
    return names


#: What settings may hold as data: the settings' own names and the values tried below.
SETTING_WORDS = [
    *setting_names(PairingConfig()),
    *setting_names(GroupConfig()),
    *setting_names(CountRange("site")),
    *setting_names(ShadowConfig()),
    *pairing.MODES,
    *("think-tank", "intervision", "community", "trio", "report", "week", "month", "1"),
    *("department", "function", "site", "team", "experience", "diverse", "similar", "ignore", "tenure"),
    *(
        "often",
        "big",
        "'often'",
        "'x'",
        "'many'",
        "'big'",
        "'always'",
        "'lots'",
        "'sometimes'",
        "True",
        "1.5",
    ),
]


@pytest.fixture(scope="module")
def extracted() -> set[str | tuple[str, str]]:
    found = extract_from_dir(str(MATCHER), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found}


def dutch(message: object) -> str:
    return say(message, translator("nl"))


def refused(action) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        action()
    return caught.value


def assert_messages(messages: list[object], extracted: set, *, at_least: int) -> None:
    """Each is a message of the catalog, bracketed in the pseudo-language and not English in Dutch."""
    assert len(messages) >= at_least, messages
    data = data_of(mentoring_org(), SETTING_WORDS)
    for message in messages:
        check(message, data, extracted)
        assert dutch(message) != str(message), message


def test_pairing_settings_are_refused_in_messages(extracted) -> None:
    bad = {
        "mode": "often",
        "odd_one_out": "x",
        "default_capacity": -1,
        "min_teacher_level": 7,
        "time_limit": 0,
        "nonsense": 1,
        "rules": {"cooldown_rounds": -2, "what": 1, "capacity": "always"},
        "weights": {"repeat_fade": 1.5, "department": "lots"},
        "select": {"people": [1], "teams": []},
        "locked": [["a"]],
        "forbidden": "sometimes",
        "candidates_per_learner": "many",
        "directed_only": True,
    }
    report = refused(lambda: PairingConfig.from_mapping(bad))
    assert_messages([p.message for p in report.problems], extracted, at_least=12)
    assert refused(lambda: PairingConfig.from_mapping([])).problems[0].message == (
        "expected an object with settings"
    )
    # Settings from no file of their own are said to be the settings, in the reader's language.
    assert say(report.problems[0].where.describe(), Pseudo()).startswith("««settings», «field")
    assert dutch(report.problems[0].where.describe()).startswith("instellingen")


def test_group_settings_are_refused_in_messages(extracted) -> None:
    bad = {
        "kind": "big",
        "size_min": 1,
        "nonsense": 1,
        "time_limit": "x",
        "criteria": [{"attribute": "shoe size"}, {"attribute": "site", "goal": "x"}, "often", {"goal": 1}],
        "select": {"people": [1]},
        "locked": [["a"]],
        "forbidden": [["a", "b", "c"]],
        "topic_skills": "x",
        "no_isolated": [1],
    }
    report = refused(lambda: GroupConfig.from_mapping(bad))
    messages = [p.message for p in report.problems]
    messages += [p.message for p in refused(lambda: GroupConfig.from_mapping({"criteria": "x"})).problems]
    messages += [p.message for p in refused(lambda: GroupConfig.from_mapping({"select": []})).problems]
    assert_messages(messages, extracted, at_least=10)


def test_group_criteria_settings_are_refused_in_messages(extracted) -> None:
    bad = {
        "size_min": 2,
        "size_max": 3,
        "counts": [
            {"attribute": "department", "min": 1, "value": 1},
            {"attribute": "skill:ai", "min": -1, "max": "x", "level": 9, "hard": 1, "weight": -1},
            {"attribute": "skill:ai", "min": 4},
            {"attribute": "team", "often": 1},
            "x",
        ],
        "balance": [{"attribute": "age", "weight": -1, "tolerance": "x"}, 1],
        "experience_bands": [5, 2],
        "band_count": 11,
    }
    messages = [p.message for p in refused(lambda: GroupConfig.from_mapping(bad)).problems]
    messages += [p.message for p in refused(lambda: GroupConfig.from_mapping({"counts": "x"})).problems]
    messages += [p.message for p in refused(lambda: GroupConfig.from_mapping({"balance": "x"})).problems]
    messages += [
        p.message
        for p in refused(lambda: GroupConfig.from_mapping({"counts": [{"attribute": "site"}]})).problems
    ]
    assert_messages(messages, extracted, at_least=10)


def test_shadowing_settings_are_refused_in_messages(extracted) -> None:
    config = ShadowConfig(
        min_host_level=5,
        no_overlap="x",
        capacity_period="year",
        grid_minutes=7,
        travel_minutes=-1,
        time_limit=0,
        workers=0,
    )
    problems = config.problems()
    assert_messages([p.message for p in problems], extracted, at_least=7)
    assert all(dutch(p.where.file) == "instellingen" for p in problems)


@pytest.mark.parametrize(
    ("make", "english", "nl"),
    [
        (
            lambda: LunchConfig(first_day=MONDAY, last_day=MONDAY - dt.timedelta(days=1)),
            "the horizon ends (2026-11-29) before it starts (2026-11-30)",
            "de periode eindigt (29 november 2026) voordat die begint (30 november 2026)",
        ),
        (
            lambda: LunchConfig(first_day=MONDAY, last_day=MONDAY, grid_minutes=0),
            "the session length and the grid must be positive",
            "de duur van een sessie en het tijdraster moeten groter zijn dan 0",
        ),
        (
            lambda: LunchConfig(first_day=MONDAY, last_day=MONDAY, minutes=90, lunch=TimeRange(720, 780)),
            "a session of 90 minutes does not fit in the lunch window 12:00-13:00",
            "een sessie van 90 minuten past niet in de lunchpauze 12:00-13:00",
        ),
        (
            lambda: LunchConfig(first_day=MONDAY, last_day=MONDAY, per_week=0),
            "the sessions per week, the sessions per presenter and the interested colleagues a topic "
            "needs must each be at least 1",
            "het aantal sessies per week, het aantal sessies per presentator en het aantal "
            "geïnteresseerde collega's dat een onderwerp nodig heeft, moeten elk minstens 1 zijn",
        ),
        (
            lambda: LunchConfig(first_day=MONDAY, last_day=MONDAY, max_topics=-1),
            "the maximum number of topics must not be negative",
            "het maximale aantal onderwerpen mag niet negatief zijn",
        ),
        (
            lambda: MeetingConfig(first_day=MONDAY, last_day=MONDAY - dt.timedelta(days=1)),
            "the round ends (2026-11-29) before it starts (2026-11-30)",
            "de ronde eindigt (29 november 2026) voordat die begint (30 november 2026)",
        ),
        (
            lambda: MeetingConfig(first_day=MONDAY, last_day=MONDAY, search_days=0),
            "the meeting length, the grid and the search days must be positive",
            "de duur van een afspraak, het tijdraster en het aantal zoekdagen moeten groter zijn dan 0",
        ),
        (
            lambda: MeetingConfig(first_day=MONDAY, last_day=MONDAY, every_weeks=0),
            "a series repeats every 1 or more weeks, not 0",
            "een reeks herhaalt zich om de 1 of meer weken, niet om de 0",
        ),
        (
            lambda: MeetingConfig(first_day=MONDAY, last_day=MONDAY, avoid_edge_minutes=-5),
            "the minutes kept clear at the edges of the day must not be negative",
            "het aantal minuten dat je aan het begin en eind van de werkdag vrijhoudt, "
            "mag niet negatief zijn",
        ),
    ],
)
def test_lunch_and_meeting_settings_are_refused_in_messages(make, english, nl, extracted) -> None:
    with pytest.raises(ValueError) as caught:
        make()
    message = said_by(caught.value)
    assert isinstance(message, Message) and caught.value.args[0] is message
    check(message, ["12:00-13:00"], extracted)
    assert (str(message), dutch(message)) == (english, nl)


# -- counted sentences ------------------------------------------------------------------------------


def test_one_learner_over_a_capacity_and_a_cooldown_of_one_round_are_said_in_the_singular(extracted) -> None:
    config = PairingConfig(mode="mentor", rules=dataclasses.replace(PairingConfig().rules, cooldown_rounds=1))
    problem = pairing.build_problem(TalentMap(mentoring_org(), today=TODAY), config, today=TODAY)
    problem = dataclasses.replace(
        problem,
        teachers={**problem.teachers, "niels": 0},
        rounds_ago={frozenset(("niels", "pim")): 1},
    )
    broken = {v.message for v in pairing.validate(problem, [("niels", "pim")])}
    assert "Niels Kok has 1 learner, capacity 0" in broken
    assert "Niels Kok and Pim de Wit were paired the last round (cooldown 1 round)" in broken
    said = {dutch(m) for m in broken}
    assert "Niels Kok heeft 1 lerende, capaciteit 0" in said
    assert "Niels Kok en Pim de Wit waren vorige ronde een duo (rustperiode 1 ronde)" in said
    for message in broken:
        check(message, data_of(mentoring_org()), extracted)


def test_a_teacher_of_two_and_a_pair_of_three_rounds_ago_are_said_in_the_plural(extracted) -> None:
    config = PairingConfig(mode="mentor", rules=dataclasses.replace(PairingConfig().rules, cooldown_rounds=4))
    problem = pairing.build_problem(TalentMap(mentoring_org(), today=TODAY), config, today=TODAY)
    problem = dataclasses.replace(
        problem, teachers={**problem.teachers, "niels": 1}, rounds_ago={frozenset(("niels", "pim")): 3}
    )
    broken = {v.message for v in pairing.validate(problem, [("niels", "pim"), ("niels", "roos")])}
    assert "Niels Kok has 2 learners, capacity 1" in broken
    assert "Niels Kok and Pim de Wit were paired 3 rounds ago (cooldown 4 rounds)" in broken
    said = {dutch(m) for m in broken}
    assert "Niels Kok heeft 2 lerenden, capaciteit 1" in said
    assert "Niels Kok en Pim de Wit waren 3 rondes geleden een duo (rustperiode 4 rondes)" in said
