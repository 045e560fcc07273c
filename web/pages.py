"""The HTML pages: search who to ask, person and skill pages."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from matcher.domain.talentmap import UnknownSkill
from web import params, words
from web.auth import require_login
from web.context import talent_map
from web.views import person_view, skill_view

pages = Blueprint("pages", __name__)
pages.before_request(require_login)


@pages.get("/")
def index() -> str:
    talent = talent_map()
    return render_template(
        "index.html",
        organisation=talent.organisation,
        skills=sorted(talent.organisation.skills, key=lambda s: s.name.casefold()),
        levels=words.LEVELS,
    )


@pages.get("/ask")
def ask() -> tuple[str, int] | str:
    talent = talent_map()
    query = params.text("skill")
    # You ask as yourself; HR may look from someone else's point of view.
    asker_id = (params.text("as") if current_user.is_hr else None) or current_user.person_id
    limit = params.integer("limit", default=10, low=1, high=100)
    skills = talent.skills_by_name
    context = {
        "query": query or "",
        "asker_id": asker_id or "",
        "skills": skills,
        "result": None,
        "problem": None,
        "levels": words.LEVELS,
    }
    if not query:
        return render_template("ask.html", **context)
    if asker_id is not None and talent.person(asker_id) is None:
        context["problem"] = _("There is nobody with the id '%(id)s'.", id=asker_id)
        return render_template("ask.html", **context), 400
    try:
        context["result"] = talent.ask(query, asker_id=asker_id, limit=limit)
    except UnknownSkill as exc:
        context["problem"] = _("No skill matches '%(query)s'.", query=query)
        context["suggestions"] = exc.suggestions
        return render_template("ask.html", **context), 404
    return render_template("ask.html", **context)


@pages.get("/skills")
def skills() -> str:
    talent = talent_map()
    by_category: dict[str, list] = defaultdict(list)
    for skill in sorted(talent.organisation.skills, key=lambda s: s.name.casefold()):
        by_category[skill.category or _("Other")].append(skill)
    return render_template("skills.html", categories=sorted(by_category.items()))


@pages.get("/skills/<skill_id>")
def skill(skill_id: str) -> str:
    view = skill_view(talent_map(), skill_id)
    if view is None:
        abort(404, _("There is no skill with the id '%(id)s'.", id=skill_id))
    return render_template("skill.html", skill=view)


@pages.get("/people/<person_id>")
def person(person_id: str) -> str:
    view = person_view(talent_map(), person_id)
    if view is None:
        abort(404, _("There is nobody with the id '%(id)s'.", id=person_id))
    return render_template("person.html", person=view)
