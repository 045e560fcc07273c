"""Everything HR sets for one group round: the kind, sizes, and per attribute whether
groups should be diverse, similar, or ignore it (the way CATME Team-Maker and GroupEng
describe a round), with documented defaults per kind.

>>> config = GroupConfig.for_kind("intervision")
>>> [(c.attribute, c.goal) for c in config.criteria]
[('function', 'similar'), ('team', 'diverse'), ('experience', 'diverse')]
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from matcher.domain.phrases import phrase
from matcher.domain.problems import SETTINGS, Location, Problems
from matcher.engines.groups.criteria import (
    ATTRIBUTES,
    Balance,
    CountRange,
    SharedTime,
    balances,
    count_ranges,
    known_attribute,
    shared_time,
)
from matcher.engines.pairing.config import Selection

KINDS: dict[str, str] = {
    "think-tank": "a denktank: different functions and departments around a question",
    "intervision": "peer consultation: the same kind of work, from different teams",
    "community": "a community of practice: a shared wish or skill, mixed experience",
}

GOALS = ("diverse", "similar", "ignore")


@dataclass(frozen=True)
class Criterion:
    #: "department", "function", "site", "team", "experience", "skill:<id>" (holds it at level 3
    #: or more) or "interest:<id>" (holds or wants it).
    attribute: str
    goal: str = "diverse"
    weight: float = 1.0


@dataclass(frozen=True)
class GroupConfig:
    kind: str = "think-tank"
    size_min: int = 5
    size_max: int = 7
    criteria: tuple[Criterion, ...] = ()
    #: Think tanks around a topic: each group has someone at ``topic_level`` or more in each skill.
    topic_skills: tuple[str, ...] = ()
    topic_level: int = 3
    #: How many people of one kind each group holds, hard or soft (:class:`CountRange`).
    counts: tuple[CountRange, ...] = ()
    #: Each group's average of a number close to the round's, soft or within a tolerance (:class:`Balance`).
    balance: tuple[Balance, ...] = ()
    #: Hours of working time a week each group shares, hard or soft (:class:`SharedTime`); None: off.
    shared_time: SharedTime | None = None
    #: Bands of experience: HR's cut-offs in years, rising (say [2, 5, 10]); none: cut where the
    #: spread of the people taking part puts ``band_count`` bands of about as many people each.
    experience_bands: tuple[float, ...] = ()
    band_count: int = 4
    #: Nobody is the only one of their value of these attributes in a group, where avoidable.
    no_isolated: tuple[str, ...] = ()
    #: Earlier groupmates from this many rounds of the same kind count as repeats (0: off) ...
    cooldown_rounds: int = 2
    #: ... and a group may hold at most this many such repeated pairs.
    max_repeats: int = 0
    #: No repeat until you have met everyone: earlier groupmates from any round of the same kind
    #: count as repeats, except for someone who has already met everyone taking part.
    fresh_groupmates: bool = False
    #: Where the sizes do not divide: who was left out of the last rounds of the kind is placed
    #: first, the longest waiting first.
    left_out_first: bool = True
    select: Selection = field(default_factory=Selection)
    #: People HR put together, and pairs of people who must not share a group.
    locked: tuple[tuple[str, ...], ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()
    #: Weight of the worst group's score beside the total (the CATME criterion).
    worst_group: float = 1.0
    time_limit: float = 30.0
    seed: int = 0

    @classmethod
    def for_kind(cls, kind: str, **changes: Any) -> GroupConfig:
        """The documented defaults of a kind, with changes."""
        return dataclasses.replace(cls(kind=kind, **KIND_DEFAULTS.get(kind, {})), **changes)

    def replace(self, **changes: Any) -> GroupConfig:
        return dataclasses.replace(self, **changes)

    def group_count(self, people: int) -> tuple[int, int]:
        """How many groups, and how many people cannot be placed because no count of groups
        fits the sizes (they are reported, never dropped silently)."""
        if people < self.size_min:
            return 0, people
        groups = math.ceil(people / self.size_max)
        if groups * self.size_min <= people:
            return groups, 0
        # Too few people for ceil(n / max) groups of at least min: use fewer, fuller groups.
        groups = people // self.size_min
        placed = min(people, groups * self.size_max)
        return groups, people - placed

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["criteria"] = [dataclasses.asdict(c) for c in self.criteria]
        data["counts"] = [c.as_dict() for c in self.counts]
        data["balance"] = [b.as_dict() for b in self.balance]
        data["experience_bands"] = list(self.experience_bands)
        data["select"] = {k: list(v) for k, v in data["select"].items()}
        for key in ("topic_skills", "no_isolated"):
            data[key] = list(data[key])
        data["locked"] = [list(g) for g in self.locked]
        data["forbidden"] = [list(p) for p in self.forbidden]
        return data

    @classmethod
    def from_mapping(cls, data: Any, *, source: str = SETTINGS) -> GroupConfig:
        """Read a config from JSON-like data; every problem is reported at once."""
        problems = Problems()

        def fail(where: str, message: str) -> None:
            problems.add(Location(source, None, where), message)

        if not isinstance(data, dict):
            fail("", phrase("expected an object with settings"))
            problems.raise_if_any()
        kind = data.get("kind", "think-tank")
        if kind not in KINDS:
            fail(
                "kind",
                phrase("unknown kind '{kind}'; choose one of {kinds}", kind=kind, kinds=", ".join(KINDS)),
            )
            kind = "think-tank"
        base = cls.for_kind(kind)
        values: dict[str, Any] = {}
        ranges: dict[int, CountRange] = {}
        known = {f.name for f in dataclasses.fields(cls)}
        for key, raw in data.items():
            if key not in known:
                fail(
                    key, phrase("unknown setting; known settings are {known}", known=", ".join(sorted(known)))
                )
            elif key == "criteria":
                values[key] = _criteria(raw, fail)
            elif key == "counts":
                ranges = count_ranges(raw, fail)
                values[key] = tuple(ranges.values())
            elif key == "experience_bands":
                values[key] = _cuts(raw, fail)
            elif key == "balance":
                values[key] = balances(raw, fail)
            elif key == "shared_time":
                values[key] = shared_time(raw, fail)
            elif key == "select":
                values[key] = _selection(raw, fail)
            elif key in ("locked", "forbidden", "topic_skills", "no_isolated"):
                values[key] = _texts(key, raw, fail, nested=key in ("locked", "forbidden"))
            elif key != "kind":
                default = getattr(base, key)
                if isinstance(default, bool):
                    if isinstance(raw, bool):
                        values[key] = raw
                    else:
                        fail(key, _expected(default, raw))
                elif isinstance(raw, bool) or not isinstance(raw, type(default) | int):
                    fail(key, _expected(default, raw))
                else:
                    values[key] = type(default)(raw)
        config = dataclasses.replace(base, **values)
        if config.size_min < 2 or config.size_max < config.size_min:
            fail("size_min", phrase("sizes must be at least 2, and the minimum at most the maximum"))
        for i, c in ranges.items():
            if c.hard and c.min > config.size_max:
                message = phrase(
                    "a group of at most {high} people cannot hold {low} of them",
                    high=config.size_max,
                    low=c.min,
                )
                fail(f"counts[{i}].min", message)
        if not 2 <= config.band_count <= 10:
            fail("band_count", phrase("a whole number from 2 to 10"))
        if any(len(p) != 2 for p in config.forbidden):
            fail("forbidden", phrase("each forbidden combination is two person ids"))
        problems.raise_if_any()
        return config


KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "think-tank": {
        "criteria": (
            Criterion("function", "diverse", 3.0),
            Criterion("department", "diverse", 2.0),
            Criterion("site", "diverse", 0.5),
            Criterion("experience", "diverse", 1.0),
        ),
    },
    "intervision": {
        "size_min": 4,
        "size_max": 6,
        "criteria": (
            Criterion("function", "similar", 3.0),
            Criterion("team", "diverse", 2.0),
            Criterion("experience", "diverse", 0.5),
        ),
    },
    "community": {
        "size_min": 5,
        "size_max": 9,
        "criteria": (Criterion("experience", "diverse", 2.0), Criterion("department", "diverse", 1.0)),
    },
}


def _expected(default: object, raw: object) -> str:
    """A setting of the wrong type: what it should have been, and what it was."""
    if isinstance(default, bool):
        return phrase("expected true or false, got {value}", value=repr(raw))
    if isinstance(default, int):
        return phrase("expected a whole number, got {value}", value=repr(raw))
    if isinstance(default, float):
        return phrase("expected a number, got {value}", value=repr(raw))
    return phrase("expected text, got {value}", value=repr(raw))


def _criteria(raw: Any, fail: Any) -> tuple[Criterion, ...]:
    if not isinstance(raw, list):
        fail("criteria", phrase("expected a list of objects with attribute, goal and weight"))
        return ()
    found = []
    for i, item in enumerate(raw):
        where = f"criteria[{i}]"
        if not isinstance(item, dict) or "attribute" not in item:
            fail(where, phrase("expected an object with attribute, goal and weight"))
            continue
        attribute, goal, weight = item["attribute"], item.get("goal", "diverse"), item.get("weight", 1.0)
        if not known_attribute(attribute):
            fail(
                f"{where}.attribute",
                phrase("one of {attributes}, skill:<id> or interest:<id>", attributes=", ".join(ATTRIBUTES)),
            )
            continue
        if goal not in GOALS:
            fail(f"{where}.goal", phrase("one of {goals}", goals=", ".join(GOALS)))
            continue
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            fail(f"{where}.weight", phrase("a number of 0 or more"))
            continue
        found.append(Criterion(attribute, goal, float(weight)))
    return tuple(found)


def _cuts(raw: Any, fail: Any) -> tuple[float, ...]:
    numbers = isinstance(raw, list) and all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in raw
    )
    if not numbers or any(x <= 0 for x in raw) or any(a >= b for a, b in itertools.pairwise(raw)):
        fail("experience_bands", phrase("expected a rising list of years above 0"))
        return ()
    return tuple(float(x) for x in raw)


def _selection(raw: Any, fail: Any) -> Selection:
    known = {f.name for f in dataclasses.fields(Selection)}
    if not isinstance(raw, dict) or not set(raw) <= known:
        fail("select", phrase("expected an object with {keys}", keys=", ".join(sorted(known))))
        return Selection()
    if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in raw.values()):
        fail("select", phrase("expected lists of texts"))
        return Selection()
    return Selection(**{k: tuple(v) for k, v in raw.items()})


def _texts(key: str, raw: Any, fail: Any, *, nested: bool) -> tuple:
    if not isinstance(raw, list):
        fail(key, phrase("expected a list"))
        return ()
    if nested:
        if not all(isinstance(g, list) and len(g) >= 2 and all(isinstance(x, str) for x in g) for g in raw):
            fail(key, phrase("expected lists of two or more person ids"))
            return ()
        return tuple(tuple(g) for g in raw)
    if not all(isinstance(x, str) for x in raw):
        fail(key, phrase("expected a list of texts"))
        return ()
    return tuple(raw)
