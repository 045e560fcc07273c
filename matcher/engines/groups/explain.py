"""Reasons in words: why a group is as it is."""

from __future__ import annotations

from collections import Counter

from matcher.domain.phrases import phrase
from matcher.engines.groups.problem import NO_VALUE, GroupProblem, isolated_members, repeated_pairs


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
        label = c.attribute.split(":")[0] if ":" in c.attribute else c.attribute
        if c.goal == "diverse":
            if len(values) >= 2:
                reasons.append(
                    phrase(
                        "mixes {n} {attribute} values ({values})",
                        n=len(values),
                        attribute=label,
                        values=", ".join(sorted(values)),
                    )
                )
        elif values:
            common, n = min(values.items(), key=lambda item: (-item[1], item[0]))
            if n >= 2:
                reasons.append(
                    phrase(
                        "{n} of {size} share the {attribute} '{value}'",
                        n=n,
                        size=len(members),
                        attribute=label,
                        value=common,
                    )
                )
    for skill, holders in problem.topic_holders.items():
        here = sorted(holders & set(members), key=problem.name)
        known = problem.tmap.skill(skill)
        name = known.name if known else skill
        if here:
            reasons.append(f"{name}: {', '.join(problem.name(m) for m in here)}")
    for person, attribute in isolated_members(problem, members):
        reasons.append(
            phrase(
                "{name} is the only one of their {attribute} here",
                name=problem.name(person),
                attribute=attribute,
            )
        )
    repeats = repeated_pairs(problem, members)
    if repeats:
        reasons.append(phrase("{n} pair(s) were groupmates in a recent round", n=len(repeats)))
    return reasons
