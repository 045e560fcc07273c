"""Use case: "why these two, and why not those two?" For one person of a proposed or published
round, the partners they could have had (pair rounds) or the groups they could move to (group
rounds), each with what the round would score, or the rule that forbids it.

The round's problem is the one the review page checked the rules with (kept by
:func:`~matcher.services.round_changes.round_problem`); the answers themselves are quick (see
:mod:`matcher.engines.pairing.why` and :mod:`matcher.engines.groups.why`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher import storage
from matcher.domain.phrases import phrase
from matcher.engines.groups.problem import objective as group_objective
from matcher.engines.groups.why import GroupMove, group_moves
from matcher.engines.pairing.why import Alternative, plan_value, why_not
from matcher.plans.rounds import RoundError
from matcher.services import round_changes, rounds
from matcher.storage import Database
from matcher.storage import rounds as round_storage


@dataclass(frozen=True)
class WhyAnswer:
    round: str
    person: str
    objective: float
    group_round: bool
    #: Pair rounds: each partner the person could have, the best first, then those ruled out.
    partners: tuple[Alternative, ...] = ()
    #: Group rounds: each group the person could move to, the best first.
    moves: tuple[GroupMove, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "round": self.round,
            "person": self.person,
            "objective": self.objective,
            "partners": [a.as_dict(self.objective) for a in self.partners],
            "moves": [m.as_dict() for m in self.moves],
        }


def answer(db: Database, name: str, person: str, partner: str | None = None, *, today: dt.date) -> WhyAnswer:
    """The alternatives for ``person`` in round ``name`` (only ``partner`` when given); RoundError
    when there is no such round or the person does not take part."""
    with db.transaction() as session:
        stored = round_storage.load_round(session, name)
        if stored is None:
            raise RoundError(rounds.no_round(name))
        version = storage.data_version(session)
    everyone = {m for unit in stored.pairs for m in unit.members} | {u.person_id for u in stored.unmatched}
    for who in (person, partner):
        if who is not None and who not in everyone:
            raise RoundError(phrase("{id} does not take part in round '{name}'", id=who, name=name))
    problem, _ = round_changes.round_problem(db, stored, today=today, version=version)
    plan = [unit.members for unit in stored.pairs]
    if stored.is_group_round:
        moves = group_moves(problem, plan, person)
        objective = group_objective(problem, plan)
        return WhyAnswer(name, person, round(objective, 2), True, moves=tuple(moves))
    try:
        found = why_not(problem, plan, person, partner)
    except ValueError as exc:
        raise RoundError(phrase("'why not' answers are for rounds where one teaches the other")) from exc
    return WhyAnswer(name, person, round(plan_value(problem, plan), 2), False, partners=tuple(found))
