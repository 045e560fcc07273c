"""The organisation as JSON: reading (checked against the published JSON Schema) and writing.

The schema is ``matcher/io/schema/organisation.schema.json``. Reading reports
every problem at once with the path of the offending value, e.g.
``organisation.json, people[3], field 'start_date': '31-02-2024' is not a date``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError

from matcher.domain.model import (
    HistoryEntry,
    Holding,
    Level,
    Organisation,
    Person,
    RelatedSkill,
    Skill,
    Wish,
    office_hours,
)
from matcher.domain.parsed import Parsed
from matcher.domain.phrases import AsWritten, counted, phrase, term
from matcher.domain.problems import InvalidInput, Location, Locator, Problem, Problems
from matcher.io import fields, json_text
from matcher.io.limits import MAX_EMAIL, MAX_FILE_BYTES, MAX_ID, MAX_TEXT

FORMAT = "meeloop-organisation"
VERSION = 1


@cache
def schema() -> dict[str, Any]:
    text = resources.files("matcher.io").joinpath("schema/organisation.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def quick_validator() -> Any:
    """A compiled validator for the same schema, fast enough for 20,000 people; the detailed
    (and much slower) validator runs only when this one finds the document invalid."""
    return jsonschema_rs.validator_for(schema())


def _where(file: str, path: list[str | int]) -> Location:
    """``["people", 3, "skills", "sql"]`` -> row ``people[3]``, field ``skills.sql``."""
    if len(path) >= 2 and isinstance(path[1], int):
        row = f"{path[0]}[{path[1]}]"
        rest = path[2:]
    else:
        row, rest = None, path
    return Location(file, row, ".".join(str(p) for p in rest) or None)


_TYPE_WORDS = {
    "object": phrase("an object {example}", example="{...}"),
    "array": phrase("a list {example}", example="[...]"),
    "string": term("text"),
    "integer": term("a whole number"),
    "number": term("a number"),
    "boolean": term("true or false"),
    "null": "null",
}


def _shown(value: Any) -> str:
    """A value from the file as JSON, cut short."""
    if isinstance(value, dict | list) and json_text.depth_path(value, []) is not None:
        return "[...]" if isinstance(value, list) else "{...}"
    return json.dumps(value, ensure_ascii=False)[:60]


def _cut(text: str, most: int = 60) -> str:
    """Text from the file as a message shows it: at most ``most`` characters."""
    return text if len(text) <= most else text[: most - 3] + "..."


def _either(words: list[str]) -> str:
    """``a or b or c``, each part a message."""
    if len(words) <= 1:
        return words[0] if words else ""
    return phrase("{first} or {rest}", first=words[0], rest=_either(words[1:]))


def _unknown_keys(error: ValidationError) -> list[str]:
    """The keys of an object that its schema does not name."""
    value = error.instance if isinstance(error.instance, dict) else {}
    named = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    patterns = error.schema.get("patternProperties", {}) if isinstance(error.schema, dict) else {}
    return [k for k in value if k not in named and not any(re.search(p, k) for p in patterns)]


def _explain(error: ValidationError) -> str:
    value = error.instance
    match error.validator:
        case "required":
            missing = [name for name in error.validator_value if name not in (value or {})]
            return phrase("missing {names}", names=", ".join(repr(m) for m in missing))
        case "additionalProperties":
            unknown = _unknown_keys(error)
            names = ", ".join(repr(_cut(k)) for k in unknown)
            return counted(len(unknown), "unknown field {names}", "unknown fields {names}", names=names)
        case "minimum":
            limit = error.validator_value
            return phrase(
                "{value} is outside the allowed range (at least {limit})", value=repr(value), limit=limit
            )
        case "maximum":
            limit = error.validator_value
            return phrase(
                "{value} is outside the allowed range (at most {limit})", value=repr(value), limit=limit
            )
        case "exclusiveMinimum":
            limit = error.validator_value
            return phrase(
                "{value} is outside the allowed range (more than {limit})", value=repr(value), limit=limit
            )
        case "pattern" if isinstance(value, str) and "@" in error.validator_value:
            return phrase("'{value}' is not an e-mail address", value=_cut(value))
        case "pattern":
            return phrase("'{value}' is not in the expected form", value=_cut(str(value)))
        case "anyOf" | "oneOf":
            return phrase("{value} is not an accepted value here", value=_shown(value))
        case "minLength":
            return phrase("may not be empty")
        case "maxLength":
            return phrase("is longer than {limit} characters", limit=error.validator_value)
        case "minItems":
            return counted(error.validator_value, "needs at least {n} item", "needs at least {n} items")
        case "const":
            return phrase(
                "{value} should be {wanted}", value=_shown(value), wanted=_shown(error.validator_value)
            )
        case "type":
            # A schema's "type" is one type name or a list of them.
            expected: list[str] = (
                error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            )
            wanted = _either([_TYPE_WORDS.get(t, t) for t in expected])
            return phrase("{value} should be {wanted}", value=_shown(value), wanted=wanted)
        case _:
            return AsWritten(error.message)


def load_json(path: Path) -> Any:
    """A JSON file's content, or InvalidInput saying where it is broken (:func:`json_text.load`)."""
    return json_text.load(path)


class _Reader:
    """Turns a schema-checked document into domain data, skipping values the
    schema already rejected so that each problem is reported once."""

    def __init__(self, file: str, problems: Problems, flagged: set[tuple[str | int, ...]]) -> None:
        self.file = file
        self.problems = problems
        self.flagged = flagged
        self.locator = Locator()

    def value(self, path: tuple[str | int, ...], raw: Any, parse: Callable[[Any], Any], default: Any) -> Any:
        if self._flagged(path):
            return default
        try:
            if isinstance(raw, str):
                fields.check_cell(raw)
            return parse(raw)
        except ValueError as exc:
            self.problems.add(_where(self.file, list(path)), fields.reason(exc))
            return default

    def text(self, path: tuple[str | int, ...], raw: Any, limit: int = MAX_TEXT) -> str:
        """A one-line text of at most ``limit`` characters (empty when the file has none, or a
        problem was reported)."""
        if not isinstance(raw, str):
            return ""
        return self.value(path, raw, lambda value: fields.parse_line(value, limit), "")

    def _flagged(self, path: tuple[str | int, ...]) -> bool:
        """The schema already reported this value, a value around it, or one inside it."""
        return any(f[: len(path)] == path or path[: len(f)] == f for f in self.flagged)

    def skill(self, index: int, doc: dict[str, Any]) -> Skill:
        base = ("skills", index)
        skill_id = self.value((*base, "id"), doc.get("id"), fields.parse_skill_id, _text(doc.get("id")))
        self.locator.record(("skill", skill_id), _where(self.file, list(base)))
        related = [
            self.value((*base, "related", i), item, _related, None)
            for i, item in enumerate(_list(doc.get("related")))
        ]
        aliases = [self.text((*base, "aliases", i), a) for i, a in enumerate(_list(doc.get("aliases")))]
        return Skill(
            id=skill_id,
            name=self.text((*base, "name"), doc.get("name")),
            category=self.text((*base, "category"), doc.get("category")),
            aliases=fields.parse_list(aliases),
            parent_id=self.text((*base, "parent"), doc.get("parent"), MAX_ID) or None,
            related=tuple(r for r in related if r is not None),
        )

    def person(self, index: int, doc: dict[str, Any]) -> tuple[Person, list[Holding], list[Wish]]:
        base = ("people", index)
        pid = _text(doc.get("id"))
        self.locator.record(("person", pid), _where(self.file, list(base)))

        def get(name: str, parse: Callable[[Any], Any], default: Any) -> Any:
            if name not in doc or doc[name] is None:
                return default
            return self.value((*base, name), doc[name], parse, default)

        person = Person(
            id=self.text((*base, "id"), doc.get("id"), MAX_ID) or pid,
            name=self.text((*base, "name"), doc.get("name")),
            email=self.text((*base, "email"), doc.get("email"), MAX_EMAIL),
            department=self.text((*base, "department"), doc.get("department")),
            function=self.text((*base, "function"), doc.get("function")),
            site=self.text((*base, "site"), doc.get("site")),
            team=self.text((*base, "team"), doc.get("team")),
            manager_id=self.text((*base, "manager"), doc.get("manager"), MAX_ID) or None,
            start_date=get("start_date", fields.parse_date, None),
            years_experience=get("years_experience", fields.parse_years, 0.0),
            languages=get("languages", fields.parse_languages, ()) or ("nl",),
            timezone=get("timezone", fields.parse_timezone, "Europe/Amsterdam"),
            working_hours=get("working_hours", fields.parse_working_hours, None) or office_hours(),
            leaving_date=get("leaving_date", fields.parse_date, None),
            intern=get("intern", _boolean, False),
            newcomer=get("newcomer", _boolean, False),
            ask_me=get("ask_me", _boolean, True),
            mentor_capacity=get("mentor_capacity", fields.parse_count, 0),
            host_capacity=get("host_capacity", fields.parse_count, 0),
            presenter=get("presenter", _boolean, False),
        )
        holdings = []
        for skill_id, level in _mapping(doc.get("skills")).items():
            self.locator.record(("holding", pid, skill_id), _where(self.file, [*base, "skills", skill_id]))
            if (
                isinstance(level, int)
                and not isinstance(level, bool)
                and Level.AWARE <= level <= Level.EXPERT
            ):
                holdings.append(Holding(pid, skill_id, Level(level)))
        wishes = []
        for skill_id, priority in _mapping(doc.get("wishes")).items():
            self.locator.record(("wish", pid, skill_id), _where(self.file, [*base, "wishes", skill_id]))
            if isinstance(priority, int) and not isinstance(priority, bool) and 1 <= priority <= 3:
                wishes.append(Wish(pid, skill_id, priority))
        return person, holdings, wishes

    def history(self, index: int, doc: dict[str, Any]) -> HistoryEntry | None:
        base = ("history", index)
        started = self.value((*base, "started"), doc.get("started"), fields.parse_date, None)
        ended = self.value((*base, "ended"), doc.get("ended"), fields.parse_date, None)
        members = tuple(
            self.text((*base, "members", i), m, MAX_ID) for i, m in enumerate(_list(doc.get("members")))
        )
        if started is None or self._flagged((*base, "members")):
            return None
        if ended is not None and ended < started:
            self.problems.add(
                _where(self.file, [*base, "ended"]),
                phrase("ends on {ended}, before it started on {started}", ended=ended, started=started),
            )
        entry = HistoryEntry(
            self.text((*base, "round"), doc.get("round")),
            self.text((*base, "kind"), doc.get("kind")),
            members,
            started,
            ended,
        )
        self.locator.record(("history", entry), _where(self.file, list(base)))
        return entry


# A person's JSON keys and the Person fields they give; "skills" and "wishes" stand for themselves.
_GIVES = {"manager": "manager_id", "skills": "skills", "wishes": "wishes"}
_PERSON_KEYS = frozenset(f.name for f in dataclasses.fields(Person)) | {"skills", "wishes"}


def _given(doc: dict[str, Any]) -> frozenset[str]:
    return frozenset(_GIVES.get(key, key) for key in doc) & _PERSON_KEYS


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(
            phrase("{value} should be {wanted}", value=json.dumps(value), wanted=_TYPE_WORDS["boolean"])
        )
    return value


def _related(item: Any) -> RelatedSkill:
    if not isinstance(item, dict) or not isinstance(item.get("skill"), str):
        raise ValueError(phrase("a related skill needs a 'skill' id"))
    return fields.parse_related(f"{item['skill']}:{item.get('strength', 0.5)}")[0]


def parse_document(doc: Any, file: str) -> Parsed:
    """Check a loaded JSON document against the schema and convert it."""
    problems = Problems()
    flagged: set[tuple[str | int, ...]] = set()
    valid = quick_validator().is_valid(doc)
    deep = None if valid else json_text.depth_path(doc, [])
    if deep is not None:
        # The detailed validator would recurse that deep; the place and the limit say enough.
        raise InvalidInput([Problem(_where(file, deep[:3]), json_text.too_deep())])
    errors = [] if valid else Draft202012Validator(schema()).iter_errors(doc)
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        if path in flagged:
            continue
        flagged.add(path)
        problems.add(_where(file, list(path)), _explain(error))
    if not isinstance(doc, dict):
        problems.raise_if_any()
    reader = _Reader(file, problems, flagged)
    skills = tuple(reader.skill(i, d) for i, d in enumerate(_list(doc.get("skills"))) if isinstance(d, dict))
    people, holdings, wishes = [], [], []
    given: dict[str, frozenset[str]] = {}
    for i, d in enumerate(_list(doc.get("people"))):
        if isinstance(d, dict):
            person, held, wanted = reader.person(i, d)
            given[person.id] = _given(d)
            people.append(person)
            holdings += held
            wishes += wanted
    history = [reader.history(i, d) for i, d in enumerate(_list(doc.get("history"))) if isinstance(d, dict)]
    org = Organisation(
        name=reader.text(("name",), doc.get("name", "")),
        people=tuple(people),
        skills=skills,
        holdings=tuple(holdings),
        wishes=tuple(wishes),
        history=tuple(h for h in history if h is not None),
    )
    return Parsed(
        org,
        reader.locator,
        covered_holdings=None,
        covered_wishes=None,
        has_people="people" in doc,
        has_skills="skills" in doc,
        has_history="history" in doc,
        sources=(file,),
        problems=problems,
        given_fields=given,
    )


def read_json(path: Path) -> Parsed:
    return parse_document(load_json(path), path.name)


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _skill_doc(skill: Skill) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": skill.id, "name": skill.name}
    if skill.category:
        doc["category"] = skill.category
    if skill.aliases:
        doc["aliases"] = list(skill.aliases)
    if skill.parent_id:
        doc["parent"] = skill.parent_id
    if skill.related:
        doc["related"] = [{"skill": r.skill_id, "strength": r.strength} for r in skill.related]
    return doc


def _person_doc(person: Person, holdings: list[Holding], wishes: list[Wish]) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "department": person.department,
        "function": person.function,
        "site": person.site,
        "team": person.team,
        "manager": person.manager_id,
        "start_date": _date(person.start_date),
        "years_experience": person.years_experience,
        "languages": list(person.languages),
        "timezone": person.timezone,
        "working_hours": person.working_hours.as_dict(),
        "leaving_date": _date(person.leaving_date),
        "intern": person.intern,
        "newcomer": person.newcomer,
        "ask_me": person.ask_me,
        "mentor_capacity": person.mentor_capacity,
        "host_capacity": person.host_capacity,
        "presenter": person.presenter,
        "skills": {h.skill_id: int(h.level) for h in sorted(holdings)},
        "wishes": {w.skill_id: w.priority for w in sorted(wishes)},
    }


def to_document(org: Organisation) -> dict[str, Any]:
    holdings: dict[str, list[Holding]] = {}
    for h in org.holdings:
        holdings.setdefault(h.person_id, []).append(h)
    wishes: dict[str, list[Wish]] = {}
    for w in org.wishes:
        wishes.setdefault(w.person_id, []).append(w)
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": org.name,
        "skills": [_skill_doc(s) for s in sorted(org.skills, key=lambda s: s.id)],
        "people": [_person_doc(p, holdings.get(p.id, []), wishes.get(p.id, [])) for p in org.people],
        "history": [
            {
                "round": h.round,
                "kind": h.kind,
                "members": list(h.members),
                "started": h.started.isoformat(),
                "ended": _date(h.ended),
            }
            for h in org.history
        ],
    }


def write_json(org: Organisation, path: Path) -> None:
    """Write the organisation indented, or without spaces when indented it would pass the import's size limit.

    An export must always import again: at about 100,000 people the indentation alone passes the limit.
    """
    document = to_document(org)
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if len(text.encode()) >= MAX_FILE_BYTES:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
