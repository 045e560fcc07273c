"""Who owns which field of a person: the HR system, the person, or either of them.

The HR system owns what the personnel records hold (name, e-mail address, department, dates ...).
The person owns what they say about themselves: what they opt in to and how much, when and in which
languages they work. Skills and wishes either may set: each level and each wish belongs to whoever
entered it (its provenance), the person on their profile or HR through a file.

An import changes the fields HR owns. It never changes a field a person owns, nor a level or
wish the person entered, unless HR takes the file's value for that person and field explicitly;
and it never switches an opt-in on or raises a capacity, not even when HR asks (switching one off
may be taken). A new person starts with the fields the file gives, except that their opt-ins stay
at the defaults of :class:`~matcher.domain.model.Person`: they opt in themselves.

This table is the one the merge, the import preview and the README's table follow.

>>> [f.key for f in FIELDS if f.opt_in]
['ask_me', 'mentor_capacity', 'host_capacity', 'presenter']
>>> owner("working_hours"), owner("skills.sql"), owner("site")
('person', 'either', 'hr')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matcher.domain.phrases import phrase, term

HR = "hr"
PERSON = "person"
EITHER = "either"

#: What a field holds, so that a page or the command line can show its value.
TEXT, DATE, YES_NO, NUMBER, HOURS, LANGUAGES, PERSON_ID, LEVEL, PRIORITY = (
    "text",
    "date",
    "yes_no",
    "number",
    "hours",
    "languages",
    "person",
    "level",
    "priority",
)


@dataclass(frozen=True)
class Field:
    """One field of a person as files name it (the organisation JSON's key, the matrix's column)."""

    key: str
    #: The :class:`~matcher.domain.model.Person` attribute; None for what a file does not carry.
    attribute: str | None
    owner: str
    label: str
    kind: str = TEXT
    #: Consent: an import never switches it on (or raises it), not even when HR asks.
    opt_in: bool = False


FIELDS: tuple[Field, ...] = (
    Field("name", "name", HR, term("name")),
    Field("email", "email", HR, term("e-mail address")),
    Field("department", "department", HR, term("department")),
    Field("function", "function", HR, term("function")),
    Field("site", "site", HR, term("site")),
    Field("team", "team", HR, term("team")),
    Field("manager", "manager_id", HR, term("manager"), PERSON_ID),
    Field("start_date", "start_date", HR, term("start date"), DATE),
    Field("years_experience", "years_experience", HR, term("years of experience"), NUMBER),
    Field("leaving_date", "leaving_date", HR, term("leaving date"), DATE),
    Field("intern", "intern", HR, term("intern"), YES_NO),
    Field("newcomer", "newcomer", HR, term("newcomer"), YES_NO),
    Field("ask_me", "ask_me", PERSON, term("ask me about"), YES_NO, opt_in=True),
    Field("mentor_capacity", "mentor_capacity", PERSON, term("mentees at most"), NUMBER, opt_in=True),
    Field(
        "host_capacity",
        "host_capacity",
        PERSON,
        term("shadowing guests a month at most"),
        NUMBER,
        opt_in=True,
    ),
    Field("presenter", "presenter", PERSON, term("presents at lunch & learn"), YES_NO, opt_in=True),
    Field("working_hours", "working_hours", PERSON, term("working hours"), HOURS),
    Field("languages", "languages", PERSON, term("languages"), LANGUAGES),
    Field("timezone", "timezone", PERSON, term("time zone")),
    Field("calendars", None, PERSON, term("calendars")),
    Field("skills", None, EITHER, term("skills"), LEVEL),
    Field("wishes", None, EITHER, term("learning wishes"), PRIORITY),
)

BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
BY_ATTRIBUTE: dict[str, Field] = {f.attribute: f for f in FIELDS if f.attribute}

#: The keys of the fields the person owns that a file may carry (calendars are never in a file).
PERSON_KEYS: frozenset[str] = frozenset(f.key for f in FIELDS if f.owner == PERSON and f.attribute)
HR_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.owner == HR)
EITHER_KEYS: frozenset[str] = frozenset(f.key for f in FIELDS if f.owner == EITHER)


def field(key: str) -> Field:
    """The field a key is about: ``skills.sql`` is about ``skills``."""
    return BY_KEY[key.split(".", 1)[0]]


def owner(key: str) -> str:
    return field(key).owner


def label(key: str) -> str:
    return field(key).label


def said_key(key: str, skill_name: str | None = None) -> str:
    """A field as a page or the command line names it: its label, or for a level or a wish the skill
    (``skills.sql``: "level of SQL")."""
    whole, _, skill = key.partition(".")
    if not skill:
        return label(key)
    if whole == "skills":
        return phrase("level of {skill}", skill=skill_name or skill)
    return phrase("wish to learn {skill}", skill=skill_name or skill)


@dataclass(frozen=True)
class Provenance:
    """Which skill levels and wishes people entered themselves, as (person id, skill id); every other
    level or wish came from HR (a file, or an edit on HR's pages)."""

    holdings: frozenset[tuple[str, str]] = frozenset()
    wishes: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Takes:
    """What HR chose to take from a file against what a person entered: (person id, key) pairs.

    The person id ``*`` stands for everyone, the key ``skills`` (``wishes``) for each of a person's
    levels (wishes). An opt-in is never switched on, whatever is taken.

    >>> takes = Takes.of(["E1:working_hours", "skills", "E2:wishes.sql"])
    >>> takes.takes("E1", "working_hours"), takes.takes("E9", "skills.sql"), takes.takes("E1", "wishes.sql")
    (True, True, False)
    """

    chosen: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, items: Iterable[str]) -> Takes:
        """From ``PERSON:FIELD`` or ``FIELD`` (everyone) texts."""
        pairs = set()
        for item in items:
            person, _, key = item.rpartition(":")
            pairs.add((person or "*", key))
        return cls(frozenset(pairs))

    def takes(self, person_id: str, key: str) -> bool:
        whole = key.split(".", 1)[0]
        return any((who, what) in self.chosen for who in (person_id, "*") for what in (key, whole))

    def __bool__(self) -> bool:
        return bool(self.chosen)

    def as_texts(self) -> list[str]:
        return sorted(key if person == "*" else f"{person}:{key}" for person, key in self.chosen)


@dataclass(frozen=True)
class Change:
    """A field of a person that the import changes: its value before and after (None: absent)."""

    key: str
    old: object
    new: object

    @property
    def label(self) -> str:
        return label(self.key)

    @property
    def kind(self) -> str:
        return field(self.key).kind

    @property
    def skill_id(self) -> str | None:
        """The skill of a level or wish (``skills.sql``: ``sql``)."""
        return self.key.partition(".")[2] or None


@dataclass(frozen=True)
class Conflict:
    """A field where the file says something else than what the person entered.

    ``taken`` says whether HR took the file's value; ``takeable`` is False for an opt-in the file
    would switch on (or raise): that is the person's to do.
    """

    key: str
    theirs: object
    in_file: object
    takeable: bool = True
    taken: bool = False

    @property
    def label(self) -> str:
        return label(self.key)

    @property
    def kind(self) -> str:
        return field(self.key).kind

    @property
    def skill_id(self) -> str | None:
        return self.key.partition(".")[2] or None


ADDED, UPDATED, REMOVED, KEPT = "added", "updated", "removed", "kept"

#: Who makes a change: a file (the rules above hold), the person on their own profile, or HR on
#: HR's pages (an edit of one field at a time, which is asking for it explicitly).
BY_FILE, BY_SELF, BY_HR = "file", "self", "hr"


@dataclass(frozen=True)
class PersonReview:
    """What an import does to one person: added, updated, removed, or kept with conflicts only."""

    person_id: str
    name: str
    status: str
    changes: tuple[Change, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    @property
    def open_conflicts(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if not c.taken)


def switches_on(old: object, new: object) -> bool:
    """An opt-in switched on or a capacity raised: ``False -> True``, ``1 -> 2``."""
    return bool(new > old) if isinstance(old, (bool, int)) and isinstance(new, (bool, int)) else False
