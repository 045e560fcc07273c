"""A talent map changed person by person answers as a map built afresh from the changed organisation."""

from __future__ import annotations

import dataclasses
import random

import pytest

from bench.synthetic import DEFAULT_TODAY, generate_organisation
from matcher.domain.model import Holding, Level, Organisation, Person, Wish
from matcher.domain.talentmap import TalentMap
from matcher.domain.talentmap.layered import Layered
from matcher.io.fields import parse_working_hours
from tests.unit.talentmap_support import TODAY, holds, organisation, person, talent_map

ZONES = ("Europe/Amsterdam", "Europe/London", "America/New_York", "Asia/Tokyo")
HOURS = ({"mon": ["08:00-12:00"], "wed": ["13:00-17:00"]}, {"tue": ["09:00-17:00"], "fri": ["09:00-13:00"]})


class EditableOrganisation:
    """The organisation as plain, editable data: people in their order, levels and wishes by person."""

    def __init__(self, org: Organisation) -> None:
        self.base = org
        self.people = list(org.people)
        self.levels: dict[str, dict[str, int]] = {p.id: {} for p in org.people}
        self.wishes: dict[str, dict[str, int]] = {p.id: {} for p in org.people}
        for h in org.holdings:
            self.levels[h.person_id][h.skill_id] = int(h.level)
        for w in org.wishes:
            self.wishes[w.person_id][w.skill_id] = w.priority

    def holdings_of(self, ids) -> tuple[Holding, ...]:
        return tuple(Holding(p, s, Level(v)) for p in ids for s, v in self.levels.get(p, {}).items())

    def wishes_of(self, ids) -> tuple[Wish, ...]:
        return tuple(Wish(p, s, v) for p in ids for s, v in self.wishes.get(p, {}).items())

    def whole(self) -> Organisation:
        ids = [p.id for p in self.people]
        return dataclasses.replace(
            self.base, people=tuple(self.people), holdings=self.holdings_of(ids), wishes=self.wishes_of(ids)
        )

    def part(self, ids: set[str]) -> Organisation:
        people = tuple(p for p in self.people if p.id in ids)
        present = [p.id for p in people]
        return Organisation(people=people, holdings=self.holdings_of(present), wishes=self.wishes_of(present))


def _edit(state: EditableOrganisation, rng: random.Random, skills: list[str], serial: int) -> set[str]:
    """Change one to three people at random (or add or remove one); the ids changed."""
    roll = rng.random()
    if roll < 0.08 and len(state.people) > 5:
        gone = state.people.pop(rng.randrange(len(state.people)))
        del state.levels[gone.id], state.wishes[gone.id]
        return {gone.id}
    if roll < 0.16:
        manager = rng.choice(state.people).id
        new = Person(f"new{serial}", f"Nieuw {serial}", f"new{serial}@example.org", department="Nieuw",
                     manager_id=manager, host_capacity=rng.choice((0, 1)))  # fmt: skip
        state.people.append(new)
        state.levels[new.id] = {s: rng.randint(0, 4) for s in rng.sample(skills, 3)}
        state.wishes[new.id] = {rng.choice(skills): rng.randint(1, 3)}
        return {new.id}
    chosen = rng.sample(range(len(state.people)), rng.randint(1, 3))
    for index in chosen:
        old = state.people[index]
        levels, wishes = state.levels[old.id], state.wishes[old.id]
        for _ in range(rng.randint(1, 4)):
            skill = rng.choice(skills)
            if rng.random() < 0.3:
                levels.pop(skill, None)
            else:
                levels[skill] = rng.randint(0, 4)
        if rng.random() < 0.5:
            skill = rng.choice(skills)
            if skill in wishes and rng.random() < 0.5:
                del wishes[skill]
            else:
                wishes[skill] = rng.randint(1, 3)
        fields = {
            "ask_me": rng.random() < 0.8,
            "mentor_capacity": rng.choice((0, 0, 1, 2)),
            "host_capacity": rng.choice((0, 1)),
        }
        if rng.random() < 0.3:
            fields["languages"] = tuple(rng.sample(("nl", "en", "de", "fr"), rng.randint(1, 2)))
        if rng.random() < 0.2:
            fields |= {"timezone": rng.choice(ZONES), "working_hours": parse_working_hours(rng.choice(HOURS))}
        if rng.random() < 0.15:
            fields["name"] = f"{rng.choice(('Aa', 'Zz', 'Mm'))} {old.name}"
        if rng.random() < 0.15:
            fields["manager_id"] = rng.choice(state.people).id
        if rng.random() < 0.15:
            fields["department"] = rng.choice(("Nieuw", old.department, "Financiën"))
        if rng.random() < 0.1:
            fields["leaving_date"] = rng.choice((None, DEFAULT_TODAY.replace(month=3)))
        state.people[index] = dataclasses.replace(old, **fields)
    return {state.people[i].id for i in chosen}


def _answers(tmap: TalentMap, skills: list[str], askers: list[str]) -> dict[str, object]:
    return {
        "ask": [
            tmap.ask(skill, asker_id=asker, limit=limit).as_dict()
            for skill in skills
            for asker in askers
            for limit in (3, 50)
        ],
        "risks": [r.as_dict() for r in tmap.risks()],
        "bridges": [b.as_dict() for b in tmap.bridges()],
        "holders": {s: [(p.id, int(lv)) for p, lv in tmap.holders_of(s)] for s in skills},
        "wishes": {s: tmap.wish_count(s) for s in skills},
        "people": [p.id for p in tmap.organisation.people],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_map_changed_person_by_person_answers_as_one_built_afresh(seed):
    rng = random.Random(seed)
    state = EditableOrganisation(generate_organisation(150, 40, seed=seed, today=DEFAULT_TODAY))
    skills = sorted(s.id for s in state.base.skills)
    tmap = TalentMap(state.whole(), today=DEFAULT_TODAY)
    for step in range(60):
        changed = _edit(state, rng, skills, step)
        tmap = tmap.with_people(state.part(changed), changed)
        if step % 10 == 9:
            fresh = TalentMap(state.whole(), today=DEFAULT_TODAY)
            askers = [None, *(p.id for p in rng.sample(state.people, 2))]
            asked = rng.sample(skills, 8)
            assert _answers(tmap, asked, askers) == _answers(fresh, asked, askers), f"after step {step}"


def test_the_map_it_started_from_keeps_its_answers():
    before = talent_map([person("ann"), person("bo")], holds(("ann", "py", 3), ("bo", "py", 2)))
    asked = before.ask("py").as_dict()
    after = before.with_people(organisation([person("bo", ask_me=False)], holds(("bo", "py", 4))), {"bo"})
    assert before.ask("py").as_dict() == asked
    assert [a.person_id for a in after.ask("py").answers] == ["ann"]
    assert [(p.id, int(lv)) for p, lv in after.holders_of("py")] == [("bo", 4), ("ann", 3)]


def test_a_person_left_out_of_the_changes_is_gone_with_their_levels_and_wishes():
    before = talent_map(
        [person("ann"), person("bo", manager_id="ann")],
        holds(("ann", "py", 3), ("bo", "reint", 4)),
        wishes=[Wish("bo", "py", 2)],
    )
    after = before.with_people(Organisation(), {"bo"})
    assert after.person("bo") is None and [p.id for p in after.organisation.people] == ["ann"]
    assert after.holders_of("reint") == [] and after.wish_count("py") == 0
    assert "reint" not in {r.skill_id for r in after.risks()}
    assert after.bridges_among(["ann"]) == [] and "bo" not in after.collaboration
    assert after.organisation.holdings == holds(("ann", "py", 3)) and after.organisation.wishes == ()


def test_a_new_person_is_added_after_the_others_and_can_be_asked():
    before = talent_map([person("ann")], holds(("ann", "py", 2)))
    after = before.with_people(organisation([person("cas", site="B")], holds(("cas", "py", 4))), {"cas"})
    assert [p.id for p in after.organisation.people] == ["ann", "cas"]
    assert [a.person_id for a in after.ask("python").answers] == ["cas", "ann"]
    assert after.graph.has_edge(("person", "cas"), ("skill", "py"))
    assert not before.graph.has_node(("person", "cas"))
    assert after.today == TODAY


def _forms(tmap: TalentMap) -> dict[str, object]:
    """What the forms read from a map: the hosts of the shadow form and the skills' names."""
    return {"hosts": [p.id for p in tmap.hosts], "skill_names": list(tmap.skill_names)}


def _whole(org: Organisation) -> dict[str, object]:
    return {
        "people": list(org.people),
        "holdings": sorted(org.holdings, key=lambda h: (h.person_id, h.skill_id)),
        "wishes": sorted(org.wishes, key=lambda w: (w.person_id, w.skill_id)),
        "skills": org.skills,
    }


@pytest.mark.parametrize("seed", [4, 5])
def test_the_hosts_names_and_organisation_of_a_changed_map_are_those_of_one_built_afresh(seed):
    rng = random.Random(seed)
    state = EditableOrganisation(generate_organisation(150, 40, seed=seed, today=DEFAULT_TODAY))
    skills = sorted(s.id for s in state.base.skills)
    tmap = TalentMap(state.whole(), today=DEFAULT_TODAY)
    for step in range(60):
        changed = _edit(state, rng, skills, step)
        if step % 7 == 0:
            assert tmap.hosts  # made on this map: the next one changes it person by person
        tmap = tmap.with_people(state.part(changed), changed)
        fresh = TalentMap(state.whole(), today=DEFAULT_TODAY)
        assert _forms(tmap) == _forms(fresh), f"after step {step}"
        if step % 15 == 14:  # in between, the organisation is not asked for and not made
            assert _whole(tmap.organisation) == _whole(fresh.organisation), f"after step {step}"


def test_a_changed_map_makes_its_organisation_only_when_asked_and_keeps_the_old_one_as_it_was():
    org = generate_organisation(60, 20, seed=6, today=DEFAULT_TODAY)
    state = EditableOrganisation(org)
    tmap = TalentMap(state.whole(), today=DEFAULT_TODAY)
    before = tmap.organisation
    first = state.people[0]
    state.people[0] = dataclasses.replace(first, host_capacity=1 - (first.host_capacity or 0))
    state.levels[first.id] = {}
    changed = tmap.with_people(state.part({first.id}), {first.id})
    assert changed._organisation is None
    assert tmap.organisation is before
    assert changed.organisation.people[0] == state.people[0]
    assert not [h for h in changed.organisation.holdings if h.person_id == first.id]
    assert [h for h in before.holdings if h.person_id == first.id] == [
        h for h in org.holdings if h.person_id == first.id
    ]
    assert (first.id in {p.id for p in changed.hosts}) == state.people[0].is_host


def test_a_layered_mapping_reads_as_the_dictionary_it_stands_for_and_keeps_what_it_handed_out():
    rng = random.Random(7)
    plain = {f"k{i}": i for i in range(300)}
    layered = Layered(dict(plain))
    handed_out = []
    for step in range(400):  # enough changes to be folded into a new dictionary several times
        gone = set(rng.sample(sorted(plain), rng.randint(0, 3)))
        values = {f"k{rng.randrange(400)}": step for _ in range(rng.randint(0, 3))}
        gone -= values.keys()
        for key in gone:
            del plain[key]
        plain.update(values)
        layered = layered.changed(values, gone=gone)
        handed_out.append((dict(plain), layered))
        assert dict(layered.items()) == plain and len(layered) == len(plain), f"after step {step}"
        assert list(layered) == list(plain), f"the order after step {step}"
        for key in ("k1", "k350", "x", *gone, *values):
            assert (layered.get(key), key in layered) == (plain.get(key), key in plain)
    assert all(dict(mapping.items()) == seen for seen, mapping in handed_out)
