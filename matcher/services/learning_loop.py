"""The learning loop: what comes back from sessions feeds the next pairing round (DOMAIN.md).

From the "did you meet?" check-ins and the reflections on sessions, :func:`feedback_for` derives a
:class:`~matcher.engines.pairing.feedback.Feedback` for a round about to be proposed; the round
keeps it in its config, so that checking, publishing and "why not X?" see what the proposal saw.
What each signal means:

* **rated highly**: a pair of one of the last :attr:`LoopSettings.rounds` published rounds of the
  same kind, in which each of the two reached applied value or more (applied, realised or
  reframing) in their latest reflection on their sessions together;
* **not held**: a teacher (the first of a pair in a directed round) of those rounds whose sessions
  did not take place at least :data:`~matcher.engines.pairing.feedback.NOT_HELD_PER_PLACE` times;
  a session counts as not held when one of its participants answered so (moved does not count);
* **valued skill**: a skill whose sessions of the last :attr:`LoopSettings.skill_days` days (pair
  meetings of any pairing round, shadowing slots, lunch & learn sessions) led at least
  :attr:`LoopSettings.min_group` people to applied value or more, and at least half of those
  who reflected on them. A pair meeting is about the skills the learner wishes and the teacher
  holds at a higher level, as the talent map says now.

Whether each signal acts is HR's switch in the round's settings. HR sees what changed as counts
(:func:`what_changed`): numbers of pairs, of sessions, of people, never who answered what.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from matcher.domain.model import Organisation
from matcher.domain.phrases import counted, phrase
from matcher.domain.schedule import ScheduledEvent
from matcher.engines.pairing import DIRECTED, MODES, PairingConfig
from matcher.engines.pairing import feedback as loop
from matcher.engines.pairing.feedback import NOT_HELD_PER_PLACE, Feedback
from matcher.plans.rounds import PUBLISHED, StoredRound
from matcher.services import notices
from matcher.storage import Database, load_people, people, schedule
from matcher.storage import learning_loop as store
from matcher.storage import rounds as round_storage

#: The value levels that count as rated highly: applied value or more.
HIGH_LEVELS = frozenset({"applied", "realised", "reframing"})
MEETING, SKILLED_KINDS = "meeting", ("shadowing", "lunch")


@dataclass(frozen=True)
class LoopSettings:
    """How far the loop looks back, and the smallest group whose answers it counts."""

    #: Earlier published rounds of the same kind looked back on, for pairs and sessions not held.
    rounds: int = 4
    #: Days of sessions looked back on for the skills: a year of quarterly value checks.
    skill_days: int = 365
    #: The fewest people whose answers make a skill count more, as the survey reports count.
    min_group: int = 5


# -- deriving the signals ---------------------------------------------------------------------------


def feedback_for(
    db: Database, mode: str, *, round_name: str, today: dt.date, settings: LoopSettings | None = None
) -> Feedback:
    """What the sessions of earlier rounds say for a ``mode`` round named ``round_name``."""
    settings = settings or LoopSettings()
    if mode not in MODES:
        return Feedback()
    since = today - dt.timedelta(days=settings.skill_days)
    with db.transaction() as session:
        summaries = [s for s in round_storage.round_summaries(session) if s.status == PUBLISHED]
        modes = {s.name: s.mode for s in summaries if s.mode in MODES}
        same_kind = sorted(
            (s for s in summaries if s.mode == mode and s.name != round_name),
            key=lambda s: (s.published or s.created, s.name),
            reverse=True,
        )
        recent = {s.name for s in same_kind[: settings.rounds]}
        events = [
            e
            for e in schedule.events(session, planned_only=False)
            if (e.kind == MEETING and e.source in modes) or e.kind in SKILLED_KINDS
        ]
        levels = store.levels_on(session, (e.id for e in events if e.id is not None), since=None)
        meeting_people = {m for e in events if e.kind == MEETING for m in e.members}
        org = people.load_part(session, meeting_people)
    by_id = {e.id: e for e in events if e.id is not None}
    recent_meetings = [e for e in events if e.kind == MEETING and e.source in recent]
    answers = notices.check_in_answers(db, event_ids=[e.id for e in recent_meetings if e.id is not None])
    return Feedback(
        rated_highly=rated_highly(recent_meetings, levels),
        not_held=not_held(recent_meetings, answers, directed=mode in DIRECTED),
        valued_skills=valued_skills(
            [r for r in levels if since <= r.session_day <= today], by_id, modes, org, settings.min_group
        ),
    )


def rated_highly(
    meetings: Iterable[ScheduledEvent], levels: Iterable[store.ReachedLevels]
) -> tuple[tuple[str, str], ...]:
    """The pairs in which each reached applied value or more in their latest reflection on their
    sessions together."""
    together: dict[int, list[tuple[str, str]]] = {}
    for event in meetings:
        if event.id is not None:
            together[event.id] = [
                (a, b) if a < b else (b, a) for a, b in combinations(dict.fromkeys(event.members), 2)
            ]
    latest: dict[tuple[tuple[str, str], str], store.ReachedLevels] = {}
    for reflection in levels:  # oldest first: a later one replaces an earlier one
        for pair in together.get(reflection.event_id, ()):
            if reflection.person_id in pair:
                latest[(pair, reflection.person_id)] = reflection
    pairs = {pair for pairs in together.values() for pair in pairs}
    return tuple(
        sorted(
            pair
            for pair in pairs
            if all(
                (pair, person) in latest and HIGH_LEVELS & set(latest[(pair, person)].levels)
                for person in pair
            )
        )
    )


def not_held(
    meetings: Iterable[ScheduledEvent], answers: Iterable[notices.CheckInAnswer], *, directed: bool
) -> tuple[tuple[str, int], ...]:
    """Teachers with at least :data:`NOT_HELD_PER_PLACE` sessions that a participant said did not
    take place, with how many."""
    if not directed:
        return ()
    teacher = {e.id: e.members[0] for e in meetings if e.id is not None and len(e.members) == 2}
    sessions: dict[str, set[tuple[int, dt.date]]] = defaultdict(set)
    for answer in answers:
        if answer.answer == notices.NOT_HELD and answer.event_id in teacher:
            sessions[teacher[answer.event_id]].add((answer.event_id, answer.session_day))
    return tuple(sorted((t, len(s)) for t, s in sessions.items() if len(s) >= NOT_HELD_PER_PLACE))


def valued_skills(
    levels: Iterable[store.ReachedLevels],
    events: dict[int, ScheduledEvent],
    modes: dict[str, str],
    org: Organisation,
    min_group: int,
) -> tuple[tuple[str, int, int], ...]:
    """Skills whose sessions led at least ``min_group`` people, and at least half of those who
    reflected on them, to applied value or more: (skill, people who reached it, people who
    reflected). People are counted, not reflections, so one person's many answers count once."""
    reflected: dict[str, set[str]] = defaultdict(set)
    valued: dict[str, set[str]] = defaultdict(set)
    skills_of = _SessionSkills(org, modes)
    for reflection in levels:
        event = events.get(reflection.event_id)
        if event is None:
            continue
        high = bool(HIGH_LEVELS & set(reflection.levels))
        for skill in skills_of(event):
            reflected[skill].add(reflection.person_id)
            if high:
                valued[skill].add(reflection.person_id)
    return tuple(
        (skill, len(valued[skill]), len(reflected[skill]))
        for skill in sorted(valued)
        if len(valued[skill]) >= min_group and 2 * len(valued[skill]) >= len(reflected[skill])
    )


class _SessionSkills:
    """The skills a session is about: a shadowing slot's or lunch session's own skill; for a pair
    meeting, what the learner wishes and the teacher holds at a higher level (both ways in an
    exchange round)."""

    def __init__(self, org: Organisation, modes: dict[str, str]) -> None:
        self.modes = modes
        self.levels: dict[str, dict[str, int]] = defaultdict(dict)
        for h in org.holdings:
            self.levels[h.person_id][h.skill_id] = int(h.level)
        self.wishes: dict[str, list[str]] = defaultdict(list)
        for w in org.wishes:
            self.wishes[w.person_id].append(w.skill_id)

    def __call__(self, event: ScheduledEvent) -> list[str]:
        if event.kind != MEETING:
            skill = event.details.get("skill")
            return [skill] if isinstance(skill, str) and skill else []
        members = list(dict.fromkeys(event.members))
        if len(members) != 2:
            return []
        directions = [members] if self.modes.get(event.source) in DIRECTED else [members, members[::-1]]
        found: list[str] = []
        for teacher, learner in directions:
            held, own = self.levels[teacher], self.levels[learner]
            found += [s for s in self.wishes[learner] if held.get(s, 0) > own.get(s, 0)]
        return list(dict.fromkeys(found))


# -- what HR sees -------------------------------------------------------------------------------------


def what_changed(db: Database, stored: StoredRound) -> list[str]:
    """What earlier rounds changed in this pairing round, in counts, as HR's review page says it;
    empty for a group round."""
    config = stored.config
    if not isinstance(config, PairingConfig):
        return []
    fed = config.feedback
    said: list[str] = []
    if fed.rated_highly:
        said.append(_repeats(config, stored))
    in_round = {m for unit in stored.pairs for m in unit.members} | {u.person_id for u in stored.unmatched}
    not_held_here = [(t, n) for t, n in fed.not_held if t in in_round]
    if not_held_here:
        said += _fewer_mentees(db, config, not_held_here)
    if fed.valued_skills:
        said.append(_valued(db, config))
    return said or [phrase("nothing from earlier sessions changed this round")]


def _repeats(config: PairingConfig, stored: StoredRound) -> str:
    n = len(config.feedback.rated_highly)
    if not config.rules.repeat_when_rated_highly:
        return counted(
            n,
            "{n} pair rated their sessions together highly; meeting again despite the cooldown is "
            "switched off",
            "{n} pairs rated their sessions together highly; meeting again despite the cooldown is "
            "switched off",
        )
    reason = loop.repeat_reason()
    again = sum(1 for unit in stored.pairs if reason in unit.reasons)
    return counted(
        n,
        "{n} pair rated their sessions together highly and may meet again despite the cooldown; "
        "{again} meet again in this round",
        "{n} pairs rated their sessions together highly and may meet again despite the cooldown; "
        "{again} meet again in this round",
        again=again,
    )


def _fewer_mentees(db: Database, config: PairingConfig, found: list[tuple[str, int]]) -> list[str]:
    if not config.rules.fewer_mentees_when_not_held:
        return [
            counted(
                len(found),
                "the sessions of {n} teacher in this round repeatedly did not take place; fewer "
                "mentees for them is switched off",
                "the sessions of {n} teachers in this round repeatedly did not take place; fewer "
                "mentees for them is switched off",
            )
        ]
    with db.transaction() as session:
        known = load_people(session, (t for t, _n in found))
    said = []
    for teacher, n in found:
        person = known.get(teacher)
        name = person.name if person else teacher
        stated = person.mentor_capacity if person else 0
        before = stated if stated > 0 else config.default_capacity
        after = loop.places_after(before, n)
        if after < before:
            said.append(loop.fewer_mentees_reason(name, n, before, after))
        else:
            said.append(
                counted(
                    n,
                    "{name}: {n} of their sessions did not take place; they keep their one place",
                    "{name}: {n} of their sessions did not take place; they keep their one place",
                    name=name,
                )
            )
    return said


def _valued(db: Database, config: PairingConfig) -> str:
    valued = config.feedback.valued_skills
    with db.transaction() as session:
        names = {s.id: s.name for s in people.load_skills(session, (s for s, _h, _r in valued))}
    skills = [
        phrase(
            "{skill} ({high} of {reflected} colleagues)",
            skill=names.get(s, s),
            high=high,
            reflected=reflected,
        )
        for s, high, reflected in valued
    ]
    if not config.weights.valued_skills:
        return phrase(
            "sessions on {skills:list} led to applied value or more; counting these skills more is "
            "switched off",
            skills=skills,
        )
    return phrase(
        "sessions on {skills:list} led to applied value or more, so these skills count more", skills=skills
    )


__all__ = [
    "HIGH_LEVELS",
    "LoopSettings",
    "feedback_for",
    "not_held",
    "rated_highly",
    "valued_skills",
    "what_changed",
]
