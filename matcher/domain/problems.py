"""Problems found in input, reported all at once with where they are and why."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass

MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Location:
    """Where something came from: a file, a row (a line number or a path like
    ``people[3]``) and a field (a column header or a key)."""

    file: str
    row: int | str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}" if isinstance(self.row, int) else str(self.row))
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    where: Location
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

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
        noun = "problem" if self.total == 1 else "problems"
        return f"{self.total} {noun} found, nothing was changed"

    def report(self) -> str:
        lines = [f"{self.summary()}:"]
        lines += [f"  {p}" for p in self.problems]
        hidden = self.total - len(self.problems)
        if hidden > 0:
            lines.append(f"  ... and {hidden} more")
        return "\n".join(lines)


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

    def __init__(self, fallback: str = "stored data") -> None:
        self.fallback = fallback
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
    if isinstance(key, tuple) and len(key) >= 2:
        return f"{key[0]} '{'/'.join(str(k) for k in key[1:])}'"
    return None
