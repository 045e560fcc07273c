"""Use cases for pairing and group rounds, one function each: propose (and propose again around
locked pairs or groups), publish, list and load, lock and unlock, swap two people, take a unit out.
Each is one transaction; a refusal is a :class:`~matcher.plans.rounds.RoundError` that says why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from matcher import storage
from matcher.domain.model import Organisation
from matcher.domain.phrases import clauses, counted, phrase
from matcher.domain.talentmap import TalentMap
from matcher.engines import groups
from matcher.engines.pairing import (
    Fairness,
    Memory,
    PairingConfig,
    Previous,
    Proposal,
    build_problem,
    propose,
    validate,
)
from matcher.engines.pairing.fairness import recall
from matcher.engines.results import solver_word, status_word
from matcher.plans.kinds import word
from matcher.plans.rounds import (
    NAME_LENGTH,
    PUBLISHED,
    RoundError,
    RoundSummary,
    StoredRound,
    unit_count,
    with_locks,
    without_lock,
)
from matcher.services import learning_loop
from matcher.storage import Database
from matcher.storage import rounds as round_storage

#: The solver's progress: (best objective so far, bound, seconds).
SolverProgress = Callable[[float, float, float], None]


def propose_round(
    db: Database,
    *,
    round_name: str,
    config: PairingConfig,
    today: dt.date,
    now: dt.datetime,
    save: bool,
    on_progress: SolverProgress | None = None,
) -> Proposal:
    """Propose the pairs of a round, and with ``save`` store them as the round's proposal.

    The last published round of the same mode tells who was left out then. A round
    proposed before keeps the pairs HR locked in it; a published round is final.
    """
    with db.transaction() as session:
        org = storage.load_organisation(session)
        existing = round_storage.load_round(session, round_name)
        previous = round_storage.previous_round(session, config.mode, other_than=round_name)
        # The programme's earlier rounds: their pairs are in the history, who they left out is stored.
        memory = Memory.of(org.history, config.mode, round_storage.left_out_by_round(session, config.mode))
    _check_may_propose(round_name, config.mode, existing, org)
    if existing is not None:
        config = with_locks(config, existing.locked_pairs)
    # What sessions of earlier rounds said; kept with the round, so its checks see what it saw.
    fed = learning_loop.feedback_for(db, config.mode, round_name=round_name, today=today)
    config = config.replace(feedback=fed)
    problem = build_problem(
        TalentMap(org, today=today), config, today=today, previous=_previous(previous), memory=memory
    )
    proposal = propose(problem, round_name=round_name, on_progress=on_progress)
    if save:
        _save_proposal(db, proposal, config, existing, org, now=now, unit="pair")
    return proposal


def propose_group_round(
    db: Database,
    *,
    round_name: str,
    config: groups.GroupConfig,
    today: dt.date,
    now: dt.datetime,
    save: bool,
    on_progress: SolverProgress | None = None,
) -> groups.GroupProposal:
    """Propose the groups of a think tank, intervision or community round; ``save`` stores them.

    Like a pairing round: a round proposed before keeps the groups HR locked in it,
    earlier rounds of the same kind in the history count for the cooldown.
    """
    with db.transaction() as session:
        org = storage.load_organisation(session)
        existing = round_storage.load_round(session, round_name)
        # Who the kind's last rounds left out, and how many rounds in a row: placed first.
        waiting = recall(
            Memory.of(org.history, config.kind, round_storage.left_out_by_round(session, config.kind)),
            Fairness(),
        ).streak
    _check_may_propose(round_name, config.kind, existing, org)
    if existing is not None:
        config = with_locks(config, existing.locked_pairs)
    problem = groups.build_problem(TalentMap(org, today=today), config, today=today, left_out=waiting)
    proposal = groups.propose(problem, round_name=round_name, on_progress=on_progress)
    if save:
        _save_proposal(db, proposal, config, existing, org, now=now, unit="group")
    return proposal


def _save_proposal(
    db: Database,
    proposal: Proposal | groups.GroupProposal,
    config: PairingConfig | groups.GroupConfig,
    existing: StoredRound | None,
    org: Organisation,
    *,
    now: dt.datetime,
    unit: str,
) -> None:
    name = proposal.round
    units = proposal.groups if isinstance(proposal, groups.GroupProposal) else proposal.pairs
    with db.transaction() as session:
        current = round_storage.load_round(session, name, for_update=True)
        _check_may_propose(name, proposal.mode, current, org)
        if _stamp(current) != _stamp(existing):
            raise RoundError(
                phrase("round '{name}' changed while it was being proposed; propose it again", name=name)
            )
        parts = [
            phrase(
                "{units}, {left_out}; objective {objective} ({status}, {solver})",
                units=unit_count(unit, len(units)),
                left_out=counted(len(proposal.unmatched), "{n} left out", "{n} left out"),
                objective=figure(proposal.objective),
                status=status_word(proposal.status),
                solver=solver_word(proposal.solver),
            )
        ]
        if existing is not None and existing.locked_pairs:
            kept = len(existing.locked_pairs)
            if unit == "group":
                parts.append(counted(kept, "{n} locked group kept", "{n} locked groups kept"))
            else:
                parts.append(counted(kept, "{n} locked pair kept", "{n} locked pairs kept"))
        detail = clauses(parts)
        action = "proposed" if existing is None else "re-proposed"
        round_storage.write_proposal(session, proposal, config, now=now, action=action, detail=detail)


def figure(value: float) -> int | float:
    """A score as a parameter of a message: a whole number without its ".0", else at most six
    significant digits (as ``{:g}`` wrote it in English)."""
    if float(value).is_integer():
        return int(value)
    return float(f"{value:g}")


def _stamp(stored: StoredRound | None) -> dt.datetime | None:
    return stored.updated if stored else None


def _check_may_propose(name: str, mode: str, existing: StoredRound | None, org: Organisation) -> None:
    if not name.strip() or len(name) > NAME_LENGTH:
        raise RoundError(phrase("a round needs a name of 1 to {most} characters", most=NAME_LENGTH))
    if existing is None:
        if any(entry.round == name for entry in org.history):
            raise RoundError(
                phrase("the history already holds a round named '{name}'; use a new round name", name=name)
            )
        return
    if existing.status == PUBLISHED:
        raise RoundError(
            phrase(
                "round '{name}' is published and cannot be proposed again; use a new round name", name=name
            )
        )
    if existing.mode != mode:
        raise RoundError(
            phrase(
                "round '{name}' is a {kind} round and cannot be proposed as {other}; "
                "use the same mode or a new round name",
                name=name,
                kind=word(existing.mode),
                other=word(mode),
            )
        )


def _previous(stored: StoredRound | None) -> Previous:
    if stored is None:
        return Previous()
    return Previous(
        pairs=tuple(p.members for p in stored.pairs),
        unmatched=tuple(dict.fromkeys(u.person_id for u in stored.unmatched)),
    )


def publish_round(db: Database, name: str, *, today: dt.date, now: dt.datetime) -> StoredRound:
    """Publish a proposed round after checking its pairs against every rule on today's data.

    Its pairs join the history, starting ``today``, so that later rounds keep the cooldown.
    One transaction: a round that cannot be published leaves everything as it was.
    """
    with db.transaction() as session:
        stored = _existing(round_storage.load_round(session, name, for_update=True), name)
        if stored.status == PUBLISHED:
            assert stored.published is not None
            raise RoundError(
                phrase(
                    "round '{name}' was already published on {day}", name=name, day=stored.published.date()
                )
            )
        org = storage.load_organisation(session)
        if any(entry.round == name for entry in org.history):
            raise RoundError(
                phrase(
                    "the history already holds a round named '{name}'; it cannot be published twice",
                    name=name,
                )
            )
        violations = _violations(stored, TalentMap(org, today=today), today)
        if violations:
            if stored.is_group_round:
                refusal = phrase(
                    "round '{name}' cannot be published: on today's data its groups break these rules "
                    "(propose it again):",
                    name=name,
                )
            else:
                refusal = phrase(
                    "round '{name}' cannot be published: on today's data its pairs break these rules "
                    "(propose it again):",
                    name=name,
                )
            raise RoundError(refusal, violations)
        detail = phrase(
            "{units} written to the history, starting {day}",
            units=unit_count(stored.unit, len(stored.pairs)),
            day=today,
        )
        round_storage.mark_published(session, name, started=today, now=now, detail=detail)
        return _existing(round_storage.load_round(session, name), name)


def _violations(stored: StoredRound, tmap: TalentMap, today: dt.date) -> list:
    members = [p.members for p in stored.pairs]
    if isinstance(stored.config, groups.GroupConfig):
        return groups.validate(groups.build_problem(tmap, stored.config, today=today), members)
    return validate(build_problem(tmap, stored.config, today=today), members)


def list_rounds(db: Database) -> list[RoundSummary]:
    with db.transaction() as session:
        return round_storage.round_summaries(session)


def load_round(db: Database, name: str) -> StoredRound:
    with db.transaction() as session:
        return _existing(round_storage.load_round(session, name), name)


def lock_pair(db: Database, name: str, members: Sequence[str], *, now: dt.datetime) -> StoredRound:
    """Lock a proposed pair or group (members in any order): proposing the round again keeps it."""
    return _set_locked(db, name, members, True, now)


def unlock_pair(db: Database, name: str, members: Sequence[str], *, now: dt.datetime) -> StoredRound:
    return _set_locked(db, name, members, False, now)


def _set_locked(
    db: Database, name: str, members: Sequence[str], locked: bool, now: dt.datetime
) -> StoredRound:
    with db.transaction() as session:
        stored = _existing(round_storage.load_round(session, name, for_update=True), name)
        if stored.status == PUBLISHED:
            if stored.is_group_round:
                raise RoundError(
                    phrase("round '{name}' is published; its groups can no longer change", name=name)
                )
            raise RoundError(phrase("round '{name}' is published; its pairs can no longer change", name=name))
        wanted = frozenset(members)
        position = next((i for i, p in enumerate(stored.pairs, 1) if frozenset(p.members) == wanted), None)
        if position is None:
            if stored.is_group_round:
                raise RoundError(
                    phrase("round '{name}' has no group of {members:list}", name=name, members=list(members))
                )
            raise RoundError(
                phrase("round '{name}' has no pair of {members:list}", name=name, members=list(members))
            )
        pair = stored.pairs[position - 1]
        if locked:
            config = with_locks(stored.config, [pair.members])
            detail = phrase("locked {members}", members=", ".join(pair.members))
        else:
            config = without_lock(stored.config, pair.members)
            detail = phrase("unlocked {members}", members=", ".join(pair.members))
        round_storage.set_pair_locked(session, name, position, locked, config, now=now, detail=detail)
        return _existing(round_storage.load_round(session, name), name)


def swap_people(
    db: Database, name: str, first: str, second: str, *, today: dt.date, now: dt.datetime
) -> StoredRound:
    """Swap two people between their pairs or groups, also after publishing (plan the meetings
    again and send: the two changed ones get updates). Refused when the new pairs or groups
    break a rule that the old ones kept."""
    with db.transaction() as session:
        stored = _existing(round_storage.load_round(session, name, for_update=True), name)
        where = {m: (position, unit) for position, unit in stored.units() for m in unit.members}
        for person_id in (first, second):
            if person_id not in where:
                raise RoundError(_nobody(stored, person_id))
        (a, unit_a), (b, unit_b) = where[first], where[second]
        if a == b:
            if stored.is_group_round:
                raise RoundError(
                    phrase("{first} and {second} are already in the same group", first=first, second=second)
                )
            raise RoundError(
                phrase("{first} and {second} are already in the same pair", first=first, second=second)
            )
        swapped = {
            a: tuple(second if m == first else m for m in unit_a.members),
            b: tuple(first if m == second else m for m in unit_b.members),
        }
        org = storage.load_organisation(session)
        _check_changed(stored, swapped, org, today)
        detail = phrase(
            "swapped {first} and {second}: {one} | {other}",
            first=first,
            second=second,
            one=", ".join(swapped[a]),
            other=", ".join(swapped[b]),
        )
        round_storage.change_units(
            session,
            name,
            swapped,
            today=today,
            now=now,
            action="swapped",
            detail=detail,
            config=_unlocked(stored, [unit_a.members, unit_b.members]),
        )
        return _existing(round_storage.load_round(session, name), name)


def remove_unit(db: Database, name: str, person_id: str, *, today: dt.date, now: dt.datetime) -> StoredRound:
    """Take out the pair or group that ``person_id`` is in (also after publishing: its meetings
    are cancelled when they are planned again); the others keep their places."""
    with db.transaction() as session:
        stored = _existing(round_storage.load_round(session, name, for_update=True), name)
        found = next(((p, u) for p, u in stored.units() if person_id in u.members), None)
        if found is None:
            raise RoundError(_nobody(stored, person_id))
        position, unit = found
        if stored.is_group_round:
            detail = phrase("removed the group of {members}", members=", ".join(unit.members))
        else:
            detail = phrase("removed the pair of {members}", members=", ".join(unit.members))
        round_storage.change_units(
            session,
            name,
            {position: None},
            today=today,
            now=now,
            action="removed",
            detail=detail,
            config=_unlocked(stored, [unit.members]),
        )
        return _existing(round_storage.load_round(session, name), name)


def _nobody(stored: StoredRound, person_id: str) -> str:
    if stored.is_group_round:
        return phrase(
            "round '{name}' has nobody with id '{person}' in a group", name=stored.name, person=person_id
        )
    return phrase(
        "round '{name}' has nobody with id '{person}' in a pair", name=stored.name, person=person_id
    )


def _unlocked(stored: StoredRound, changed: Sequence[tuple[str, ...]]):
    """A proposed round's config without the locks of units that changed, so that re-solving
    does not bring the old ones back; a published round keeps its config as it was."""
    if stored.status == PUBLISHED:
        return None
    config = stored.config
    for members in changed:
        config = without_lock(config, members)
    return config


def _check_changed(
    stored: StoredRound, changed: dict[int, tuple[str, ...]], org: Organisation, today: dt.date
) -> None:
    units = [changed.get(position, unit.members) for position, unit in stored.units()]
    tmap = TalentMap(org, today=today)
    before = {(v.rule, str(v.message)) for v in _violations(stored, tmap, today)}
    # A unit HR changes by hand is no longer held by its lock.
    old = [unit.members for position, unit in stored.units() if position in changed]
    after = dataclasses.replace(
        stored,
        pairs=tuple(dataclasses.replace(u, members=m) for u, m in zip(stored.pairs, units, strict=True)),
        config=_unlocked(stored, old) or stored.config,
    )
    new = [v for v in _violations(after, tmap, today) if (v.rule, str(v.message)) not in before]
    if new:
        raise RoundError(
            phrase("round '{name}' was not changed: the change breaks these rules:", name=stored.name), new
        )


def _existing(stored: StoredRound | None, name: str) -> StoredRound:
    if stored is None:
        raise RoundError(no_round(name))
    return stored


def no_round(name: str) -> str:
    """The refusal for a round name that names no round."""
    return phrase("there is no round named '{name}'", name=name)
