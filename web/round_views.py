"""What the rounds pages show, worked out from the domain's data: names for ids, a round's
units as rows, the versions of a proposal that can be compared, and the settings in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from matcher.domain.talentmap import TalentMap
from matcher.plans.kinds import KINDS, Family
from matcher.plans.kinds import is_round as _is_round
from matcher.plans.rounds import StoredRound
from matcher.plans.solve_jobs import DONE, Snapshot, SolveJob, snapshot
from web import words

KIND_WORDS = words.by_value(words.ROUND_KINDS)


def status_word(status: str) -> str:
    return {
        "queued": _("waiting"),
        "running": _("running"),
        "done": _("done"),
        "failed": _("failed"),
    }.get(status, status)


def kind_label(kind: str) -> Any:
    word = KIND_WORDS.get(kind)
    return word.label if word else kind


def is_round_kind(kind: str) -> bool:
    return kind in KIND_WORDS and _is_round(kind)


def is_group_kind(kind: str) -> bool:
    return kind in KINDS and KINDS[kind].family is Family.GROUPS


class Names:
    """Names for person ids; someone who left the organisation keeps their id."""

    def __init__(self, tmap: TalentMap) -> None:
        self.tmap = tmap

    def __call__(self, person_id: str) -> str:
        person = self.tmap.person(person_id)
        return person.name if person else person_id

    def label(self, person_id: str) -> str:
        return f"{self(person_id)} ({person_id})"

    def choices(self, ids: list[str]) -> list[tuple[str, str]]:
        return sorted(((i, self.label(i)) for i in ids), key=lambda c: c[1].casefold())


@dataclass(frozen=True)
class UnitRow:
    position: int
    rank: int
    members: list[tuple[str, str]]
    #: "→" between the one who teaches and the one who learns, else "&" or ",".
    joint: str
    score: float
    reasons: tuple[str, ...]
    locked: bool
    key: str
    #: The members' names, joined as the page shows them.
    label: str


def joint(mode: str) -> str:
    return KINDS[mode].joint


def unit_rows(stored: StoredRound, names: Names) -> list[UnitRow]:
    return [
        UnitRow(
            position=position,
            rank=rank,
            members=[(m, names(m)) for m in unit.members],
            joint=joint(stored.mode),
            score=unit.score,
            reasons=unit.reasons,
            locked=unit.locked,
            key=",".join(unit.members),
            label=f" {joint(stored.mode).strip()} ".join(names(m) for m in unit.members),
        )
        for rank, (position, unit) in enumerate(stored.units(), 1)
    ]


@dataclass(frozen=True)
class Version:
    key: str
    label: str
    snapshot: Snapshot


def versions(stored: StoredRound, jobs: list[SolveJob]) -> list[Version]:
    """The proposals of a round that can be compared, oldest first: per job the proposal it
    replaced (as HR had left it) and the one it made; then the round as it is now."""
    found: list[Version] = []
    for job in jobs:
        if job.status != DONE:
            continue
        before = job.snapshot("before")
        if before is not None:
            found.append(Version(f"before-{job.id}", _("before job %(id)s", id=job.id), before))
        made = job.snapshot("proposal")
        if made is not None:
            found.append(Version(f"job-{job.id}", _("proposed by job %(id)s", id=job.id), made))
    now = snapshot(
        "now", stored.pairs, [u.person_id for u in stored.unmatched], stored.objective, stored.updated
    )
    found.append(Version("current", _("as it is now"), now))
    return found


def default_pair(found: list[Version]) -> tuple[str, str]:
    """What to compare when nothing was chosen: the latest proposal before a re-solve, or the
    one before the latest, against the round as it is now."""
    if len(found) < 2:
        return found[0].key, found[0].key
    befores = [v for v in found if v.key.startswith("before-")]
    first = befores[-1].key if befores else found[-2].key
    return first, found[-1].key
