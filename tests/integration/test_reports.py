"""The reports' computations on small hand-made organisations, with numbers worked out by hand.

The one storage query runs on an SQLite file and on a PostgreSQL server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from matcher.domain import reports
from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Skill
from matcher.domain.reports import ReflectionFact, RoundFacts
from matcher.domain.schedule import ScheduledEvent
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, build_problem, propose
from matcher.services import organisation, reflections
from matcher.storage import ReflectionRow, report_queries
from matcher.storage.schedule import add_events
from tests.orgs import mentoring_org, person, small_org

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def small_map(org: Organisation | None = None) -> TalentMap:
    return TalentMap(org or small_org(), today=TODAY)


def ids(lines) -> list[str]:
    return [line.skill_id for line in lines]


# -- knowledge at risk ----------------------------------------------------------------------------------


def test_the_whole_organisation_uses_the_talent_maps_rule():
    # Archiefwet: only Dirk, who leaves on 2026-12-31, within 180 days: nobody remains.
    # Python, SQL and Wmo: one holder at level 3+ each and one person wanting it; by name.
    lines = reports.knowledge_at_risk(small_map(), min_holders=2)
    assert ids(lines) == ["archief", "python", "sql", "wmo"]
    archief = lines[0]
    assert archief.remaining == 0 and archief.demand == 0 and archief.kind == "leaving"
    assert [(h.person_id, h.level, h.leaving) for h in archief.holders] == [
        ("dirk", 4, dt.date(2026, 12, 31))
    ]
    sql = lines[2]
    assert (sql.remaining, sql.demand, sql.in_organisation, sql.kind) == (1, 1, 1, "few")
    # Dirk holds SQL at level 2 but leaves; Bram wants it; Eva holds the related Python.
    assert [(t.person_id, t.level, t.wish, t.related) for t in sql.takers] == [
        ("bram", 0, 3, False),
        ("eva", 0, None, True),
    ]


def test_a_longer_horizon_and_more_holders_needed_change_the_list():
    talent = small_map()
    assert ids(reports.knowledge_at_risk(talent, min_holders=1)) == ["archief"]
    assert ids(reports.knowledge_at_risk(talent, min_holders=1, horizon_days=30)) == []
    # Nobody wants Wet- en regelgeving sociaal domein or holds it: it is not looked at.
    assert "sociaal-recht" not in ids(reports.knowledge_at_risk(talent, min_holders=5))


def test_a_group_of_everyone_agrees_with_the_talent_map():
    talent = small_map()
    everyone = {p.id for p in talent.organisation.people}
    whole = reports.knowledge_at_risk(talent, min_holders=2)
    group = reports.knowledge_at_risk(talent, people=everyone, min_holders=2)
    assert [(r.skill_id, r.remaining, r.demand, r.holders) for r in group] == [
        (r.skill_id, r.remaining, r.demand, r.holders) for r in whole
    ]


def test_a_department_sees_only_its_own_holders_wishes_and_takers():
    talent = small_map()
    lines = reports.knowledge_at_risk(talent, people={"chen", "dirk"}, min_holders=2)
    assert ids(lines) == ["archief", "python", "sql"]
    sql = lines[2]
    # Bram wants SQL but works elsewhere; Dirk holds it at level 2 but leaves.
    assert sql.demand == 0 and sql.takers == ()
    assert [h.person_id for h in sql.holders] == ["chen"]


def test_a_team_lists_who_could_take_over_best_first():
    talent = small_map()
    team = {"anna", "bram", "eva"}
    wmo = next(
        r for r in reports.knowledge_at_risk(talent, people=team, min_holders=2) if r.skill_id == "wmo"
    )
    # Bram holds Wmo at level 2, Eva wants it with priority 2: level first.
    assert [(t.person_id, t.level, t.wish) for t in wmo.takers] == [("bram", 2, None), ("eva", 0, 2)]
    assert wmo.demand == 1 and wmo.remaining == 1


def test_holders_leaving_are_listed_first_and_only_leavers_within_the_horizon_count():
    org = small_org()
    people = tuple(
        dataclasses.replace(p, leaving_date=dt.date(2027, 9, 1)) if p.id == "anna" else p for p in org.people
    )
    holdings = (*org.holdings, Holding("bram", "wmo", Level.EXPERT))
    org = dataclasses.replace(org, people=people, holdings=holdings)
    wmo = reports.knowledge_at_risk(small_map(org), min_holders=3, horizon_days=365)
    line = next(r for r in wmo if r.skill_id == "wmo")
    assert [(h.person_id, h.leaving) for h in line.holders] == [("anna", dt.date(2027, 9, 1)), ("bram", None)]
    assert line.remaining == 1
    short = next(r for r in reports.knowledge_at_risk(small_map(org), min_holders=3) if r.skill_id == "wmo")
    assert short.remaining == 2 and short.leaving == ()


# -- coverage heatmap ----------------------------------------------------------------------------------


def test_coverage_per_category_counts_people_once():
    heatmap = reports.coverage_heatmap(small_org())
    assert heatmap.departments == ("Informatievoorziening", "Sociaal Domein")
    assert heatmap.headcounts == (2, 3)
    # Chen holds SQL (4) and Python (3): one person in Digitaal & data.
    assert [(r.label, r.values) for r in heatmap.rows] == [
        ("Digitaal & data", (1, 0)),
        ("Informatiehuishouding", (1, 0)),
        ("Wet- en regelgeving", (0, 1)),
    ]
    assert heatmap.highest == 1


def test_coverage_per_skill_at_a_lower_level():
    heatmap = reports.coverage_heatmap(small_org(), by="skill", min_level=2)
    assert heatmap.value("sql", "Informatievoorziening") == 2
    assert heatmap.value("wmo", "Sociaal Domein") == 2
    assert heatmap.value("sociaal-recht", "Sociaal Domein") == 0
    assert [r.key for r in heatmap.rows] == ["archief", "python", "sql", "sociaal-recht", "wmo"]
    level_one = reports.coverage_heatmap(small_org(), min_level=1)
    assert level_one.rows[0].values == (2, 1)  # Chen and Dirk; Eva


def test_a_category_narrows_the_rows_to_its_skills():
    heatmap = reports.coverage_heatmap(small_org(), category="Digitaal & data")
    assert heatmap.by == "skill"
    assert [(r.key, r.values, r.total) for r in heatmap.rows] == [("python", (1, 0), 1), ("sql", (1, 0), 1)]
    with pytest.raises(ValueError):
        reports.coverage_heatmap(small_org(), by="site")


# -- rounds --------------------------------------------------------------------------------------------

NO_TEACHER = "nobody taking part as mentor holds what they want (Python) at a higher level"


def proposed_round() -> RoundFacts:
    return RoundFacts(
        "2026-Q4 mentor",
        "mentor",
        "proposed",
        TODAY,
        units=(("anna", "bram"), ("chen", "eva")),
        left_out=(("dirk", NO_TEACHER),),
    )


def test_round_stats_count_participation_mix_tenure_and_repeats():
    stats = reports.round_stats(proposed_round(), small_org())
    assert (stats.units, stats.took_part, stats.eligible, stats.left_out) == (2, 4, 5, 1)
    assert stats.participation == pytest.approx(0.8)
    assert stats.reasons == (("no-match", 1),)
    # Chen (Informatievoorziening, Gemeentewerf) and Eva (Sociaal Domein, Stadhuis) mix both.
    assert (stats.cross_department, stats.cross_site) == (1, 1)
    assert stats.share(stats.cross_department) == 0.5
    # Anna 28 years, Bram 2, Chen 11, Eva under 1: both pairs span two bands.
    assert stats.tenure == (("under-1", 1), ("1-5", 1), ("5-15", 1), ("15-plus", 1))
    assert stats.mixed_tenure == 2
    # Anna and Bram were paired in 2025-Q4.
    assert stats.repeats == 1


def test_a_round_known_only_from_the_history_has_no_eligible_count():
    history = reports.rounds_from_history(small_org())
    assert history == [
        RoundFacts("2025-Q4 mentor", "mentor", "history", dt.date(2025, 10, 1), (("anna", "bram"),))
    ]
    stats = reports.round_stats(history[0], small_org())
    assert stats.eligible is None and stats.participation is None
    # Its own pairs are not repeats of themselves.
    assert (stats.took_part, stats.repeats, stats.cross_department) == (2, 0, 0)
    assert reports.rounds_from_history(small_org(), besides={"2025-Q4 mentor"}) == []


def test_a_later_round_does_not_make_an_earlier_one_a_repeat():
    org = dataclasses.replace(
        small_org(),
        history=(*small_org().history, HistoryEntry("2026-Q3 mentor", "mentor", ("chen", "eva"), TODAY)),
    )
    earlier = dataclasses.replace(proposed_round(), day=dt.date(2026, 1, 1))
    assert reports.round_stats(earlier, org).repeats == 1  # Anna and Bram only


def test_someone_left_out_in_one_round_and_paired_in_another_took_part():
    second = RoundFacts("2027-Q1 mentor", "mentor", "proposed", TODAY, units=(("dirk", "chen"),))
    shares = {
        d.department: d for d in reports.department_participation([proposed_round(), second], small_org())
    }
    assert (shares["Informatievoorziening"].took_part, shares["Informatievoorziening"].left_out) == (2, 0)
    only_first = {d.department: d for d in reports.department_participation([proposed_round()], small_org())}
    informatie, sociaal = only_first["Informatievoorziening"], only_first["Sociaal Domein"]
    assert (informatie.headcount, informatie.took_part, informatie.left_out, informatie.eligible) == (
        2,
        1,
        1,
        2,
    )
    assert (sociaal.headcount, sociaal.took_part, sociaal.share) == (3, 3, 1.0)


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("in a pair HR locked", "locked"),
        ("5 people do not divide into groups of 3-4; placed last in the order", "group-size"),
        ("all 2 possible mentors (3 places in all) went to pairs that score higher", "taken"),
        ("their possible partners (Ann, Bo) were paired with better fits", "taken"),
        ("their 2 possible mentees were paired with better fits", "taken"),
        ("nobody taking part as mentee can learn something from them under the rules", "no-match"),
        ("every possible mentor is ruled out: 3 by 'same team'", "rules"),
        ("the 2 people who know what they want are not more experienced than them", "experience"),
        (NO_TEACHER, "no-match"),
        ("nobody takes part as buddy in this round", "no-match"),
        ("no mentor taking part fits them", "no-match"),
        ("something new", "other"),
    ],
)
def test_left_out_reasons_fall_into_kinds(reason, kind):
    assert reports.reason_kind(reason) == kind


def test_the_reasons_a_real_proposal_gives_have_a_kind():
    # Three mentors with four places and five mentees: one mentee is always left out.
    tmap = TalentMap(mentoring_org(), today=TODAY)
    problem = build_problem(tmap, PairingConfig(mode="mentor", time_limit=2.0), today=TODAY)
    proposal = propose(problem, round_name="test")
    assert proposal.unmatched
    assert all(reports.reason_kind(u.reason) != "other" for u in proposal.unmatched)
    stored = RoundFacts(
        "test", "mentor", "proposed", TODAY, tuple(p.members for p in proposal.pairs),
        tuple((u.person_id, u.reason) for u in proposal.unmatched),
    )  # fmt: skip
    stats = reports.round_stats(stored, tmap.organisation)
    assert stats.took_part + stats.left_out == stats.eligible == 8
    assert sum(n for _, n in stats.reasons) == stats.left_out


def test_tenure_is_years_since_the_start_date():
    assert reports.tenure_band(person("x", start_date=dt.date(2026, 1, 1)), TODAY) == "under-1"
    assert reports.tenure_band(person("x", start_date=dt.date(2021, 11, 1)), TODAY) == "5-15"
    assert reports.tenure_band(person("x"), TODAY) == "unknown"
    assert reports.tenure_band(None, TODAY) == "unknown"


# -- reflections ---------------------------------------------------------------------------------------


def test_reflections_are_counted_per_quarter_with_their_stories():
    facts = [
        ReflectionFact(("immediate", "potential"), True, dt.date(2026, 10, 5)),
        ReflectionFact(("potential", "applied"), False, dt.date(2026, 12, 31)),
        ReflectionFact(("reframing",), True, dt.date(2026, 7, 1)),
        ReflectionFact(("applied", "applied"), False, dt.date(2025, 3, 31)),
    ]
    quarters = reports.reflections_per_quarter(facts)
    assert [q.key for q in quarters] == ["2026-Q4", "2026-Q3", "2025-Q1"]
    assert (quarters[0].reflections, quarters[0].stories, quarters[0].levels) == (2, 1, (1, 2, 1, 0, 0))
    assert quarters[1].levels == (0, 0, 0, 0, 1)
    # A level named twice in one reflection counts once.
    assert quarters[2].levels == (0, 0, 1, 0, 0)
    assert reports.value_counts("all", facts).levels == (1, 2, 2, 0, 1)
    assert reports.VALUE_LEVELS == reflections.VALUE_LEVELS


def test_reflection_facts_carry_no_person_and_no_story(db, tmp_path):
    from matcher.io import orgjson

    orgjson.write_json(small_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=NOW)
    with db.transaction() as session:
        event = ScheduledEvent(
            "meeting", "2026-Q4 mentor", "Mentor", NOW, NOW, "Europe/Amsterdam", ("anna", "eva")
        )
        (event_id,) = add_events(session, [event], now=NOW)
        for pid, levels, story in (("anna", ["potential"], "A private story"), ("eva", ["applied"], "")):
            session.add(
                ReflectionRow(
                    person_id=pid,
                    event_id=event_id,
                    session_day=dt.date(2026, 11, 2),
                    levels=levels,
                    story=story,
                    created=NOW,
                    updated=NOW,
                )
            )
    with db.transaction() as session:
        facts = report_queries.reflection_facts(session)
    assert facts == [
        ReflectionFact(("potential",), True, dt.date(2026, 11, 2)),
        ReflectionFact(("applied",), False, dt.date(2026, 11, 2)),
    ]


# -- the talent map picture ----------------------------------------------------------------------------


def test_the_picture_draws_the_strongest_people_first_and_says_what_it_cut():
    picture = reports.map_picture(small_map(), people=2, skills=2)
    people = [n.id for n in picture.nodes if n.kind == "person"]
    skills = [n.id for n in picture.nodes if n.kind == "skill"]
    # Chen holds two skills at level 3+, then Anna and Dirk one each (by name).
    assert people == ["chen", "anna"]
    assert skills == ["python", "sql"]
    assert (picture.people_found, picture.people_shown, picture.skills_found, picture.skills_shown) == (
        3,
        2,
        3,
        2,
    )
    assert picture.cut
    assert picture.edges == (("chen", "python", 3), ("chen", "sql", 4))
    assert all(0.0 <= n.x <= 1.0 and 0.0 <= n.y <= 1.0 for n in picture.nodes)
    assert picture.nodes == reports.map_picture(small_map(), people=2, skills=2).nodes


def test_the_picture_follows_the_department_and_skill_filters():
    talent = small_map()
    department = reports.map_picture(talent, department="Informatievoorziening")
    assert {n.id for n in department.nodes if n.kind == "person"} == {"chen", "dirk"}
    assert {n.group for n in department.nodes if n.kind == "person"} == {"Informatievoorziening"}
    assert not department.cut and department.groups == ("Informatievoorziening",)
    skill = reports.map_picture(talent, skill_id="sql", min_level=2)
    assert [n.id for n in skill.nodes if n.kind == "person"] == ["chen", "dirk"]
    assert next(n.id for n in skill.nodes if n.kind == "skill") == "sql"
    nobody = reports.map_picture(talent, department="Nowhere")
    assert nobody.nodes == () and not nobody.cut


def test_a_single_person_with_a_single_skill_is_drawn_in_the_middle():
    org = Organisation(
        people=(person("ann", department="ICT"),),
        skills=(Skill("py", "Python"),),
        holdings=(Holding("ann", "py", Level.EXPERT),),
    )
    picture = reports.map_picture(small_map(org))
    assert len(picture.nodes) == 2 and picture.edges == (("ann", "py", 4),)
