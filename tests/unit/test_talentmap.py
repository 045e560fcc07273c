"""The talent map: who to ask, knowledge at risk and bridge figures, on small hand-made organisations."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from matcher.domain.model import (
    HistoryEntry,
    Holding,
    Level,
    Organisation,
    Person,
    RelatedSkill,
    Skill,
    TimeRange,
    Wish,
    WorkingHours,
    office_hours,
)
from matcher.domain.overlap import overlap_minutes, utc_week
from matcher.domain.talentmap import AskWeights, TalentMap, UnknownSkill
from tests.orgs import small_org

TODAY = dt.date(2024, 3, 1)

SKILLS = (
    Skill("prog", "Programming"),
    Skill("py", "Python", aliases=("python3",), parent_id="prog"),
    Skill("dj", "Django", related=(RelatedSkill("py", 0.8),)),
    Skill("social-support", "Wet maatschappelijke ondersteuning", aliases=("WMO",)),
    Skill("reint", "Réintegratie"),
    Skill("excel", "Excel"),
)


def person(pid: str, **fields) -> Person:
    fields.setdefault("name", pid.capitalize())
    fields.setdefault("email", f"{pid}@example.org")
    return Person(id=pid, **fields)


def holds(*triples: tuple[str, str, int]) -> tuple[Holding, ...]:
    return tuple(Holding(pid, sid, Level(level)) for pid, sid, level in triples)


def organisation(people, holdings=(), wishes=(), history=(), skills=SKILLS) -> Organisation:
    return Organisation(
        "Gemeente Test", tuple(people), tuple(skills), tuple(holdings), tuple(wishes), tuple(history)
    )


def talent_map(people, holdings=(), **more) -> TalentMap:
    return TalentMap(organisation(people, holdings, **more), today=TODAY)


def names(result) -> list[str]:
    return [answer.name for answer in result.answers]


def busy(pid: str, times: int) -> list[HistoryEntry]:
    return [
        HistoryEntry(f"r{i}", "buddy", (pid, f"x{i}"), TODAY - dt.timedelta(days=10)) for i in range(times)
    ]


# -- finding the skill ---------------------------------------------------------------------------


@pytest.fixture
def plain_map() -> TalentMap:
    return talent_map([person("ann")], holds(("ann", "py", 3)))


@pytest.mark.parametrize(
    ("query", "skill_id", "matched_by"),
    [
        ("py", "py", "id"),
        ("Python", "py", "name"),
        ("  PYTHON ", "py", "name"),
        ("reintegratie", "reint", "name"),
        ("wmo", "social-support", "alias"),
        ("Python3", "py", "alias"),
        ("pyhton", "py", "spelling"),
        ("Djangoo", "dj", "spelling"),
    ],
)
def test_a_skill_is_found_by_id_name_alias_or_near_spelling(plain_map, query, skill_id, matched_by):
    skill, how = plain_map.resolve_skill(query)
    assert (skill.id, how) == (skill_id, matched_by)


def test_an_unknown_skill_says_what_was_asked_and_suggests_close_names(plain_map):
    with pytest.raises(UnknownSkill) as caught:
        plain_map.ask("python scripting")
    assert caught.value.query == "python scripting"
    assert caught.value.suggestions[0] == "Python"
    assert str(caught.value).startswith("no skill matches 'python scripting'; did you mean: Python")


def test_an_unknown_skill_without_anything_close_offers_no_suggestions(plain_map):
    with pytest.raises(UnknownSkill) as caught:
        plain_map.resolve_skill("qqqq")
    assert caught.value.suggestions == ()
    assert str(caught.value) == "no skill matches 'qqqq'"


def test_suggestions_list_names_that_start_with_the_text_first(plain_map):
    suggested = [s.name for s in plain_map.suggest_skills("p")]
    assert suggested[:2] == ["Programming", "Python"]
    assert [s.name for s in plain_map.suggest_skills("ondersteuning")] == [
        "Wet maatschappelijke ondersteuning"
    ]
    assert len(plain_map.suggest_skills("", limit=3)) == 3


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


# -- knowledge at risk ---------------------------------------------------------------------------


def test_a_skill_with_a_single_proficient_holder_is_at_risk():
    tmap = talent_map(
        [person("ann"), person("bo"), person("cas")],
        holds(("ann", "excel", 4), ("bo", "excel", 2), ("cas", "py", 3), ("ann", "py", 3)),
    )
    [risk] = tmap.risks()
    assert (risk.skill_id, risk.holders, risk.remaining, risk.leaving) == ("excel", ("ann",), 1, ())
    assert risk.reasons[0] == "only Ann holds Excel at level 3 or higher"
    assert [s.person_id for s in risk.successors] == ["bo"]


def test_a_holder_leaving_within_the_horizon_puts_a_skill_at_risk():
    leaving = TODAY + dt.timedelta(days=60)
    people = [person("ann", leaving_date=leaving), person("bo")]
    [risk] = talent_map(people, holds(("ann", "py", 4), ("bo", "py", 3))).risks()
    assert risk.leaving == (("ann", leaving),) and risk.remaining == 1
    assert "Ann leaves on 2024-04-30, in 60 days" in risk.reasons
    assert "after that only 1 person at level 3 or higher would remain" in risk.reasons


def test_a_holder_leaving_after_the_horizon_does_not():
    people = [person("ann", leaving_date=TODAY + dt.timedelta(days=200)), person("bo")]
    tmap = talent_map(people, holds(("ann", "py", 4), ("bo", "py", 3)))
    assert tmap.risks(horizon_days=180) == []
    assert [r.skill_id for r in tmap.risks(horizon_days=365)] == ["py"]


def test_successors_exclude_leavers_and_rank_closest_levels_and_wishes_first():
    people = [
        person("ann", leaving_date=TODAY + dt.timedelta(days=30)),
        person("bo", leaving_date=TODAY + dt.timedelta(days=400)),
        person("cas"), person("dee"), person("eve"), person("fay"), person("gus"),
    ]  # fmt: skip
    holdings = holds(
        ("ann", "py", 4),
        ("bo", "py", 2),
        ("cas", "py", 1),
        ("dee", "py", 2),
        ("eve", "py", 2),
        ("fay", "dj", 3),
    )
    wishes = [Wish("eve", "py", 3), Wish("gus", "py", 1), Wish("bo", "py", 3)]
    risk = next(
        r for r in talent_map(people, holdings, wishes=wishes).risks(successors=10) if r.skill_id == "py"
    )
    assert risk.remaining == 0 and risk.demand == 3
    assert [s.person_id for s in risk.successors] == ["eve", "dee", "cas", "gus", "fay"]
    assert risk.successors[0].reason == "holds Python at level 2 and wants to learn more (priority 3)"
    assert risk.successors[3].reason == "wants to learn Python (priority 1)"
    assert risk.successors[4].reason == "holds the related skill Django (level 3)"
    assert all(
        len(r.successors) <= 2 for r in talent_map(people, holdings, wishes=wishes).risks(successors=2)
    )


def test_a_wished_skill_nobody_holds_is_at_risk_and_the_most_severe_come_first():
    people = [person("ann"), person("bo"), person("cas")]
    holdings = holds(("ann", "py", 4), ("bo", "py", 4), ("ann", "excel", 3))
    wishes = [Wish("cas", "reint", 2), Wish("bo", "dj", 1), Wish("cas", "dj", 2)]
    risks = talent_map(people, holdings, wishes=wishes).risks()
    assert [(r.skill_id, r.remaining, r.demand) for r in risks] == [
        ("dj", 0, 2),
        ("reint", 0, 1),
        ("excel", 1, 0),
    ]
    assert risks[0].reasons == ("nobody holds Django at level 3 or higher", "2 people want to learn it")


def test_skills_nobody_holds_or_wants_are_not_reported():
    tmap = talent_map([person("ann")], ())
    assert tmap.risks() == []


def test_a_risk_serialises_to_json():
    people = [person("ann", leaving_date=TODAY + dt.timedelta(days=5)), person("bo")]
    [risk] = talent_map(people, holds(("ann", "py", 4), ("bo", "py", 1))).risks()
    data = json.loads(json.dumps(risk.as_dict()))
    assert data["leaving"] == [{"person_id": "ann", "date": "2024-03-06"}]
    assert data["successors"][0]["person_id"] == "bo"


# -- bridge figures ------------------------------------------------------------------------------


def two_departments() -> list[Person]:
    finance = [person(f"f{i}", department="Finance", manager_id="f0" if i else None) for i in range(4)]
    care = [person(f"c{i}", department="Zorg", manager_id="c0" if i else None) for i in range(4)]
    return [*finance, *care]


def test_the_person_who_connects_two_departments_is_the_bridge_figure():
    joint = HistoryEntry("2024-1", "exchange", ("f2", "c3"), dt.date(2024, 1, 1), dt.date(2024, 2, 1))
    bridges = talent_map(two_departments(), history=[joint]).bridges()
    assert [b.person_id for b in bridges] == ["c3", "f2"]
    assert bridges[0].departments == ("Finance",)
    assert bridges[0].reasons[0] == "connects Zorg with Finance"


def test_a_person_with_contacts_only_in_their_own_department_is_no_bridge():
    assert talent_map(two_departments()).bridges() == []


def test_skills_in_common_do_not_make_a_bridge():
    holdings = holds(("f1", "py", 3), ("c1", "py", 3))
    assert talent_map(two_departments(), holdings).bridges() == []


def test_a_large_organisation_uses_a_sample_and_stays_deterministic():
    people = [
        person(f"p{i:04d}", department=f"d{i // 500}", manager_id=f"p{i - 1:04d}" if i else None)
        for i in range(2100)
    ]
    first = talent_map(people).bridges(limit=5, seed=3)
    again = talent_map(people).bridges(limit=5, seed=3)
    assert [b.as_dict() for b in first] == [b.as_dict() for b in again]
    assert {b.person_id for b in first} <= {
        "p0499",
        "p0500",
        "p0999",
        "p1000",
        "p1499",
        "p1500",
        "p1999",
        "p2000",
    }


# -- the map itself ------------------------------------------------------------------------------


def test_the_same_organisation_gives_the_same_answers_whatever_the_input_order():
    people = [
        person(n, department=d, site=s)
        for n, d, s in [("ann", "IT", "A"), ("bo", "HR", "B"), ("cas", "IT", "B")]
    ]
    holdings = holds(("ann", "py", 3), ("bo", "py", 3), ("cas", "py", 3), ("ann", "dj", 2))
    history = [HistoryEntry("r1", "mentor", ("ann", "bo"), dt.date(2024, 1, 1))]
    one = TalentMap(organisation(people, holdings, history=history), today=TODAY)
    other = TalentMap(organisation(people[::-1], holdings[::-1], history=history), today=TODAY)
    assert one.ask("py", asker_id="cas").as_dict() == other.ask("py", asker_id="cas").as_dict()
    assert [r.as_dict() for r in one.risks()] == [r.as_dict() for r in other.risks()]
    assert [b.as_dict() for b in one.bridges()] == [b.as_dict() for b in other.bridges()]


def test_the_graph_holds_people_skills_and_how_they_link():
    people = [person("ann"), person("bo", manager_id="ann")]
    history = [HistoryEntry("r1", "mentor", ("ann", "bo"), dt.date(2024, 1, 1))]
    tmap = talent_map(
        people, holds(("ann", "py", 4), ("bo", "excel", 0)), wishes=[Wish("bo", "py", 3)], history=history
    )
    kinds = sorted(data["kind"] for _, _, data in tmap.graph.edges(data=True))
    assert kinds == ["holds", "manages", "paired", "parent", "related", "wants"]
    assert tmap.graph.nodes["person", "ann"]["name"] == "Ann"
    holds_edge = tmap.graph.get_edge_data(("person", "ann"), ("skill", "py"))[0]
    assert holds_edge == {"kind": "holds", "level": 4}


def test_look_ups_return_what_a_person_holds_and_wants():
    tmap = talent_map(
        [person("ann")], holds(("ann", "py", 2), ("ann", "excel", 4), ("ann", "dj", 0)),
        wishes=[Wish("ann", "dj", 1), Wish("ann", "reint", 3)],
    )  # fmt: skip
    assert [(s.id, level) for s, level in tmap.holdings_of("ann")] == [
        ("excel", Level.EXPERT),
        ("py", Level.WORKING),
    ]
    assert [(s.id, priority) for s, priority in tmap.wishes_of("ann")] == [("reint", 3), ("dj", 1)]
    assert tmap.person("ann").name == "Ann" and tmap.person("nobody") is None
    assert tmap.skill("py").name == "Python" and tmap.skill("nothing") is None
    assert tmap.holdings_of("nobody") == [] and tmap.holders_of("reint") == []


def test_holdings_and_wishes_of_unknown_people_or_skills_are_left_out():
    holdings = holds(("ann", "py", 3), ("ghost", "py", 4), ("ann", "cobol", 4))
    tmap = talent_map([person("ann")], holdings, wishes=[Wish("ghost", "py", 2), Wish("ann", "cobol", 1)])
    assert [p.id for p, _ in tmap.holders_of("py")] == ["ann"]
    assert [s.id for s, _ in tmap.holdings_of("ann")] == ["py"]
    assert tmap.wishes_of("ann") == []


def test_an_empty_question_matches_no_skill(plain_map):
    with pytest.raises(UnknownSkill):
        plain_map.ask("   ")


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


def test_a_holder_who_has_already_left_counts_as_gone():
    people = [person("ann", leaving_date=TODAY - dt.timedelta(days=3)), person("bo"), person("cas")]
    holdings = holds(("ann", "py", 4), ("bo", "py", 3), ("cas", "py", 3))
    [risk] = talent_map(people, holdings).risks(min_holders=3)
    assert risk.remaining == 2
    assert "Ann left on 2024-02-27" in risk.reasons


def test_a_bridge_to_many_departments_names_the_first_three_and_counts_the_rest():
    hub = person("hub", department="HR")
    others = [person(f"p{i}", department=f"Dept {i}", manager_id="hub") for i in range(5)]
    bridge = talent_map([hub, *others]).bridges()[0]
    assert bridge.person_id == "hub" and len(bridge.departments) == 5
    assert bridge.reasons[1] == (
        "knows 1 person in Dept 0, 1 person in Dept 1, 1 person in Dept 2 and 2 more departments"
        " through manager lines and earlier pairings or groups"
    )


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


def test_bridges_among_a_team_rank_by_reach_into_other_departments():
    org = small_org()
    talent = TalentMap(org, today=TODAY)
    everyone = [p.id for p in org.people]
    among = talent.bridges_among(everyone)
    full = {b.person_id: b for b in talent.bridges(limit=len(everyone))}
    assert among and {b.person_id for b in among} == set(full)
    assert [len(b.departments) for b in among] == sorted((len(b.departments) for b in among), reverse=True)
    assert all(b.departments == full[b.person_id].departments for b in among)
    assert talent.bridges_among([]) == []
