"""What the rounds pages show, worked out from the domain's data: names for ids, a round's
units as rows, the versions of a proposal that can be compared, and the settings in words."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _

from matcher.domain.talentmap import TalentMap
from matcher.engines.results import LeftOut
from matcher.plans.kinds import KINDS, Family
from matcher.plans.kinds import is_round as _is_round
from matcher.plans.rounds import StoredRound
from matcher.plans.solve_jobs import DONE, Comparison, Snapshot, SolveJob, compare, snapshot
from web import words
from web.typed_people import listed, matching

KIND_WORDS = words.by_value(words.ROUND_KINDS)
T = TypeVar("T")


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
        return listed(self(person_id), person_id)

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


# -- the review page of a round of any size ----------------------------------------------------------

#: Pairs or groups, and people left out (whose reasons are longer), on one page of the review.
PER_PAGE, LEFT_OUT_PER_PAGE = 12, 8
#: How the pairs or groups are listed: as ranked, or the weakest first.
ORDERS = ("rank", "score")


@dataclass(frozen=True)
class ReviewFilters:
    """What HR narrowed the review to: a name, id or department in the text, one department,
    the order of the pairs, one kind of reason for the people left out."""

    text: str | None = None
    department: str | None = None
    order: str = "rank"
    reason: str | None = None

    def args(self) -> dict[str, str]:
        """The query string that gives these filters again (for the page links)."""
        values = {"q": self.text, "department": self.department, "reason": self.reason}
        if self.order != "rank":
            values["order"] = self.order
        return {k: v for k, v in values.items() if v}

    @property
    def narrowed(self) -> bool:
        return bool(self.text or self.department or self.reason)


@dataclass(frozen=True)
class ReasonKind:
    """People left out in one role for one kind of reason (the same sentence, with other names
    or skills in it): how many, and the first as an example."""

    key: str
    role: str
    example: str
    count: int


def reason_key(role: str, reason: str) -> str:
    """A short stable key for a kind of reason: the role and the reason's template."""
    template = getattr(reason, "template", None) or str(reason)
    return hashlib.sha1(f"{role}\x1f{template}".encode()).hexdigest()[:10]


def reason_kinds(unmatched: Iterable[LeftOut]) -> list[ReasonKind]:
    """The kinds of reason people were left out for, the most common first."""
    counts: Counter[str] = Counter()
    first: dict[str, LeftOut] = {}
    for u in unmatched:
        key = reason_key(u.role, u.reason)
        counts[key] += 1
        first.setdefault(key, u)
    return [ReasonKind(key, first[key].role, first[key].reason, n) for key, n in counts.most_common()]


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of a longer list."""

    items: list[T]
    page: int
    pages: int
    total: int


def paged(items: list[T], page: int, size: int = PER_PAGE) -> Paged[T]:
    pages = max(1, math.ceil(len(items) / size))
    page = min(max(page, 1), pages)
    return Paged(items[(page - 1) * size : page * size], page, pages, len(items))


def _matches(text: str | None, *values: str) -> bool:
    if not text:
        return True
    wanted = text.casefold()
    return any(wanted in value.casefold() for value in values)


class Review:
    """A round's pairs or groups and the people left out, narrowed by :class:`ReviewFilters`."""

    def __init__(self, stored: StoredRound, names: Names, filters: ReviewFilters) -> None:
        self.names, self.filters = names, filters
        self.rows = unit_rows(stored, names)
        self.unmatched = list(stored.unmatched)
        self.kinds = reason_kinds(self.unmatched)
        everyone = {m for row in self.rows for m, _ in row.members} | {u.person_id for u in self.unmatched}
        self.departments = sorted({self.department(p) for p in everyone} - {""}, key=str.casefold)

    def department(self, person_id: str) -> str:
        person = self.names.tmap.person(person_id)
        return person.department if person else ""

    def _person_matches(self, person_id: str) -> bool:
        f = self.filters
        department = self.department(person_id)
        if f.department and department != f.department:
            return False
        return _matches(f.text, person_id, self.names(person_id), department)

    def units(self, page: int) -> Paged[UnitRow]:
        f = self.filters
        found = [
            row
            for row in self.rows
            if (not f.department and not f.text) or any(self._person_matches(m) for m, _ in row.members)
        ]
        if f.order == "score":
            found.sort(key=lambda row: (row.score, row.rank))
        return paged(found, page)

    def left_out(self, page: int) -> Paged[LeftOut]:
        f = self.filters
        found = [
            u
            for u in self.unmatched
            if (not f.reason or reason_key(u.role, u.reason) == f.reason)
            and ((not f.department and not f.text) or self._person_matches(u.person_id))
        ]
        return paged(found, page, LEFT_OUT_PER_PAGE)


def since_last(stored: StoredRound, jobs: list[SolveJob]) -> Comparison | None:
    """What changed from the proposal before to the round as it is now, when there was one and
    something changed."""
    found = versions(stored, jobs)
    if len(found) < 2:
        return None
    first, second = default_pair(found)
    by_key = {v.key: v for v in found}
    change = compare(by_key[first].snapshot, by_key[second].snapshot)
    if not change.only_a and not change.only_b and change.a.objective == change.b.objective:
        return None
    return change


#: Partners or groups a "why not" page shows before the rest is folded away.
WHY_SHOWN = 12


def chosen_person(choices: list[tuple[str, str]], typed: str | None) -> str | None:
    """The id of the person typed (see :func:`web.typed_people.matching`); None unless exactly one
    of ``choices`` matches."""
    found = matching(choices, typed)
    return found[0] if len(found) == 1 else None
