"""The synthetic organisation generator, and the demo organisation it builds."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from bench import vocabulary as vocab
from bench.synthetic import ascii_slug, default_skill_count, generate_organisation, taxonomy
from matcher.domain.integrity import check_duplicates, check_organisation
from matcher.domain.model import MAX_PRIORITY, MIN_PRIORITY, Level, Organisation
from matcher.domain.problems import Problems
from matcher.io.matrix import read_matrix
from matcher.io.orgjson import read_json

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def org() -> Organisation:
    return generate_organisation(200, seed=11, today=TODAY)


@pytest.fixture(scope="module")
def large() -> Organisation:
    return generate_organisation(3000, seed=5, today=TODAY)


@pytest.fixture(scope="module")
def demo() -> Organisation:
    return read_json(DEMO / "organisation.json").organisation


def reports_to(org: Organisation) -> nx.DiGraph:
    lines = nx.DiGraph()
    lines.add_nodes_from(p.id for p in org.people)
    lines.add_edges_from((p.id, p.manager_id) for p in org.people if p.manager_id)
    return lines


def level3_holders(org: Organisation) -> dict[str, list[str]]:
    holders: dict[str, list[str]] = {}
    for h in org.holdings:
        if h.level >= Level.PROFICIENT:
            holders.setdefault(h.skill_id, []).append(h.person_id)
    return holders


# --- determinism and size --------------------------------------------------------------------


def test_the_same_seed_gives_the_same_organisation():
    assert generate_organisation(150, seed=3) == generate_organisation(150, seed=3)


def test_a_different_seed_gives_a_different_organisation():
    first, second = generate_organisation(150, seed=3), generate_organisation(150, seed=4)
    assert first.people != second.people
    assert first.holdings != second.holdings


def test_generation_leaves_the_global_random_state_alone():
    random.seed(99)
    expected = random.random()
    random.seed(99)
    generate_organisation(50, seed=1)
    assert random.random() == expected


@pytest.mark.parametrize("people", [1, 2, 3, 7, 13, 14, 60, 200, 1234])
def test_the_number_of_people_is_exactly_as_asked(people):
    assert len(generate_organisation(people, seed=people).people) == people


@pytest.mark.parametrize("skills", [1, 5, 60, 108, 109, 500, 2000])
def test_the_number_of_skills_is_exactly_as_asked(skills):
    made = taxonomy(skills, random.Random(skills))
    assert len(made) == skills
    assert len({s.id for s in made}) == skills
    assert len({s.name.casefold() for s in made}) == skills


def test_an_organisation_uses_the_number_of_skills_it_is_given():
    assert len(generate_organisation(40, skills=25, seed=2).skills) == 25


def test_the_default_number_of_skills_grows_with_the_organisation():
    assert 50 <= default_skill_count(200) <= 70
    assert 450 <= default_skill_count(20_000) <= 550
    assert len(generate_organisation(200, seed=1).skills) == default_skill_count(200)


def test_impossible_sizes_are_refused():
    with pytest.raises(ValueError, match="at least one person"):
        generate_organisation(0)
    with pytest.raises(ValueError, match="at least one skill"):
        generate_organisation(10, skills=0)


def test_a_one_person_organisation_is_its_director_alone():
    (person,) = generate_organisation(1).people
    assert person.manager_id is None
    assert person.function == vocab.DIRECTOR


def test_a_20000_person_organisation_has_20000_distinct_people_and_its_skill_count():
    # How long this takes is a figure of ``meeloop bench`` ("generate organisation"), not a test.
    big = generate_organisation(20_000, seed=1)
    assert len(big.people) == 20_000
    assert len(big.skills) == default_skill_count(20_000)
    assert len({p.id for p in big.people}) == len({p.email for p in big.people}) == 20_000


# --- references and structure ----------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["org", "large"])
def test_the_management_lines_form_one_tree_under_the_director(fixture, request):
    made = request.getfixturevalue(fixture)
    ids = {p.id for p in made.people}
    assert all(p.manager_id in ids for p in made.people if p.manager_id)
    lines = reports_to(made)
    assert nx.is_directed_acyclic_graph(lines)
    assert nx.is_weakly_connected(lines)
    (top,) = [p for p in made.people if p.manager_id is None]
    assert top.function == vocab.DIRECTOR


@pytest.mark.parametrize("fixture", ["org", "large"])
def test_department_heads_report_to_a_director(fixture, request):
    made = request.getfixturevalue(fixture)
    function = {p.id: p.function for p in made.people}
    heads = [p for p in made.people if p.function == vocab.HEAD]
    assert heads
    assert {function[p.manager_id] for p in heads} <= {vocab.DIRECTOR, vocab.DOMAIN_DIRECTOR}


def test_large_organisations_put_directors_between_the_top_and_the_heads(large):
    widest = Counter(p.manager_id for p in large.people if p.manager_id).most_common(1)[0][1]
    assert any(p.function == vocab.DOMAIN_DIRECTOR for p in large.people)
    assert widest <= 20


@pytest.mark.parametrize("fixture", ["org", "large"])
def test_team_leaders_lead_five_to_twelve_people(fixture, request):
    made = request.getfixturevalue(fixture)
    reports = Counter(p.manager_id for p in made.people if p.manager_id)
    leads = [p for p in made.people if p.function == vocab.TEAM_LEAD]
    assert leads
    assert all(5 <= reports[p.id] <= 12 for p in leads)


def test_departments_differ_in_size_and_work_at_several_sites(large):
    sizes = Counter(p.department for p in large.people if p.department != "Directie")
    assert len(sizes) >= 8
    assert max(sizes.values()) >= 2 * min(sizes.values())
    assert len({p.site for p in large.people}) >= 5


@pytest.mark.parametrize("fixture", ["org", "large"])
def test_holdings_wishes_and_history_refer_to_known_people_and_skills(fixture, request):
    made = request.getfixturevalue(fixture)
    people, skills = {p.id for p in made.people}, {s.id for s in made.skills}
    assert all(h.person_id in people and h.skill_id in skills for h in made.holdings)
    assert all(w.person_id in people and w.skill_id in skills for w in made.wishes)
    assert all(set(e.members) <= people and len(set(e.members)) == len(e.members) for e in made.history)


@pytest.mark.parametrize("skills", [20, 108, 600])
def test_the_taxonomy_has_known_parents_and_no_loops(skills):
    made = taxonomy(skills, random.Random(1))
    ids = {s.id for s in made}
    parents = nx.DiGraph((s.id, s.parent_id) for s in made if s.parent_id)
    assert set(parents.nodes) <= ids
    assert nx.is_directed_acyclic_graph(parents)
    assert any(s.parent_id for s in made)


@pytest.mark.parametrize("skills", [20, 108, 600])
def test_related_skills_are_known_never_the_skill_itself_and_linked_once(skills):
    made = taxonomy(skills, random.Random(1))
    ids = {s.id for s in made}
    pairs = [frozenset((s.id, r.skill_id)) for s in made for r in s.related]
    assert pairs
    assert all(r.skill_id in ids and r.skill_id != s.id for s in made for r in s.related)
    assert all(0.2 <= r.strength <= 1.0 for s in made for r in s.related)
    assert len(pairs) == len(set(pairs))


def test_ids_and_email_addresses_are_unique(large):
    assert len({p.id for p in large.people}) == len(large.people)
    assert len({p.email.casefold() for p in large.people}) == len(large.people)
    assert all(p.id.startswith("E") and p.id[1:].isdigit() for p in large.people)


def test_the_generated_organisation_passes_the_import_checks(org):
    problems = Problems()
    check_duplicates(org, _no_places(), problems)
    check_organisation(org, _no_places(), problems)
    assert not problems, [str(p) for p in problems]


def _no_places():
    from matcher.domain.problems import Locator

    return Locator()


# --- skills, levels and wishes ---------------------------------------------------------------


def test_levels_and_priorities_stay_within_their_scales(large):
    assert all(Level.AWARE <= h.level <= Level.EXPERT for h in large.holdings)
    assert all(MIN_PRIORITY <= w.priority <= MAX_PRIORITY for w in large.wishes)


def test_each_person_holds_three_to_fifteen_skills_and_wishes_for_up_to_four(large):
    held = Counter(h.person_id for h in large.holdings)
    wished = Counter(w.person_id for w in large.wishes)
    assert all(3 <= held[p.id] <= 15 for p in large.people)
    assert all(wished[p.id] <= 4 for p in large.people)
    assert len({(h.person_id, h.skill_id) for h in large.holdings}) == len(large.holdings)
    assert len({(w.person_id, w.skill_id) for w in large.wishes}) == len(large.wishes)


def test_a_few_skills_are_held_by_many_and_experts_are_rare(large):
    holders = Counter(h.skill_id for h in large.holdings)
    counts = [holders[s.id] for s in large.skills]
    assert max(counts) >= 5 * statistics.median(counts)
    levels = Counter(h.level for h in large.holdings)
    assert levels[Level.EXPERT] < levels[Level.PROFICIENT] < levels[Level.WORKING]
    assert levels[Level.EXPERT] < 0.08 * len(large.holdings)


def test_wishes_crowd_around_a_few_skills(large):
    wished = Counter(w.skill_id for w in large.wishes)
    counts = [wished[s.id] for s in large.skills]
    assert max(counts) >= 10 * statistics.median(counts)


def test_most_holdings_fall_in_the_categories_of_the_department(large):
    category = {s.id: s.category for s in large.skills}
    wanted = {d.name: set(d.categories) for d in vocab.DEPARTMENTS}
    department = {p.id: p.department for p in large.people}
    fitting = [
        category[h.skill_id] in wanted[department[h.person_id]]
        for h in large.holdings
        if department[h.person_id] in wanted
    ]
    assert sum(fitting) > 0.5 * len(fitting)


def test_no_one_wishes_for_a_skill_they_already_master(large):
    mastered = {(h.person_id, h.skill_id) for h in large.holdings if h.level >= Level.PROFICIENT}
    assert not [w for w in large.wishes if (w.person_id, w.skill_id) in mastered]


# --- people ----------------------------------------------------------------------------------


def test_a_200_person_organisation_has_newcomers_interns_leavers_mentors_and_hosts(org):
    people = org.people
    assert sum(p.newcomer for p in people) >= 5
    assert sum(p.intern for p in people) >= 3
    assert sum(p.leaving_date is not None for p in people) >= 4
    assert sum(p.is_mentor for p in people) >= 10
    assert sum(p.is_host for p in people) >= 10
    assert 0.8 < sum(p.ask_me for p in people) / len(people) < 1


def test_newcomers_are_exactly_those_who_started_in_the_last_six_months(large):
    for p in large.people:
        assert p.start_date is not None and p.start_date <= TODAY
        assert p.newcomer == ((TODAY - p.start_date).days < 183)


def test_tenure_spreads_from_newcomers_to_old_hands_and_experience_covers_it(large):
    tenure = [p.tenure_years(TODAY) for p in large.people]
    assert max(tenure) <= 35.01
    assert sum(t >= 20 for t in tenure) > 0.03 * len(tenure)
    assert all(p.years_experience >= t - 0.01 for p, t in zip(large.people, tenure, strict=True))
    assert all(p.years_experience >= 0 for p in large.people)


def test_interns_are_recent_and_never_manage_anyone(large):
    managers = {p.manager_id for p in large.people}
    interns = [p for p in large.people if p.intern]
    assert interns
    assert all(p.tenure_years(TODAY) < 1 and p.id not in managers for p in interns)


def test_mentors_are_experienced_and_capacities_stay_small(large):
    mentors = [p for p in large.people if p.is_mentor]
    assert all(p.years_experience >= 8 and not p.intern and 1 <= p.mentor_capacity <= 3 for p in mentors)
    assert all(0 <= p.host_capacity <= 4 for p in large.people)


def test_planned_departures_fall_within_the_next_year(large):
    leaving = [p.leaving_date for p in large.people if p.leaving_date]
    assert 0.03 < len(leaving) / len(large.people) < 0.07
    assert all(TODAY < day <= TODAY + dt.timedelta(days=365) for day in leaving)


def test_languages_time_zones_and_working_hours_vary(large):
    languages = Counter(p.languages for p in large.people)
    zones = Counter(p.timezone for p in large.people)
    hours = {p.working_hours for p in large.people}
    assert languages.most_common(1)[0][0] == ("nl",)
    assert ("nl", "en") in languages and ("en",) in languages
    assert any(len(langs) == 3 for langs in languages)
    assert zones.most_common(1)[0][0] == "Europe/Amsterdam"
    assert {"Europe/Brussels", "Europe/London", "America/New_York", "Asia/Kolkata"} <= set(zones)
    assert len(hours) >= 8
    assert any(len(h.on("mon")) == 2 for h in hours)
    assert any(h.on("sat") for h in hours)
    assert any(h.weekly_minutes < 32 * 60 for h in hours)


def test_names_mix_backgrounds_and_keep_their_accents_while_emails_stay_ascii(large):
    names = " ".join(p.name for p in large.people)
    assert any(ch in names for ch in "ëéïçöüşłó")
    assert all(p.email.isascii() and p.email.endswith(".nl") for p in large.people)
    assert all(p.name == " ".join(p.name.split()) for p in large.people)
    surnames = {p.name.split()[-1] for p in large.people}
    assert {"Çelik", "Hoekstra", "Nowak"} & surnames
    assert len(surnames) > 100


def test_ascii_slug_drops_accents_and_joins_words():
    assert ascii_slug("Çelik") == "celik"
    assert ascii_slug("Łukasz Wójcik") == "lukasz-wojcik"
    assert ascii_slug("van den Berg", "") == "vandenberg"


def test_earlier_rounds_are_in_the_past_with_members_who_had_started(large):
    start = {p.id: p.start_date for p in large.people}
    assert {e.kind for e in large.history} == {"mentor", "buddy", "exchange", "think-tank"}
    for entry in large.history:
        assert entry.started < TODAY and entry.ended is not None and entry.ended < TODAY
        assert all(start[m] <= entry.ended for m in entry.members)
        assert entry.round.endswith(entry.kind)
    assert all(4 <= len(e.members) <= 6 for e in large.history if e.kind == "think-tank")


# --- the demo organisation -------------------------------------------------------------------


def test_the_demo_reads_back_through_the_json_format(demo):
    assert 150 <= len(demo.people) <= 300
    assert 60 <= len(demo.skills) <= 120
    assert demo.name == "Gemeente Wadloo"


def test_the_demo_has_a_skill_whose_only_expert_is_leaving(demo):
    leaving = {p.id for p in demo.people if p.leaving_date}
    at_risk = [
        s for s, holders in level3_holders(demo).items() if len(holders) == 1 and holders[0] in leaving
    ]
    assert len(at_risk) >= 2


def test_the_demo_shows_interns_newcomers_old_hands_and_colleagues_abroad(demo):
    today = dt.date(2026, 11, 2)
    people = demo.people
    assert 6 <= sum(p.intern for p in people) <= 10
    assert 4 <= sum(p.leaving_date is not None for p in people) <= 8
    assert sum(p.newcomer for p in people) >= 5
    assert sum(p.tenure_years(today) >= 20 for p in people) >= 5
    assert sum(p.timezone == "Europe/Brussels" for p in people) >= 3
    assert any(p.timezone not in ("Europe/Amsterdam", "Europe/Brussels") for p in people)
    assert 1 <= sum(not p.ask_me for p in people) <= 25
    assert {e.kind for e in demo.history} == {"mentor", "buddy", "exchange", "think-tank"}


def test_the_demo_passes_the_import_checks():
    parsed = read_json(DEMO / "organisation.json")
    problems = Problems()
    check_duplicates(parsed.organisation, parsed.locator, problems)
    check_organisation(parsed.organisation, parsed.locator, problems)
    assert not problems, [str(p) for p in problems]


def test_the_demo_skills_matrix_holds_the_same_organisation(demo):
    matrix = read_matrix(DEMO / "skills-matrix.csv").organisation
    assert {p.id for p in matrix.people} == {p.id for p in demo.people}
    assert set(matrix.holdings) == set(demo.holdings)
    assert set(matrix.wishes) == set(demo.wishes)


def test_the_demo_script_writes_the_same_files_every_time(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "data" / "make_demo.py"), str(tmp_path)], check=True, capture_output=True
    )
    for name in ("organisation.json", "skills-matrix.csv", "skills-matrix.skills.csv"):
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
