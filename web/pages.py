"""The HTML pages: search who to ask, person and skill pages, the skills index.

No page is a dead end for an employee: a person or skill page offers to ask to shadow (the
shadow request form, filled in) and to ask a question (an e-mail, to people who agreed to be
asked); a search that names no skill lists the skills and people that match it in part, and a
search that matches nothing shows the skills index.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from matcher.domain.model import Person, Skill
from matcher.domain.talentmap import TalentMap, UnknownSkill, normalise
from web import params, words
from web.auth import require_login
from web.context import talent_map
from web.datalists import name_options
from web.hosting import HOST_LEVEL, hosts_skill, skill_hosts
from web.views import person_view, skill_view

pages = Blueprint("pages", __name__)
pages.before_request(require_login)
pages.add_app_template_global(name_options, "name_options")

#: The most skills and people a search lists.
LISTED = 12


@pages.get("/")
def index() -> str:
    talent = talent_map()
    return render_template(
        "index.html",
        organisation=talent.organisation,
        skill_names=talent.skill_names,
        levels=words.LEVELS,
    )


@pages.get("/ask")
def ask() -> tuple[str, int] | str:
    talent = talent_map()
    query = params.text("skill")
    # You ask as yourself; HR may look from someone else's point of view.
    asker_id = (params.text("as") if current_user.is_hr else None) or current_user.person_id
    limit = params.integer("limit", default=10, low=1, high=100)
    context = {
        "query": query or "",
        "asker_id": asker_id or "",
        "skill_names": talent.skill_names,
        "result": None,
        "problem": None,
        "found": None,
        "hosting": set(),
        "levels": words.LEVELS,
    }
    if not query:
        return render_template("ask.html", **context)
    if asker_id is not None and talent.person(asker_id) is None:
        context["problem"] = _("There is nobody with the id '%(id)s'.", id=asker_id)
        return render_template("ask.html", **context), 400
    try:
        result = context["result"] = talent.ask(query, asker_id=asker_id, limit=limit)
        context["hosting"] = {
            p.id for p in skill_hosts(talent, result.skill_id, guest_id=current_user.person_id)
        }
    except UnknownSkill:
        # Not one skill: what matches in part, best first; nothing at all, the skills index.
        context["found"] = search(talent, query)
        if not context["found"]["skills"] and not context["found"]["people"]:
            context["categories"] = _by_category(talent)
    return render_template("ask.html", **context)


def search(talent: TalentMap, query: str) -> dict[str, list[dict[str, Any]]]:
    """The skills and people that match ``query`` in part, best first: skills whose name or
    alias starts with it, holds it or is spelled like it, then skills related to those; people
    whose name, function, team or department starts with it, then holds it."""
    matched = talent.suggest_skills(query, limit=LISTED)
    seen = {s.id for s in matched}
    related: list[Skill] = []
    for skill in matched[:3]:
        for other_id, _strength in talent.related_skills(skill.id):
            other = talent.skill(other_id)
            if other is not None and other.id not in seen:
                seen.add(other.id)
                related.append(other)
    found_skills = [_skill_entry(talent, s, related=False) for s in matched]
    found_skills += [_skill_entry(talent, s, related=True) for s in related[: max(0, LISTED - len(matched))]]
    return {"skills": found_skills, "people": _people_matching(talent, query)}


def _skill_entry(talent: TalentMap, skill: Skill, *, related: bool) -> dict[str, Any]:
    askable = sum(1 for person, _level in talent.holders_of(skill.id) if person.ask_me)
    return {
        "id": skill.id,
        "name": skill.name,
        "category": skill.category,
        "askable": askable,
        "related": related,
    }


def _people_matching(talent: TalentMap, query: str) -> list[dict[str, Any]]:
    key = normalise(query)
    if len(key) < 2:
        return []
    ranked: list[tuple[int, str, Person]] = []
    for person in talent.organisation.people:
        fields = (person.name, person.function, person.team, person.department)
        texts = [normalise(text) for text in fields if text]
        if any(text.startswith(key) or f" {key}" in text for text in texts):
            rank = 0
        elif any(key in text for text in texts):
            rank = 1
        else:
            continue
        ranked.append((rank, f"{person.name.casefold()}\0{person.id}", person))
    ranked.sort(key=lambda item: item[:2])
    return [
        {"id": p.id, "name": p.name, "function": p.function, "department": p.department}
        for _rank, _order, p in ranked[:LISTED]
    ]


def _by_category(talent: TalentMap) -> list[tuple[str, list[dict[str, Any]]]]:
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for skill in talent.skills_by_name:
        by_category[skill.category or _("Other")].append(_skill_entry(talent, skill, related=False))
    return sorted(by_category.items(), key=lambda item: item[0].casefold())


@pages.get("/skills")
def skills() -> str:
    return render_template("skills.html", categories=_by_category(talent_map()))


@pages.get("/skills/<skill_id>")
def skill(skill_id: str) -> str:
    talent = talent_map()
    view = skill_view(talent, skill_id)
    if view is None:
        abort(404, _("There is no skill with the id '%(id)s'.", id=skill_id))
    me = current_user.person_id
    contacts = {}
    for holder in view["holders"]:
        person = talent.person(holder["id"])
        if person is not None:
            contacts[person.id] = {"email": person.email, "host": hosts_skill(talent, person, skill_id)}
    return render_template(
        "skill.html",
        skill=view,
        me=me,
        contacts=contacts,
        hosts=skill_hosts(talent, skill_id, guest_id=me),
        hub=talent.hub(skill_id),
    )


@pages.get("/people/<person_id>")
def person(person_id: str) -> str:
    talent = talent_map()
    view = person_view(talent, person_id)
    if view is None:
        abort(404, _("There is nobody with the id '%(id)s'.", id=person_id))
    me = current_user.person_id
    hosted = [s for s in view["skills"] if view["shadow_host"] and s["level"] >= HOST_LEVEL]
    return render_template("person.html", person=view, me=me, hosted=hosted)
