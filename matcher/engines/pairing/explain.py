"""Reasons in words: why a pair was proposed, and why someone was left out."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from matcher.domain.model import Level
from matcher.domain.phrases import clauses, counted, phrase, term
from matcher.domain.wording import listing
from matcher.engines.pairing import fairness, feedback
from matcher.engines.pairing.problem import (
    Candidate,
    PairingProblem,
    Served,
    able_to_serve,
    gains_from,
    link_candidate,
    served_wishes,
)
from matcher.engines.pairing.rules import mode_reason

#: Each mode's (teacher, learner) as one person, and below as more than one.
ROLE_NOUN = {
    "mentor": (term("mentor"), term("mentee")),
    "reverse": (term("reverse mentor"), term("learner")),
    "exchange": (term("partner"), term("partner")),
    "buddy": (term("buddy"), term("newcomer")),
    "intern-manager": (term("manager"), term("intern")),
}
ROLE_NOUNS = {
    "mentor": (term("mentors"), term("mentees")),
    "reverse": (term("reverse mentors"), term("learners")),
    "exchange": (term("partners"), term("partners")),
    "buddy": (term("buddies"), term("newcomers")),
    "intern-manager": (term("managers"), term("interns")),
}


def level_word(level: int) -> str:
    return Level(level).label


def served_phrase(problem: PairingProblem, teacher: str, learner: str, served: Iterable[Served]) -> list[str]:
    phrases = []
    for s in sorted(served, key=lambda s: (-s.credit, problem.skill_name(s.skill_id))):
        who = {
            "teacher": problem.name(teacher),
            "teacher_level": level_word(s.teacher_level),
            "skill": problem.skill_name(s.skill_id),
            "learner": problem.name(learner),
            "learner_level": level_word(s.learner_level),
            "priority": s.priority,
        }
        if s.via:
            phrases.append(
                phrase(
                    "{teacher} ({teacher_level}) can teach {skill} through the related skill {related} to "
                    "{learner} ({learner_level}), who wants it with priority {priority}",
                    related=problem.skill_name(s.via),
                    **who,
                )
            )
        else:
            phrases.append(
                phrase(
                    "{teacher} ({teacher_level}) can teach {skill} to {learner} ({learner_level}), "
                    "who wants it with priority {priority}",
                    **who,
                )
            )
    return phrases


def pair_reasons(
    problem: PairingProblem, members: tuple[str, ...], *, locked: bool, load: int = 0
) -> list[str]:
    """Everything that made this pair: the wishes it serves, what it mixes, which rules shaped it."""
    reasons: list[str] = []
    if locked:
        reasons.append(phrase("locked by HR"))
    for a, b, candidate in _links(problem, members):
        reasons += served_phrase(problem, a, b, served_wishes(problem, a, b))
        if not problem.config.directed:
            reasons += served_phrase(problem, b, a, served_wishes(problem, b, a))
        reasons += _mix_phrases(problem, a, b, candidate)
        reasons += _fairness_phrases(problem, a, b, candidate)
        reasons += _feedback_phrases(problem, a, b)
    if problem.config.directed and load > 1:
        reasons.append(
            counted(
                load,
                "{name} takes {n} learner this round",
                "{name} takes {n} learners this round",
                name=problem.name(members[0]),
            )
        )
    learner = members[-1]
    struck = problem.ruled_out.get(learner)
    if struck:
        reasons.append(
            counted(
                sum(struck.values()),
                "rules struck out {n} other possible partner of {name} ({detail})",
                "rules struck out {n} other possible partners of {name} ({detail})",
                name=problem.name(learner),
                detail=struck_detail(struck),
            )
        )
    return reasons


def struck_detail(struck: Counter[str]) -> str:
    """How many candidates each rule struck out: "2 by 'own manager' and 1 by 'cooldown'"."""
    return listing(phrase("{n} by '{rule}'", rule=rule, n=n) for rule, n in struck.most_common())


def _feedback_phrases(problem: PairingProblem, a: str, b: str) -> list[str]:
    """What earlier sessions changed for this pair (see :mod:`.feedback`): a repeat the cooldown
    allows only because both rated it highly, and wishes in skills whose sessions led to applied
    value. The reduced places of a teacher whose sessions did not take place are said to HR only,
    not in a pair's reasons, which the pair reads too."""
    config = problem.config
    said: list[str] = []
    ago = problem.rounds_ago.get(frozenset((a, b)))
    if ago is not None and ago <= config.rules.cooldown_rounds and feedback.may_repeat(config, a, b):
        said.append(feedback.repeat_reason())
    if config.weights.valued_skills and config.feedback.skill_ids:
        served = [*served_wishes(problem, a, b), *(() if config.directed else served_wishes(problem, b, a))]
        valued = {s.skill_id for s in served if s.skill_id in config.feedback.skill_ids}
        said += [feedback.valued_skill_reason(problem.skill_name(s)) for s in sorted(valued)]
    return said


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
    years = round(abs(problem.experience(a) - problem.experience(b)))
    say = {
        "department": phrase("mixes departments ({a} and {b})", a=pa.department, b=pb.department),
        "function": phrase("mixes functions ({a} and {b})", a=pa.function, b=pb.function),
        "site": phrase("mixes sites ({a} and {b})", a=pa.site, b=pb.site),
        "same site": phrase("both work at {site}", site=pa.site),
        "other team": (
            phrase("{a} is outside {b}'s own team", a=problem.name(a), b=problem.name(b)) if pb.team else None
        ),
        "experience gap": counted(years, "{n} year apart in experience", "{n} years apart in experience"),
        "same team": phrase("same team: their work depends on each other"),
        "cross team": _across_teams(problem, a, b),
        "left out last round": phrase("gives priority to someone left out last round"),
        "repeat": phrase("paired before, longer ago than the cooldown (a small penalty)"),
    }
    # One sentence once: across teams and a buddy's other team can say the same.
    return list(dict.fromkeys(said for name, _ in candidate.parts if (said := say.get(name))))


def _fairness_phrases(problem: PairingProblem, a: str, b: str, candidate: Candidate) -> list[str]:
    """What the programme's earlier rounds did for this pair (see :mod:`.fairness`)."""
    settings, memory = problem.config.fairness, problem.recall
    parts = dict(candidate.parts)
    said: list[str] = []
    if "left out before" in parts:
        for person in (b,) if problem.config.directed else (a, b):
            streak = memory.streak.get(person, 0)
            if streak:
                said.append(fairness.streak_reason(problem.name(person), streak))
            if settings.max_unplaced_rounds and streak >= settings.max_unplaced_rounds:
                said.append(fairness.placed_first_reason(problem.name(person), settings.max_unplaced_rounds))
    if problem.config.directed and settings.recent_load and memory.load:
        load = memory.load.get(a, 0)
        if "recent load" in parts or not load:
            said.append(fairness.load_reason(problem.name(a), load, memory.rounds))
    if settings.fresh_partners and problem.mode == "exchange" and frozenset((a, b)) not in problem.rounds_ago:
        said.append(fairness.fresh_reason())
    return said


def _across_teams(problem: PairingProblem, a: str, b: str) -> str | None:
    """What the pair does across teams: brings two teams together only when both are in one;
    with one team between them, the other comes from outside it; with none, nothing is claimed."""
    team_a, team_b = problem.people[a].team, problem.people[b].team
    if team_a and team_b:
        return phrase("brings two teams together")
    if team_a or team_b:
        outsider, insider = (b, a) if team_a else (a, b)
        return phrase("{a} is outside {b}'s own team", a=problem.name(outsider), b=problem.name(insider))
    return None


# -- left out ---------------------------------------------------------------------------------------


def left_out(problem: PairingProblem, chosen: list[tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """Everyone taking part who is in no pair, as (person id, role, reason)."""
    in_pairs = {m for pair in chosen for m in pair}
    teaching = Counter(p[0] for p in chosen) if problem.config.directed else Counter()
    learning = {p[-1] for p in chosen} if problem.config.directed else in_pairs
    teacher_noun, learner_noun = ROLE_NOUN[problem.mode]
    learners = ROLE_NOUNS[problem.mode][1]
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
        streak = problem.recall.streak.get(learner, 0)
        if fairness.left_out_points(problem.config.fairness, streak):
            reason = clauses([reason, fairness.still_left_out(streak)])
        result.append((learner, learner_noun, reason))
    if problem.config.directed:
        for teacher in problem.teachers:
            if teacher in in_pairs or (teacher in problem.learner_set and teacher in learning):
                continue
            mine = [c for c in options[teacher] if c.members[0] == teacher]
            if not mine:
                reason = phrase(
                    "nobody taking part as {learner} can learn something from them under the rules",
                    learner=learner_noun,
                )
            else:
                reason = counted(
                    len(mine),
                    "their only possible {learner} was paired with a better fit",
                    "their {n} possible {learners} were paired with better fits",
                    learner=learner_noun,
                    learners=learners,
                )
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
    teacher_noun, teachers_noun = ROLE_NOUN[problem.mode][0], ROLE_NOUNS[problem.mode][0]
    mine = [c for c in options if c.members[1] == learner]
    if not mine:
        return _no_candidate_reason(problem, learner)
    teachers = sorted({c.members[0] for c in mine}, key=problem.name)
    full = [t for t in teachers if teaching[t] >= max(problem.capacity(t), 1)]
    busy_learning = [t for t in teachers if t in learning]
    wished, able = (
        _top_wish(problem, learner, teachers) if problem.mode in ("mentor", "reverse") else (None, [])
    )
    parts = []
    if wished:
        demand = demand_for[wished]
        names = some_names([problem.name(t) for t in able])
        places = counted(sum(problem.capacity(t) for t in able), "{n} place", "{n} places")
        parts.append(
            counted(
                demand,
                "{n} person wants {skill}",
                "{n} people want {skill}",
                skill=problem.skill_name(wished),
            )
        )
        who = {"teacher": teacher_noun, "teachers": teachers_noun, "names": names, "places": places}
        if len(able) <= 4:
            parts.append(
                counted(
                    len(able),
                    "the only {n} {teacher} who can teach it ({names}) has {places}, "
                    "given to pairs that score higher",
                    "the only {n} {teachers} who can teach it ({names}) have {places} in all, "
                    "given to pairs that score higher",
                    **who,
                )
            )
        else:
            parts.append(
                phrase(
                    "{n} {teachers} who can teach it ({names}) have {places} in all, "
                    "given to pairs that score higher",
                    n=len(able),
                    **who,
                )
            )
    else:
        parts.append(
            counted(
                len(teachers),
                "the only possible {teacher} has {places}, all given to pairs that score higher",
                "all {n} possible {teachers} ({places} in all) went to pairs that score higher",
                teacher=teacher_noun,
                teachers=teachers_noun,
                places=counted(sum(problem.capacity(t) for t in teachers), "{n} place", "{n} places"),
            )
        )
    if busy_learning:
        learning_now = [problem.name(t) for t in busy_learning[:3]]
        if len(busy_learning) > 3:
            learning_now.append(counted(len(busy_learning) - 3, "{n} other", "{n} others"))
        parts.append(
            counted(
                len(busy_learning),
                "{names:list} learns in this round (one role per person)",
                "{names:list} learn in this round (one role per person)",
                names=learning_now,
            )
        )
    elif full and len(full) < len(teachers):
        parts.append(counted(len(full), "{n} of them is at capacity", "{n} of them are at capacity"))
    struck = problem.ruled_out.get(learner)
    if struck:
        parts.append(
            phrase(
                "the rules struck out {n} more ({detail})",
                n=sum(struck.values()),
                detail=struck_detail(struck),
            )
        )
    return clauses(parts)


def _top_wish(problem: PairingProblem, learner: str, teachers: list[str]) -> tuple[str | None, list[str]]:
    """The learner's most wanted wish that one of ``teachers`` can serve (ties: the skill's name),
    and the teachers who can serve it. The wishes are tried most wanted first, so most learners
    need only their first."""
    wishes = problem.tmap.wished_by(learner)
    for skill_id in sorted(wishes, key=lambda s: (-wishes[s], problem.skill_name(s))):
        able = able_to_serve(problem, teachers, learner, skill_id)
        if able:
            return skill_id, able
    return None, []


def _no_candidate_reason(problem: PairingProblem, learner: str) -> str:
    teacher_noun, _ = ROLE_NOUN[problem.mode]
    struck = problem.ruled_out.get(learner)
    locked = any(learner in lock for lock in problem.locks)
    if locked:
        return phrase("in a pair HR locked")
    if problem.mode in ("mentor", "reverse"):
        able = sorted(gains_from(problem, learner))
        wrong_side = [t for t in able if mode_reason(problem, t, learner)]
        wishes = ", ".join(problem.skill_name(s) for s in problem.tmap.wished_by(learner))
        if not able:
            return phrase(
                "nobody taking part as {teacher} holds what they want ({wishes}) at a higher level",
                teacher=teacher_noun,
                wishes=wishes,
            )
        if len(wrong_side) == len(able) and not struck and problem.mode == "mentor":
            return counted(
                len(able),
                "the only person who knows what they want is not more experienced than them",
                "the {n} people who know what they want are not more experienced than them",
            )
        if len(wrong_side) == len(able) and not struck:
            return counted(
                len(able),
                "the only person who knows what they want is not less experienced than them",
                "the {n} people who know what they want are not less experienced than them",
            )
    if struck:
        return phrase(
            "every possible {teacher} is ruled out: {detail}",
            teacher=teacher_noun,
            detail=struck_detail(struck),
        )
    if not problem.teachers:
        return phrase("nobody takes part as {teacher} in this round", teacher=teacher_noun)
    return phrase("no {teacher} taking part fits them", teacher=teacher_noun)


def _exchange_reason(
    problem: PairingProblem, person: str, options: list[Candidate], in_pairs: set[str]
) -> str:
    if any(person in lock for lock in problem.locks):
        return phrase("in a pair HR locked")
    if not options:
        struck = problem.ruled_out.get(person)
        if struck:
            return phrase(
                "every colleague they could exchange with is ruled out: {detail}",
                detail=struck_detail(struck),
            )
        return phrase("nobody who can teach them what they want wants to learn something they know")
    partners = sorted({m for c in options for m in c.members if m != person}, key=problem.name)
    taken = [p for p in partners if p in in_pairs]
    names = some_names([problem.name(p) for p in partners])
    if len(taken) == len(partners):
        return counted(
            len(partners),
            "their only possible partner ({names}) was paired with a better fit; "
            "the number taking part is odd",
            "their possible partners ({names}) were paired with better fits; the number taking part is odd",
            names=names,
        )
    return counted(
        len(taken),
        "of their possible partners ({names}), {n} was paired with a better fit",
        "of their possible partners ({names}), {n} were paired with better fits",
        names=names,
    )


def some_names(names: list[str], shown: int = 4) -> str:
    """Up to ``shown`` names joined the reader's way ("a, b en c"); more: the first and how many
    others ("a, b, c, d and 3 others")."""
    if len(names) <= shown:
        return listing(names)
    return counted(
        len(names) - shown, "{names} and {n} other", "{names} and {n} others", names=", ".join(names[:shown])
    )
