"""The talent map: who to ask about a skill, and working time shared across time zones."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from matcher.domain.model import HistoryEntry, TimeRange, WorkingHours, office_hours
from matcher.domain.overlap import overlap_minutes, utc_week
from matcher.domain.talentmap import AskWeights
from tests.unit.talentmap_support import SKILLS, TODAY, busy, holds, names, person, talent_map

# -- who can I ask about X -----------------------------------------------------------------------


def test_people_with_a_higher_level_rank_first():
    tmap = talent_map(
        [person("ann"), person("bo"), person("cas")],
        holds(("ann", "py", 2), ("bo", "py", 4), ("cas", "py", 3)),
    )
    result = tmap.ask("Python")
    assert names(result) == ["Bo", "Cas", "Ann"]
    assert result.answers[0].reasons[0] == "expert in Python (level 4)"


def test_a_mentor_with_a_free_place_ranks_above_an_equally_skilled_colleague():
    tmap = talent_map(
        [person("ann"), person("bo", mentor_capacity=2)], holds(("ann", "py", 3), ("bo", "py", 3))
    )
    result = tmap.ask("py")
    assert names(result) == ["Bo", "Ann"]
    assert "open to mentoring (2 places)" in result.answers[0].reasons


def test_a_busy_colleague_ranks_below_an_equally_skilled_free_one():
    people = [person("ann"), person("bo")]
    tmap = talent_map(people, holds(("ann", "py", 3), ("bo", "py", 3)), history=busy("ann", 2))
    result = tmap.ask("py")
    assert names(result) == ["Bo", "Ann"]
    assert "already takes part in 2 pairings or groups now" in result.answers[1].reasons


def test_finished_pairings_do_not_count_as_load():
    finished = HistoryEntry("r0", "buddy", ("ann", "x"), dt.date(2023, 1, 1), dt.date(2023, 6, 1))
    tmap = talent_map(
        [person("ann"), person("bo")], holds(("ann", "py", 3), ("bo", "py", 3)), history=[finished]
    )
    assert names(tmap.ask("py")) == ["Ann", "Bo"]


def test_willingness_and_fit_never_outweigh_a_level():
    people = [
        person("ann", languages=("fr",), site="Elders"),
        person("bo", mentor_capacity=1, host_capacity=1, site="Stadhuis"),
        person("me", site="Stadhuis"),
    ]
    history = busy("ann", 3)
    tmap = talent_map(people, holds(("ann", "py", 4), ("bo", "py", 3)), history=history)
    assert names(tmap.ask("py", asker_id="me")) == ["Ann", "Bo"]
    defaults = AskWeights()
    fit = defaults.language + defaults.site + defaults.overlap
    assert defaults.mentor + defaults.host + defaults.load + fit < defaults.level


def test_the_asker_is_never_in_their_own_list():
    tmap = talent_map([person("ann"), person("bo")], holds(("ann", "py", 4), ("bo", "py", 2)))
    assert names(tmap.ask("py", asker_id="ann")) == ["Bo"]


def test_people_who_opted_out_of_ask_me_are_never_listed():
    tmap = talent_map([person("ann", ask_me=False), person("bo")], holds(("ann", "py", 4), ("bo", "py", 2)))
    assert names(tmap.ask("py")) == ["Bo"]
    assert [p.id for p, _ in tmap.holders_of("py")] == ["ann", "bo"]


def test_a_colleague_at_the_same_site_who_speaks_your_languages_ranks_first():
    people = [
        person("ann", site="Elders", languages=("fr",)),
        person("bo", site="Stadhuis", languages=("nl", "en")),
        person("me", site="Stadhuis", languages=("en", "nl")),
    ]
    result = talent_map(people, holds(("ann", "py", 3), ("bo", "py", 3))).ask("py", asker_id="me")
    assert names(result) == ["Bo", "Ann"]
    assert "speaks Dutch and English like you" in result.answers[0].reasons
    assert "works at Stadhuis like you" in result.answers[0].reasons
    assert "has no language in common with you" in result.answers[1].reasons


def test_a_colleague_in_new_york_shares_less_working_time_than_one_in_amsterdam():
    people = [person("ann", timezone="America/New_York"), person("bo"), person("me")]
    result = talent_map(people, holds(("ann", "py", 3), ("bo", "py", 3))).ask("py", asker_id="me")
    assert names(result) == ["Bo", "Ann"]
    assert "about 40 hours a week of shared working time" in result.answers[0].reasons
    assert "about 10 hours a week of shared working time" in result.answers[1].reasons


def test_leaving_dates_stay_out_of_who_to_ask():
    people = [person("ann", leaving_date=TODAY + dt.timedelta(days=10)), person("bo")]
    result = talent_map(people, holds(("ann", "py", 4), ("bo", "py", 3))).ask("py")
    assert names(result) == ["Ann", "Bo"]
    assert not any("leav" in reason for answer in result.answers for reason in answer.reasons)


def test_when_nobody_holds_a_skill_holders_of_a_related_skill_are_offered_and_marked():
    tmap = talent_map([person("ann"), person("bo")], holds(("ann", "py", 3), ("bo", "prog", 4)))
    result = tmap.ask("Django")
    assert names(result) == ["Ann"]
    answer = result.answers[0]
    assert answer.related_skill == "py"
    assert answer.reasons[0] == "nobody you can ask holds Django; holds the related skill Python (level 3)"
    assert answer.score == pytest.approx(tmap.ask("py").answers[0].score * 0.8)


def test_related_skills_count_in_both_directions_and_through_the_taxonomy():
    tmap = talent_map([person("ann"), person("bo")], holds(("ann", "dj", 2), ("bo", "prog", 4)))
    result = tmap.ask("Python")
    assert [(a.name, a.related_skill) for a in result.answers] == [("Ann", "dj"), ("Bo", "prog")]


def test_the_answer_serialises_to_json():
    people = [person("ann", department="IT", function="developer", site="Stadhuis"), person("me")]
    result = talent_map(people, holds(("ann", "py", 4))).ask("pyhton", asker_id="me")
    data = json.loads(json.dumps(result.as_dict()))
    assert data["skill_name"] == "Python" and data["matched_by"] == "spelling"
    answer = data["answers"][0]
    assert answer["level_label"] == "expert" and answer["department"] == "IT"
    assert answer["score"] == round(result.answers[0].score, 2)


def test_a_limit_keeps_the_best_answers():
    people = [person(f"p{i}") for i in range(12)]
    holdings = holds(*((f"p{i}", "py", 1 + i % 4) for i in range(12)))
    result = talent_map(people, holdings).ask("py", limit=3)
    assert [a.level for a in result.answers] == [4, 4, 4]
    assert talent_map(people, holdings).ask("py", limit=0).answers == ()


# -- working time across time zones ------------------------------------------------------------


def test_office_hours_in_amsterdam_and_new_york_overlap_two_hours_a_day():
    amsterdam = utc_week(office_hours(), "Europe/Amsterdam")
    new_york = utc_week(office_hours(), "America/New_York")
    assert overlap_minutes(amsterdam, new_york) == 5 * 120
    assert overlap_minutes(amsterdam, amsterdam) == 5 * 480


def test_monday_morning_in_auckland_wraps_to_the_end_of_the_utc_week():
    monday = WorkingHours.from_mapping({"mon": [TimeRange(9 * 60, 17 * 60)]})
    auckland = utc_week(monday, "Pacific/Auckland")
    assert auckland == ((0, 4 * 60), (6 * 1440 + 20 * 60, 7 * 1440))
    early_monday = WorkingHours.from_mapping({"mon": [TimeRange(0, 120)]})
    assert overlap_minutes(auckland, utc_week(early_monday, "UTC")) == 120


def test_a_mentor_without_a_free_place_is_told_apart():
    people = [person("ann", mentor_capacity=1), person("bo")]
    result = talent_map(people, holds(("ann", "py", 3), ("bo", "py", 3)), history=busy("ann", 1)).ask("py")
    assert names(result) == ["Bo", "Ann"]
    assert "open to mentoring, but has no place free at the moment" in result.answers[1].reasons


@pytest.mark.parametrize(
    ("their_hours", "phrase"),
    [
        ({"mon": [TimeRange(12 * 60, 15 * 60)]}, "no shared working time in a usual week"),
        ({"mon": [TimeRange(9 * 60, 9 * 60 + 30)]}, "less than an hour a week of shared working time"),
    ],
)
def test_little_shared_working_time_is_said_plainly(their_hours, phrase):
    hours = WorkingHours.from_mapping(their_hours)
    people = [person("ann", timezone="America/New_York", working_hours=hours), person("me")]
    result = talent_map(people, holds(("ann", "py", 3))).ask("py", asker_id="me")
    assert phrase in result.answers[0].reasons


def test_a_night_shift_across_midnight_is_one_stretch_of_time():
    night = WorkingHours.from_mapping({"mon": [TimeRange(22 * 60, 24 * 60)], "tue": [TimeRange(0, 6 * 60)]})
    assert utc_week(night, "UTC") == ((22 * 60, 1440 + 6 * 60),)


def test_a_short_list_is_the_head_of_the_full_list():
    rng = random.Random(5)
    sites, zones = ("A", "B", "C"), ("Europe/Amsterdam", "America/New_York", "Asia/Kolkata")
    people = [
        person(
            f"p{i:03d}", name=f"Person {i % 40}", site=rng.choice(sites), timezone=rng.choice(zones),
            languages=rng.choice([("nl",), ("en",), ("nl", "en")]), mentor_capacity=rng.choice([0, 0, 1, 2]),
            host_capacity=rng.choice([0, 1]), ask_me=rng.random() < 0.9,
        )
        for i in range(300)
    ]  # fmt: skip
    holdings = {(p.id, s.id): rng.randint(1, 4) for p in people for s in rng.sample(SKILLS, 2)}
    history = [
        HistoryEntry("r", "buddy", (f"p{rng.randrange(300):03d}", f"p{rng.randrange(300):03d}"), TODAY)
        for _ in range(150)
    ]
    tmap = talent_map(people, holds(*((p, s, lv) for (p, s), lv in holdings.items())), history=history)
    for skill in SKILLS:
        for asker in (None, "p001", "p150"):
            full = tmap.ask(skill.id, asker_id=asker, limit=1000).answers
            assert tmap.ask(skill.id, asker_id=asker, limit=5).answers == full[:5]
