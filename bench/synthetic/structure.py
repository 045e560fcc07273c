"""Departments, clusters and teams: who works where, reports to whom, and for how long."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

from bench import vocabulary as vocab
from bench.synthetic.blueprint import Blueprint, Shares
from bench.vocabulary import DepartmentPlan, TeamPlan

NEWCOMER_DAYS = 183  # "started within the last six months"
TEAM_MIN, TEAM_MAX = 5, 12  # members under one team leader
SPAN = 8  # teams or clusters under one manager
SLACK = 0.8
DIRECTIE = "Directie"


@dataclass(eq=False)
class Draft:
    """A person while being generated."""

    department: str
    team: str
    function: str
    site: str
    manager: int | None
    role: str  # director, head, manager, lead or member
    plan: TeamPlan | None = None
    intern: bool = False
    days: int = 0  # tenure in days


def _capacity(depth: int) -> int:
    """How many people fit below one boss with ``depth`` layers of teams and clusters."""
    return TEAM_MAX if depth == 0 else SPAN * (1 + _capacity(depth - 1))


class Structure:
    """Departments, clusters and teams: who works where and reports to whom."""

    def __init__(self, blueprint: Blueprint, rng: random.Random) -> None:
        self.blueprint = blueprint
        self.rng = rng
        self.drafts: list[Draft] = []
        self.clusters: Counter[str] = Counter()  # per department
        self.teams_made: Counter[str] = Counter()  # per department
        self.team_names: Counter[str] = Counter()  # per team name

    def build(self, people: int) -> list[Draft]:
        sites = self.blueprint.sites
        self.drafts.append(Draft(DIRECTIE, DIRECTIE, vocab.DIRECTOR, sites[0], None, "director"))
        departments = self.blueprint.departments
        domains = sorted({d.domain or d.name for d in departments})
        bosses = {}
        # Too many heads for one director: a director per domain in between.
        if len(departments) > SPAN and people > 1 + len(domains) + len(departments):
            for domain in domains:
                self.drafts.append(Draft(DIRECTIE, DIRECTIE, vocab.DOMAIN_DIRECTOR, sites[0], 0, "director"))
                bosses[domain] = len(self.drafts) - 1
        for department, size in self._sizes(people - len(self.drafts)):
            boss = bosses.get(department.domain or department.name, 0)
            head = self._add(department, department.name, vocab.HEAD, boss, "head")
            self._unit(department, head, size - 1)
        return self.drafts

    def _sizes(self, people: int) -> list[tuple[DepartmentPlan, int]]:
        """Sizes in proportion to the departments' weights, each with at least its head."""
        departments = list(self.blueprint.departments)
        if people < len(departments):
            departments = [departments[i] for i in sorted(self.rng.sample(range(len(departments)), people))]
        if not departments:
            return []
        total = sum(d.weight for d in departments)
        spare = people - len(departments)
        quotas = [spare * d.weight / total for d in departments]
        sizes = [1 + math.floor(q) for q in quotas]
        by_remainder = sorted(range(len(quotas)), key=lambda i: math.floor(quotas[i]) - quotas[i])
        for i in by_remainder[: people - sum(sizes)]:
            sizes[i] += 1
        return list(zip(departments, sizes, strict=True))

    def _add(
        self,
        department: DepartmentPlan,
        team: str,
        function: str,
        boss: int,
        role: str,
        plan: TeamPlan | None = None,
    ) -> int:
        site = plan.site if plan and plan.site else department.site
        if role == "member" and not (plan and plan.site) and self.rng.random() < 0.12:
            site = self.rng.choice(self.blueprint.sites)
        self.drafts.append(Draft(department.name, team, function, site, boss, role, plan))
        return len(self.drafts) - 1

    def _member(self, department: DepartmentPlan, plan: TeamPlan, boss: int, team: str) -> None:
        names, weights = zip(*plan.functions, strict=True)
        self._add(department, team, self.rng.choices(names, weights)[0], boss, "member", plan)

    def _unit(self, department: DepartmentPlan, boss: int, people: int) -> None:
        if people <= TEAM_MAX:
            for _ in range(people):
                self._member(department, self.rng.choice(department.teams), boss, department.name)
            return
        # Fill units to 80% of what fits, so that teams are not all full.
        depth = 1
        while SLACK * _capacity(depth) < people:
            depth += 1
        if depth == 1:
            self._teams(department, boss, people)
            return
        parts = max(2, math.ceil(people / (SLACK * _capacity(depth - 1) + 1)))
        for size in _even_split(people - parts, parts):
            self.clusters[department.name] += 1
            cluster = f"{department.name} cluster {self.clusters[department.name]}"
            manager = self._add(department, cluster, vocab.MANAGER, boss, "manager")
            self._unit(department, manager, size)

    def _teams(self, department: DepartmentPlan, boss: int, people: int) -> None:
        low = math.ceil(people / (TEAM_MAX + 1))
        high = min(SPAN, people // (TEAM_MIN + 1))
        wanted = max(len(department.teams), round(people / self.rng.uniform(8.5, 12)))
        sizes = [TEAM_MIN + 1] * min(high, max(low, wanted))
        for _ in range(people - sum(sizes)):
            open_teams = [i for i, size in enumerate(sizes) if size <= TEAM_MAX]
            sizes[self.rng.choice(open_teams)] += 1
        for size in sizes:
            plan = department.teams[self.teams_made[department.name] % len(department.teams)]
            self.teams_made[department.name] += 1
            self.team_names[plan.name] += 1
            count = self.team_names[plan.name]
            team = plan.name if count == 1 else f"{plan.name} {count}"
            lead = self._add(department, team, vocab.TEAM_LEAD, boss, "lead", plan)
            for _ in range(size - 1):
                self._member(department, plan, lead, team)


def _even_split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


_MIN_YEARS = {"director": 4.0, "head": 3.0, "manager": 2.0, "lead": 1.5}


def mark_interns_and_tenure(drafts: list[Draft], shares: Shares, rng: random.Random) -> None:
    """Tenure for everyone; then interns and newcomers drawn from the team members."""
    for draft in drafts:
        years = min(35.0, _MIN_YEARS.get(draft.role, 0.5) + rng.gammavariate(1.6, 5.5))
        draft.days = max(NEWCOMER_DAYS, round(years * 365.25))
    members = [d for d in drafts if d.role == "member"]
    for draft in rng.sample(members, min(len(members), round(shares.intern * len(drafts)))):
        draft.intern, draft.function = True, vocab.INTERN
        draft.days = rng.randint(7, 300)
    others = [d for d in members if not d.intern]
    for draft in rng.sample(others, min(len(others), round(shares.newcomer * len(drafts)))):
        draft.days = rng.randint(0, NEWCOMER_DAYS - 1)
