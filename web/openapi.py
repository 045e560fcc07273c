"""The API's description as an OpenAPI 3.1 document, served at /api/openapi.json.

The organisation's schema is the file the import checks documents against
(``matcher/io/schema/organisation.schema.json``), placed in the document as it is; a person of
``GET /api/people`` points into it. The descriptions are English: the document is for the
developers who connect an HR system, as the JSON Schema file is.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from matcher.domain.tokens import SCOPES
from matcher.io import orgjson

VERSION = "1.0.0"
_PERSON = {"$ref": "#/components/schemas/Organisation/$defs/person"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json({"$ref": "#/components/schemas/Error"}, description)


def _query(name: str, schema: dict[str, Any], description: str, *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _path(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


_FLAG = {"type": "boolean", "default": False}
_AUTH = [{"token": []}, {"session": []}]


def _operation(
    summary: str,
    scope: str,
    ok: dict[str, Any],
    *,
    parameters: tuple[dict[str, Any], ...] = (),
    more: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": ok,
        "400": _error("A parameter is missing or not right; `field` names it."),
        "401": _error(
            "No login or token, or the token is unknown, revoked or expired, or its account is no longer HR."
        ),
        "403": _error(
            f"The token does not have the scope `{scope}` (named in `scope`), "
            "or the login's role does not allow it."
        ),
        "429": {
            **_error("Too many requests with this token; `Retry-After` says how many seconds to wait."),
            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
        },
        **(more or {}),
    }
    operation: dict[str, Any] = {
        "summary": summary,
        "description": f"Needs the scope `{scope}` with a token.",
        "security": _AUTH,
        "parameters": list(parameters),
        "responses": responses,
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


def _paths() -> dict[str, Any]:
    anything = {"type": "object", "additionalProperties": True}
    not_found = {"404": _error("There is nothing with that id.")}
    return {
        "/api/ask": {
            "get": _operation(
                "Who can I ask about a skill: colleagues ranked, with why.",
                "people:read",
                _json(anything, "The ranked answers."),
                parameters=(
                    _query(
                        "skill", {"type": "string", "maxLength": 200}, "A skill's name or id.", required=True
                    ),
                    _query("as", {"type": "string"}, "Ask on behalf of this person (HR only)."),
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                        "How many answers.",
                    ),
                ),
                more={"404": _error("No skill matches; `suggestions` lists near ones.")},
            )
        },
        "/api/skills": {
            "get": _operation(
                "The skills, or those that match a search.",
                "people:read",
                _json({"type": "array", "items": {"$ref": "#/components/schemas/SkillItem"}}, "Skills."),
                parameters=(_query("q", {"type": "string", "maxLength": 200}, "Search text."),),
            )
        },
        "/api/skills/{skill_id}": {
            "get": _operation(
                "One skill with who holds it.",
                "people:read",
                _json(anything, "The skill."),
                parameters=(_path("skill_id", "The skill's id."),),
                more=not_found,
            )
        },
        "/api/people": {
            "get": _operation(
                "Everyone, a page at a time, ordered by id, as the organisation document writes "
                "a person (HR only).",
                "people:read",
                _json({"$ref": "#/components/schemas/PeoplePage"}, "One page of people."),
                parameters=(
                    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "The page, from 1."),
                    _query(
                        "per_page",
                        {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                        "People per page.",
                    ),
                ),
            )
        },
        "/api/people/{person_id}": {
            "get": _operation(
                "One person as the pages show them.",
                "people:read",
                _json(anything, "The person."),
                parameters=(_path("person_id", "The person's id."),),
                more=not_found,
            )
        },
        "/api/organisation": {
            "get": _operation(
                "The whole organisation, the same document as the JSON file export (HR only).",
                "organisation:read",
                _json({"$ref": "#/components/schemas/Organisation"}, "The organisation."),
            ),
            "post": _operation(
                "Import an organisation document, as the file import does (HR only). All or nothing: "
                "every problem is reported with where it is and nothing is stored when there is one. "
                "What people entered about themselves stays, unless taken with `take`; no opt-in is "
                "switched on. The import runs while the request waits and is recorded in the history.",
                "organisation:write",
                _json(
                    {"$ref": "#/components/schemas/ImportResult"},
                    "Imported, or with `dry_run` what would change.",
                ),
                parameters=(
                    _query("dry_run", _FLAG, "Check and say what would change; store nothing."),
                    _query(
                        "replace",
                        _FLAG,
                        "The document is the whole truth for what it carries: what it leaves out is removed.",
                    ),
                    {
                        **_query(
                            "take",
                            {"type": "array", "items": {"type": "string"}},
                            "Take the document's value against what a person entered: "
                            "`PERSON:FIELD`, or `FIELD` for everyone; repeatable.",
                        ),
                        "explode": True,
                    },
                ),
                body={
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Organisation"}}
                    },
                },
                more={
                    "413": _error("The document is larger than meeloop accepts."),
                    "422": _json(
                        {"$ref": "#/components/schemas/Error"},
                        "The document cannot be imported; `problems` says where and why. Nothing was stored.",
                    ),
                },
            ),
        },
        "/api/health": {
            "get": {
                "summary": "Whether meeloop answers, and how many people and skills it holds.",
                "security": [],
                "responses": {"200": _json(anything, "It answers.")},
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document.",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
            }
        },
    }


def _organisation() -> dict[str, Any]:
    """The import's JSON Schema, its references pointing to where it sits in this document (an
    embedded schema's own ``$id`` is not followed by every OpenAPI tool)."""
    here = "#/components/schemas/Organisation/$defs/"

    def placed(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: (
                    here + item.removeprefix("#/$defs/")
                    if key == "$ref" and isinstance(item, str)
                    else placed(item)
                )
                for key, item in value.items()
                if key not in ("$id", "$schema")
            }
        if isinstance(value, list):
            return [placed(item) for item in value]
        return value

    placed_schema: dict[str, Any] = placed(orgjson.schema())
    return placed_schema


def _schemas() -> dict[str, Any]:
    text = {"type": "string"}
    maybe_text = {"type": ["string", "null"]}
    problem = {
        "type": "object",
        "required": ["message"],
        "properties": {
            "path": {**maybe_text, "description": "Where in the document, e.g. `people[3].start_date`."},
            "row": {**maybe_text, "description": "The item (`people[3]`) or line of the document."},
            "field": {**maybe_text, "description": "The field in that item."},
            "message": {**text, "description": "Why, in the caller's language."},
        },
    }
    ids = {"type": "array", "items": text}
    return {
        "Organisation": _organisation(),
        "Error": {
            "type": "object",
            "required": ["error", "status", "message"],
            "properties": {
                "error": {**text, "description": "The HTTP status's name, for programs."},
                "status": {"type": "integer"},
                "message": {
                    **text,
                    "description": "What went wrong, in the caller's language "
                    "(Accept-Language, else the token's account's language).",
                },
                "field": {**text, "description": "The parameter or header at fault."},
                "scope": {**text, "description": "The scope the token lacks."},
                "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
                "more": {**text, "description": "How many problems are not listed."},
                "suggestions": ids,
            },
        },
        "Problem": problem,
        "SkillItem": {
            "type": "object",
            "properties": {"id": text, "name": text, "category": maybe_text},
        },
        "PeoplePage": {
            "type": "object",
            "required": ["people", "page", "per_page", "total", "next"],
            "properties": {
                "people": {"type": "array", "items": _PERSON},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "total": {"type": "integer"},
                "next": {**maybe_text, "description": "The next page's address; null on the last."},
            },
        },
        "ImportResult": {
            "type": "object",
            "required": ["dry_run", "changed", "run", "summary", "changes", "conflicts"],
            "properties": {
                "dry_run": {"type": "boolean"},
                "changed": {"type": "boolean", "description": "Whether anything was stored."},
                "run": {
                    "type": ["integer", "null"],
                    "description": "The import's number in the history (undo is on the import page).",
                },
                "summary": {**text, "description": "What changed, in the caller's language."},
                "people": {"type": "integer"},
                "skills": {"type": "integer"},
                "changes": {
                    "type": "object",
                    "properties": {
                        **{
                            key: ids
                            for key in (
                                "people_added",
                                "people_updated",
                                "people_removed",
                                "skills_added",
                                "skills_updated",
                                "skills_removed",
                                "taken",
                            )
                        },
                        **{
                            key: {"type": "integer"}
                            for key in (
                                "holdings_changed",
                                "wishes_changed",
                                "history_added",
                                "history_removed",
                            )
                        },
                    },
                },
                "conflicts": {
                    "type": "array",
                    "description": "Fields left as the person entered them.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "person": text,
                            "field": text,
                            "theirs": {},
                            "in_document": {},
                            "takeable": {
                                "type": "boolean",
                                "description": "False for an opt-in: only the person switches it on.",
                            },
                        },
                    },
                },
            },
        },
    }


@cache
def document() -> dict[str, Any]:
    scopes = ", ".join(f"`{name}` ({means})" for name, means in SCOPES.items())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "meeloop API for HR systems",
            "version": VERSION,
            "description": (
                "People, and the organisation's import and export, for HR systems. Send a personal "
                "access token that HR makes on the page API tokens (/hr/api-tokens) as "
                f"`Authorization: Bearer <token>`. Scopes: {scopes}. Errors have one shape (Error), "
                "with the message in the caller's language."
            ),
        },
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token (mlp_...).",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "meeloop_session",
                    "description": "A logged-in page's session.",
                },
            },
            "schemas": _schemas(),
        },
    }
