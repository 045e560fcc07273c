"""What earlier sessions feed into a pairing round: planted instances for each influence, with its
switch on and off, its reason, and "why not X?" telling the same story."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Skill, Wish
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, Rules, Weights, build_problem, propose, validate
from matcher.engines.pairing.feedback import Feedback, places_after
from matcher.engines.pairing.why import why_not
from tests.orgs import person

TODAY = dt.date(2026, 11, 2)
SKILLS = (Skill("sql", "SQL"), Skill("excel", "Excel"))


def org(people, holdings, wishes, history=()) -> Organisation:
    return Organisation(
        "Test",
        tuple(people),
        SKILLS,
        tuple(Holding(p, s, Level(lv)) for p, s, lv in holdings),
        tuple(Wish(p, s, pr) for p, s, pr in wishes),
        tuple(history),
    )


def mentor(pid: str, capacity: int = 1):
    return person(pid, years_experience=20, start_date=dt.date(2005, 1, 1), mentor_capacity=capacity)


def mentee(pid: str):
    return person(pid, years_experience=1, start_date=dt.date(2026, 1, 1))


def solve(organisation: Organisation, **config):
    problem = build_problem(TalentMap(organisation, today=TODAY), PairingConfig(**config), today=TODAY)
    return problem, propose(problem, round_name="next")


def repeat_org() -> Organisation:
    """Anna mentored Xander last round; she is still his only mentor for SQL."""
    history = (HistoryEntry("last", "mentor", ("anna", "xander"), dt.date(2026, 6, 1)),)
    return org([mentor("anna"), mentee("xander")], [("anna", "sql", 4)], [("xander", "sql", 3)], history)


RATED = Feedback(rated_highly=(("anna", "xander"),))


@pytest.mark.parametrize(
    ("option", "feedback", "repeats"),
    [(False, RATED, False), (True, Feedback(), False), (True, RATED, True)],
    ids=["option off", "not rated highly", "option on and both rated highly"],
)
def test_a_pair_rated_highly_repeats_only_when_the_option_is_on(option, feedback, repeats):
    problem, proposal = solve(
        repeat_org(), rules=Rules(cooldown_rounds=2, repeat_when_rated_highly=option), feedback=feedback
    )
    assert ({p.members for p in proposal.pairs} == {("anna", "xander")}) is repeats
    assert not proposal.violations
    said = [r for p in proposal.pairs for r in p.reasons]
    assert ("both rated their earlier sessions highly: meeting again despite the cooldown" in said) is repeats
    # "Why not Anna?" says the cooldown exactly when it still refuses the pair.
    [answer] = why_not(problem, [p.members for p in proposal.pairs], "xander", "anna")
    assert answer.allowed is repeats
    assert (answer.rule == "cooldown") is not repeats


def test_a_pair_rated_highly_but_not_in_the_cooldown_gets_no_exemption_reason():
    history = (HistoryEntry("long ago", "mentor", ("anna", "xander"), dt.date(2024, 6, 1)),)
    history += tuple(HistoryEntry(f"r{i}", "mentor", ("other", f"y{i}"), dt.date(2025, i, 1)) for i in (1, 2))
    organisation = org(
        [mentor("anna"), mentee("xander"), mentor("other"), mentee("y1"), mentee("y2")],
        [("anna", "sql", 4)],
        [("xander", "sql", 3)],
        history,
    )
    _, proposal = solve(organisation, rules=Rules(repeat_when_rated_highly=True), feedback=RATED)
    [pair] = proposal.pairs
    assert not any("despite the cooldown" in r for r in pair.reasons)


def test_validation_of_a_repeat_follows_the_option():
    plan = [("anna", "xander")]
    on = build_problem(
        TalentMap(repeat_org(), today=TODAY),
        PairingConfig(rules=Rules(repeat_when_rated_highly=True), feedback=RATED),
        today=TODAY,
    )
    off = build_problem(TalentMap(repeat_org(), today=TODAY), PairingConfig(feedback=RATED), today=TODAY)
    assert validate(on, plan) == []
    assert [v.rule for v in validate(off, plan)] == ["cooldown"]


def not_held_org() -> Organisation:
    people = [mentor("anna", capacity=3), mentor("bert", capacity=3)] + [mentee(f"m{i}") for i in range(4)]
    holdings = [("anna", "sql", 4), ("bert", "sql", 3)]
    return org(people, holdings, [(f"m{i}", "sql", 3) for i in range(4)])


def test_a_mentor_whose_sessions_were_not_held_gets_fewer_mentees_only_with_the_option():
    feedback = Feedback(not_held=(("anna", 4),))
    with_option = Rules(fewer_mentees_when_not_held=True)
    problem, proposal = solve(not_held_org(), rules=with_option, feedback=feedback, weights=Weights(spread=0))
    assert problem.capacity("anna") == 1
    assert sum(1 for p in proposal.pairs if p.members[0] == "anna") == 1
    assert len(proposal.pairs) == 4 and not proposal.violations
    # The places are said to HR, not in the pair's reasons, which the mentee reads too.
    assert not any("did not take place" in r for p in proposal.pairs for r in p.reasons)
    without = Rules(fewer_mentees_when_not_held=False)
    problem, proposal = solve(not_held_org(), rules=without, feedback=feedback, weights=Weights(spread=0))
    assert problem.capacity("anna") == 3
    assert sum(1 for p in proposal.pairs if p.members[0] == "anna") == 3


def test_places_go_down_one_for_every_two_sessions_not_held_and_never_below_one():
    assert [places_after(3, n) for n in (0, 1, 2, 3, 4, 6, 9)] == [3, 3, 2, 2, 1, 1, 1]
    assert places_after(1, 8) == 1
    assert places_after(0, 8) == 0


def valued_org() -> Organisation:
    """One mentor, one place: Yara wants SQL, Zeno Excel, with the same priority and level gap."""
    people = [mentor("anna"), mentee("yara"), mentee("zeno")]
    holdings = [("anna", "sql", 4), ("anna", "excel", 4)]
    return org(people, holdings, [("yara", "sql", 2), ("zeno", "excel", 2)])


def test_a_skill_whose_sessions_led_to_applied_value_weighs_more_unless_switched_off():
    feedback = Feedback(valued_skills=(("excel", 6, 8),))
    _, proposal = solve(valued_org(), feedback=feedback, weights=Weights(valued_skills=0.5))
    [pair] = proposal.pairs
    assert pair.members == ("anna", "zeno")
    assert "sessions on Excel led to applied value or more, so it counts more" in pair.reasons
    _, plain = solve(valued_org(), feedback=feedback, weights=Weights(valued_skills=0.0))
    [pair] = plain.pairs
    assert pair.members == ("anna", "yara")  # ties break by id: without the weight Excel is not ahead
    assert not any("applied value" in r for r in pair.reasons)


def test_the_weight_of_a_valued_skill_raises_the_learning_credit_by_its_share():
    feedback = Feedback(valued_skills=(("excel", 6, 8),))
    problem, _ = solve(valued_org(), feedback=feedback, weights=Weights(valued_skills=0.5))
    parts = dict(problem.candidates[("anna", "zeno")].parts)
    plain = dict(problem.candidates[("anna", "yara")].parts)
    assert parts["learning"] == pytest.approx(1.5 * plain["learning"])


def test_feedback_round_trips_with_the_config_and_bad_feedback_is_named():
    config = PairingConfig(
        rules=Rules(repeat_when_rated_highly=True),
        feedback=Feedback((("a", "b"),), (("m", 2),), (("sql", 5, 7),)),
    )
    assert PairingConfig.from_mapping(config.as_dict()) == config
    with pytest.raises(InvalidInput) as caught:
        PairingConfig.from_mapping(
            {"feedback": {"rated_highly": [["a"]], "colour": []}, "weights": {"valued_skills": -1}}
        )
    report = caught.value.report()
    for expected in ("'feedback.rated_highly'", "'feedback.colour'", "'weights.valued_skills'"):
        assert expected in report
