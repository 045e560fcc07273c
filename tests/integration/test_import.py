"""Importing and exporting through the storage, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher import storage
from matcher.domain.integrity import normalise_relations
from matcher.domain.model import Holding, Level, Organisation, RelatedSkill
from matcher.domain.problems import InvalidInput
from matcher.io import orgjson
from matcher.services import organisation
from tests.optins import import_with_opt_ins
from tests.orgs import person, small_org

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def canonical(org: Organisation) -> tuple:
    return (
        org.name,
        sorted(org.people, key=lambda p: p.id),
        sorted(normalise_relations(org.skills), key=lambda s: s.id),
        sorted(org.holdings),
        sorted(org.wishes),
        sorted(org.history, key=lambda h: (h.round, h.members)),
    )


def write(org: Organisation, path: Path) -> Path:
    orgjson.write_json(org, path)
    return path


def without_opt_ins(org: Organisation) -> Organisation:
    """The organisation as an import stores it: nobody mentors, hosts or presents until they opt in
    themselves (asking stays as the file says: it is on unless switched off)."""
    people = tuple(
        dataclasses.replace(p, mentor_capacity=0, host_capacity=0, presenter=False) for p in org.people
    )
    return dataclasses.replace(org, people=people)


def test_json_import_stores_the_whole_organisation_but_switches_on_no_opt_in(db, tmp_path):
    result = organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    assert result.changes.people_added == ("anna", "bram", "chen", "dirk", "eva")
    assert canonical(organisation.load_organisation(db)) == canonical(without_opt_ins(small_org()))


@pytest.mark.parametrize("name", ["org.json", "matrix.csv", "matrix.xlsx"])
def test_export_then_import_gives_back_the_same_data(db, tmp_path, name, postgres_url, sqlite_copy):
    organisation.import_file(db, write(small_org(), tmp_path / "in.json"), now=NOW)
    organisation.export_file(db, tmp_path / name)
    other = organisation.Database(
        postgres_url if db.url.startswith("sqlite") else sqlite_copy(tmp_path, "b.sqlite3")
    )
    try:
        organisation.import_file(other, tmp_path / name, now=NOW)
        exported, imported = organisation.load_organisation(db), organisation.load_organisation(other)
    finally:
        other.dispose()
    if name.endswith(".json"):
        assert canonical(imported) == canonical(exported)
    else:  # the matrix carries people, skills, levels and wishes; not the name or the history
        assert canonical(imported)[1:5] == canonical(exported)[1:5]


def test_reimporting_the_same_file_changes_nothing_and_never_duplicates(db, tmp_path):
    path = write(small_org(), tmp_path / "org.json")
    organisation.import_file(db, path, now=NOW)
    again = organisation.import_file(db, path, now=NOW)
    assert again.changes.nothing
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(storage.PersonRow)) == 5
        assert session.scalar(select(func.count()).select_from(storage.HistoryRow)) == 1
        assert session.scalar(select(func.count()).select_from(storage.ImportRunRow)) == 1


def test_an_upsert_changes_people_in_the_file_and_keeps_the_others(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    org = small_org()
    bram = dataclasses.replace(org.person("bram"), site="Stadswinkel Noord")
    update = Organisation(
        people=(bram, person("fleur", "Fleur Bakker", manager_id="anna")),
        holdings=(Holding("bram", "wmo", Level.PROFICIENT), Holding("fleur", "sql", Level.AWARE)),
    )
    doc = orgjson.to_document(update)
    del doc["skills"], doc["history"]
    (tmp_path / "update.json").write_text(json.dumps(doc), encoding="utf-8")

    result = organisation.import_file(db, tmp_path / "update.json", now=NOW)

    assert result.changes.people_added == ("fleur",)
    assert result.changes.people_updated == ("bram",)
    stored = organisation.load_organisation(db)
    assert {p.id for p in stored.people} == {"anna", "bram", "chen", "dirk", "eva", "fleur"}
    assert stored.person("bram").site == "Stadswinkel Noord"
    assert {h for h in stored.holdings if h.person_id == "bram"} == {Holding("bram", "wmo", Level.PROFICIENT)}
    assert len(stored.skills) == 5 and len(stored.history) == 1


def test_replace_removes_people_absent_from_the_file_and_archives_them(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    org = small_org()
    smaller = dataclasses.replace(
        org,
        people=tuple(p for p in org.people if p.id != "eva"),
        holdings=tuple(h for h in org.holdings if h.person_id != "eva"),
        wishes=tuple(w for w in org.wishes if w.person_id != "eva"),
    )
    path = write(smaller, tmp_path / "smaller.json")

    kept = organisation.import_file(db, path, now=NOW)
    assert kept.changes.people_removed == ()
    replaced = organisation.import_file(db, path, replace=True, now=NOW)

    assert replaced.changes.people_removed == ("eva",)
    assert organisation.load_organisation(db).person("eva") is None
    with db.transaction() as session:
        archived = session.scalars(select(storage.ArchivedPersonRow)).one()
        assert archived.person_id == "eva"
        assert archived.data["skills"] == {"python": 1}
        assert archived.data["wishes"] == {"wmo": 2}


def test_bad_input_is_reported_all_at_once_and_changes_nothing(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    before = canonical(organisation.load_organisation(db))
    doc = orgjson.to_document(small_org())
    doc["people"][1]["manager"] = "nobody"
    doc["people"][2]["email"] = doc["people"][0]["email"]
    doc["people"][3]["skills"]["cobol"] = 3
    doc["people"][4]["timezone"] = "Europe/Wadloo"
    doc["people"][0]["start_date"] = "31-02-2020"
    doc["people"][0]["working_hours"] = {"mon": ["17:00-09:00"]}
    doc["people"][1]["wishes"]["sql"] = 5
    (tmp_path / "bad.json").write_text(json.dumps(doc), encoding="utf-8")

    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, tmp_path / "bad.json", now=NOW)

    found = {(p.where.row, p.where.field) for p in caught.value.problems}
    assert found >= {
        ("people[1]", "manager"),
        ("people[0]", "email"),
        ("people[2]", "email"),
        ("people[3]", "skills.cobol"),
        ("people[4]", "timezone"),
        ("people[0]", "start_date"),
        ("people[0]", "working_hours"),
        ("people[1]", "wishes.sql"),
    }
    assert all(p.where.file == "bad.json" for p in caught.value.problems)
    assert canonical(organisation.load_organisation(db)) == before


def test_a_manager_loop_is_named_with_the_people_in_it(db, tmp_path):
    org = small_org()
    anna = dataclasses.replace(org.person("anna"), manager_id="dirk")
    looped = dataclasses.replace(org, people=(anna, *org.people[1:]))
    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, write(looped, tmp_path / "loop.json"), now=NOW)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 1
    assert "loop" in messages[0] and "anna" in messages[0] and "chen" in messages[0] and "dirk" in messages[0]


def test_duplicate_ids_in_one_file_are_reported_not_merged(db, tmp_path):
    doc = orgjson.to_document(small_org())
    doc["people"].append(dict(doc["people"][0], email="other@wadloo.example"))
    (tmp_path / "dup.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, tmp_path / "dup.json", now=NOW)
    assert any("anna" in p.message and "2 times" in p.message for p in caught.value.problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b'{"people": [', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "should be an object"),
    ],
)
def test_unreadable_json_gets_a_clear_message(sqlite_url, tmp_path, content, expected):
    db = organisation.Database(sqlite_url)
    (tmp_path / "org.json").write_bytes(content)
    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, tmp_path / "org.json", now=NOW)
    assert expected in str(caught.value.report())
    db.dispose()


def test_an_unknown_file_type_is_refused_with_the_accepted_types(sqlite_url, tmp_path):
    db = organisation.Database(sqlite_url)
    (tmp_path / "org.txt").write_text("x")
    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, tmp_path / "org.txt", now=NOW)
    assert ".json" in caught.value.report() and ".xlsx" in caught.value.report()
    db.dispose()


def test_names_in_any_script_survive_storage(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    stored = organisation.load_organisation(db)
    assert stored.person("chen").name == "王芳"
    assert stored.person("dirk").name == "Dirk Zoë Ахмед"
    assert stored.person("bram").name == "Bram Çelik"


def test_the_schema_matches_the_migrations(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert storage.schema_is_current(db.engine)
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), storage.Base.metadata) == []


def test_a_matrix_without_some_person_columns_keeps_those_fields_as_stored(db, tmp_path):
    import_with_opt_ins(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    (tmp_path / "part.csv").write_text(
        "id,name,email,sql\nchen,王芳,chen@wadloo.example,3\n", encoding="utf-8"
    )
    organisation.import_file(db, tmp_path / "part.csv", now=NOW)
    stored = organisation.load_organisation(db)
    assert stored.person("chen") == small_org().person("chen")
    assert {h.skill_id: h.level for h in stored.holdings if h.person_id == "chen"} == {
        "sql": Level.PROFICIENT,
        "python": Level.PROFICIENT,
    }
    eva = dataclasses.replace(small_org().person("eva"))
    (tmp_path / "eva.csv").write_text("id,name,email\neva,Eva Jansen,eva@wadloo.example\n", encoding="utf-8")
    organisation.import_file(db, tmp_path / "eva.csv", now=NOW)
    assert organisation.load_organisation(db).person("eva") == eva  # still opted out of "ask me"


def test_a_json_person_without_skills_keeps_their_stored_skills(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    doc = {"people": [{"id": "dirk", "name": "Dirk", "email": "dirk@wadloo.example"}]}
    (tmp_path / "dirk.json").write_text(json.dumps(doc), encoding="utf-8")
    organisation.import_file(db, tmp_path / "dirk.json", now=NOW)
    stored = organisation.load_organisation(db)
    assert stored.person("dirk").name == "Dirk"
    assert stored.person("dirk").leaving_date == small_org().person("dirk").leaving_date
    assert {h.skill_id for h in stored.holdings if h.person_id == "dirk"} == {"archief", "sql"}


def test_swapping_two_email_addresses_is_a_valid_import(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    doc = orgjson.to_document(small_org())
    doc["people"][0]["email"], doc["people"][1]["email"] = (
        doc["people"][1]["email"],
        doc["people"][0]["email"],
    )
    (tmp_path / "swap.json").write_text(json.dumps(doc), encoding="utf-8")
    organisation.import_file(db, tmp_path / "swap.json", now=NOW)
    stored = organisation.load_organisation(db)
    assert stored.person("anna").email == "bram@wadloo.example"
    assert stored.person("bram").email == "anna@wadloo.example"


def test_replace_can_give_a_removed_persons_email_to_a_new_person(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    org = small_org()
    newcomer = dataclasses.replace(org.person("eva"), id="eva2")
    people = (*org.people[:4], newcomer)
    wishes = tuple(w for w in org.wishes if w.person_id != "eva")
    holdings = tuple(h for h in org.holdings if h.person_id != "eva")
    path = write(
        dataclasses.replace(org, people=people, holdings=holdings, wishes=wishes), tmp_path / "n.json"
    )
    result = organisation.import_file(db, path, replace=True, now=NOW)
    assert result.changes.people_removed == ("eva",) and result.changes.people_added == ("eva2",)


def test_replace_removes_a_person_who_is_in_the_history(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    org = small_org()
    without = dataclasses.replace(
        org,
        people=tuple(p for p in org.people if p.id != "bram"),
        holdings=tuple(h for h in org.holdings if h.person_id != "bram"),
        wishes=tuple(w for w in org.wishes if w.person_id != "bram"),
        history=(),
    )
    doc = orgjson.to_document(without)
    del doc["history"]
    (tmp_path / "without.json").write_text(json.dumps(doc), encoding="utf-8")
    organisation.import_file(db, tmp_path / "without.json", replace=True, now=NOW)
    stored = organisation.load_organisation(db)
    assert stored.person("bram") is None
    assert stored.history == small_org().history  # history is not rewritten


def test_history_problems_point_at_the_entry_in_the_file(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    doc = {
        "history": [{"round": "r", "kind": "mentor", "members": ["anna", "NOPE"], "started": "2024-01-01"}]
    }
    (tmp_path / "h.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, tmp_path / "h.json", now=NOW)
    assert [str(p) for p in caught.value.problems] == [
        "h.json, history[0], field 'members': unknown person: NOPE"
    ]


def test_a_new_name_or_removed_history_is_a_change(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    (tmp_path / "name.json").write_text(json.dumps({"name": "Gemeente Nieuw-Wadloo"}), encoding="utf-8")
    assert organisation.import_file(db, tmp_path / "name.json", now=NOW).changes.name_changed
    (tmp_path / "nohist.json").write_text(json.dumps({"history": []}), encoding="utf-8")
    assert (
        organisation.import_file(db, tmp_path / "nohist.json", replace=True, now=NOW).changes.history_removed
        == 1
    )
    stored = organisation.load_organisation(db)
    assert stored.name == "Gemeente Nieuw-Wadloo" and stored.history == ()


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        ({"years_experience": "9,5"}, "years_experience", "should be a number"),
        ({"mentor_capacity": "two"}, "mentor_capacity", "should be a whole number"),
        ({"skills": ["excel"]}, "skills", "should be an object"),
        ({"languages": []}, "languages", ""),
        ({"intern": "yes"}, "intern", "should be true or false"),
    ],
)
def test_wrong_json_types_are_reported_once_not_crashed_on(sqlite_url, tmp_path, change, where, says):
    db = organisation.Database(sqlite_url)
    doc = {"people": [{"id": "a", "name": "A", "email": "a@x.example", **change}]}
    (tmp_path / "t.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, tmp_path / "t.json", now=NOW)
    assert [(p.where.row, p.where.field) for p in caught.value.problems] == [("people[0]", where)]
    assert says in caught.value.problems[0].message
    db.dispose()


def test_a_bad_relation_strength_is_reported_once(sqlite_url, tmp_path):
    db = organisation.Database(sqlite_url)
    doc = {
        "skills": [
            {"id": "a", "name": "A", "related": [{"skill": "b", "strength": 2}]},
            {"id": "b", "name": "B"},
        ]
    }
    (tmp_path / "s.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, tmp_path / "s.json", now=NOW)
    assert len(caught.value.problems) == 1
    db.dispose()


def test_a_skill_id_that_cannot_be_a_matrix_column_is_refused_in_json_too(sqlite_url, tmp_path):
    db = organisation.Database(sqlite_url)
    doc = {"skills": [{"id": "site", "name": "Site management"}, {"id": "c;d", "name": "C and D"}]}
    (tmp_path / "s.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        organisation.import_file(db, tmp_path / "s.json", now=NOW)
    assert [(p.where.row, p.where.field) for p in caught.value.problems] == [
        ("skills[0]", "id"),
        ("skills[1]", "id"),
    ]
    db.dispose()


def test_the_quick_and_the_detailed_schema_validators_agree():
    from jsonschema import Draft202012Validator

    good = orgjson.to_document(small_org())
    bad = [
        {**good, "extra": 1},
        {"people": [{"id": "a", "name": "A", "email": "not-an-address"}]},
        {"people": [{"id": "a", "name": "A", "email": "a@x.example", "skills": {"sql": 5}}]},
        {"skills": [{"id": "a", "name": "A", "related": [{"skill": "b", "strength": 0}]}]},
        {"history": [{"round": "r", "kind": "k", "members": ["a"], "started": "2024-01-01"}]},
    ]
    detailed = Draft202012Validator(orgjson.schema())
    assert orgjson.quick_validator().is_valid(good) and detailed.is_valid(good)
    for doc in bad:
        assert not orgjson.quick_validator().is_valid(doc) and not detailed.is_valid(doc)


def test_changed_and_removed_skill_relations_are_stored(db, tmp_path):
    organisation.import_file(db, write(small_org(), tmp_path / "org.json"), now=NOW)
    skills = [
        {"id": "python", "name": "Python", "related": [{"skill": "sql", "strength": 0.9}]},
        {"id": "sql", "name": "SQL", "related": [{"skill": "archief", "strength": 0.2}]},
        {"id": "archief", "name": "Archiefwet"},
    ]
    (tmp_path / "skills.json").write_text(json.dumps({"skills": skills}), encoding="utf-8")
    organisation.import_file(db, tmp_path / "skills.json", now=NOW)
    related = {s.id: s.related for s in organisation.load_organisation(db).skills}
    assert related["python"] == (RelatedSkill("sql", 0.9),)
    assert related["archief"] == (RelatedSkill("sql", 0.2),)
    skills[0]["related"] = []
    (tmp_path / "skills.json").write_text(json.dumps({"skills": skills}), encoding="utf-8")
    organisation.import_file(db, tmp_path / "skills.json", now=NOW)
    assert {s.id: s.related for s in organisation.load_organisation(db).skills}["python"] == ()
