"""Who hosts guests on a skill: what the person, skill and shadowing pages tell an employee
before HR plans, so that a request on a skill nobody hosts is no surprise later.

A colleague hosts a skill as the shadowing planner takes them
(:func:`matcher.engines.shadowing.rules.host_reason`): they offered to host guests, hold the
skill at the planner's least host level or more, have not left, and are not the guest.
"""

from __future__ import annotations

from matcher.domain.model import Person
from matcher.domain.talentmap import TalentMap
from matcher.engines.shadowing import ShadowConfig

#: The least level the planner asks of a host (:class:`ShadowConfig`'s default, which HR's plans use).
HOST_LEVEL = ShadowConfig().min_host_level


def skill_hosts(talent: TalentMap, skill_id: str, *, guest_id: str | None = None) -> list[Person]:
    """The colleagues who can host ``guest_id`` on the skill, by level (highest first), then name."""
    levels = talent.levels_in(skill_id)
    hosts = [
        p
        for p in talent.hosts
        if p.id != guest_id
        and levels.get(p.id, 0) >= HOST_LEVEL
        and (p.leaving_date is None or p.leaving_date > talent.today)
    ]
    return sorted(hosts, key=lambda p: -levels[p.id])


def hosts_skill(talent: TalentMap, person: Person, skill_id: str) -> bool:
    """Whether the person can host guests on the skill."""
    return person.is_host and talent.levels_of(person.id).get(skill_id, 0) >= HOST_LEVEL
