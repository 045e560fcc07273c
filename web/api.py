"""The same data as the pages, as JSON, under /api/."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from matcher.domain.talentmap import UnknownSkill
from web import params
from web.auth import require_login
from web.context import talent_map
from web.views import person_view, skill_view

api = Blueprint("api", __name__)


@api.before_request
def logged_in():
    if request.endpoint == "api.health":
        return None
    return require_login()


@api.get("/ask")
def ask():
    query = params.text("skill", required=True)
    asker = (params.text("as") if current_user.is_hr else None) or current_user.person_id
    limit = params.integer("limit", default=10, low=1, high=100)
    talent = talent_map()
    if asker is not None and talent.person(asker) is None:
        return jsonify(error="Bad Request", message=f"no person with id '{asker}'", field="as"), 400
    try:
        result = talent.ask(query, asker_id=asker, limit=limit)
    except UnknownSkill as exc:
        return jsonify(error="Not Found", message=str(exc), suggestions=list(exc.suggestions)), 404
    return jsonify(result.as_dict())


@api.get("/skills")
def skills():
    query = params.text("q")
    talent = talent_map()
    found = (
        talent.suggest_skills(query, limit=20)
        if query
        else sorted(talent.organisation.skills, key=lambda s: s.name)
    )
    return jsonify([{"id": s.id, "name": s.name, "category": s.category} for s in found])


@api.get("/skills/<skill_id>")
def skill(skill_id: str):
    view = skill_view(talent_map(), skill_id)
    if view is None:
        abort(404, f"no skill with id '{skill_id}'")
    return jsonify(view)


@api.get("/people/<person_id>")
def person(person_id: str):
    view = person_view(talent_map(), person_id)
    if view is None:
        abort(404, f"no person with id '{person_id}'")
    return jsonify(view)


@api.get("/health")
def health():
    talent = talent_map()
    return jsonify(
        status="ok", people=len(talent.organisation.people), skills=len(talent.organisation.skills)
    )
