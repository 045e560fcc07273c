"""Going back in a person's history, on records alone: what goes back, what stays and why."""

from __future__ import annotations

import dataclasses
import datetime as dt

from matcher.domain import history
from matcher.domain.history import Author, FieldChange, PersonChange

AT = dt.datetime(2026, 12, 2, 14, 3, tzinfo=dt.UTC)
SKILLS = ("sql", "wmo")


def change(id_: int, event: str = "changed", **fields: tuple) -> PersonChange:
    return PersonChange(
        id=id_,
        run_id=id_ * 10,
        at=AT,
        person_id="bram",
        event=event,
        author=Author("import"),
        sources=("organisation.json",),
        fields=tuple(FieldChange(k.replace("__", "."), old, new) for k, (old, new) in fields.items()),
    )


def test_differences_list_each_changed_field_in_the_pages_order_with_absent_as_none():
    before = {"name": "Bram", "skills.sql": 2, "department": "Financiën"}
    after = {"name": "Bram", "department": "Inkoop", "wishes.wmo": 3}
    assert history.differences(before, after) == (
        FieldChange("department", "Financiën", "Inkoop"),
        FieldChange("skills.sql", 2, None),
        FieldChange("wishes.wmo", None, 3),
    )
    assert history.event_of({}, after) == "added" and history.event_of(before, {}) == "removed"


def test_rewinding_takes_back_the_change_and_every_later_one_newest_first():
    current = {"name": "Bram", "department": "Financiën", "skills.sql": 4}
    first = change(1, department=("Sociaal Domein", "Inkoop"))
    second = change(2, department=("Inkoop", "Financiën"), skills__sql=(None, 4))
    plan = history.rewind("bram", current, [second, first], SKILLS)
    assert plan.record == {"name": "Bram", "department": "Sociaal Domein"}
    assert plan.back == (
        FieldChange("department", "Financiën", "Sociaal Domein"),
        FieldChange("skills.sql", 4, None),
    )
    assert plan.kept == ()


def test_undo_keeps_a_field_a_later_change_touched_and_says_which_change():
    current = {"name": "Bram", "department": "Financiën", "site": "Werf"}
    undone = change(1, department=("Sociaal Domein", "Inkoop"), site=("Stadhuis", "Werf"))
    later = change(2, department=("Inkoop", "Financiën"))
    plan = history.undo(undone, current, [later], SKILLS)
    assert plan.back == (FieldChange("site", "Werf", "Stadhuis"),)
    [kept] = plan.kept
    assert (kept.field, kept.value) == ("department", "Financiën")
    assert str(kept.reason) == "changed later (organisation.json, 2026-12-02)"


def test_undoing_an_addition_takes_the_person_out_unless_a_later_change_touched_them():
    added = change(1, "added", name=(None, "Bram"), department=(None, "Inkoop"))
    current = {"name": "Bram", "department": "Inkoop"}
    plan = history.undo(added, current, [], SKILLS)
    assert (plan.event, plan.record) == ("removed", None)

    touched = history.undo(added, {**current, "site": "Werf"}, [change(2, site=(None, "Werf"))], SKILLS)
    assert touched.back == () and touched.record == {**current, "site": "Werf"}
    assert {k.field for k in touched.kept} == {"name", "department"}


def test_a_level_of_a_skill_no_longer_in_the_taxonomy_stays_out_with_the_reason():
    current = {"name": "Bram"}
    removed = change(1, skills__excel=(3, None), skills__sql=(2, None))
    plan = history.undo(removed, current, [], SKILLS)
    assert plan.record == {"name": "Bram", "skills.sql": 2}
    [kept] = plan.kept
    assert kept.field == "skills.excel" and "no longer in the taxonomy" in kept.reason


def test_a_value_is_the_persons_own_when_their_profile_set_it_last_before_the_boundary():
    def by(kind: str, id_: int, reverts: int | None = None, **fields: tuple) -> PersonChange:
        return dataclasses.replace(change(id_, **fields), author=Author(kind, None, reverts))

    changes = [
        by("import", 1, skills__sql=(None, 2)),
        by("profile", 2, skills__sql=(2, 3)),
        by("hr", 3, skills__sql=(3, None)),
        by("restore", 4, 30, skills__sql=(None, 3)),  # back to before change 3 (run 30)
        by("hr", 5, department=("a", "b")),
    ]
    assert history.entered_by_self("skills.sql", changes, 3)  # before HR took it away: Bram's own
    assert not history.entered_by_self("skills.sql", changes, 2)  # before that: the import's
    assert not history.entered_by_self("skills.sql", changes, 4)  # HR's removal is the latest
    assert history.entered_by_self("skills.sql", changes, 6)  # the restore brought Bram's own back
    assert not history.entered_by_self("wishes.sql", changes, 6)
