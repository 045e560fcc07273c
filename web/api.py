"""The JSON API under /api/: the pages' data for a logged-in session, and the people, import and
export endpoints for HR systems with a personal access token (:mod:`web.api_auth`).

Every answer is JSON; every error has the shape :mod:`web.api_errors` describes, in the caller's
language. The API is described in /api/openapi.json (:mod:`web.openapi`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import UnknownSkill
from matcher.services import hr_api
from matcher.services.organisation import ImportResult
from web import openapi, params
from web.api_auth import authenticate, caller, need, now
from web.api_errors import ApiError, invalid, said
from web.context import database, talent_map
from web.views import person_view, skill_view

api = Blueprint("api", __name__)
api.before_request(authenticate)

#: People per page: the default and the most a page may hold.
PER_PAGE, MAX_PER_PAGE = 100, 1000


@api.get("/ask")
def ask() -> Any:
    need("people:read")
    query = params.text("skill", required=True)
    asker = (params.text("as") if current_user.is_hr else None) or current_user.person_id
    limit = params.integer("limit", default=10, low=1, high=100)
    talent = talent_map()
    if asker is not None and talent.person(asker) is None:
        raise params.BadParameter("as", _("No person with id '%(id)s'.", id=asker))
    try:
        result = talent.ask(query or "", asker_id=asker, limit=limit)
    except UnknownSkill as exc:
        raise ApiError(404, said(exc.args[0]), suggestions=list(exc.suggestions)) from None
    return jsonify(result.as_dict())


@api.get("/skills")
def skills() -> Any:
    need("people:read")
    query = params.text("q")
    talent = talent_map()
    found = (
        talent.suggest_skills(query, limit=20)
        if query
        else sorted(talent.organisation.skills, key=lambda s: s.name)
    )
    return jsonify([{"id": s.id, "name": s.name, "category": s.category} for s in found])


@api.get("/skills/<skill_id>")
def skill(skill_id: str) -> Any:
    need("people:read")
    view = skill_view(talent_map(), skill_id)
    if view is None:
        abort(404, _("No skill with id '%(id)s'.", id=skill_id))
    return jsonify(view)


@api.get("/people")
def people() -> Any:
    """Everyone, a page at a time, as the organisation document writes a person: for HR."""
    need("people:read")
    if caller() is None and not current_user.is_hr:
        abort(403, _("This is for HR only."))
    page = params.integer("page", default=1, low=1, high=1_000_000)
    per_page = params.integer("per_page", default=PER_PAGE, low=1, high=MAX_PER_PAGE)
    found = hr_api.people_page(talent_map().organisation, page, per_page)
    more = page < found.pages
    return jsonify(
        people=found.people,
        page=found.page,
        per_page=found.per_page,
        total=found.total,
        next=url_for("api.people", page=page + 1, per_page=per_page) if more else None,
    )


@api.get("/people/<person_id>")
def person(person_id: str) -> Any:
    need("people:read")
    view = person_view(talent_map(), person_id)
    if view is None:
        abort(404, _("No person with id '%(id)s'.", id=person_id))
    return jsonify(view)


@api.get("/organisation")
def export() -> Any:
    """The organisation as the JSON file export writes it."""
    need("organisation:read")
    response = jsonify(hr_api.export_document(database()))
    response.headers["Cache-Control"] = "no-store"
    return response


@api.post("/organisation")
def import_organisation() -> Any:
    """Import a document as the file import does: all or nothing, with the same checks and rules
    about what people entered themselves; ``dry_run`` checks and says what would change."""
    need("organisation:write")
    dry_run = params.flag("dry_run")
    replace = params.flag("replace")
    takes = params.texts("take", max_length=200)
    account = current_user.account
    try:
        result = hr_api.import_document(
            database(),
            request.get_data(cache=False),
            replace=replace,
            dry_run=dry_run,
            takes=takes,
            by=account.login,
            now=now(),
        )
    except InvalidInput as exc:
        raise invalid(exc) from None
    return jsonify(_import_answer(result, dry_run=dry_run))


def _import_answer(result: ImportResult, *, dry_run: bool) -> dict[str, Any]:
    changes = result.changes
    return {
        "dry_run": dry_run,
        "changed": not changes.nothing and not dry_run,
        "run": result.run_id,
        "summary": said(changes.summary()),
        "people": result.people,
        "skills": result.skills,
        "changes": {
            "people_added": list(changes.people_added),
            "people_updated": list(changes.people_updated),
            "people_removed": list(changes.people_removed),
            "skills_added": list(changes.skills_added),
            "skills_updated": list(changes.skills_updated),
            "skills_removed": list(changes.skills_removed),
            "holdings_changed": changes.holdings_changed,
            "wishes_changed": changes.wishes_changed,
            "history_added": changes.history_added,
            "history_removed": changes.history_removed,
            "taken": [f"{person}:{key}" for person, key in changes.taken],
        },
        "conflicts": [
            {
                "person": review.person_id,
                "field": conflict.key,
                "theirs": _plain(conflict.theirs),
                "in_document": _plain(conflict.in_file),
                "takeable": conflict.takeable,
            }
            for review in result.reviews
            for conflict in review.open_conflicts
        ],
    }


def _plain(value: object) -> Any:
    """A field's value as JSON holds it: dates as ISO text, working hours as their object."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else str(value)


@api.get("/health")
def health() -> Any:
    talent = talent_map()
    return jsonify(
        status="ok", people=len(talent.organisation.people), skills=len(talent.organisation.skills)
    )


@api.get("/openapi.json", endpoint="openapi")
def openapi_document() -> Any:
    return jsonify(openapi.document())
