"""Who can I ask about X: the people to ask about a skill, best first, with their reasons.

Who to ask
----------
Only people who opted in to "ask me about" are ever listed, and the asker never
is. With the weights ``w`` of :class:`AskWeights` a person's score for a skill is::

    score = w.level * level
          + w.mentor  if open to mentoring with a free place
          + w.host    if open to being shadowed
          - w.load * min(1, active / capacity)
          + w.language                           if asker and person share a language
          + w.site                               if they work at the same site
          + w.overlap * min(1, shared / asker_week)

``active`` counts the pairings and groups the person takes part in today;
``capacity`` is their mentor capacity, or ``w.usual_load`` when they do not
mentor. ``shared`` is the weekly working time the two have in common in UTC
and ``asker_week`` the asker's own weekly working time; the fit terms count
only when an asker is given. The default weights of everything but level add up
to less than ``w.level``, so a higher level always ranks first and the rest
orders people of one level. When no one can be asked about X itself, holders
of related skills are offered, scored ``score * strength``. Leaving dates play
no part here: they are not the asker's business.

Ties go to the name, then the id, so the same map always gives the same answer.

>>> import datetime as dt
>>> from matcher.domain.model import Holding, Organisation, Person, Skill
>>> from matcher.domain.talentmap import TalentMap
>>> org = Organisation(
...     people=(Person("ann", "Ann", "ann@example.org"), Person("bo", "Bo", "bo@example.org")),
...     skills=(Skill("py", "Python", aliases=("python3",)),),
...     holdings=(Holding("ann", "py", 4), Holding("bo", "py", 2)),
... )
>>> [a.name for a in TalentMap(org, today=dt.date(2024, 3, 1)).ask("pyhton").answers]
['Ann', 'Bo']
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from matcher.domain.model import Level, Person, Skill
from matcher.domain.overlap import overlap_minutes
from matcher.domain.phrases import counted, phrase, term
from matcher.domain.talentmap.build import MapIndex, base_language

LANGUAGE_NAMES = {
    "nl": term("Dutch"), "en": term("English"), "fr": term("French"), "de": term("German"),
    "es": term("Spanish"), "it": term("Italian"), "pt": term("Portuguese"), "pl": term("Polish"),
    "tr": term("Turkish"), "ar": term("Arabic"), "zh": term("Chinese"), "fy": term("Frisian"),
    "pap": term("Papiamento"), "uk": term("Ukrainian"), "ru": term("Russian"), "ro": term("Romanian"),
}  # fmt: skip
#: The first reason of an answer, by the level held: a sentence about the skill named.
LEVEL_PHRASES: dict[Level, Callable[[str], str]] = {
    Level.EXPERT: lambda skill: phrase("expert in {skill} (level 4)", skill=skill),
    Level.PROFICIENT: lambda skill: phrase("proficient in {skill} (level 3)", skill=skill),
    Level.WORKING: lambda skill: phrase("works with {skill} day to day (level 2)", skill=skill),
    Level.AWARE: lambda skill: phrase("knows the basics of {skill} (level 1)", skill=skill),
}


@dataclass(frozen=True)
class Answer:
    person_id: str
    name: str
    level: int
    score: float
    reasons: tuple[str, ...]
    related_skill: str | None
    email: str
    department: str
    function: str
    site: str

    def as_dict(self) -> dict:
        return {
            "person_id": self.person_id, "name": self.name, "level": self.level,
            "level_label": Level(self.level).label, "score": round(self.score, 2),
            "reasons": list(self.reasons), "related_skill": self.related_skill, "email": self.email,
            "department": self.department, "function": self.function, "site": self.site,
        }  # fmt: skip


@dataclass(frozen=True)
class AskResult:
    query: str
    skill_id: str
    skill_name: str
    matched_by: str
    answers: tuple[Answer, ...]

    def as_dict(self) -> dict:
        return {
            "query": self.query, "skill_id": self.skill_id, "skill_name": self.skill_name,
            "matched_by": self.matched_by, "answers": [a.as_dict() for a in self.answers],
        }  # fmt: skip


class AskQuestions(MapIndex):
    """Who can I ask about X, on the indexes of :class:`MapIndex`."""

    def ask(self, query: str, *, asker_id: str | None = None, limit: int = 10) -> AskResult:
        """Who to ask about a skill, best first, each with the reasons they are listed.

        An ``asker_id`` that is not on the map still keeps that id off the list,
        but without a person to compare with, fit adds nothing.
        """
        skill, matched_by = self.resolve_skill(query)
        asker = self._people.get(asker_id) if asker_id else None
        ctx = self._asker_context(asker)
        scored: dict[str, tuple[float, Level, str | None]] = {
            pid: (score, level, None) for score, pid, level in self._top(skill.id, asker_id, ctx, limit)
        }
        if not scored and limit > 0:
            scored = self._related_scores(skill.id, asker_id, ctx, limit)
        top = sorted(scored, key=lambda pid: (-scored[pid][0], self._order[pid]))[: max(0, limit)]
        answers = tuple(self._answer(skill, pid, *scored[pid], ctx) for pid in top)
        return AskResult(query, skill.id, skill.name, matched_by, answers)

    def _top(
        self,
        skill_id: str,
        asker_id: str | None,
        ctx: _AskerContext | None,
        limit: int,
        strength: float = 1.0,
    ) -> list[tuple[float, str, Level]]:
        """The best ``limit`` askable holders of one skill, scanning only while fit could still lift
        someone into the top: holders come best first without fit, and fit is at most ``_max_fit``."""
        if limit <= 0:
            return []
        ceiling = self._max_fit if ctx is not None else 0.0
        worst_first: list[tuple[float, int, str, Level]] = []
        for base, pid, level in self._ranked.get(skill_id, ()):
            if len(worst_first) == limit and (base + ceiling) * strength < worst_first[0][0]:
                break
            if pid == asker_id:
                continue
            item = ((base + self._fit(pid, ctx)) * strength, -self._order[pid], pid, level)
            if len(worst_first) < limit:
                heapq.heappush(worst_first, item)
            else:
                heapq.heappushpop(worst_first, item)
        return [(score, pid, level) for score, _, pid, level in worst_first]

    def _related_scores(
        self, skill_id: str, asker_id: str | None, ctx: _AskerContext | None, limit: int
    ) -> dict[str, tuple[float, Level, str | None]]:
        """Best score per person over the related skills; the best ``limit`` of each skill suffice,
        since whoever is in the overall top is also in the top of the skill that gave their best."""
        scored: dict[str, tuple[float, Level, str | None]] = {}
        for other, strength in sorted(self._related.get(skill_id, {}).items()):
            for score, pid, level in self._top(other, asker_id, ctx, limit, strength):
                if pid not in scored or score > scored[pid][0]:
                    scored[pid] = (score, level, other)
        return scored

    def _asker_context(self, asker: Person | None) -> _AskerContext | None:
        if asker is None:
            return None
        week = self._week_key[asker.id]
        minutes = sum(end - start for start, end in self._weeks[week])
        return _AskerContext(asker, self._languages[asker.id], week, minutes)

    def _fit(self, pid: str, ctx: _AskerContext | None) -> float:
        if ctx is None:
            return 0.0
        fit = ctx.fits.get(pid)
        if fit is None:
            w = self.weights
            fit = w.language if ctx.languages & self._languages[pid] else 0.0
            if ctx.person.site and self._people[pid].site == ctx.person.site:
                fit += w.site
            if ctx.week_minutes:
                fit += w.overlap * min(1.0, self._overlap(ctx, pid) / ctx.week_minutes)
            ctx.fits[pid] = fit
        return fit

    def _overlap(self, ctx: _AskerContext, pid: str) -> int:
        key = self._week_key[pid]
        if key not in ctx.overlaps:
            ctx.overlaps[key] = overlap_minutes(self._weeks[ctx.week], self._weeks[key])
        return ctx.overlaps[key]

    def _answer(
        self, skill: Skill, pid: str, score: float, level: Level, via: str | None, ctx: _AskerContext | None
    ) -> Answer:
        person = self._people[pid]
        if via is None:
            first = LEVEL_PHRASES[level](skill.name)
        else:
            first = phrase(
                "nobody you can ask holds {skill}; holds the related skill {related} (level {level})",
                skill=skill.name,
                related=self._skills[via].name,
                level=int(level),
            )
        reasons = [first, *self._willingness_reasons(person)]
        if ctx is not None:
            reasons.extend(self._fit_reasons(ctx, person))
        return Answer(pid, person.name, int(level), score, tuple(reasons), via,
                      person.email, person.department, person.function, person.site)  # fmt: skip

    def _willingness_reasons(self, person: Person) -> list[str]:
        reasons = []
        active = self._active[person.id]
        if person.is_mentor:
            free = person.mentor_capacity - active
            if free > 0:
                places = counted(free, "{n} place", "{n} places")
                reasons.append(phrase("open to mentoring ({places})", places=places))
            else:
                reasons.append(phrase("open to mentoring, but has no place free at the moment"))
        if person.is_host:
            reasons.append(phrase("open to being shadowed"))
        if active:
            reasons.append(
                counted(
                    active,
                    "already takes part in {n} pairing or group now",
                    "already takes part in {n} pairings or groups now",
                )
            )
        return reasons

    def _fit_reasons(self, ctx: _AskerContext, person: Person) -> list[str]:
        reasons = []
        shared = [c for c in dict.fromkeys(map(base_language, person.languages)) if c in ctx.languages]
        if shared:
            names = [LANGUAGE_NAMES.get(c, c) for c in shared]
            reasons.append(phrase("speaks {languages:list} like you", languages=names))
        elif ctx.languages and person.languages:
            reasons.append(phrase("has no language in common with you"))
        if ctx.person.site and person.site == ctx.person.site:
            reasons.append(phrase("works at {site} like you", site=person.site))
        if ctx.week_minutes:
            reasons.append(_shared_time_phrase(self._overlap(ctx, person.id)))
        return reasons


@dataclass
class _AskerContext:
    """The asker's side of fit, with caches that live for one question."""

    person: Person
    languages: frozenset[str]
    week: int
    week_minutes: int
    overlaps: dict[int, int] = field(default_factory=dict)
    fits: dict[str, float] = field(default_factory=dict)


def _shared_time_phrase(minutes: int) -> str:
    if minutes == 0:
        return phrase("no shared working time in a usual week")
    if minutes < 60:
        return phrase("less than an hour a week of shared working time")
    return counted(
        round(minutes / 60),
        "about {n} hour a week of shared working time",
        "about {n} hours a week of shared working time",
    )
