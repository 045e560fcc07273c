"""A mapping made from another by changing a few keys, without copying the other.

A talent map changed person by person (:mod:`matcher.domain.talentmap.update`) keeps several indexes
per person: 20,000 entries each in a large organisation. Copying one costs milliseconds (every key and
value is touched), and a map changes with every saved profile, while a change touches one to three
people. :class:`Layered` keeps the entries of the map it came from as they were and the changed
entries beside them; once the changes grow to an eighth of the entries they are folded into one new
dictionary, so that a lookup stays two dictionary lookups at most and the memory stays bounded.

It reads as a dictionary: a key replaced keeps its place, a new key comes last.

>>> a = Layered({"x": 1, "y": 2})
>>> b = a.changed({"y": 3, "z": 4}, gone={"x"})
>>> dict(b), dict(a), len(b), "x" in b
({'y': 3, 'z': 4}, {'x': 1, 'y': 2}, 2, False)
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

#: Changes are folded into a new dictionary when they reach this share of the entries (or 64).
FOLD_SHARE = 8


class _Gone:
    """The mark of a key taken out."""


_GONE = _Gone()


class Layered(Mapping[K, V], Generic[K, V]):
    """A read-only mapping: ``base`` with ``changes`` over it (a value of ``_GONE`` takes a key out)."""

    __slots__ = ("_base", "_changes", "_len")

    def __init__(self, base: Mapping[K, V], changes: dict[K, V | _Gone] | None = None) -> None:
        self._base: Mapping[K, V] = base
        self._changes: dict[K, V | _Gone] = changes or {}
        size = len(base)
        for key, value in self._changes.items():
            present = key in base
            if value is _GONE:
                size -= present
            else:
                size += not present
        self._len = size

    def changed(self, values: Mapping[K, V], gone: Collection[K] = ()) -> Layered[K, V]:
        """A new mapping with ``values`` set and the keys ``gone`` taken out; this one stays as it was."""
        changes: dict[K, V | _Gone] = dict(self._changes)
        for key in gone:
            changes[key] = _GONE
        # A key taken out and set again comes last, as in a dictionary: folded at once (it is rare).
        again = any(changes.get(key) is _GONE for key in values)
        if again or len(changes) + len(values) >= max(64, len(self._base) // FOLD_SHARE):
            folded = dict(Layered(self._base, changes).items())
            folded.update(values)
            return Layered(folded)
        changes.update(values)
        return Layered(self._base, changes)

    def __getitem__(self, key: K) -> V:
        changes = self._changes
        if key in changes:
            value = changes[key]
            if isinstance(value, _Gone):
                raise KeyError(key)
            return value
        return self._base[key]

    def get(self, key: K, default: V | None = None) -> V | None:  # type: ignore[override]
        changes = self._changes
        if key in changes:
            value = changes[key]
            return default if isinstance(value, _Gone) else value
        return self._base.get(key, default)

    def __contains__(self, key: object) -> bool:
        changes = self._changes
        if key in changes:
            return changes[key] is not _GONE
        return key in self._base

    def __iter__(self) -> Iterator[K]:
        changes = self._changes
        if not changes:
            yield from self._base
            return
        base = self._base
        for key in base:
            if changes.get(key) is not _GONE:
                yield key
        for key, value in changes.items():
            if value is not _GONE and key not in base:
                yield key

    def __len__(self) -> int:
        return self._len

    def __repr__(self) -> str:
        return f"Layered({dict(self.items())!r})"
