"""Every change to a person is recorded, field by field, with who and when; a person can be restored
and an import undone, each as a new recorded change. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from matcher.domain.history import Author, FieldChange
from matcher.domain.model import Holding, Level, Organisation, Wish
from matcher.domain.problems import InvalidInput
from matcher.io import orgjson
from matcher.services import history, organisation, personal, profiles
from matcher.storage import talentmap
from tests import clitools
from tests.orgs import person, small_org

IMPORTED = dt.datetime(2026, 11, 2, 13, 3, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 2, 14, 3, tzinfo=dt.UTC)
HR = "hr@wadloo.example"


def write(org: Organisation, path: Path) -> Path:
    orgjson.write_json(org, path)
    return path


def _import(db, org: Organisation, path: Path, now: dt.datetime, **options) -> int:
    result = organisation.import_file(db, write(org, path), now=now, by=HR, **options)
    assert result.run_id is not None
    return result.run_id


def moved(org: Organisation, **changes: dict) -> Organisation:
    """The organisation with some people's fields changed: ``moved(org, bram={"department": ...})``."""
    people = tuple(dataclasses.replace(p, **changes.get(p.id, {})) for p in org.people)
    return dataclasses.replace(org, people=people)


def fields(change) -> dict[str, tuple]:
    return {f.field: (f.old, f.new) for f in change.fields}


def record(db, person_id: str) -> tuple:
    org = organisation.load_organisation(db)
    found = org.person(person_id)
    return (
        found,
        sorted(h for h in org.holdings if h.person_id == person_id),
        sorted(w for w in org.wishes if w.person_id == person_id),
    )


@pytest.fixture
def imported(db, tmp_path) -> int:
    return _import(db, small_org(), tmp_path / "org.json", IMPORTED)


def test_an_import_records_each_person_it_adds_with_every_field_skill_and_wish(db, imported):
    [added] = history.changes_of(db, "bram")
    assert (added.event, added.author.kind, added.author.by, added.run_id) == (
        "added",
        "import",
        HR,
        imported,
    )
    assert added.at == IMPORTED and added.sources == ("org.json",)
    found = fields(added)
    assert found["department"] == (None, "Sociaal Domein")
    assert found["manager_id"] == (None, "anna")
    assert found["start_date"] == (None, "2024-09-01")
    assert found["skills.wmo"] == (None, int(Level.WORKING))
    assert found["wishes.sql"] == (None, 3)


def test_a_reimport_records_only_the_fields_it_changed_with_old_and_new_values(db, imported, tmp_path):
    org = moved(small_org(), bram={"department": "Inkoop"})
    org = dataclasses.replace(org, holdings=(*org.holdings, Holding("dirk", "python", Level.AWARE)))
    run = _import(db, org, tmp_path / "organisation.json", LATER)
    [change] = [c for c in history.changes_of(db, "bram") if c.run_id == run]
    assert change.event == "changed"
    assert change.fields == (FieldChange("department", "Sociaal Domein", "Inkoop"),)
    assert fields(history.changes_of(db, "dirk")[0]) == {"skills.python": (None, 1)}
    assert [c.run_id for c in history.changes_of(db, "anna")] == [imported]  # untouched: nothing new
    assert {c.person_id for c in history.run_changes(db, run).changes} == {"bram", "dirk"}


def test_a_profile_edit_by_the_person_records_their_skill_levels_and_wishes(db, imported):
    profiles.update_person(
        db,
        "bram",
        {"skills": {"wmo": 3, "sql": 1}, "wishes": {"python": 2}},
        now=LATER,
        by="bram",
        allowed=profiles.SELF_EDITABLE,
    )
    latest = history.changes_of(db, "bram")[0]
    assert (latest.author.kind, latest.author.by, latest.at) == ("profile", "bram", LATER)
    assert fields(latest) == {
        "skills.sql": (None, 1),
        "skills.wmo": (2, 3),
        "wishes.python": (None, 2),
        "wishes.sql": (3, None),
    }


def test_an_hr_edit_records_who_made_it(db, imported):
    profiles.update_person(db, "bram", {"department": "Inkoop", "newcomer": False}, now=LATER, by=HR)
    latest = history.changes_of(db, "bram")[0]
    assert (latest.author.kind, latest.author.by) == ("hr", HR)
    assert fields(latest) == {"department": ("Sociaal Domein", "Inkoop"), "newcomer": (True, False)}


def test_restoring_a_person_takes_back_that_change_and_every_later_one_as_a_new_change(db, imported):
    as_imported = record(db, "bram")
    profiles.update_person(db, "bram", {"department": "Inkoop"}, now=LATER, by=HR)
    first = history.changes_of(db, "bram")[0]
    profiles.update_person(
        db,
        "bram",
        {"skills": {"wmo": 4}, "ask_me": False},
        now=LATER,
        by="bram",
        allowed=profiles.SELF_EDITABLE,
    )
    plan = history.plan_restore(db, "bram", first.id)
    assert {f.field: (f.old, f.new) for f in plan.people[0].back} == {
        "department": ("Inkoop", "Sociaal Domein"),
        "ask_me": (False, True),
        "skills.wmo": (4, 2),
    }
    run = history.restore_person(db, "bram", first.id, by=HR, now=LATER + dt.timedelta(hours=1))
    assert record(db, "bram") == as_imported
    changes = history.changes_of(db, "bram")
    assert len(changes) == 4  # nothing deleted: the restore is a change of its own
    assert (changes[0].run_id, changes[0].author.kind, changes[0].author.by) == (run, "restore", HR)
    assert changes[0].author.reverts == first.run_id


def test_undoing_an_import_puts_back_every_person_it_touched_and_is_itself_recorded(db, imported, tmp_path):
    before = {pid: record(db, pid) for pid in ("bram", "dirk")}
    org = moved(
        small_org(), bram={"department": "Inkoop"}, dirk={"site": "Stadhuis", "function": "archivaris"}
    )
    org = dataclasses.replace(
        org,
        people=(*org.people, person("fien", "Fien Mulder", department="Inkoop")),
        holdings=(*org.holdings, Holding("fien", "sql", Level.WORKING)),
    )
    run = _import(db, org, tmp_path / "organisation.json", LATER)
    assert record(db, "fien")[0] is not None

    plan = history.plan_undo(db, run)
    assert {p.person_id: p.event for p in plan.people} == {
        "bram": "changed",
        "dirk": "changed",
        "fien": "removed",
    }
    undo = history.undo_run(db, run, by=HR, now=LATER + dt.timedelta(hours=1))
    assert {pid: record(db, pid) for pid in ("bram", "dirk")} == before
    assert record(db, "fien")[0] is None
    recorded = history.run_changes(db, undo)
    assert {c.person_id: (c.event, c.author.kind, c.author.by) for c in recorded.changes} == {
        "bram": ("changed", "undo", HR),
        "dirk": ("changed", "undo", HR),
        "fien": ("removed", "undo", HR),
    }
    assert history.run_changes(db, run).undone_by == undo
    with pytest.raises(InvalidInput) as refused:
        history.undo_run(db, run, by=HR, now=LATER + dt.timedelta(hours=2))
    assert f"in change {undo}" in str(refused.value.problems[0])


def test_undo_refuses_with_the_person_and_field_a_later_change_touched_or_keeps_it_when_asked(
    db, imported, tmp_path
):
    run = _import(
        db, moved(small_org(), bram={"department": "Inkoop", "site": "Werf"}), tmp_path / "b.json", LATER
    )
    profiles.update_person(db, "bram", {"department": "Financiën"}, now=LATER + dt.timedelta(hours=1), by=HR)
    with pytest.raises(InvalidInput) as refused:
        history.undo_run(db, run, by=HR, now=LATER + dt.timedelta(hours=2))
    [problem] = refused.value.problems
    assert (problem.where.file, problem.where.row, problem.where.field) == (
        f"undo of change {run}",
        "bram",
        "department",
    )
    assert "changed later" in problem.message
    assert record(db, "bram")[0].site == "Werf"  # nothing was changed

    history.undo_run(db, run, by=HR, now=LATER + dt.timedelta(hours=2), keep=True)
    bram = record(db, "bram")[0]
    assert (bram.department, bram.site) == ("Financiën", "Stadhuis")


def test_undoing_a_replacing_import_brings_back_the_people_it_removed_with_their_skills(
    db, imported, tmp_path
):
    eva = record(db, "eva")
    org = small_org()
    kept = dataclasses.replace(
        org,
        people=tuple(p for p in org.people if p.id != "eva"),
        holdings=tuple(h for h in org.holdings if h.person_id != "eva"),
        wishes=tuple(w for w in org.wishes if w.person_id != "eva"),
    )
    run = _import(db, kept, tmp_path / "replace.json", LATER, replace=True)
    assert record(db, "eva")[0] is None
    assert history.changes_of(db, "eva")[0].event == "removed"
    history.undo_run(db, run, by=HR, now=LATER + dt.timedelta(hours=1))
    assert record(db, "eva") == eva
    assert eva[2] == [Wish("eva", "wmo", 2)]


def test_the_personal_data_export_holds_the_persons_history(db, imported):
    profiles.update_person(db, "bram", {"site": "Werf"}, now=LATER, by=HR)
    exported = personal.person_data(db, "bram", now=LATER)
    assert exported is not None
    changes = json.loads(json.dumps(exported))["changes"]
    assert [c["kind"] for c in changes] == ["hr", "import"]
    assert changes[0]["at"] == LATER.isoformat() and changes[0]["by"] == HR
    assert changes[0]["fields"] == [{"field": "site", "old": "Stadhuis", "new": "Werf"}]
    others = personal.person_data(db, "anna", now=LATER)["changes"]
    assert [c["kind"] for c in others] == ["import"]


def test_meeloop_undo_import_previews_refuses_with_the_place_and_undoes_with_keep_later(
    db, db_url, imported, tmp_path
):
    run = _import(
        db, moved(small_org(), bram={"department": "Inkoop", "site": "Werf"}), tmp_path / "b.json", LATER
    )
    profiles.update_person(db, "bram", {"department": "Financiën"}, now=LATER + dt.timedelta(hours=1), by=HR)

    preview = clitools.run("undo-import", str(run), "--dry-run", db=db_url, cwd=tmp_path)
    assert preview.returncode == 0, preview.stderr
    assert (
        "bram, site: Werf -> Stadhuis" in preview.stdout
        and "bram, department: stays Financiën" in preview.stdout
    )
    refused = clitools.run("undo-import", str(run), db=db_url, cwd=tmp_path)
    assert refused.returncode == 2
    assert f"undo of change {run}, bram, field 'department': changed later" in refused.stderr
    assert record(db, "bram")[0].site == "Werf"

    done = clitools.run("undo-import", str(run), "--keep-later", "--by", "beheer", db=db_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"change {run} undone" in done.stdout
    bram = record(db, "bram")[0]
    assert (bram.department, bram.site) == ("Financiën", "Stadhuis")
    assert history.changes_of(db, "bram")[0].author == Author("undo", "beheer", run)


def test_a_level_the_person_entered_comes_back_as_theirs_so_a_later_import_keeps_it(db, imported, tmp_path):
    profiles.update_person(
        db, "bram", {"skills": {"wmo": 2, "sql": 3}}, now=LATER, by="bram", allowed=profiles.SELF_EDITABLE
    )
    profiles.update_person(db, "bram", {"skills": {"wmo": 2}}, now=LATER + dt.timedelta(hours=1), by=HR)
    hr_edit = history.changes_of(db, "bram")[0]
    history.restore_person(db, "bram", hr_edit.id, by=HR, now=LATER + dt.timedelta(hours=2))
    with db.transaction() as session:
        own = talentmap.load_provenance(session)
    assert ("bram", "sql") in own.holdings and ("bram", "wmo") not in own.holdings

    # The file gives Bram's levels without SQL: his own level stays, HR's would have gone.
    _import(
        db, moved(small_org(), bram={"site": "Werf"}), tmp_path / "again.json", LATER + dt.timedelta(hours=3)
    )
    assert Holding("bram", "sql", Level.PROFICIENT) in record(db, "bram")[1]
