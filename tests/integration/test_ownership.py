"""Who owns which field (matcher/domain/ownership.py): a re-import never overwrites what a person
entered on their profile, never switches an opt-in on, and changes a person's field only where HR
takes the file's value; on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from matcher.domain import ownership
from matcher.domain.model import Level
from matcher.io import orgjson
from matcher.io.fields import parse_working_hours
from matcher.services import demo, organisation, profiles
from matcher.storage import ImportRunRow, talentmap
from tests.clitools import run
from tests.orgs import person, small_org

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=7)
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "organisation.json"

#: What Bram enters on his own profile: a skill and a wish of his own, hosting with room for one
#: guest, presenting at lunch & learn, and his own hours.
BRAMS_OWN = {
    "skills": {"wmo": 2, "python": 2},
    "wishes": {"sql": 3, "archief": 1},
    "host_capacity": 1,
    "presenter": True,
    "working_hours": "mon-thu 08:00-16:30",
}


def hr_files(db, folder: Path) -> dict[str, Path]:
    """HR's organisation JSON and its export as a CSV matrix (with its skills file), imported once."""
    orgjson.write_json(small_org(), folder / "org.json")
    organisation.import_file(db, folder / "org.json", now=NOW)
    organisation.export_file(db, folder / "matrix.csv")
    return {"json": folder / "org.json", "csv": folder / "matrix.csv"}


def bram_enters_his_own(db) -> None:
    profiles.update_person(db, "bram", BRAMS_OWN, now=NOW, by="bram", allowed=profiles.SELF_EDITABLE)


def bram(db):
    org = organisation.load_organisation(db)
    levels = {h.skill_id: int(h.level) for h in org.holdings if h.person_id == "bram"}
    wishes = {w.skill_id: w.priority for w in org.wishes if w.person_id == "bram"}
    return org.person("bram"), levels, wishes


def conflicts(result: organisation.ImportResult, person_id: str) -> dict[str, ownership.Conflict]:
    review = next((r for r in result.reviews if r.person_id == person_id), None)
    return {c.key: c for c in review.conflicts} if review else {}


def taken_of(db, run_id: int) -> list[str]:
    with db.transaction() as session:
        return list(session.get(ImportRunRow, run_id).taken)


def test_a_reimport_of_the_same_json_and_csv_keeps_everything_the_employee_entered(db, tmp_path):
    files = hr_files(db, tmp_path)
    bram_enters_his_own(db)
    entered = bram(db)
    assert entered[0].host_capacity == 1 and entered[0].presenter
    assert entered[1] == {"wmo": 2, "python": 2} and entered[2] == {"sql": 3, "archief": 1}

    for kind in ("json", "csv"):
        result = organisation.import_file(db, files[kind], now=LATER)
        assert bram(db) == entered, kind
        assert "bram" not in result.changes.people_updated and result.changes.holdings_changed == 0
        found = conflicts(result, "bram")
        assert found.keys() == {"host_capacity", "presenter", "working_hours"}, kind
        assert (found["host_capacity"].theirs, found["host_capacity"].in_file) == (1, 0)
        assert found["working_hours"].theirs == parse_working_hours("mon-thu 08:00-16:30")
        assert all(c.takeable and not c.taken for c in found.values())


def test_the_preview_lists_the_conflicts_and_taking_one_field_changes_only_that_field(db, tmp_path):
    files = hr_files(db, tmp_path)
    bram_enters_his_own(db)
    entered = bram(db)

    preview = organisation.import_file(db, files["json"], dry_run=True, now=LATER)
    assert preview.run_id is None and bram(db) == entered
    review = next(r for r in preview.reviews if r.person_id == "bram")
    assert review.status == ownership.KEPT and review.changes == ()
    assert {c.key for c in review.open_conflicts} == {"host_capacity", "presenter", "working_hours"}

    result = organisation.import_file(db, files["json"], takes=["bram:working_hours"], now=LATER)
    person, levels, wishes = bram(db)
    assert person == dataclasses.replace(entered[0], working_hours=small_org().person("bram").working_hours)
    assert (levels, wishes) == entered[1:]
    assert result.changes.people_updated == ("bram",)
    assert result.changes.taken == (("bram", "working_hours"),)
    assert taken_of(db, result.run_id) == ["bram:working_hours"]
    assert [(c.key, c.taken) for c in conflicts(result, "bram").values() if c.taken] == [
        ("working_hours", True)
    ]


def test_an_import_never_switches_an_opt_in_on_even_when_hr_takes_it_but_may_switch_one_off(db, tmp_path):
    files = hr_files(db, tmp_path)
    bram_enters_his_own(db)
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    for doc in data["people"]:
        if doc["id"] == "anna":
            doc.update(host_capacity=3, presenter=True, mentor_capacity=5)
    (tmp_path / "opting.json").write_text(json.dumps(data), encoding="utf-8")
    everything = ["host_capacity", "presenter", "mentor_capacity", "anna:host_capacity", "bram:presenter"]

    result = organisation.import_file(db, tmp_path / "opting.json", takes=everything, now=LATER)
    anna = organisation.load_organisation(db).person("anna")
    assert (anna.host_capacity, anna.presenter, anna.mentor_capacity) == (0, False, 0)
    refused = conflicts(result, "anna")
    assert refused.keys() == {"host_capacity", "presenter", "mentor_capacity"}
    assert not any(c.takeable or c.taken for c in refused.values())
    # Switching off may be taken: Bram no longer presents, and no longer hosts, as HR chose.
    assert (bram(db)[0].presenter, bram(db)[0].host_capacity) == (False, 0)
    assert sorted(taken_of(db, result.run_id)) == ["bram:host_capacity", "bram:presenter"]


def test_new_people_in_a_file_are_not_opted_in_and_the_preview_says_so(db, tmp_path):
    hr_files(db, tmp_path)
    fenna = person("fenna", "Fenna Bakker", host_capacity=2, presenter=True, mentor_capacity=1, ask_me=False)
    org = dataclasses.replace(small_org(), people=(*small_org().people, fenna))
    orgjson.write_json(org, tmp_path / "more.json")
    result = organisation.import_file(db, tmp_path / "more.json", now=LATER)
    stored = organisation.load_organisation(db).person("fenna")
    assert (stored.host_capacity, stored.presenter, stored.mentor_capacity, stored.ask_me) == (
        0,
        False,
        0,
        False,
    )
    review = next(r for r in result.reviews if r.person_id == "fenna")
    assert review.status == ownership.ADDED
    assert {c.key for c in review.conflicts} == {"host_capacity", "presenter", "mentor_capacity"}
    assert not any(c.takeable for c in review.conflicts)


def test_a_level_the_person_entered_is_a_conflict_until_hr_takes_it_then_it_is_hrs(db, tmp_path):
    files = hr_files(db, tmp_path)
    profiles.update_person(
        db, "bram", {"skills": {"wmo": 4}}, now=NOW, by="bram", allowed=profiles.SELF_EDITABLE
    )
    with db.transaction() as session:
        assert ("bram", "wmo") in talentmap.load_provenance(session).holdings

    kept = organisation.import_file(db, files["json"], now=LATER)
    assert bram(db)[1]["wmo"] == Level.EXPERT
    assert (conflicts(kept, "bram")["skills.wmo"].theirs, conflicts(kept, "bram")["skills.wmo"].in_file) == (
        4,
        2,
    )

    taken = organisation.import_file(db, files["json"], takes=["bram:skills.wmo"], now=LATER)
    assert bram(db)[1]["wmo"] == Level.WORKING and taken.changes.holdings_changed == 1
    with db.transaction() as session:
        assert ("bram", "wmo") not in talentmap.load_provenance(session).holdings

    # From now on the level is HR's: the next file updates it without asking.
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    next(d for d in data["people"] if d["id"] == "bram")["skills"]["wmo"] = 3
    (tmp_path / "next.json").write_text(json.dumps(data), encoding="utf-8")
    updated = organisation.import_file(db, tmp_path / "next.json", now=LATER)
    assert bram(db)[1]["wmo"] == Level.PROFICIENT and "skills.wmo" not in conflicts(updated, "bram")


def test_hrs_levels_and_wishes_are_updated_by_a_reimport_while_the_persons_own_stay(db, tmp_path):
    files = hr_files(db, tmp_path)
    bram_enters_his_own(db)
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    doc = next(d for d in data["people"] if d["id"] == "bram")
    doc["skills"], doc["wishes"] = {"wmo": 3}, {"sql": 1}
    (tmp_path / "changed.json").write_text(json.dumps(data), encoding="utf-8")
    organisation.import_file(db, tmp_path / "changed.json", now=LATER)
    # wmo and the sql wish came from HR's file before Bram saved them unchanged: they stay HR's.
    assert bram(db)[1:] == ({"wmo": 3, "python": 2}, {"sql": 1, "archief": 1})


def test_a_replacing_import_keeps_what_people_entered_too(db, tmp_path):
    files = hr_files(db, tmp_path)
    bram_enters_his_own(db)
    entered = bram(db)
    result = organisation.import_file(db, files["json"], replace=True, now=LATER)
    assert bram(db) == entered
    assert {"host_capacity", "presenter", "working_hours"} <= conflicts(result, "bram").keys()


def test_the_person_changing_their_own_level_keeps_it_theirs_and_hr_editing_it_makes_it_hrs(db, tmp_path):
    hr_files(db, tmp_path)
    bram_enters_his_own(db)
    with db.transaction() as session:
        own = talentmap.load_provenance(session)
    assert {("bram", "python")} <= own.holdings and ("bram", "wmo") not in own.holdings
    assert ("bram", "archief") in own.wishes and ("bram", "sql") not in own.wishes
    profiles.update_person(db, "bram", {"skills": {"wmo": 2, "python": 3}}, now=LATER, by="hr@wadloo.example")
    with db.transaction() as session:
        assert ("bram", "python") not in talentmap.load_provenance(session).holdings


def test_the_demo_keeps_its_mentors_hosts_and_presenters_as_their_own_choices(db):
    demo.load_demo(db, DEMO, now=NOW)
    in_file = orgjson.read_json(DEMO).organisation.people
    stored = {p.id: p for p in organisation.load_organisation(db).people}
    for key in ("mentor_capacity", "host_capacity", "presenter", "ask_me"):
        assert {p.id: getattr(p, key) for p in in_file} == {i: getattr(p, key) for i, p in stored.items()}, (
            key
        )
    assert any(p.host_capacity for p in in_file) and any(p.presenter for p in in_file)
    chosen, imported = organisation.recent_imports(db)
    assert imported.sources == ("organisation.json",)
    assert chosen.sources == (f"the own profiles of {sum(1 for p in in_file if demo.opt_ins(p))} people",)


def test_the_command_previews_the_conflicts_and_takes_only_what_take_names(sqlite_url, tmp_path):
    db = organisation.Database(sqlite_url)
    try:
        files = hr_files(db, tmp_path)
        bram_enters_his_own(db)
        entered = bram(db)
        preview = run("import", "org.json", "--dry-run", db=sqlite_url, cwd=tmp_path)
        assert preview.returncode == 0, preview.stderr
        assert "nothing was stored" in preview.stdout and "Bram Çelik: kept, with conflicts" in preview.stdout
        assert "--take bram:working_hours" in preview.stdout and "--take bram:presenter" in preview.stdout
        assert bram(db) == entered

        refused = run("import", "org.json", "--take", "bram:shoe_size", db=sqlite_url, cwd=tmp_path)
        assert refused.returncode == 2 and "shoe_size" in refused.stderr and bram(db) == entered

        taken = run("import", files["csv"].name, "--take", "bram:presenter", db=sqlite_url, cwd=tmp_path)
        assert taken.returncode == 0, taken.stderr
        assert "taken from the file: presents at lunch & learn" in taken.stdout
        assert bram(db) == (dataclasses.replace(entered[0], presenter=False), *entered[1:])
    finally:
        db.dispose()


def test_the_readme_table_lists_each_field_with_its_owner_as_the_code_does():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- ownership table", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1:3] for line in table.splitlines() if line.startswith("| `")]
    in_readme = [(key.strip().strip("`"), owner.strip()) for key, owner in rows]
    words = {ownership.HR: "HR", ownership.PERSON: "person", ownership.EITHER: "either"}
    in_code = [(f.key, words[f.owner] + (" (opt-in)" if f.opt_in else "")) for f in ownership.FIELDS]
    assert in_readme == in_code
