"""Plain-data views of people and skills, shared by the pages and the API.

What a person page shows is what a colleague may see: work contact details
and the skills of people who opted in to "ask me about". Leaving dates,
years of experience and wishes of others are not shown here.
"""

from __future__ import annotations

from typing import Any

from matcher.domain.model import Level
from matcher.domain.talentmap import TalentMap
from matcher.io.fields import format_working_hours
from web import words


def level_view(level: int) -> dict[str, Any]:
    word = words.level(int(Level(level)))
    return {"level": word.value, "label": str(word.label), "meaning": str(word.meaning)}


def person_view(talent: TalentMap, person_id: str) -> dict[str, Any] | None:
    person = talent.person(person_id)
    if person is None:
        return None
    manager = talent.person(person.manager_id) if person.manager_id else None
    view: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "department": person.department,
        "function": person.function,
        "site": person.site,
        "team": person.team,
        "manager": {"id": manager.id, "name": manager.name} if manager else None,
        "languages": list(person.languages),
        "timezone": person.timezone,
        "working_hours": person.working_hours.as_dict(),
        "working_hours_text": format_working_hours(person.working_hours),
        "ask_me": person.ask_me,
        "mentor": person.is_mentor,
        "shadow_host": person.is_host,
        "skills": [],
    }
    if person.ask_me:
        view["skills"] = [
            {"id": skill.id, "name": skill.name, "category": skill.category, **level_view(level)}
            for skill, level in talent.holdings_of(person.id)
        ]
    return view


def skill_view(talent: TalentMap, skill_id: str) -> dict[str, Any] | None:
    skill = talent.skill(skill_id)
    if skill is None:
        return None
    parent = talent.skill(skill.parent_id) if skill.parent_id else None
    children = sorted(
        (s for s in talent.organisation.skills if s.parent_id == skill.id), key=lambda s: s.name
    )
    related = []
    for other_id, strength in talent.related_skills(skill.id):
        other = talent.skill(other_id)
        if other is not None:
            related.append({"id": other.id, "name": other.name, "strength": strength})
    holders = [
        {"id": person.id, "name": person.name, "department": person.department, **level_view(level)}
        for person, level in talent.holders_of(skill.id)
        if person.ask_me
    ]
    return {
        "id": skill.id,
        "name": skill.name,
        "category": skill.category,
        "aliases": list(skill.aliases),
        "parent": {"id": parent.id, "name": parent.name} if parent else None,
        "children": [{"id": c.id, "name": c.name} for c in children],
        "related": related,
        "holders": holders,
        "wanted_by": talent.wish_count(skill.id),
    }
