"""An edit of one person reads and writes only that person and what its checks need, and still finds
an unknown manager, a loop of managers and a taken e-mail address."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event

from matcher.domain.model import Organisation
from matcher.domain.problems import InvalidInput
from matcher.io import orgjson
from matcher.services import organisation, profiles
from matcher.storage import people, talentmap
from matcher.storage.rows.talentmap import PersonRow
from tests.orgs import person, small_org

NOW = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
WHOLE_TABLE = re.compile(r"\bFROM (person|holding|wish)\b(?![^;]*\bWHERE\b)", re.IGNORECASE | re.DOTALL)


@pytest.fixture
def stored(db, tmp_path):
    orgjson.write_json(small_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=NOW)
    return db


def _problems(error: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str | None, str]]:
    return [(p.where.field, str(p.message)) for p in error.value.problems]


def test_a_saved_profile_reads_no_whole_table_of_people_levels_or_wishes(stored):
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(stored.engine, "before_cursor_execute", seen)
    try:
        result = profiles.update_person(
            stored, "bram", {"skills": {"wmo": 3, "sql": 1}, "ask_me": False}, now=NOW, by="bram"
        )
        profiles.update_person(
            stored, "eva", {"department": "Financiën", "manager": "chen"}, now=NOW, by="hr"
        )
    finally:
        event.remove(stored.engine, "before_cursor_execute", seen)
    assert result.run_id is not None
    assert any("FROM person" in s for s in statements)
    assert [s for s in statements if WHOLE_TABLE.search(s)] == []
    tmap = organisation.load_organisation(stored)
    assert {h.skill_id: int(h.level) for h in tmap.holdings if h.person_id == "bram"} == {"wmo": 3, "sql": 1}
    assert tmap.person("eva").manager_id == "chen" and tmap.person("anna").manager_id is None


def test_a_manager_who_is_not_stored_is_refused(stored):
    with pytest.raises(InvalidInput) as error:
        profiles.update_person(stored, "bram", {"manager": "nobody"}, now=NOW, by="hr")
    assert _problems(error) == [("manager", "the manager 'nobody' is not a known person")]


def test_a_manager_line_that_would_loop_is_refused_and_nothing_is_written(stored):
    before = organisation.load_organisation(stored)
    with pytest.raises(InvalidInput) as error:
        profiles.update_person(stored, "anna", {"manager": "bram"}, now=NOW, by="hr")
    assert _problems(error) == [("manager", "the managers form a loop: anna -> bram -> anna")]
    assert organisation.load_organisation(stored) == before


def test_an_address_another_person_has_is_refused_in_any_case(stored):
    with pytest.raises(InvalidInput) as error:
        profiles.update_person(stored, "bram", {"email": "ANNA@wadloo.example"}, now=NOW, by="hr")
    assert ("email", "the e-mail address anna@wadloo.example is also used by anna") in _problems(error)


def test_an_edit_keeps_what_other_people_entered_themselves(stored):
    profiles.update_person(stored, "anna", {"skills": {"wmo": 3, "sql": 2}}, now=NOW, by="anna")
    profiles.update_person(stored, "chen", {"skills": {"sql": 4, "python": 4}}, now=NOW, by="chen")
    # Bram's manager line (Anna) is read for the checks, and left as it was.
    profiles.update_person(stored, "bram", {"skills": {"wmo": 3}}, now=NOW, by="bram")
    profiles.update_person(stored, "eva", {"manager": "anna"}, now=NOW, by="hr")
    with stored.transaction() as session:
        own = talentmap.load_provenance(session)
    assert {("anna", "wmo"), ("anna", "sql"), ("chen", "python"), ("bram", "wmo")} <= own.holdings


def test_a_skill_that_is_not_stored_is_refused_and_nothing_is_written(stored):
    before = organisation.load_organisation(stored)
    with pytest.raises(InvalidInput) as error:
        profiles.update_person(
            stored, "bram", {"skills": {"wmo": 2, "cobol": 3}, "wishes": {"latin": 1}}, now=NOW, by="bram"
        )
    messages = [message for _, message in _problems(error)]
    assert messages == ["unknown skill 'cobol'", "unknown skill 'latin'"]
    assert organisation.load_organisation(stored) == before


def test_a_manager_line_longer_than_one_walk_is_read_whole_and_in_order(db, tmp_path):
    # 150 people, each managed by the next: one recursive query walks 64 levels, then the next goes on.
    chain = [
        person(f"p{i:03d}", f"Persoon {i}", manager_id=f"p{i + 1:03d}" if i < 149 else None)
        for i in range(150)
    ]
    orgjson.write_json(Organisation(people=tuple(chain)), tmp_path / "chain.json")
    organisation.import_file(db, tmp_path / "chain.json", now=NOW)
    with db.transaction() as session:
        line = people.manager_line(session, "p001")
        assert [p.id for p in line] == [f"p{i:03d}" for i in range(1, 150)]
        assert people.manager_line(session, "p149") == [p for p in line if p.id == "p149"]
        assert people.manager_line(session, "nobody") == []


def test_a_manager_loop_deeper_than_one_walk_ends_where_it_comes_round(db, tmp_path):
    # 100 people in a ring: the walk crosses a step of 64 and stops when the first comes round again.
    ring = [person(f"r{i:03d}", f"Ring {i}", manager_id=f"r{(i + 1) % 100:03d}") for i in range(100)]
    # The importer refuses a loop, so the ring is written row by row.
    with db.transaction() as session:
        for member in ring:
            session.add(
                PersonRow(
                    id=member.id,
                    name=member.name,
                    email=f"{member.id}@example.org",
                    manager_id=member.manager_id,
                )
            )
    with db.transaction() as session:
        line = people.manager_line(session, "r010")
    assert [p.id for p in line] == [f"r{(10 + i) % 100:03d}" for i in range(100)]
