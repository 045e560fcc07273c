"""Reasons in words: why a group is as it is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from matcher.domain.phrases import counted, phrase
from matcher.domain.wording import listing
from matcher.engines.groups.bands import band_labels
from matcher.engines.groups.criteria import CountRange
from matcher.engines.groups.problem import (
    HOLDS,
    HOLDS_OR_WANTS,
    NO_VALUE,
    GroupProblem,
    attribute_word,
    hours_of,
    isolated_members,
    range_tally,
    repeated_pairs,
)
from matcher.engines.pairing.fairness import streak_reason

#: What a group mixes, per attribute: (number of values, the values).
MIXES: dict[str, Callable[[int, list[str]], str]] = {
    "department": lambda n, values: counted(
        n, "mixes {n} department ({values:list})", "mixes {n} departments ({values:list})", values=values
    ),
    "function": lambda n, values: counted(
        n, "mixes {n} function ({values:list})", "mixes {n} functions ({values:list})", values=values
    ),
    "site": lambda n, values: counted(
        n, "mixes {n} site ({values:list})", "mixes {n} sites ({values:list})", values=values
    ),
    "team": lambda n, values: counted(
        n, "mixes {n} team ({values:list})", "mixes {n} teams ({values:list})", values=values
    ),
    "experience": lambda n, values: counted(
        n,
        "mixes {n} band of experience ({values:list})",
        "mixes {n} bands of experience ({values:list})",
        values=values,
    ),
}

#: What most of a group shares, per attribute: (how many, group size, the value).
SHARES: dict[str, Callable[[int, int, str], str]] = {
    "department": lambda n, size, value: phrase(
        "{n} of {size} share the department '{value}'", n=n, size=size, value=value
    ),
    "function": lambda n, size, value: phrase(
        "{n} of {size} share the function '{value}'", n=n, size=size, value=value
    ),
    "site": lambda n, size, value: phrase(
        "{n} of {size} share the site '{value}'", n=n, size=size, value=value
    ),
    "team": lambda n, size, value: phrase(
        "{n} of {size} share the team '{value}'", n=n, size=size, value=value
    ),
    "experience": lambda n, size, value: phrase(
        "{n} of {size} have {value} of experience", n=n, size=size, value=value
    ),
}

#: Who is the only one of their value in the group, per attribute (the name).
ALONE: dict[str, Callable[[str], str]] = {
    "department": lambda name: phrase("{name} is the only one of their department here", name=name),
    "function": lambda name: phrase("{name} is the only one of their function here", name=name),
    "site": lambda name: phrase("{name} is the only one of their site here", name=name),
    "team": lambda name: phrase("{name} is the only one of their team here", name=name),
    "experience": lambda name: phrase("{name} is the only one of their band of experience here", name=name),
}


def group_reasons(problem: GroupProblem, members: tuple[str, ...]) -> list[str]:
    """What the group mixes or shares, who holds its topic, who is alone in a value, and how many
    pairs met in a recent round. Only values people have are named: members without a team (say)
    are not a team the group mixes in or shares."""
    reasons = []
    for c in problem.config.criteria:
        if c.goal == "ignore" or not c.weight:
            continue
        values = Counter(problem.values[c.attribute][m] for m in members)
        values.pop(NO_VALUE, None)
        if c.goal == "diverse":
            if len(values) >= 2:
                reasons.append(
                    _mixes(problem, c.attribute, sorted(values, key=lambda v: _in_order(problem, v)))
                )
        elif values:
            common, n = min(values.items(), key=lambda item: (-item[1], item[0]))
            if n >= 2:
                reasons.append(_shares(problem, c.attribute, n, len(members), common))
    for skill, holders in problem.topic_holders.items():
        here = sorted(holders & set(members), key=problem.name)
        if here:
            reasons.append(
                counted(
                    len(here),
                    "{names:list} holds {skill} at level {level} or more",
                    "{names:list} hold {skill} at level {level} or more",
                    names=[problem.name(m) for m in here],
                    skill=_skill_name(problem, skill),
                    level=problem.config.topic_level,
                )
            )
    reasons += _ranges(problem, members)
    reasons += [average(problem, b, members) for b in range(len(problem.config.balance))]
    if problem.config.shared_time is not None:
        reasons.append(shares(hours_of(problem.shared_slots(members))))
    for person, attribute in isolated_members(problem, members):
        reasons.append(alone(problem, person, attribute, in_reason=True))
    for person in sorted((m for m in members if m in problem.waiting), key=problem.name):
        reasons.append(streak_reason(problem.name(person), problem.waiting[person]))
    repeats = repeated_pairs(problem, members)
    if repeats:
        reasons.append(
            counted(
                len(repeats),
                "{n} pair was groupmates in a recent round",
                "{n} pairs were groupmates in a recent round",
            )
        )
    elif problem.config.fresh_groupmates:
        reasons.append(
            phrase("nobody here meets an earlier groupmate while they still have someone new to meet")
        )
    return reasons


def _ranges(problem: GroupProblem, members: tuple[str, ...]) -> list[str]:
    """How many of each count range's kind the group holds; for a range per value, the value it
    holds most of (when the group holds none of it, nothing is said)."""
    reasons = []
    for r, rule in enumerate(problem.config.counts):
        if not rule.each_value:
            reasons.append(holding(problem, rule, range_tally(problem, r, members)))
            continue
        counts = Counter(problem.values[rule.attribute][m] for m in members)
        counts.pop(NO_VALUE, None)
        if counts:
            value, n = min(counts.items(), key=lambda item: (-item[1], _in_order(problem, item[0])))
            reasons.append(holding(problem, rule, n, value))
    return reasons


def average(problem: GroupProblem, b: int, members: Iterable[str]) -> str:
    """A group's average of balance ``b``'s number beside the round's: "7.5 years of experience on
    average (the round: 8.1)"."""
    members = list(members)
    mean = round(sum(problem.numbers[b][m] for m in members) / max(len(members), 1) / 10, 1)
    whole = round(problem.whole(b) / max(len(problem.people), 1) / 10, 1)
    attribute = problem.config.balance[b].attribute
    if attribute == "experience":
        return phrase("{mean} years of experience on average (the round: {whole})", mean=mean, whole=whole)
    if attribute == "tenure":
        return phrase(
            "{mean} years with the organisation on average (the round: {whole})", mean=mean, whole=whole
        )
    skill = _skill_name(problem, attribute.partition(":")[2])
    return phrase(
        "level {mean} in {skill} on average (the round: {whole})", mean=mean, skill=skill, whole=whole
    )


def shares(hours: float) -> str:
    """The working time a group shares: "the group shares 6 hours of working time a week" (from
    working hours only: calendars are not part of a group round)."""
    if hours == int(hours):
        return counted(
            int(hours),
            "the group shares {n} hour of working time a week",
            "the group shares {n} hours of working time a week",
        )
    return phrase("the group shares {hours} hours of working time a week", hours=hours)


def shared_short(hours: float, wanted: float) -> str:
    """A group sharing too little working time, as the broken rule says it: "3 hours of shared
    working time a week (wanted: at least 4)"."""
    least = int(wanted) if wanted == int(wanted) else wanted
    if hours == int(hours):
        return counted(
            int(hours),
            "{n} hour of shared working time a week (wanted: at least {wanted})",
            "{n} hours of shared working time a week (wanted: at least {wanted})",
            wanted=least,
        )
    return phrase(
        "{hours} hours of shared working time a week (wanted: at least {wanted})", hours=hours, wanted=least
    )


def kind_of(problem: GroupProblem, rule: CountRange, value: str = "") -> str:
    """The people a count range counts, in words: "at level 3 or more in AI", "with department
    'Finance'" (``value`` for a range per value)."""
    kind, _, skill_id = rule.attribute.partition(":")
    if kind == "skill":
        return phrase(
            "at level {level} or more in {skill}", level=rule.level, skill=_skill_name(problem, skill_id)
        )
    if kind == "interest":
        return phrase("holding or wanting {skill}", skill=_skill_name(problem, skill_id))
    return phrase(
        "with {attribute} '{value}'", attribute=attribute_word(rule.attribute), value=value or rule.value
    )


def wanted(rule: CountRange) -> str:
    """A count range in words: "wanted: 1 to 2"."""
    if rule.max is None:
        return phrase("wanted: at least {low}", low=rule.min)
    if not rule.min:
        return phrase("wanted: at most {high}", high=rule.max)
    if rule.min == rule.max:
        return phrase("wanted: exactly {n}", n=rule.min)
    return phrase("wanted: {low} to {high}", low=rule.min, high=rule.max)


def holding(problem: GroupProblem, rule: CountRange, n: int, value: str = "") -> str:
    """What a group holds of a count range's kind: "2 people at level 3 or more in AI (wanted: 1
    to 2)"; as a reason and, when out of range, as the broken rule."""
    return counted(
        n,
        "{n} person {kind} ({wanted})",
        "{n} people {kind} ({wanted})",
        kind=kind_of(problem, rule, value),
        wanted=wanted(rule),
    )


def alone(problem: GroupProblem, person: str, attribute: str, *, in_reason: bool) -> str:
    """That ``person`` is the only one of their value of ``attribute`` in their group: as a reason
    ("the only one of their team here"), or naming the value, as a broken rule says it."""
    name, value = problem.name(person), problem.values[attribute][person]
    kind, _, skill_id = attribute.partition(":")
    if kind in ("skill", "interest"):
        words = {"name": name, "skill": _skill_name(problem, skill_id)}
        if kind == "skill" and value == HOLDS:
            return phrase("{name} is the only one in the group who holds {skill} at level 3 or more", **words)
        if kind == "skill":
            return phrase(
                "{name} is the only one in the group who does not hold {skill} at level 3 or more", **words
            )
        if value == HOLDS_OR_WANTS:
            return phrase("{name} is the only one in the group who holds or wants {skill}", **words)
        return phrase("{name} is the only one in the group who neither holds nor wants {skill}", **words)
    if value == NO_VALUE:
        return phrase(
            "{name} is the only one here with no {attribute}", name=name, attribute=attribute_word(attribute)
        )
    said = ALONE.get(attribute)
    if in_reason and said is not None:
        return said(name)
    if in_reason:
        return phrase(
            "{name} is the only one of their {attribute} here", name=name, attribute=attribute_word(attribute)
        )
    return phrase(
        "{name} is the only one with {attribute} '{value}' in the group",
        name=name,
        attribute=attribute_word(attribute),
        value=value,
    )


def _in_order(problem: GroupProblem, value: str) -> tuple[int, str]:
    """Values in a sentence: bands of experience from the least, anything else alphabetically."""
    bands = band_labels(problem.bands)
    return (bands.index(value), "") if value in bands else (len(bands), value)


def _skill_name(problem: GroupProblem, skill_id: str) -> str:
    known = problem.tmap.skill(skill_id)
    return known.name if known else skill_id


def _mixes(problem: GroupProblem, attribute: str, values: list[str]) -> str:
    """What a group mixes in ``attribute``, which has two or more ``values`` in it."""
    kind, _, skill_id = attribute.partition(":")
    if kind == "skill":
        return phrase(
            "mixes people who hold {skill} at level 3 or more with people who do not",
            skill=_skill_name(problem, skill_id),
        )
    if kind == "interest":
        return phrase(
            "mixes people who hold or want {skill} with people who neither hold nor want it",
            skill=_skill_name(problem, skill_id),
        )
    mixes = MIXES.get(attribute)
    if mixes is not None:
        return mixes(len(values), values)
    return phrase(
        "mixes {n} {attribute} values ({values})",
        n=len(values),
        attribute=attribute_word(attribute),
        values=listing(values),
    )


def _shares(problem: GroupProblem, attribute: str, n: int, size: int, value: str) -> str:
    """What ``n`` of a group of ``size`` share in ``attribute``: the value most of them have."""
    kind, _, skill_id = attribute.partition(":")
    skill = _skill_name(problem, skill_id) if skill_id else ""
    if kind == "skill" and value == HOLDS:
        return phrase("{n} of {size} hold {skill} at level 3 or more", n=n, size=size, skill=skill)
    if kind == "skill":
        return phrase("{n} of {size} do not hold {skill} at level 3 or more", n=n, size=size, skill=skill)
    if kind == "interest" and value == HOLDS_OR_WANTS:
        return phrase("{n} of {size} hold or want {skill}", n=n, size=size, skill=skill)
    if kind == "interest":
        return phrase("{n} of {size} neither hold nor want {skill}", n=n, size=size, skill=skill)
    shares = SHARES.get(attribute)
    if shares is not None:
        return shares(n, size, value)
    return phrase(
        "{n} of {size} share the {attribute} '{value}'",
        n=n,
        size=size,
        attribute=attribute_word(attribute),
        value=value,
    )
