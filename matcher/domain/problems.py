"""Problems found in input, reported all at once with where they are and why.

A problem's place and its reason are messages (:mod:`matcher.domain.phrases`): the words of a
place ("row 3", "line 12", "field 'start_date'") and the reason are said in the reader's language
when they are shown (:meth:`InvalidInput.report` with a translator, or the web's ``say``). What
comes from the file itself (its name, a column header, a value) stays as it was written.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from matcher.domain.phrases import Translator, counted, phrase, say, term

MAX_PROBLEMS = 100

#: Where a problem with settings is, when they come from no file of their own.
SETTINGS = term("settings")


class Grouped(int):
    """A whole number that the English sentence writes with thousands separators ("50,000"); a
    translation writes it the way of its language ("50.000"), as every number."""

    def __format__(self, format_spec: str) -> str:
        return format(int(self), format_spec or ",")


def number(value: float) -> int | float:
    """A number for a sentence as ``{:g}`` writes it (9.5, 10), that a translation writes its own way
    (9,5)."""
    short = float(format(value, "g"))
    return int(short) if short.is_integer() else short


def commas(parts: list[str]) -> str:
    """Parts of a sentence, each a message (or text from the input), separated by commas."""
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return phrase("{first}, {rest}", first=parts[0], rest=commas(parts[1:]))


def line(at: int) -> str:
    """A line of a text file, as the row of a :class:`Location`: ``line 12``."""
    return phrase("line {line}", line=at)


@dataclass(frozen=True)
class Location:
    """Where something came from: a file, a row (a row number, a path like ``people[3]`` or the
    words for a place such as :func:`line`) and a field (a column header or a key)."""

    file: str
    row: int | str | None = None
    field: str | None = None

    def row_words(self) -> str | None:
        """The row as said in a sentence: ``row 3``, or the row's own words."""
        if isinstance(self.row, int):
            return phrase("row {row}", row=self.row)
        return self.row

    def describe(self) -> str:
        """``file, row 3, field 'x'``: a message, except for a place that is a file name alone."""
        row = self.row_words()
        field = phrase("field '{field}'", field=self.field) if self.field else None
        return commas([part for part in (self.file, row, field) if part is not None])

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class Problem:
    where: Location
    message: str

    def __str__(self) -> str:
        """``file, row 3, field 'x': why``, as a message (``str()`` keeps it one)."""
        return phrase("{where}: {problem}", where=self.where.describe(), problem=self.message)

    def at_field(self) -> str:
        """``x: why``, for a form that shows the problem beside the form rather than at a field."""
        if not self.where.field:
            return self.message
        return phrase("{field}: {problem}", field=self.where.field, problem=self.message)

    def said(self, translator: Translator | None = None) -> str:
        """The problem with its place, in the translator's language (None: as written, in English)."""
        return _said(str(self), translator)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.where.file,
            "row": self.where.row,
            "field": self.where.field,
            "message": self.message,
        }


class InvalidInput(Exception):
    """Input that cannot be accepted. Carries every problem found (up to a cap)."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        return counted(
            self.total, "{n} problem found, nothing was changed", "{n} problems found, nothing was changed"
        )

    def hidden(self) -> str | None:
        """``... and 3 more``, for the problems beyond the cap; None when every problem is listed."""
        more = self.total - len(self.problems)
        return counted(more, "... and {n} more", "... and {n} more") if more > 0 else None

    def lines(self, translator: Translator | None = None) -> list[str]:
        """Each problem with its place, and what is left out, in the translator's language (None:
        the English the messages were written in)."""
        said = [problem.said(translator) for problem in self.problems]
        hidden = self.hidden()
        return said + ([_said(hidden, translator)] if hidden is not None else [])

    def report(self, translator: Translator | None = None) -> str:
        """The summary and every problem on a line of its own, in the translator's language
        (English unless told otherwise)."""
        heading = _said(self.summary(), translator) + ":"
        return "\n".join([heading, *(f"  {text}" for text in self.lines(translator))])


def _said(message: str, translator: Translator | None) -> str:
    return str(message) if translator is None else say(message, translator)


class Problems:
    """Collects problems up to :data:`MAX_PROBLEMS`, counting the rest."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.items: list[Problem] = []
        self.total = 0

    def add(self, where: Location, message: str) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(Problem(where, message))

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def raise_if_any(self) -> None:
        if self.total:
            raise InvalidInput(list(self.items), self.total)


class Locator:
    """Remembers where each parsed thing came from, so that checks made later
    (on the whole organisation) can still point at a file, row and field.

    Keys are tuples such as ``("person", id)``, ``("skill", id)``,
    ``("holding", person_id, skill_id)`` and ``("wish", person_id, skill_id)``.
    Things without a recorded place are in the stored data.
    """

    def __init__(self, fallback: str | None = None) -> None:
        self.fallback = fallback if fallback is not None else term("stored data")
        self._places: dict[Hashable, Location] = {}

    def record(self, key: Hashable, where: Location) -> None:
        self._places.setdefault(key, where)

    def at(self, key: Hashable, field: str | None = None) -> Location:
        place = self._places.get(key)
        if place is None:
            return Location(self.fallback, _describe(key), field)
        if field is None:
            return place
        return Location(place.file, place.row, field)


def _describe(key: Hashable) -> str | None:
    """The words for a thing in the stored data: ``person 'anna'``, ``wish 'bram/kotlin'``."""
    match key:
        case ("person", person_id):
            return phrase("person '{id}'", id=str(person_id))
        case ("skill", skill_id):
            return phrase("skill '{id}'", id=str(skill_id))
        case ("holding", person_id, skill_id):
            return phrase("holding '{person}/{skill}'", person=str(person_id), skill=str(skill_id))
        case ("wish", person_id, skill_id):
            return phrase("wish '{person}/{skill}'", person=str(person_id), skill=str(skill_id))
        case ("history", entry):
            return phrase("earlier pairing or group '{round}'", round=str(getattr(entry, "round", entry)))
        case (kind, *rest) if rest:
            return phrase("{kind} '{id}'", kind=str(kind), id="/".join(str(k) for k in rest))
    return None
