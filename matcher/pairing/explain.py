"""Reasons in words: why a pair was proposed, and why someone was left out."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from matcher.model import Level
from matcher.pairing.problem import (
    Candidate,
    PairingProblem,
    Served,
    gains_from,
    link_candidate,
    served_wishes,
)
from matcher.pairing.rules import mode_reason

ROLE_NOUN = {
    "mentor": ("mentor", "mentee"),
    "reverse": ("reverse mentor", "learner"),
    "exchange": ("partner", "partner"),
    "buddy": ("buddy", "newcomer"),
    "intern-manager": ("manager", "intern"),
}


def level_word(level: int) -> str:
    return Level(level).label


def served_phrase(problem: PairingProblem, teacher: str, learner: str, served: Iterable[Served]) -> list[str]:
    phrases = []
    for s in sorted(served, key=lambda s: (-s.credit, problem.skill_name(s.skill_id))):
        skill = problem.skill_name(s.skill_id)
        via = f" through the related skill {problem.skill_name(s.via)}" if s.via else ""
        phrases.append(
            f"{problem.name(teacher)} ({level_word(s.teacher_level)}) can teach {skill}{via} to "
            f"{problem.name(learner)} ({level_word(s.learner_level)}), "
            f"who wants it with priority {s.priority}"
        )
    return phrases


def pair_reasons(
    problem: PairingProblem, members: tuple[str, ...], *, locked: bool, load: int = 0
) -> list[str]:
    """Everything that made this pair: the wishes it serves, what it mixes, which rules shaped it."""
    reasons: list[str] = []
    if locked:
        reasons.append("locked by HR")
    for a, b, candidate in _links(problem, members):
        reasons += served_phrase(problem, a, b, served_wishes(problem, a, b))
        if not problem.config.directed:
            reasons += served_phrase(problem, b, a, served_wishes(problem, b, a))
        reasons += _mix_phrases(problem, a, b, candidate)
    if problem.config.directed and load > 1:
        reasons.append(f"{problem.name(members[0])} takes {load} learners this round")
    learner = members[-1]
    struck = problem.ruled_out.get(learner)
    if struck:
        total = sum(struck.values())
        detail = ", ".join(f"{rule} {n}" for rule, n in struck.most_common())
        reasons.append(
            f"rules struck out {total} other possible partners of {problem.name(learner)} ({detail})"
        )
    return reasons


def _links(problem: PairingProblem, members: tuple[str, ...]) -> list[tuple[str, str, Candidate]]:
    links = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            candidate = link_candidate(problem, a, b)
            if candidate is not None:
                links.append((*candidate.members, candidate))
    return links


def _mix_phrases(problem: PairingProblem, a: str, b: str, candidate: Candidate) -> list[str]:
    pa, pb = problem.people[a], problem.people[b]
    say = {
        "department": f"mixes departments ({pa.department} and {pb.department})",
        "function": f"mixes functions ({pa.function} and {pb.function})",
        "site": f"mixes sites ({pa.site} and {pb.site})",
        "same site": f"both work at {pa.site}",
        "other team": f"{problem.name(a)} is outside {problem.name(b)}'s own team",
        "experience gap": (
            f"{abs(problem.experience(a) - problem.experience(b)):.0f} years apart in experience"
        ),
        "same team": "same team: their work depends on each other",
        "cross team": "brings two teams together",
        "left out last round": "gives priority to someone left out last round",
        "repeat": "paired before, longer ago than the cooldown (a small penalty)",
    }
    return [say[name] for name, _ in candidate.parts if name in say]


# -- left out ---------------------------------------------------------------------------------------


def left_out(problem: PairingProblem, chosen: list[tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """Everyone taking part who is in no pair, as (person id, role, reason)."""
    in_pairs = {m for pair in chosen for m in pair}
    teaching = Counter(p[0] for p in chosen) if problem.config.directed else Counter()
    learning = {p[-1] for p in chosen} if problem.config.directed else in_pairs
    teacher_noun, learner_noun = ROLE_NOUN[problem.mode]
    out = {p for p in (*problem.learners, *problem.teachers) if p not in in_pairs}
    options: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in problem.candidates.values():
        for m in candidate.members:
            if m in out:
                options[m].append(candidate)
    demand_for = Counter(skill for p in problem.learners for skill in problem.tmap.wished_by(p))
    result = []
    for learner in problem.learners:
        if learner in in_pairs:
            continue
        if problem.mode == "exchange":
            reason = _exchange_reason(problem, learner, options[learner], in_pairs)
        else:
            reason = _learner_reason(problem, learner, options[learner], teaching, learning, demand_for)
        result.append((learner, learner_noun, reason))
    if problem.config.directed:
        for teacher in problem.teachers:
            if teacher in in_pairs or (teacher in problem.learner_set and teacher in learning):
                continue
            mine = [c for c in options[teacher] if c.members[0] == teacher]
            if not mine:
                reason = f"nobody taking part as {learner_noun} can learn something from them under the rules"
            else:
                reason = f"their {len(mine)} possible {learner_noun}s were paired with better fits"
            result.append((teacher, teacher_noun, reason))
    return sorted(result)


def _learner_reason(
    problem: PairingProblem,
    learner: str,
    options: list[Candidate],
    teaching: Counter[str],
    learning: set[str],
    demand_for: Counter[str],
) -> str:
    teacher_noun = ROLE_NOUN[problem.mode][0]
    mine = [c for c in options if c.members[1] == learner]
    if not mine:
        return _no_candidate_reason(problem, learner)
    teachers = sorted({c.members[0] for c in mine}, key=problem.name)
    full = [t for t in teachers if teaching[t] >= max(problem.capacity(t), 1)]
    busy_learning = [t for t in teachers if t in learning]
    wished = _top_wish(problem, learner, mine)
    parts = []
    if wished and problem.mode in ("mentor", "reverse"):
        demand = demand_for[wished]
        able = [
            t for t in teachers if any(s.skill_id == wished for s in served_wishes(problem, t, learner))
        ] or teachers
        names = ", ".join(problem.name(t) for t in able[:4]) + ("..." if len(able) > 4 else "")
        places = sum(problem.capacity(t) for t in able)
        only = "the only " if len(able) <= 4 else ""
        one = len(able) == 1
        parts.append(
            f"{demand} {'person wants' if demand == 1 else 'people want'} {problem.skill_name(wished)}; "
            f"{only}{len(able)} {teacher_noun}{'' if one else 's'} who can teach it "
            f"({names}) {'has' if one else 'have'} {places} place{'s' if places != 1 else ''}"
            f"{'' if one else ' in all'}, given to pairs that score higher"
        )
    else:
        places = sum(problem.capacity(t) for t in teachers)
        parts.append(
            f"all {len(teachers)} possible {teacher_noun}s ({places} places in all) "
            "went to pairs that score higher"
        )
    if busy_learning:
        names = ", ".join(problem.name(t) for t in busy_learning[:3])
        parts.append(
            f"{names} learn{'s' if len(busy_learning) == 1 else ''} in this round (one role per person)"
        )
    elif full and len(full) < len(teachers):
        parts.append(f"{len(full)} of them are at capacity")
    struck = problem.ruled_out.get(learner)
    if struck:
        detail = ", ".join(f"'{rule}' {n}" for rule, n in struck.most_common())
        parts.append(f"the rules struck out {sum(struck.values())} more ({detail})")
    return "; ".join(parts)


def _top_wish(problem: PairingProblem, learner: str, mine: list[Candidate]) -> str | None:
    credit: Counter[str] = Counter()
    for c in mine:
        for s in served_wishes(problem, *c.members):
            credit[s.skill_id] = max(credit[s.skill_id], s.priority)
    return min(credit, key=lambda s: (-credit[s], problem.skill_name(s))) if credit else None


def _no_candidate_reason(problem: PairingProblem, learner: str) -> str:
    teacher_noun, _ = ROLE_NOUN[problem.mode]
    struck = problem.ruled_out.get(learner)
    locked = any(learner in lock for lock in problem.locks)
    if locked:
        return "in a pair HR locked"
    if problem.mode in ("mentor", "reverse"):
        able = sorted(gains_from(problem, learner))
        wrong_side = [t for t in able if mode_reason(problem, t, learner)]
        wishes = ", ".join(problem.skill_name(s) for s in problem.tmap.wished_by(learner))
        if not able:
            return f"nobody taking part as {teacher_noun} holds what they want ({wishes}) at a higher level"
        if len(wrong_side) == len(able) and not struck:
            side = "more" if problem.mode == "mentor" else "less"
            return f"the {len(able)} people who know what they want are not {side} experienced than them"
    if struck:
        total = sum(struck.values())
        detail = ", ".join(f"'{rule}' {n}" for rule, n in struck.most_common())
        return f"every possible {teacher_noun} is ruled out: {total} by the rules {detail}"
    if not problem.teachers:
        return f"nobody takes part as {teacher_noun} in this round"
    return f"no {teacher_noun} taking part fits them"


def _exchange_reason(
    problem: PairingProblem, person: str, options: list[Candidate], in_pairs: set[str]
) -> str:
    if any(person in lock for lock in problem.locks):
        return "in a pair HR locked"
    if not options:
        struck = problem.ruled_out.get(person)
        if struck:
            detail = ", ".join(f"'{rule}' {n}" for rule, n in struck.most_common())
            return f"every colleague they could exchange with is ruled out by the rules {detail}"
        return "nobody who can teach them what they want wants to learn something they know"
    partners = sorted({m for c in options for m in c.members if m != person}, key=problem.name)
    taken = [p for p in partners if p in in_pairs]
    names = ", ".join(problem.name(p) for p in partners[:4]) + ("..." if len(partners) > 4 else "")
    if len(taken) == len(partners):
        noun = "partner" if len(partners) == 1 else "partners"
        return f"their possible {noun} ({names}) were paired with better fits; the number taking part is odd"
    return f"their possible partners ({names}) were paired with better fits"
