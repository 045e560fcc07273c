"""Pairing rounds kept in the database: proposed, re-proposed around locks, published into the history.

Every test runs on an SQLite file and on a PostgreSQL server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy
from alembic import command

from matcher import storage
from matcher.domain.model import HistoryEntry, Organisation
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson
from matcher.plans.rounds import RoundError
from matcher.services import organisation, rounds
from matcher.storage import rounds as round_storage
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
MENTOR = PairingConfig(mode="mentor", time_limit=2.0)


def write(org: Organisation, path: Path) -> Path:
    orgjson.write_json(org, path)
    return path


@pytest.fixture
def loaded(db, tmp_path) -> organisation.Database:
    import_with_opt_ins(db, write(mentoring_org(), tmp_path / "org.json"), now=NOW)
    return db


def later(minutes: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


def propose(db, name, *, minutes=0, save=True, config=MENTOR):
    return rounds.propose_round(
        db, round_name=name, config=config, today=TODAY, now=later(minutes), save=save
    )


def pair_sets(pairs) -> set[frozenset[str]]:
    return {frozenset(p.members) for p in pairs}


def data_version(db) -> int:
    with db.transaction() as session:
        return storage.data_version(session)


def test_a_saved_proposal_is_stored_with_its_pairs_the_people_left_out_and_an_event(loaded):
    proposal = propose(loaded, "2026-Q4 mentor")
    stored = rounds.load_round(loaded, "2026-Q4 mentor")
    assert proposal.pairs and proposal.unmatched
    assert (stored.name, stored.mode, stored.status) == ("2026-Q4 mentor", "mentor", "proposed")
    assert stored.pairs == proposal.pairs
    assert stored.unmatched == proposal.unmatched
    assert stored.config == MENTOR
    assert (stored.objective, stored.bound, stored.gap) == (proposal.objective, proposal.bound, proposal.gap)
    assert (stored.solver_status, stored.solver) == (proposal.status, proposal.solver)
    assert (stored.created, stored.updated, stored.published) == (NOW, NOW, None)
    assert [(e.at, e.action) for e in stored.events] == [(NOW, "proposed")]
    assert f"{len(proposal.pairs)} pairs" in stored.events[0].detail


def test_a_proposal_that_is_not_saved_leaves_no_round(loaded):
    assert propose(loaded, "2026-Q4 mentor", save=False).pairs
    assert rounds.list_rounds(loaded) == []


def test_proposing_again_keeps_the_pairs_hr_locked_after_the_configs_own_locks(loaded):
    first = propose(loaded, "2026-Q4 mentor")
    left_out = first.unmatched[0].person_id
    kept = next(p.members for p in first.pairs if p.members[0] != "niels")
    rounds.lock_pair(loaded, "2026-Q4 mentor", list(reversed(kept)), now=later(1))
    again = propose(loaded, "2026-Q4 mentor", minutes=2, config=MENTOR.replace(locked=(("niels", left_out),)))
    stored = rounds.load_round(loaded, "2026-Q4 mentor")
    assert stored.config.locked == (("niels", left_out), kept)
    assert {p.members for p in again.pairs if p.locked} == {("niels", left_out), kept}
    assert stored.pairs == again.pairs
    assert [e.action for e in stored.events] == ["proposed", "locked", "re-proposed"]
    assert "1 locked pair kept" in stored.events[-1].detail
    assert stored.created == NOW and stored.updated == later(2)


def test_an_unlocked_pair_is_no_longer_kept(loaded):
    first = propose(loaded, "2026-Q4 mentor")
    members = first.pairs[0].members
    rounds.lock_pair(loaded, "2026-Q4 mentor", members, now=later(1))
    unlocked = rounds.unlock_pair(loaded, "2026-Q4 mentor", members, now=later(2))
    assert not any(p.locked for p in unlocked.pairs) and unlocked.config.locked == ()
    assert not any(p.locked for p in propose(loaded, "2026-Q4 mentor", minutes=3).pairs)
    with pytest.raises(RoundError, match="has no pair of marit and sara"):
        rounds.lock_pair(loaded, "2026-Q4 mentor", ["marit", "sara"], now=later(4))


def test_a_locked_pair_changed_by_a_swap_or_removal_is_no_longer_kept(loaded):
    first = propose(loaded, "2026-Q4 mentor")
    assert len(first.pairs) >= 3
    one, other, third = (p.members for p in first.pairs[:3])
    for members in (one, third):
        rounds.lock_pair(loaded, "2026-Q4 mentor", members, now=later(1))
    swapped = rounds.swap_people(loaded, "2026-Q4 mentor", one[1], other[1], today=TODAY, now=later(2))
    assert one not in swapped.config.locked and third in swapped.config.locked
    removed = rounds.remove_unit(loaded, "2026-Q4 mentor", third[0], today=TODAY, now=later(3))
    assert removed.config.locked == ()


def test_publishing_writes_the_history_and_a_later_round_keeps_the_cooldown(loaded):
    first = propose(loaded, "2026-Q4 mentor")
    version = data_version(loaded)
    published = rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(5))
    assert (published.status, published.published) == ("published", later(5))
    assert [e.action for e in published.events] == ["proposed", "published"]
    history = organisation.load_organisation(loaded).history
    assert history == tuple(
        HistoryEntry("2026-Q4 mentor", "mentor", p.members, TODAY, None) for p in first.pairs
    )
    assert data_version(loaded) == version + 1
    second = propose(loaded, "2027-Q1 mentor", minutes=10, save=False)
    assert second.pairs
    assert not pair_sets(second.pairs) & pair_sets(first.pairs)
    assert any("'cooldown'" in conflict for conflict in second.conflicts)


def test_only_a_published_round_counts_as_the_previous_round(loaded):
    first = propose(loaded, "2026-Q4 mentor")
    left_out = first.unmatched[0].person_id
    priority = "gives priority to someone left out last round"

    def reasons_for(proposal) -> list[str]:
        return [r for p in proposal.pairs if left_out in p.members for r in p.reasons]

    assert priority not in reasons_for(propose(loaded, "2027-Q1 mentor", minutes=1, save=False))
    rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(2))
    assert priority in reasons_for(propose(loaded, "2027-Q1 mentor", minutes=3, save=False))


def test_publishing_twice_is_refused(loaded):
    propose(loaded, "2026-Q4 mentor")
    rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(1))
    history = organisation.load_organisation(loaded).history
    with pytest.raises(RoundError, match="already published on 2026-11-21"):
        rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(2))
    assert organisation.load_organisation(loaded).history == history


def test_a_published_round_cannot_be_proposed_again(loaded):
    propose(loaded, "2026-Q4 mentor")
    rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(1))
    for save in (True, False):
        with pytest.raises(
            RoundError, match="is published and cannot be proposed again; use a new round name"
        ):
            propose(loaded, "2026-Q4 mentor", minutes=2, save=save)
    with pytest.raises(RoundError, match="is published"):
        rounds.lock_pair(loaded, "2026-Q4 mentor", ["marit", "roos"], now=later(3))
    assert [e.action for e in rounds.load_round(loaded, "2026-Q4 mentor").events] == [
        "proposed",
        "published",
    ]


def test_a_round_keeps_its_mode(loaded):
    propose(loaded, "2026-Q4")
    with pytest.raises(RoundError, match="is a mentor round and cannot be proposed as reverse"):
        propose(loaded, "2026-Q4", minutes=1, config=MENTOR.replace(mode="reverse"))


def test_a_publish_that_breaks_a_rule_on_todays_data_is_refused_and_changes_nothing(loaded, tmp_path):
    first = propose(loaded, "2026-Q4 mentor")
    teacher, learner = first.pairs[0].members
    org = mentoring_org()
    moved = dataclasses.replace(org.person(learner), manager_id=teacher)
    changed = dataclasses.replace(org, people=tuple(moved if p.id == learner else p for p in org.people))
    organisation.import_file(loaded, write(changed, tmp_path / "changed.json"), now=later(1))
    before, version = rounds.load_round(loaded, "2026-Q4 mentor"), data_version(loaded)
    with pytest.raises(RoundError, match="cannot be published") as refused:
        rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(2))
    assert [(v.rule, v.members) for v in refused.value.violations] == [("own manager", (teacher, learner))]
    # The refusal lists what each broken rule says, not the rule's name.
    assert f"\n  {refused.value.violations[0].message}" in str(refused.value)
    assert "own manager" not in str(refused.value)
    assert rounds.load_round(loaded, "2026-Q4 mentor") == before
    assert organisation.load_organisation(loaded).history == ()
    assert data_version(loaded) == version


def test_a_publish_that_fails_half_way_leaves_everything_as_it_was(loaded, monkeypatch):
    propose(loaded, "2026-Q4 mentor")
    before, version = rounds.load_round(loaded, "2026-Q4 mentor"), data_version(loaded)

    def crash(*_args: object) -> None:
        raise RuntimeError("the disk is full")

    # The event is written after the status and the history rows: a crash there must undo both.
    monkeypatch.setattr(round_storage, "_event", crash)
    with pytest.raises(RuntimeError, match="the disk is full"):
        rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(1))
    monkeypatch.undo()
    assert rounds.load_round(loaded, "2026-Q4 mentor") == before
    assert organisation.load_organisation(loaded).history == ()
    assert data_version(loaded) == version
    assert rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(2)).status == "published"


def test_an_unknown_round_is_a_clear_error(loaded):
    with pytest.raises(RoundError, match="there is no round named 'nope'"):
        rounds.load_round(loaded, "nope")
    with pytest.raises(RoundError, match="there is no round named 'nope'"):
        rounds.publish_round(loaded, "nope", today=TODAY, now=NOW)
    with pytest.raises(RoundError, match="there is no round named 'nope'"):
        rounds.lock_pair(loaded, "nope", ["marit", "roos"], now=NOW)


def test_a_round_name_the_history_already_holds_is_refused(db, tmp_path):
    org = dataclasses.replace(
        mentoring_org(),
        history=(HistoryEntry("2026-Q3 mentor", "mentor", ("marit", "pim"), dt.date(2026, 7, 1)),),
    )
    import_with_opt_ins(db, write(org, tmp_path / "org.json"), now=NOW)
    with pytest.raises(RoundError, match="the history already holds a round named '2026-Q3 mentor'"):
        propose(db, "2026-Q3 mentor")
    with pytest.raises(RoundError, match="a round needs a name"):
        propose(db, " ")


def test_the_rounds_are_listed_newest_first_with_their_counts(loaded):
    first = propose(loaded, "2026-Q4 mentor")
    rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(1))
    second = propose(loaded, "2027-Q1 mentor", minutes=2)
    listed = rounds.list_rounds(loaded)
    assert [(r.name, r.status, r.pairs, r.left_out, r.objective) for r in listed] == [
        ("2027-Q1 mentor", "proposed", len(second.pairs), len(second.unmatched), second.objective),
        ("2026-Q4 mentor", "published", len(first.pairs), len(first.unmatched), first.objective),
    ]
    assert (listed[0].created, listed[1].published) == (later(2), later(1))


def test_the_rounds_migration_goes_down_and_up_again(loaded):
    propose(loaded, "2026-Q4 mentor")
    config = storage.alembic_config(loaded.url)
    with loaded.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert not storage.schema_is_current(loaded.engine)
    tables = sqlalchemy.inspect(loaded.engine).get_table_names()
    assert "pairing_round" not in tables and "scheduled_event" not in tables
    with loaded.engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("select count(*) from person")).scalar() > 0
    storage.migrate(loaded.engine)
    assert storage.schema_is_current(loaded.engine)
    assert rounds.list_rounds(loaded) == []


def test_reasons_and_left_out_reasons_come_back_from_storage_as_messages_the_reader_can_read(loaded):
    """Stored as a template and its parameters, not as English text: the same stored round reads
    in Dutch and in English."""
    from matcher.domain.phrases import Message, say
    from matcher.io.catalogs import translator

    propose(loaded, "2026-Q4 mentor")
    stored = rounds.load_round(loaded, "2026-Q4 mentor")
    assert stored is not None
    marit = next(p for p in stored.pairs if p.members == ("marit", "umar"))
    teach = marit.reasons[0]
    assert isinstance(teach, Message) and teach.template == (
        "{teacher} ({teacher_level}) can teach {skill} to {learner} ({learner_level}), "
        "who wants it with priority {priority}"
    )
    assert teach.params["teacher"] == "Marit Bos" and teach.params["priority"] == 2
    assert say(teach, translator("en")) == teach
    assert say(teach, translator("nl")) == (
        "Marit Bos (expert) kan Wmo-wetgeving bijbrengen aan Umar Aziz (geen), "
        "die dat met prioriteit 2 wil leren"
    )
    [left] = stored.unmatched
    assert isinstance(left.reason, Message) and say(left.reason, translator("nl")) != left.reason
