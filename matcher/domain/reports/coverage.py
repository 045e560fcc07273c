"""Skill coverage per department: how many people hold each skill or category at a level."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from matcher.domain.model import Organisation
from matcher.domain.talentmap import KEY_LEVEL


@dataclass(frozen=True)
class HeatRow:
    #: A skill id, or a category name when the rows are categories.
    key: str
    label: str
    #: People at the level or higher, one value per department column.
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Heatmap:
    #: "skill" or "category"
    by: str
    departments: tuple[str, ...]
    #: People per department, in the same order.
    headcounts: tuple[int, ...]
    rows: tuple[HeatRow, ...]
    min_level: int

    @property
    def highest(self) -> int:
        return max((v for row in self.rows for v in row.values), default=0)

    def value(self, key: str, department: str) -> int:
        row = next(r for r in self.rows if r.key == key)
        return row.values[self.departments.index(department)]


def coverage_heatmap(
    org: Organisation, *, by: str = "category", category: str | None = None, min_level: int = KEY_LEVEL
) -> Heatmap:
    """How many people per department hold each skill (or any skill of a category) at ``min_level``
    or higher. A ``category`` narrows the rows to the skills in it (and makes them skills)."""
    if by not in ("skill", "category"):
        raise ValueError(f"rows are 'skill' or 'category', not '{by}'")
    if category is not None:
        by = "skill"
    skills = {s.id: s for s in org.skills if category is None or s.category == category}
    people = {p.id: p for p in org.people}
    departments = sorted({p.department for p in org.people}, key=lambda d: (d == "", d.casefold()))
    column = {d: i for i, d in enumerate(departments)}
    headcounts = Counter(p.department for p in org.people)
    holders: dict[str, set[str]] = defaultdict(set)
    for h in org.holdings:
        if h.level >= min_level and h.skill_id in skills and h.person_id in people:
            key = h.skill_id if by == "skill" else skills[h.skill_id].category
            holders[key].add(h.person_id)
    if by == "skill":
        labels = {s.id: s.name for s in skills.values()}
    else:
        labels = {s.category: s.category for s in skills.values()}
    rows = []
    for key, label in sorted(labels.items(), key=lambda item: (item[1].casefold(), item[0])):
        values = [0] * len(departments)
        for pid in holders.get(key, ()):
            values[column[people[pid].department]] += 1
        rows.append(HeatRow(key, label, tuple(values)))
    return Heatmap(by, tuple(departments), tuple(headcounts[d] for d in departments), tuple(rows), min_level)
