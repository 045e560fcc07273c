"""Knowledge transfer (borgen): who takes over what a leaver knows that few others do.

A leaver's skills at risk are the ones they hold at level 3 or higher that fewer than
``min_holders`` colleagues who stay hold at that level. For each such skill the candidates to take
it over are colleagues who stay and hold it lower, want to learn it, or hold a related skill,
ranked by the level they hold (closest to the leaver's first), their wish, their team and whether
they take over nothing else from the same leaver already. Each candidate carries the reasons as
messages, so that HR can defend the choice; HR may choose others, several per skill.

A plan may also start from a skill that only one or two people hold (:func:`propose_for_skill`),
whether or not they leave: those holders pass it on, before a deadline HR sets. Both starts give
the same :class:`Proposal`, so planning, publishing and progress do not tell them apart.

Plain data on the talent map; the sessions are planned in :mod:`matcher.plans.transfer`.

>>> from matcher.domain.model import Holding, Organisation, Person, Skill, Wish
>>> people = (Person("ann", "Ann", "a@x", team="T", leaving_date=dt.date(2026, 6, 30)),
...           Person("bo", "Bo", "b@x", team="T"), Person("cy", "Cy", "c@x"))
>>> org = Organisation("x", people, (Skill("sql", "SQL"),),
...                    (Holding("ann", "sql", 4), Holding("cy", "sql", 1)), (Wish("bo", "sql", 3),))
>>> found = propose(TalentMap(org, today=dt.date(2026, 5, 1)), "ann")
>>> [(item.skill_id, [c.person_id for c in item.chosen]) for item in found.items]
[('sql', ['cy'])]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.domain.model import Level, Person
from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap import KEY_LEVEL, TalentMap

#: How many candidates per skill HR chooses from.
OPTIONS = 6


class TransferError(ValueError):
    """A transfer that cannot be made as asked; ``args[0]`` is a message saying why."""


@dataclass(frozen=True)
class Candidate:
    """Someone who could take a skill over from the leaver, and why."""

    person_id: str
    name: str
    #: Their level in the skill now (0 for someone who only wants it or holds a related skill).
    level: int
    #: Their wish to learn it (priority 1-3), or None.
    wish: int | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class TransferItem:
    """One skill at risk: why, the chosen successors and the others HR may choose from."""

    skill_id: str
    skill_name: str
    #: The leaver's level in it.
    level: int
    why: tuple[str, ...]
    chosen: tuple[Candidate, ...]
    options: tuple[Candidate, ...]


@dataclass(frozen=True)
class Proposal:
    """Who passes what on to whom, by when: one model for both starts.

    Opened from a leaver, ``leaver_id`` is the leaver, ``leaving_date`` their last day and the items
    are their skills at risk. Opened from a skill held by one or two people (``skill_id`` set),
    ``holders`` are those who pass it on (``leaver_id`` is the first of them), ``leaving_date`` is
    the deadline HR set and there is one item.
    """

    leaver_id: str
    leaver_name: str
    leaving_date: dt.date
    items: tuple[TransferItem, ...]
    #: The skill the plan was opened from (None: opened from a leaver).
    skill_id: str | None = None
    #: Everyone who passes the knowledge on (empty: the leaver alone).
    holders: tuple[str, ...] = ()

    @property
    def givers(self) -> tuple[str, ...]:
        """Those who pass the knowledge on: the holders, or the leaver."""
        return self.holders or (self.leaver_id,)

    @property
    def name(self) -> str:
        """What the plan is called: the skill it was opened from, or the leaver."""
        if self.skill_id is not None:
            return next((i.skill_name for i in self.items if i.skill_id == self.skill_id), self.skill_id)
        return self.leaver_name

    @property
    def deadline(self) -> dt.date:
        """Sessions take place before this day."""
        return self.leaving_date

    @property
    def start(self) -> str:
        """What the plan was opened from, as one key: a later plan of the same start replaces it."""
        return f"skill:{self.skill_id}" if self.skill_id is not None else f"leaver:{self.leaver_id}"

    def successors(self) -> list[str]:
        """Everyone chosen, each once, in the order of the items."""
        return list(dict.fromkeys(c.person_id for item in self.items for c in item.chosen))


def skills_at_risk(
    tmap: TalentMap, leaver: Person, *, min_holders: int = 3
) -> list[tuple[str, int, tuple[str, ...]]]:
    """The leaver's skills at level 3 or higher that fewer than ``min_holders`` colleagues who stay
    hold at that level: (skill id, the leaver's level, why), the rarest first."""
    found = []
    for skill_id, level in tmap.levels_of(leaver.id).items():
        if level < KEY_LEVEL:
            continue
        staying = [
            p.name
            for p, lv in tmap.holders_of(skill_id)
            if lv >= KEY_LEVEL and p.id != leaver.id and not _leaves(p, leaver.leaving_date)
        ]
        if len(staying) >= min_holders:
            continue
        skill = tmap.skill(skill_id)
        name = skill.name if skill else skill_id
        if staying:
            why = counted(
                len(staying),
                "after {leaver} leaves only {names:list} holds {skill} at level 3 or higher",
                "after {leaver} leaves only {names:list} hold {skill} at level 3 or higher",
                leaver=leaver.name,
                names=sorted(staying, key=str.casefold),
                skill=name,
            )
        else:
            why = phrase(
                "after {leaver} leaves nobody holds {skill} at level 3 or higher",
                leaver=leaver.name,
                skill=name,
            )
        found.append((len(staying), skill_id, int(level), (why,)))
    return [
        (skill_id, level, why) for _, skill_id, level, why in sorted(found, key=lambda f: (f[0], -f[2], f[1]))
    ]


def _leaves(person: Person, by: dt.date | None) -> bool:
    """Leaves too, by the leaver's date (or at all when the leaver has no date)."""
    return person.leaving_date is not None and (by is None or person.leaving_date <= by)


def candidates(
    tmap: TalentMap, leaver: Person, skill_id: str, *, busy: Sequence[str] = ()
) -> list[Candidate]:
    """Who could take the skill over, best first; ``busy`` already take over another skill of the
    leaver's (the others are said to have room)."""
    skill = tmap.skill(skill_id)
    name = skill.name if skill else skill_id
    levels = tmap.levels_in(skill_id)
    wishes = {w.person_id: w.priority for w in tmap.organisation.wishes if w.skill_id == skill_id}
    related = _related_levels(tmap, skill_id)
    found = []
    for pid in set(levels) | set(wishes) | set(related):
        person = tmap.person(pid)
        if person is None or pid == leaver.id or _leaves(person, None):
            continue
        level = int(levels.get(pid, Level.NONE))
        if level >= KEY_LEVEL:
            continue  # holds it well already: no transfer needed, and counted as staying
        wish = wishes.get(pid)
        if not level and wish is None and pid not in related:
            continue
        reasons = _reasons(leaver, person, name, level, wish, related.get(pid), pid in busy)
        near = related.get(pid, ("", 0.0, 0))[1] if not level and wish is None else 0.0
        rank = (
            -level,
            -(wish or 0),
            -near,
            pid in busy,
            person.team != leaver.team or not person.team,
            person.department != leaver.department,
            person.name.casefold(),
            pid,
        )
        found.append((rank, Candidate(pid, person.name, level, wish, tuple(reasons))))
    return [c for _, c in sorted(found, key=lambda f: f[0])]


def _related_levels(tmap: TalentMap, skill_id: str) -> dict[str, tuple[str, float, int]]:
    """Person id to the related skill they hold best (by level times strength): (name, score, level)."""
    best: dict[str, tuple[str, float, int]] = {}
    for other, strength in sorted(tmap.related_to(skill_id).items()):
        skill = tmap.skill(other)
        for pid, level in tmap.levels_in(other).items():
            score = level * strength
            if level >= Level.WORKING and (pid not in best or score > best[pid][1]):
                best[pid] = (skill.name if skill else other, score, int(level))
    return best


def _reasons(
    leaver: Person,
    person: Person,
    skill: str,
    level: int,
    wish: int | None,
    related: tuple[str, float, int] | None,
    busy: bool,
) -> list[str]:
    reasons = []
    if level:
        reasons.append(phrase("closest level: holds {skill} at level {level}", skill=skill, level=level))
    elif related is not None and wish is None:
        reasons.append(
            phrase("holds the related skill {skill} (level {level})", skill=related[0], level=related[2])
        )
    if wish is not None:
        reasons.append(phrase("wants to learn it (priority {priority})", priority=wish))
    if person.team and person.team == leaver.team:
        reasons.append(phrase("same team as {name}", name=leaver.name))
    elif person.department and person.department == leaver.department:
        reasons.append(phrase("same department as {name}", name=leaver.name))
    if not busy:
        reasons.append(phrase("has capacity: takes over nothing else from {name}", name=leaver.name))
    return reasons


def propose(
    tmap: TalentMap,
    leaver_id: str,
    *,
    choices: Mapping[str, Sequence[str]] | None = None,
    per_skill: int = 1,
    min_holders: int = 3,
) -> Proposal:
    """Successors for each of the leaver's skills at risk: ``per_skill`` of the best candidates, or
    whom HR chose (``choices``: skill id to person ids). A person may take over several skills;
    the best candidate who takes over nothing else yet comes first when levels and wishes tie.

    Raises :class:`TransferError` for someone who is not leaving, or a choice that is not a
    colleague who stays.
    """
    leaver = tmap.person(leaver_id)
    if leaver is None:
        raise TransferError(phrase("there is no person with id '{person}'", person=leaver_id))
    if leaver.leaving_date is None:
        raise TransferError(phrase("{name} has no leaving date", name=leaver.name))
    choices = choices or {}
    busy: list[str] = []
    items = []
    for skill_id, level, why in skills_at_risk(tmap, leaver, min_holders=min_holders):
        options = candidates(tmap, leaver, skill_id, busy=busy)
        chosen = _successors(tmap, leaver, skill_id, options, busy, choices, per_skill)
        busy.extend(c.person_id for c in chosen)
        skill = tmap.skill(skill_id)
        items.append(
            TransferItem(
                skill_id,
                skill.name if skill else skill_id,
                level,
                why,
                tuple(dict.fromkeys(chosen)),
                tuple(options[:OPTIONS]),
            )
        )
    return Proposal(leaver.id, leaver.name, leaver.leaving_date, tuple(items))


def _successors(
    tmap: TalentMap,
    leaver: Person,
    skill_id: str,
    options: list[Candidate],
    busy: list[str],
    choices: Mapping[str, Sequence[str]],
    per_skill: int,
) -> list[Candidate]:
    """Whom HR chose for the skill (each checked), else the ``per_skill`` best candidates."""
    if skill_id not in choices:
        return options[:per_skill]
    default = {c.person_id for c in options[:per_skill]}
    return [
        _by_hr(_chosen(tmap, leaver, skill_id, pid, options, busy), default)
        for pid in dict.fromkeys(choices[skill_id])
    ]


def propose_for_skill(
    tmap: TalentMap,
    skill_id: str,
    deadline: dt.date,
    *,
    choices: Sequence[str] | None = None,
    per_skill: int = 1,
    min_holders: int = 3,
) -> Proposal:
    """Successors for a skill that fewer than ``min_holders`` people hold at level 3 or higher
    (whether or not they leave), with its holders passing it on before ``deadline``: the same
    candidates, reasons and choice as for a leaver (``choices``: the person ids HR chose).

    Raises :class:`TransferError` for an unknown skill, one nobody holds at level 3 or higher,
    one enough people hold, or a choice that is not a colleague who stays.
    """
    skill = tmap.skill(skill_id)
    if skill is None:
        raise TransferError(phrase("there is no skill with id '{skill}'", skill=skill_id))
    holders = sorted(
        ((p, int(lv)) for p, lv in tmap.holders_of(skill_id) if lv >= KEY_LEVEL),
        key=lambda h: (-h[1], h[0].name.casefold(), h[0].id),
    )
    if not holders:
        raise TransferError(phrase("nobody holds {skill} at level 3 or higher", skill=skill.name))
    if len(holders) >= min_holders:
        raise TransferError(
            counted(
                len(holders),
                "{n} colleague holds {skill} at level 3 or higher: it is not at risk",
                "{n} colleagues hold {skill} at level 3 or higher: it is not at risk",
                skill=skill.name,
            )
        )
    first = holders[0][0]
    why = counted(
        len(holders),
        "only {names:list} holds {skill} at level 3 or higher",
        "only {names:list} hold {skill} at level 3 or higher",
        names=[p.name for p, _ in holders],
        skill=skill.name,
    )
    options = candidates(tmap, first, skill_id)
    picked = {skill_id: list(choices)} if choices is not None else {}
    chosen = _successors(tmap, first, skill_id, options, [], picked, per_skill)
    item = TransferItem(
        skill_id,
        skill.name,
        holders[0][1],
        (why,),
        tuple(dict.fromkeys(chosen)),
        tuple(options[:OPTIONS]),
    )
    return Proposal(
        first.id,
        first.name,
        deadline,
        (item,),
        skill_id=skill_id,
        holders=tuple(p.id for p, _ in holders),
    )


def _chosen(
    tmap: TalentMap, leaver: Person, skill_id: str, pid: str, options: list[Candidate], busy: list[str]
) -> Candidate:
    for candidate in options:
        if candidate.person_id == pid:
            return candidate
    person = tmap.person(pid)
    if person is None:
        raise TransferError(phrase("there is no person with id '{person}'", person=pid))
    if pid == leaver.id:
        raise TransferError(phrase("{name} passes it on and cannot also take it over", name=person.name))
    if _leaves(person, None):
        raise TransferError(phrase("{name} leaves too and cannot take over", name=person.name))
    level = int(tmap.levels_of(pid).get(skill_id, Level.NONE))
    if level >= KEY_LEVEL:
        raise TransferError(phrase("{name} holds it at level 3 or higher already", name=person.name))
    skill = tmap.skill(skill_id)
    wish = tmap.wished_by(pid).get(skill_id)
    reasons = _reasons(leaver, person, skill.name if skill else skill_id, level, wish, None, pid in busy)
    return Candidate(pid, person.name, level, wish, tuple(reasons))


def _by_hr(candidate: Candidate, default: set[str]) -> Candidate:
    """A successor HR chose instead of the proposed one says so first."""
    if candidate.person_id in default:
        return candidate
    return dataclasses.replace(candidate, reasons=(phrase("chosen by HR"), *candidate.reasons))
