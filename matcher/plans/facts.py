"""Stored rounds as the facts the reports read (:class:`~matcher.domain.reports.RoundFacts`)."""

from __future__ import annotations

from collections.abc import Iterable

from matcher.domain.reports import RoundFacts
from matcher.plans.rounds import StoredRound


def rounds_from_storage(stored: Iterable[StoredRound]) -> list[RoundFacts]:
    return [
        RoundFacts(
            s.name,
            s.mode,
            s.status,
            (s.published or s.created).date(),
            tuple(p.members for p in s.pairs),
            tuple((u.person_id, u.reason) for u in s.unmatched),
        )
        for s in stored
    ]
