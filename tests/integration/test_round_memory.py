"""A round remembers the published rounds of its kind: who they left out comes from storage, their
pairs from the history, and both show in the next round's reasons."""

from __future__ import annotations

import dataclasses

import pytest

from matcher.services import organisation, rounds
from matcher.storage import rounds as round_storage
from tests.integration.test_rounds import MENTOR, NOW, TODAY, later, propose, write
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org


@pytest.fixture
def loaded(db, tmp_path) -> organisation.Database:
    import_with_opt_ins(db, write(mentoring_org(), tmp_path / "org.json"), now=NOW)
    return db


def test_someone_left_out_in_a_published_round_gets_priority_in_the_next(loaded):
    first = propose(loaded, "2026-Q4 mentor")
    (left,) = first.unmatched
    name = organisation.load_organisation(loaded).person(left.person_id).name
    said = f"{name} was left out in the last round of this kind"

    def reasons_for(proposal) -> list[str]:
        return [r for p in proposal.pairs if left.person_id in p.members for r in p.reasons]

    # Proposed only: nothing is remembered yet.
    assert said not in reasons_for(propose(loaded, "2027-Q1 mentor", minutes=1, save=False))
    rounds.publish_round(loaded, "2026-Q4 mentor", today=TODAY, now=later(2))
    with loaded.transaction() as session:
        assert round_storage.left_out_by_round(session, "mentor") == {"2026-Q4 mentor": [left.person_id]}
        assert round_storage.left_out_by_round(session, "exchange") == {}
    assert said in reasons_for(propose(loaded, "2027-Q1 mentor", minutes=3, save=False))
    # Switched off, the same round says nothing of it.
    off = dataclasses.replace(
        MENTOR, fairness=dataclasses.replace(MENTOR.fairness, window=0, max_unplaced_rounds=0)
    )
    assert said not in reasons_for(propose(loaded, "2027-Q1 mentor", minutes=4, save=False, config=off))
