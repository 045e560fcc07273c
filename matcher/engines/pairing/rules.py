"""The hard rules of a pairing round, one function each, shared by the solver and validate().

A pair rule looks at two people and returns why they may not be paired, or
None. The candidate builder uses the same functions to strike out pairs
before the solver sees them, and :func:`validate` uses them to re-check any
solution, including one HR edited by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from itertools import combinations

from matcher.domain.phrases import counted, phrase, term
from matcher.domain.wording import duration
from matcher.engines.pairing.feedback import may_repeat
from matcher.engines.pairing.problem import PairingProblem, make_candidate
from matcher.engines.results import Violation  # re-exported for callers that import it from here

PairRule = Callable[[PairingProblem, str, str], str | None]

ELIGIBLE = term("eligible")
ONE_PAIR_EACH = term("one pair each")
OWN_TEAM_RULE = term("own team")


def not_own_manager(problem: PairingProblem, a: str, b: str) -> str | None:
    rules = problem.config.rules
    if not (rules.not_own_manager or rules.not_in_reporting_line):
        return None
    pa, pb = problem.people[a], problem.people[b]
    if pa.manager_id == b or pb.manager_id == a:
        boss, other = (b, a) if pa.manager_id == b else (a, b)
        return phrase("{boss} is {other}'s manager", boss=problem.name(boss), other=problem.name(other))
    return None


def not_in_reporting_line(problem: PairingProblem, a: str, b: str) -> str | None:
    if not problem.config.rules.not_in_reporting_line:
        return None
    if b in problem.ancestors(a) or a in problem.ancestors(b):
        return phrase("{a} and {b} are in one reporting line", a=problem.name(a), b=problem.name(b))
    return None


def shared_language(problem: PairingProblem, a: str, b: str) -> str | None:
    if problem.config.rules.shared_language and not problem.shares_language(a, b):
        return phrase("{a} and {b} share no language", a=problem.name(a), b=problem.name(b))
    return None


def working_hours_overlap(problem: PairingProblem, a: str, b: str) -> str | None:
    needed = problem.config.rules.min_overlap_minutes
    if needed and problem.overlap(a, b) < needed:
        have = problem.overlap(a, b)
        return phrase(
            "{a} and {b} share {have} of working time a week, less than the {needed} required",
            a=problem.name(a),
            b=problem.name(b),
            have=duration(have),
            needed=duration(needed),
        )
    return None


def not_forbidden(problem: PairingProblem, a: str, b: str) -> str | None:
    if frozenset((a, b)) in problem.forbidden:
        return phrase("HR ruled out pairing {a} with {b}", a=problem.name(a), b=problem.name(b))
    return None


def not_recent_repeat(problem: PairingProblem, a: str, b: str) -> str | None:
    cooldown = problem.config.rules.cooldown_rounds
    ago = problem.rounds_ago.get(frozenset((a, b)))
    if cooldown and ago is not None and ago <= cooldown and not may_repeat(problem.config, a, b):
        names = {
            "a": problem.name(a),
            "b": problem.name(b),
            "cooldown": counted(cooldown, "cooldown {n} round", "cooldown {n} rounds"),
        }
        if ago == 1:
            return phrase("{a} and {b} were paired the last round ({cooldown})", **names)
        return counted(
            ago,
            "{a} and {b} were paired {n} round ago ({cooldown})",
            "{a} and {b} were paired {n} rounds ago ({cooldown})",
            **names,
        )
    return None


#: Pair rules in the order their reasons are given.
PAIR_RULES: dict[str, PairRule] = {
    term("forbidden"): not_forbidden,
    term("own manager"): not_own_manager,
    term("reporting line"): not_in_reporting_line,
    term("shared language"): shared_language,
    term("working hours overlap"): working_hours_overlap,
    term("cooldown"): not_recent_repeat,
}


def first_broken(problem: PairingProblem, a: str, b: str) -> tuple[str, str] | None:
    """The first pair rule the two break, as (rule name, reason), or None."""
    for name, rule in PAIR_RULES.items():
        reason = rule(problem, a, b)
        if reason:
            return name, reason
    return None


def pair_violations(problem: PairingProblem, members: tuple[str, ...]) -> list[Violation]:
    found = []
    for a, b in combinations(members, 2):
        for name, rule in PAIR_RULES.items():
            reason = rule(problem, a, b)
            if reason:
                found.append(Violation(name, members, reason))
    return found


def validate(problem: PairingProblem, pairs: Iterable[tuple[str, ...]]) -> list[Violation]:
    """Every hard rule a proposed set of pairs breaks; an empty list means the plan may be published.

    Checks: members are known people, nobody is in two pairs as learner (or, in
    exchange mode, at all), capacity, one role per person, HR's locks kept, each
    pair rule, and that each pair not locked by HR is a pair the mode allows.
    """
    pairs = [tuple(p) for p in pairs]
    found: list[Violation] = []
    locked = {frozenset(lock) for lock in problem.locks}
    directed = problem.config.directed
    for members in pairs:
        unknown = [m for m in members if m not in problem.people]
        if unknown:
            message = counted(
                len(unknown), "unknown person {ids}", "unknown people {ids}", ids=", ".join(unknown)
            )
            found.append(Violation(term("known people"), members, message))
            continue
        size_ok = len(members) == 2 or (len(members) == 3 and problem.mode == "exchange")
        if len(set(members)) != len(members) or not size_ok:
            found.append(
                Violation(
                    term("pair size"), members, phrase("a pair is two different people (exchange: or three)")
                )
            )
            continue
        found.extend(pair_violations(problem, members))
        if frozenset(members) not in locked:
            found.extend(_eligibility(problem, members))
    found.extend(_load(problem, pairs, directed))
    present = {frozenset(p) for p in pairs}
    for lock in problem.locks:
        if frozenset(lock) not in present:
            names = [problem.name(m) for m in lock]
            message = phrase("HR locked {names:list} together, but they are not paired", names=names)
            found.append(Violation(term("locked"), lock, message))
    return found


def _eligibility(problem: PairingProblem, members: tuple[str, ...]) -> list[Violation]:
    mode = problem.mode
    if mode == "exchange":
        if len(members) == 3:
            if not any(make_candidate(problem, a, b) for a, b in combinations(sorted(members), 2)):
                return [
                    Violation(ELIGIBLE, members, phrase("nobody in this trio teaches another what they want"))
                ]
            return []
        if make_candidate(problem, *sorted(members)) is None:
            return [
                Violation(
                    ELIGIBLE, members, phrase("the two do not each teach the other something they want")
                )
            ]
        return []
    teacher, learner = members
    if teacher not in problem.teachers:
        message = phrase("{name} does not take part as a teacher", name=problem.name(teacher))
        return [Violation(ELIGIBLE, members, message)]
    if learner not in problem.learner_set:
        message = phrase("{name} does not take part as a learner", name=problem.name(learner))
        return [Violation(ELIGIBLE, members, message)]
    reason = mode_reason(problem, teacher, learner)
    if reason:
        return [Violation(reason[0], members, reason[1])]
    if make_candidate(problem, teacher, learner) is None:
        return [
            Violation(
                ELIGIBLE,
                members,
                phrase(
                    "{teacher} has nothing to teach that {learner} wants",
                    teacher=problem.name(teacher),
                    learner=problem.name(learner),
                ),
            )
        ]
    return []


def mode_reason(problem: PairingProblem, teacher: str, learner: str) -> tuple[str, str] | None:
    """Why the mode does not allow this teacher for this learner, as (rule, reason), or None.

    Whether the teacher has something the learner wants is checked when the pair is scored.
    """
    mode = problem.mode
    names = {"teacher": problem.name(teacher), "learner": problem.name(learner)}
    if mode == "mentor" and problem.experience(teacher) <= problem.experience(learner):
        return ELIGIBLE, phrase("{teacher} is not more experienced than {learner}", **names)
    if mode == "reverse" and problem.experience(teacher) >= problem.experience(learner):
        return ELIGIBLE, phrase("{teacher} is not less experienced than {learner}", **names)
    if mode == "buddy" and problem.config.rules.buddy_outside_team:
        a, b = problem.people[teacher], problem.people[learner]
        if a.team and a.team == b.team:
            return OWN_TEAM_RULE, phrase("{teacher} is in {learner}'s own team", **names)
    return None


def _load(problem: PairingProblem, pairs: list[tuple[str, ...]], directed: bool) -> list[Violation]:
    found = []
    if not directed:
        seen = Counter(m for p in pairs for m in p)
        for person, n in sorted(seen.items()):
            if n > 1:
                message = counted(
                    n, "{name} is in {n} pair", "{name} is in {n} pairs", name=problem.name(person)
                )
                found.append(Violation(ONE_PAIR_EACH, (person,), message))
        return found
    teaching = Counter(p[0] for p in pairs if len(p) == 2)
    learning = Counter(p[1] for p in pairs if len(p) == 2)
    for person, n in sorted(learning.items()):
        if n > 1:
            message = counted(
                n, "{name} learns in {n} pair", "{name} learns in {n} pairs", name=problem.name(person)
            )
            found.append(Violation(ONE_PAIR_EACH, (person,), message))
    if problem.config.rules.capacity:
        for person, n in sorted(teaching.items()):
            cap = problem.capacity(person)
            if n > cap:
                message = counted(
                    n,
                    "{name} has {n} learner, capacity {capacity}",
                    "{name} has {n} learners, capacity {capacity}",
                    name=problem.name(person),
                    capacity=cap,
                )
                found.append(Violation(term("capacity"), (person,), message))
    if problem.config.rules.one_role:
        for person in sorted(set(teaching) & set(learning)):
            message = phrase("{name} both teaches and learns", name=problem.name(person))
            found.append(Violation(term("one role"), (person,), message))
    return found
