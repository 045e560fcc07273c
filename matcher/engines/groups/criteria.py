"""Criteria HR sets beside diversity and likeness: how many people of one kind a group holds.

>>> CountRange("skill:ai", level=3, min=1, max=2).each_value
False
>>> CountRange("department", max=2).each_value
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matcher.domain.phrases import phrase

#: Attributes a criterion may name; ``skill:<id>`` and ``interest:<id>`` name one skill.
ATTRIBUTES = ("department", "function", "site", "team", "experience")
#: Skill levels run from 0 (none) to 4 (expert).
LEVELS = range(0, 5)

#: Numbers a balance may name beside ``level:<id>`` (the level in one skill).
NUMBERS = ("experience", "tenure")

Fail = Callable[[str, str], None]


@dataclass(frozen=True)
class Balance:
    """Each group's average of a number close to the round's: "experience" (years in the field or
    tenure, whichever is longer; never age), "tenure" (years with the organisation) or
    "level:<id>" (the level in one skill, 0 to 4). A group costs ``weight`` points for each year
    (or level) its average is off; with a ``tolerance``, a group further off than that breaks a
    rule.
    """

    attribute: str
    weight: float = 1.0
    tolerance: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def balances(raw: Any, fail: Fail) -> tuple[Balance, ...]:
    """The ``balance`` setting: a list of objects with attribute, weight and tolerance."""
    if not isinstance(raw, list):
        fail("balance", phrase("expected a list of objects with attribute, weight and tolerance"))
        return ()
    found = []
    for i, item in enumerate(raw):
        where = f"balance[{i}]"
        if (
            not isinstance(item, dict)
            or "attribute" not in item
            or set(item) - {"attribute", "weight", "tolerance"}
        ):
            fail(where, phrase("expected an object with attribute, weight and tolerance"))
            continue
        attribute, weight, tolerance = item["attribute"], item.get("weight", 1.0), item.get("tolerance")
        right = True
        if not (isinstance(attribute, str) and (attribute in NUMBERS or attribute.startswith("level:"))):
            fail(f"{where}.attribute", phrase("one of {numbers} or level:<id>", numbers=", ".join(NUMBERS)))
            right = False
        if not _number(weight):
            fail(f"{where}.weight", phrase("a number of 0 or more"))
            right = False
        if tolerance is not None and not _number(tolerance):
            fail(f"{where}.tolerance", phrase("a number of 0 or more, or null for none"))
            right = False
        if right:
            found.append(Balance(attribute, float(weight), None if tolerance is None else float(tolerance)))
    return tuple(found)


def _number(x: object) -> bool:
    return not isinstance(x, bool) and isinstance(x, int | float) and x >= 0


@dataclass(frozen=True)
class CountRange:
    """How many people of one kind each group holds: "1-2 people at level 3 or more in AI",
    "at most 2 from one department".

    ``attribute`` is "department", "function", "site", "team", "experience" (with ``value``: the
    people of that value; without: each value on its own, so only a maximum makes sense),
    "skill:<id>" (people at ``level`` or more in the skill) or "interest:<id>" (people who hold or
    want the skill). A hard range is a rule no published plan breaks; a soft one costs a group
    ``weight`` points for each person it is short or over.
    """

    attribute: str
    value: str = ""
    level: int = 3
    min: int = 0
    max: int | None = None
    hard: bool = True
    weight: float = 1.0

    @property
    def each_value(self) -> bool:
        """The range holds for each value of the attribute on its own ("at most 2 from one
        department")."""
        return not self.value and not self.attribute.startswith(("skill:", "interest:"))

    def off(self, n: int) -> int:
        """How many people a group holding ``n`` of this kind is short or over."""
        over = n - self.max if self.max is not None and n > self.max else 0
        return max(0, self.min - n) + over

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def known_attribute(attribute: object) -> bool:
    return isinstance(attribute, str) and (
        attribute in ATTRIBUTES or attribute.startswith(("skill:", "interest:"))
    )


def count_ranges(raw: Any, fail: Fail) -> dict[int, CountRange]:
    """The ``counts`` setting: a list of objects with attribute, value or level, min, max, hard
    and weight; the ranges that are right, by their place in the list."""
    if not isinstance(raw, list):
        fail("counts", phrase("expected a list of objects with attribute, min and max"))
        return {}
    found: dict[int, CountRange] = {}
    for i, item in enumerate(raw):
        where = f"counts[{i}]"
        if not isinstance(item, dict) or "attribute" not in item:
            fail(where, phrase("expected an object with attribute, min and max"))
            continue
        unknown = set(item) - {f.name for f in dataclasses.fields(CountRange)}
        if unknown:
            known = ", ".join(f.name for f in dataclasses.fields(CountRange))
            fail(where, phrase("unknown setting; known settings are {known}", known=known))
            continue
        found_one = _count_range(item, where, fail)
        if found_one is not None:
            found[i] = found_one
    return found


def _count_range(item: dict[str, Any], where: str, fail: Fail) -> CountRange | None:
    attribute, value = item["attribute"], item.get("value", "")
    low, high, level = item.get("min", 0), item.get("max"), item.get("level", 3)
    hard, weight = item.get("hard", True), item.get("weight", 1.0)
    refused: list[str] = []

    def refuse(field: str, message: str) -> None:
        refused.append(field)
        fail(f"{where}.{field}", message)

    if not known_attribute(attribute):
        refuse(
            "attribute",
            phrase("one of {attributes}, skill:<id> or interest:<id>", attributes=", ".join(ATTRIBUTES)),
        )
    if not isinstance(value, str):
        refuse("value", phrase("expected text, got {value}", value=repr(value)))
    if not _whole(level) or level not in LEVELS:
        refuse("level", phrase("a skill level from 0 to 4"))
    if not _whole(low) or low < 0:
        refuse("min", phrase("a whole number of 0 or more"))
    if high is not None and (not _whole(high) or not _whole(low) or high < max(low, 0)):
        refuse("max", phrase("a whole number no less than the minimum, or null for no maximum"))
    if not isinstance(hard, bool):
        refuse("hard", phrase("expected true or false, got {value}", value=repr(hard)))
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
        refuse("weight", phrase("a number of 0 or more"))
    if refused:
        return None
    found = CountRange(attribute, value, level, low, high, hard, float(weight))
    if found.each_value and (found.max is None or found.min):
        refuse(
            "value",
            phrase("without a value the range holds for each value: give a maximum and no minimum"),
        )
        return None
    return found


def _whole(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


#: Hours in a week: more shared hours than this no group can have.
WEEK_HOURS = 7 * 24


@dataclass(frozen=True)
class SharedTime:
    """Each group shares at least ``hours`` of its members' working hours a week (working hours
    only: calendars are not part of a group round). A hard requirement is a rule no published plan
    breaks; a soft one costs a group ``weight`` points for each hour it is short."""

    hours: float
    hard: bool = False
    weight: float = 1.0

    def short(self, hours: float) -> float:
        """Hours a group sharing ``hours`` a week is short."""
        return max(0.0, self.hours - hours)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def shared_time(raw: Any, fail: Fail) -> SharedTime | None:
    """The ``shared_time`` setting: an object with hours, hard and weight, or null for none."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or "hours" not in raw or set(raw) - {"hours", "hard", "weight"}:
        fail("shared_time", phrase("expected an object with hours, hard and weight, or null for none"))
        return None
    hours, hard, weight = raw["hours"], raw.get("hard", False), raw.get("weight", 1.0)
    right = True
    if not _number(hours) or hours > WEEK_HOURS:
        fail(
            "shared_time.hours",
            phrase("a number of hours from 0 to {most}, the hours of a week", most=WEEK_HOURS),
        )
        right = False
    if not isinstance(hard, bool):
        fail("shared_time.hard", phrase("expected true or false, got {value}", value=repr(hard)))
        right = False
    if not _number(weight):
        fail("shared_time.weight", phrase("a number of 0 or more"))
        right = False
    return SharedTime(float(hours), hard, float(weight)) if right else None
