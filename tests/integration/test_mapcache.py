"""The cached talent map takes in each saved profile and HR edit without being built again, and answers
as a map built afresh from the stored organisation; skills or history changing builds it again."""

from __future__ import annotations

import datetime as dt
import gc
import json
import random

import pytest

from bench.synthetic import DEFAULT_TODAY, generate_organisation
from matcher import storage
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.io import orgjson
from matcher.services import mapcache, organisation, profiles, scheduling
from matcher.services.mapcache import MapCache
from matcher.storage import changes
from matcher.storage.changes import changes_since

NOW = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def stored(db, tmp_path):
    org = generate_organisation(120, 30, seed=5, today=DEFAULT_TODAY)
    orgjson.write_json(org, tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=NOW)
    return org


def _answers(tmap: TalentMap, skills: list[str], askers: list[str | None]) -> dict[str, object]:
    return {
        "ask": [tmap.ask(s, asker_id=a, limit=5).as_dict() for s in skills for a in askers],
        "risks": [r.as_dict() for r in tmap.risks()],
        "bridges": [b.as_dict() for b in tmap.bridges()],
        "people": [p.id for p in tmap.organisation.people],
    }


def _own_edit(rng: random.Random, skills: list[str]) -> dict[str, object]:
    return {
        "skills": {s: rng.randint(0, 4) for s in rng.sample(skills, rng.randint(0, 5))},
        "wishes": {s: rng.randint(1, 3) for s in rng.sample(skills, rng.randint(0, 2))},
        "ask_me": rng.random() < 0.8,
        "mentor_capacity": rng.choice((0, 1, 2)),
        "host_capacity": rng.choice((0, 1)),
        "languages": rng.choice(("nl", "nl, en", "en, de")),
    }


def _hr_edit(rng: random.Random, people: list[str], person_id: str) -> dict[str, object]:
    return {
        "name": f"{rng.choice(('Aa', 'Zz'))} {person_id}",
        "department": rng.choice(("Burgerzaken", "Financiën", "Nieuw")),
        "manager": rng.choice([p for p in people if p != person_id]),
    }


def test_saved_profiles_and_hr_edits_change_the_cached_map_as_a_fresh_build_would(db, stored):
    rng = random.Random(11)
    cache = MapCache(db, today=lambda: DEFAULT_TODAY)
    cache.get()
    skills = sorted(s.id for s in stored.skills)
    people = sorted(p.id for p in stored.people)
    for step in range(24):
        person_id = rng.choice(people)
        if step % 6 == 5:
            try:
                profiles.update_person(db, person_id, _hr_edit(rng, people, person_id), now=NOW, by="hr")
            except profiles.InvalidInput:
                continue  # a manager line that would loop is refused: nothing changed
        else:
            profiles.update_person(
                db, person_id, _own_edit(rng, skills), now=NOW, by=person_id, allowed=profiles.SELF_EDITABLE
            )
        if step % 4 == 3:
            fresh = TalentMap(organisation.load_organisation(db), today=DEFAULT_TODAY)
            askers = [None, rng.choice(people)]
            asked = rng.sample(skills, 6)
            assert _answers(cache.get(), asked, askers) == _answers(fresh, asked, askers), f"step {step}"
    assert (cache.builds, cache.updates) == (1, 6)


def test_each_write_records_the_people_it_changed(db, stored):
    person_id = stored.people[3].id
    with db.transaction() as session:
        before = storage.data_version(session)
    profiles.update_person(db, person_id, {"ask_me": False}, now=NOW, by=person_id)
    with db.transaction() as session:
        assert changes_since(session, before) == (before + 1, {person_id})
        assert changes_since(session, before + 1) == (before + 1, set())


def test_a_change_to_the_skills_builds_the_map_again(db, stored, tmp_path):
    cache = MapCache(db, today=lambda: DEFAULT_TODAY)
    first = cache.get()
    skill = stored.skills[0]
    document = {
        "format": orgjson.FORMAT,
        "version": orgjson.VERSION,
        "skills": [{"id": skill.id, "name": f"{skill.name} (nieuw)"}],
    }
    (tmp_path / "skills.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    organisation.import_file(db, tmp_path / "skills.json", now=NOW)
    with db.transaction() as session:
        assert changes_since(session, 0)[1] is None
    again = cache.get()
    assert again is not first and again.skill(skill.id).name == f"{skill.name} (nieuw)"
    assert first.skill(skill.id).name == skill.name
    assert (cache.builds, cache.updates) == (2, 0)


def test_a_new_day_builds_the_map_again(db, stored):
    days = [DEFAULT_TODAY]
    cache = MapCache(db, today=lambda: days[-1])
    assert cache.get() is cache.get()
    days.append(DEFAULT_TODAY + dt.timedelta(days=1))
    assert cache.get().today == days[-1] and cache.builds == 2


def test_a_request_that_read_an_older_version_takes_the_newer_map_instead_of_building_one(db, stored):
    person_id = stored.people[2].id
    calls: list[int] = []

    def today() -> dt.date:
        calls.append(1)
        if len(calls) == 2:  # the second look has read the version: another request writes and looks first
            profiles.update_person(db, person_id, {"ask_me": False}, now=NOW, by=person_id)
            cache.get()
        return DEFAULT_TODAY

    cache = MapCache(db, today=today)
    cache.get()
    profiles.update_person(db, person_id, {"host_capacity": 2}, now=NOW, by=person_id)
    tmap = cache.get()
    assert not tmap.person(person_id).ask_me and tmap.person(person_id).host_capacity == 2
    assert (cache.builds, cache.updates) == (1, 1)


def test_a_shadow_request_finds_its_skill_on_the_cached_map_as_on_the_stored_skills(db, stored):
    cache = MapCache(db, today=lambda: DEFAULT_TODAY)
    skill = stored.skills[1]
    window = {"first_day": dt.date(2026, 2, 2), "last_day": dt.date(2026, 2, 27), "now": NOW}
    asked = {"guest_id": stored.people[0].id, "host_id": None, "length": "hour", **window}
    on_map = scheduling.add_shadow_request(db, skill=skill.name.upper(), talent=cache.get(), **asked)
    on_skills = scheduling.add_shadow_request(db, skill=skill.name.upper(), **asked)
    assert on_map.skill_id == on_skills.skill_id == skill.id
    with pytest.raises(InvalidInput):
        scheduling.add_shadow_request(db, skill="qqqq zzzz", talent=cache.get(), **asked)


def test_only_the_latest_versions_stay_listed_and_a_map_older_than_them_is_built_again(
    db, stored, monkeypatch
):
    monkeypatch.setattr(changes, "KEPT", 2)
    cache = MapCache(db, today=lambda: DEFAULT_TODAY)
    cache.get()
    for capacity in (1, 2, 3):
        profiles.update_person(db, stored.people[4].id, {"host_capacity": capacity}, now=NOW, by="hr")
    with db.transaction() as session:
        current = storage.data_version(session)
        assert changes_since(session, current - 2) == (current, {stored.people[4].id})
        assert changes_since(session, current - 3) == (current, None)
    assert cache.get().person(stored.people[4].id).host_capacity == 3
    assert (cache.builds, cache.updates) == (2, 0)


def test_a_large_map_built_anew_is_kept_out_of_full_garbage_collections(db, stored, monkeypatch):
    monkeypatch.setattr(mapcache, "SETTLE_FROM", len(stored.people))
    gc.unfreeze()
    try:
        talent = MapCache(db, today=lambda: DEFAULT_TODAY).get()
        frozen = gc.get_freeze_count()
        assert frozen > len(stored.people) and talent.person(stored.people[0].id) is not None
    finally:
        gc.unfreeze()


def test_a_small_map_is_left_to_the_garbage_collector(db, stored):
    gc.unfreeze()
    MapCache(db, today=lambda: DEFAULT_TODAY).get()
    assert gc.get_freeze_count() == 0
