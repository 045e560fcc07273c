"""Synthetic organisations of any size, for demos, load tests and property tests.

Everything comes from one ``random.Random(seed)``: the same arguments give the
same organisation, and nothing reads the clock. The shape follows a Dutch
municipality (:mod:`bench.vocabulary`): departments of varied size under a
director, teams of 5 to 12 under a team leader, a few experts per skill and
many beginners, newcomers, interns and people who leave soon.

>>> org = generate_organisation(200, seed=7)
>>> len(org.people), len(org.skills)
(200, 60)

Experience is tenure and years in the field; no one has an age or a birth date.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate

from bench import vocabulary as vocab
from bench.vocabulary import BACKGROUNDS, DepartmentPlan, TeamPlan
from matcher.domain.model import (
    HistoryEntry,
    Holding,
    Level,
    Organisation,
    Person,
    RelatedSkill,
    Skill,
    Wish,
    WorkingHours,
)
from matcher.io.fields import parse_working_hours

DEFAULT_TODAY = dt.date(2026, 1, 1)
NEWCOMER_DAYS = 183  # "started within the last six months"
TEAM_MIN, TEAM_MAX = 5, 12  # members under one team leader
SPAN = 8  # teams or clusters under one manager
SLACK = 0.8
DIRECTIE = "Directie"
LEVELS = tuple(Level)


@dataclass(frozen=True)
class Shares:
    """How common each trait is, as a share of the people it can apply to."""

    newcomer: float = 0.07
    intern: float = 0.03
    leaver: float = 0.05
    mentor: float = 0.20  # of the experienced people
    host: float = 0.15
    ask_me: float = 0.90
    presenter: float = 0.25  # of those who hold a skill at level 3 or more


@dataclass(frozen=True)
class Blueprint:
    """What an organisation is made of, before any person exists."""

    name: str
    domain: str
    departments: tuple[DepartmentPlan, ...]
    sites: tuple[str, ...]
    skills: tuple[Skill, ...]
    timezones: tuple[tuple[str, float], ...] = (
        ("Europe/Amsterdam", 0.93),
        ("Europe/Brussels", 0.045),
        ("Europe/London", 0.025),
    )
    shares: Shares = field(default_factory=Shares)


def default_skill_count(people: int) -> int:
    """About 60 skills for 200 people and 500 for 20,000."""
    return max(5, round(5.25 * people**0.46))


def generate_organisation(
    people: int,
    skills: int | None = None,
    *,
    seed: int = 0,
    today: dt.date = DEFAULT_TODAY,
    name: str | None = None,
) -> Organisation:
    """A municipality-like organisation of ``people`` people and ``skills`` skills."""
    if people < 1:
        raise ValueError("an organisation needs at least one person")
    if skills is not None and skills < 1:
        raise ValueError("an organisation needs at least one skill")
    rng = random.Random(seed)
    blueprint = scaled_blueprint(people, skills or default_skill_count(people), rng, name)
    return _populate(blueprint, people, rng, today)


def generate_from(
    blueprint: Blueprint, people: int, *, seed: int = 0, today: dt.date = DEFAULT_TODAY
) -> Organisation:
    """An organisation of ``people`` people built on a given blueprint."""
    if people < 1:
        raise ValueError("an organisation needs at least one person")
    return _populate(blueprint, people, random.Random(seed), today)


# ---------------------------------------------------------------------------
# Blueprint and skills


def scaled_blueprint(people: int, skills: int, rng: random.Random, name: str | None = None) -> Blueprint:
    """The vocabulary's municipality, with departments and sites in proportion to ``people``."""
    place = rng.choice(vocab.PLACE_PARTS[0]) + rng.choice(vocab.PLACE_PARTS[1])
    if name is None:
        name = f"{'Gemeente' if people < 8000 else 'Regio'} {place}"
    domain = f"{ascii_slug(name.split()[-1]) or ascii_slug(place)}.nl"
    sites = _scaled_sites(round(people**0.3))
    count = min(people - 1, max(1, round(math.sqrt(people) / 2.2)))
    departments = _scaled_departments(max(count, 1), sites, rng)
    timezones = Blueprint.timezones
    if people >= 1000:
        timezones = (*timezones, ("America/New_York", 0.003), ("Asia/Kolkata", 0.003))
    return Blueprint(name, domain, departments, sites, taxonomy(skills, rng), timezones)


def _scaled_sites(count: int) -> tuple[str, ...]:
    extra = [f"Wijkkantoor {region}" for region in vocab.REGIONS]
    sites = [*vocab.SITES, *extra]
    sites += [f"Locatie {i}" for i in range(len(sites) + 1, count + 1)]
    return tuple(sites[: max(1, count)])


def _scaled_departments(count: int, sites: tuple[str, ...], rng: random.Random) -> tuple[DepartmentPlan, ...]:
    bases = vocab.DEPARTMENTS
    if count <= len(bases):
        picked = sorted(rng.sample(range(len(bases)), count))
        plans = [(bases[i], "") for i in picked]
    else:
        plans = [(bases[i % len(bases)], _region(i // len(bases))) for i in range(count)]
    return tuple(_localise(base, region, sites, rng) for base, region in plans)


def _region(copy: int) -> str:
    if copy == 0:
        return ""
    return vocab.REGIONS[copy - 1] if copy <= len(vocab.REGIONS) else f"Regio {copy}"


def _localise(
    base: DepartmentPlan, region: str, sites: tuple[str, ...], rng: random.Random
) -> DepartmentPlan:
    """A department as it appears in one district; teams based elsewhere stay with the original."""
    suffix = f" {region}" if region else ""
    home = f"Wijkkantoor {region}" if f"Wijkkantoor {region}" in sites else base.site
    if home not in sites:
        home = rng.choice(sites)
    teams = tuple(
        replace(team, name=team.name + suffix)
        if team.site is None or (team.site in sites and not region)
        else replace(team, name=team.name + suffix, site=None, timezone=None, background=None)
        for team in base.teams
    )
    weight = base.weight * rng.lognormvariate(0, 0.5)
    return replace(base, name=base.name + suffix, weight=weight, site=home, teams=teams, domain=base.name)


def taxonomy(count: int | None = None, rng: random.Random | None = None) -> tuple[Skill, ...]:
    """The hand-written skills with their parents and related links.

    With ``count`` smaller than the vocabulary, a subset that spreads over the
    categories and contains every parent it refers to; with a larger ``count``,
    the vocabulary plus sub-themes ("Omgevingswet: toetsing") under their skill.
    """
    rng = rng or random.Random(0)
    rows = {row[0]: row for row in vocab.SKILLS}
    vocab_ids = set(rows)
    if count is None or count == len(rows):
        chosen = list(rows)
    elif count < len(rows):
        chosen = _spread_subset(count, rows, rng)
    else:
        rows.update(_sub_themes(count - len(rows), rows, rng))
        chosen = list(rows)
    themes = {skill_id for skill_id in chosen if skill_id not in vocab_ids}
    links = _links([rows[skill_id] for skill_id in chosen], themes, len(chosen) < len(vocab_ids), rng)
    return tuple(
        Skill(
            skill_id,
            rows[skill_id][1],
            rows[skill_id][2],
            rows[skill_id][4],
            rows[skill_id][3],
            tuple(sorted(links[skill_id])),
        )
        for skill_id in chosen
    )


def _spread_subset(count: int, rows: dict, rng: random.Random) -> list[str]:
    per_category: dict[str, list[str]] = defaultdict(list)
    shuffled = list(rows)
    rng.shuffle(shuffled)
    for skill_id in shuffled:
        queue = per_category[rows[skill_id][2]]
        parent = rows[skill_id][3]
        if parent and parent not in queue:
            queue.append(parent)
        if skill_id not in queue:
            queue.append(skill_id)
    categories = list(per_category)
    rng.shuffle(categories)
    chosen: list[str] = []
    while len(chosen) < count:
        for category in categories:
            if per_category[category] and len(chosen) < count:
                chosen.append(per_category[category].pop(0))
    return chosen


def _sub_themes(extra: int, rows: dict, rng: random.Random) -> dict:
    bases = list(rows)
    rng.shuffle(bases)
    offset = {base: rng.randrange(len(vocab.ASPECTS)) for base in bases}
    themes = {}
    for i in range(extra):
        base = bases[i % len(bases)]
        turn = i // len(bases)
        aspect = vocab.ASPECTS[(turn + offset[base]) % len(vocab.ASPECTS)]
        repeat = turn // len(vocab.ASPECTS)
        skill_id = f"{base}-{ascii_slug(aspect)}" + (f"-{repeat + 1}" if repeat else "")
        name = f"{rows[base][1]}: {aspect}" + (f" ({repeat + 1})" if repeat else "")
        themes[skill_id] = (skill_id, name, rows[base][2], base, ())
    return themes


def _links(
    rows: list[tuple], themes: set[str], fill: bool, rng: random.Random
) -> dict[str, list[RelatedSkill]]:
    """Related links, each pair once, kept on the skill with the smaller id as storage keeps them."""
    present = {row[0] for row in rows}
    links: dict[str, list[RelatedSkill]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()

    def link(a: str, b: str, strength: float) -> None:
        low, high = sorted((a, b))
        if a != b and (low, high) not in seen:
            seen.add((low, high))
            links[low].append(RelatedSkill(high, strength))

    for a, b, strength in vocab.RELATED:
        if a in present and b in present:
            link(a, b, strength)
    if fill:
        # A subset loses most hand-written pairs; link some lone skills within their category.
        linked = {skill_id for pair in seen for skill_id in pair}
        by_category: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            by_category[row[2]].append(row[0])
        for skill_id, _name, category, parent, _aliases in rows:
            other = rng.choice(by_category[category])
            if skill_id not in linked and other != parent and rng.random() < 0.6:
                link(skill_id, other, _strength(rng, 0.3, 0.8))
    seen_in: dict[str, list[str]] = defaultdict(list)
    last_theme: dict[str, str] = {}
    for skill_id, _name, category, parent, _aliases in rows:
        seen_in[category].append(skill_id)
        if skill_id not in themes:
            continue
        if parent in last_theme:
            link(skill_id, last_theme[parent], _strength(rng, 0.3, 0.8))
        last_theme[parent] = skill_id
        other = rng.choice(seen_in[category])
        if other != parent and rng.random() < 0.3:
            link(skill_id, other, _strength(rng, 0.2, 0.5))
    return links


def _strength(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high) * 20) / 20


_NON_DECOMPOSING = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "ß": "ss", "æ": "ae", "đ": "d"})


@cache
def ascii_slug(text: str, separator: str = "-") -> str:
    """Lowercase ASCII with accents dropped: "Çelik" -> "celik", "van den Berg" -> "van-den-berg"."""
    plain = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", separator, plain).strip(separator)


# ---------------------------------------------------------------------------
# Population


@dataclass(eq=False)
class _Draft:
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


def _populate(blueprint: Blueprint, people: int, rng: random.Random, today: dt.date) -> Organisation:
    drafts = _Structure(blueprint, rng).build(people)
    _mark_interns_and_tenure(drafts, blueprint.shares, rng)
    persons = _persons(drafts, blueprint, rng, today)
    holdings, wishes = _SkillPicker(blueprint, rng).assign(persons)
    history = _past_rounds(persons, rng, today)
    persons = _presenters(persons, holdings, blueprint.shares, rng)
    return Organisation(blueprint.name, tuple(persons), blueprint.skills, holdings, wishes, history)


def _presenters(
    persons: list[Person], holdings: tuple[Holding, ...], shares: Shares, rng: random.Random
) -> list[Person]:
    """Some who hold a skill at level 3 or more offer to present at lunch & learn. Drawn last, so the
    rest of an organisation is the same as before presenters existed."""
    proficient = {h.person_id for h in holdings if h.level >= Level.PROFICIENT}
    return [
        replace(p, presenter=True)
        if p.id in proficient and not p.intern and rng.random() < shares.presenter
        else p
        for p in persons
    ]


def _capacity(depth: int) -> int:
    """How many people fit below one boss with ``depth`` layers of teams and clusters."""
    return TEAM_MAX if depth == 0 else SPAN * (1 + _capacity(depth - 1))


class _Structure:
    """Departments, clusters and teams: who works where and reports to whom."""

    def __init__(self, blueprint: Blueprint, rng: random.Random) -> None:
        self.blueprint = blueprint
        self.rng = rng
        self.drafts: list[_Draft] = []
        self.clusters: Counter[str] = Counter()  # per department
        self.teams_made: Counter[str] = Counter()  # per department
        self.team_names: Counter[str] = Counter()  # per team name

    def build(self, people: int) -> list[_Draft]:
        sites = self.blueprint.sites
        self.drafts.append(_Draft(DIRECTIE, DIRECTIE, vocab.DIRECTOR, sites[0], None, "director"))
        departments = self.blueprint.departments
        domains = sorted({d.domain or d.name for d in departments})
        bosses = {}
        # Too many heads for one director: a director per domain in between.
        if len(departments) > SPAN and people > 1 + len(domains) + len(departments):
            for domain in domains:
                self.drafts.append(_Draft(DIRECTIE, DIRECTIE, vocab.DOMAIN_DIRECTOR, sites[0], 0, "director"))
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
        self.drafts.append(_Draft(department.name, team, function, site, boss, role, plan))
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


def _mark_interns_and_tenure(drafts: list[_Draft], shares: Shares, rng: random.Random) -> None:
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


# ---------------------------------------------------------------------------
# People


_HOURS: tuple[tuple[str, float, bool], ...] = (  # text, weight, full time
    ("mon-fri 09:00-17:00", 32, True),
    ("mon-fri 08:30-17:00", 15, True),
    ("mon-fri 08:00-16:30", 8, True),
    ("mon-fri 09:00-12:30,13:00-17:30", 8, True),
    ("mon-thu 09:00-17:00", 12, False),
    ("mon-thu 08:30-12:00,12:30-17:00; fri 08:30-12:30", 5, False),
    ("mon-tue 09:00-17:00; thu-fri 09:00-17:00", 6, False),
    ("mon-wed 08:30-17:00", 4, False),
    ("mon-fri 09:00-15:00", 5, False),
    ("tue-sat 09:00-17:00", 3, True),
    ("mon-thu 09:00-17:00; sat 10:00-14:00", 2, False),
)


@cache
def _hour_patterns(full_time_only: bool) -> tuple[tuple[WorkingHours, ...], tuple[float, ...]]:
    chosen = [
        (parse_working_hours(text), weight) for text, weight, full in _HOURS if full or not full_time_only
    ]
    return tuple(h for h, _ in chosen if h), tuple(accumulate(w for _, w in chosen))


class _Names:
    """Invented names from the vocabulary's backgrounds, with unique e-mail addresses."""

    def __init__(self, rng: random.Random, domain: str) -> None:
        self.rng = rng
        self.domain = domain
        self.keys = list(BACKGROUNDS)
        self.cum = list(accumulate(b.weight for b in BACKGROUNDS.values()))
        self.taken: Counter[str] = Counter()

    def background(self) -> str:
        return self.rng.choices(self.keys, cum_weights=self.cum)[0]

    def make(self, background: str) -> tuple[str, str]:
        first = self.rng.choice(BACKGROUNDS[background].first)
        # Surnames travel: by marriage, adoption, a parent from elsewhere.
        family = background if self.rng.random() > 0.12 else self.background()
        tussenvoegsel, _, last = self.rng.choice(BACKGROUNDS[family].last).rpartition("|")
        name = " ".join(part for part in (first, tussenvoegsel, last) if part)
        local = f"{ascii_slug(first, '')}.{ascii_slug(tussenvoegsel + last, '')}"
        self.taken[local] += 1
        count = self.taken[local]
        return name, f"{local}{count if count > 1 else ''}@{self.domain}"


_ABROAD = ("Europe/London", "America/New_York", "Asia/Kolkata")


def _languages(rng: random.Random, timezone: str, background: str) -> tuple[str, ...]:
    if timezone in _ABROAD:
        return ("en",) if rng.random() < 0.6 else ("en", "nl")
    if timezone == "Europe/Brussels":
        return rng.choice((("nl", "fr"), ("nl", "fr", "en"), ("nl", "en")))
    draw = rng.random()
    if draw < 0.66:
        return ("nl",)
    if draw < 0.88:
        return ("nl", "en")
    if draw < 0.91:
        return ("en",)
    third = BACKGROUNDS[background].language
    return ("nl", "en", third if third not in ("nl", "en") else "de")


def _persons(drafts: list[_Draft], blueprint: Blueprint, rng: random.Random, today: dt.date) -> list[Person]:
    shares = blueprint.shares
    width = max(5, len(str(len(drafts))))
    ids = [f"E{i + 1:0{width}d}" for i in range(len(drafts))]
    candidates = [i for i, d in enumerate(drafts) if not d.intern and d.days >= NEWCOMER_DAYS and d.manager]
    leavers = set(rng.sample(candidates, min(len(candidates), round(shares.leaver * len(drafts)))))
    names = _Names(rng, blueprint.domain)
    zones, zone_weights = zip(*blueprint.timezones, strict=True)
    zone_cum = list(accumulate(zone_weights))
    persons = []
    for i, draft in enumerate(drafts):
        plan = draft.plan
        timezone = plan.timezone if plan and plan.timezone else rng.choices(zones, cum_weights=zone_cum)[0]
        background = names.background()
        if plan and plan.background and rng.random() < 0.8:
            background = plan.background
        elif timezone == "Europe/Brussels" and rng.random() < 0.7:
            background = "flemish"
        name, email = names.make(background)
        tenure = draft.days / 365.25
        prior = (
            rng.choice((0.0, 0.0, 0.5, 1.0))
            if draft.intern
            else (0.0 if rng.random() < 0.3 else rng.gammavariate(1.3, 4.0))
        )
        experience = min(45.0, math.ceil((tenure + prior) * 2) / 2)
        newcomer = draft.days < NEWCOMER_DAYS
        hours, hours_cum = _hour_patterns(draft.role != "member")
        mentor = not draft.intern and not newcomer and experience >= 8 and rng.random() < shares.mentor
        host = not draft.intern and rng.random() < shares.host
        persons.append(
            Person(
                id=ids[i],
                name=name,
                email=email,
                department=draft.department,
                function=draft.function,
                site=draft.site,
                team=draft.team,
                manager_id=None if draft.manager is None else ids[draft.manager],
                start_date=today - dt.timedelta(days=draft.days),
                years_experience=experience,
                languages=_languages(rng, timezone, background),
                timezone=timezone,
                working_hours=rng.choices(hours, cum_weights=hours_cum)[0],
                leaving_date=today + dt.timedelta(days=rng.randint(14, 364)) if i in leavers else None,
                intern=draft.intern,
                newcomer=newcomer,
                ask_me=rng.random() < shares.ask_me,
                mentor_capacity=rng.choice((1, 1, 1, 2, 2, 3)) if mentor else 0,
                host_capacity=rng.randint(1, 4) if host else 0,
            )
        )
    return persons


# ---------------------------------------------------------------------------
# Holdings and wishes


_Pool = tuple[list[str], list[float]]  # skill ids and their cumulative weights


class _SkillPicker:
    """Draws skills with a Zipf-like popularity, leaning on a department's categories."""

    def __init__(self, blueprint: Blueprint, rng: random.Random) -> None:
        self.rng = rng
        self.skill_ids = [s.id for s in blueprint.skills]
        self.known = set(self.skill_ids)
        self.held, weight = self._ranked(vocab.POPULAR, 0.9)
        self.wanted, _ = self._ranked(vocab.WISHED, 1.2)
        category_of = {s.id: s.category for s in blueprint.skills}
        self.pools: dict[str, _Pool] = {}
        for department in blueprint.departments:
            ids = [s for s in self.held[0] if category_of[s] in department.categories]
            if ids:
                self.pools[department.name] = (ids, list(accumulate(weight[s] for s in ids)))

    def _ranked(self, first: tuple[str, ...], exponent: float) -> tuple[_Pool, dict[str, float]]:
        """The ``first`` skills most popular, then the rest in random order, weighted by rank."""
        rest = [s for s in self.skill_ids if s not in first]
        self.rng.shuffle(rest)
        order = [s for s in first if s in self.known] + rest
        weight = {s: 1 / (rank + 1) ** exponent + 0.002 for rank, s in enumerate(order)}
        return (order, list(accumulate(weight.values()))), weight

    def _draw(self, pool: _Pool) -> str:
        return self.rng.choices(pool[0], cum_weights=pool[1])[0]

    def assign(self, persons: list[Person]) -> tuple[tuple[Holding, ...], tuple[Wish, ...]]:
        holdings: list[Holding] = []
        wishes: list[Wish] = []
        for person in persons:
            levels = self._holdings(person)
            holdings += [Holding(person.id, s, level) for s, level in levels.items()]
            wishes += self._wishes(person, levels)
        return tuple(holdings), tuple(wishes)

    def _holdings(self, person: Person) -> dict[str, Level]:
        rng = self.rng
        total = len(self.skill_ids)
        count = rng.randint(3, 5) if person.intern else round(rng.triangular(3, 15, 6))
        count = min(total, count)
        levels: dict[str, Level] = {}
        for skill_id in vocab.FUNCTION_SKILLS.get(person.function, ()):
            if skill_id in self.known and len(levels) < count and rng.random() < 0.8:
                levels[skill_id] = self._level(person, core=True)
        pool = self.pools.get(person.department, self.held)
        for _ in range(count * 6):
            if len(levels) >= count:
                break
            skill_id = self._draw(pool if rng.random() < 0.7 else self.held)
            if skill_id not in levels:
                levels[skill_id] = self._level(person, core=False)
        return levels

    def _level(self, person: Person, core: bool) -> Level:
        draw = self.rng.random()
        if person.intern:
            return LEVELS[1] if draw < 0.7 else LEVELS[2]
        seasoned = min(1.0, person.years_experience / 20)
        expert = 0.012 + 0.04 * seasoned
        proficient = expert + 0.08 + 0.17 * seasoned
        level = 4 if draw < expert else 3 if draw < proficient else 2 if draw < proficient + 0.4 else 1
        if core and level < 4 and self.rng.random() < 0.3:
            level += 1
        return LEVELS[level]

    def _wishes(self, person: Person, levels: dict[str, Level]) -> list[Wish]:
        rng = self.rng
        eager = person.newcomer or person.intern
        count = rng.choices((0, 1, 2, 3, 4), (5, 20, 35, 25, 15) if eager else (25, 30, 25, 12, 8))[0]
        pool = self.pools.get(person.department, self.held)
        wished: dict[str, int] = {}
        for _ in range(count * 6):
            if len(wished) >= count:
                break
            skill_id = self._draw(self.wanted if rng.random() < 0.55 else pool)
            if skill_id not in wished and levels.get(skill_id, Level.NONE) < Level.PROFICIENT:
                wished[skill_id] = rng.choices((1, 2, 3), (35, 40, 25))[0]
        return [Wish(person.id, s, priority) for s, priority in wished.items()]


# ---------------------------------------------------------------------------
# History: earlier rounds


def _past_quarters(today: dt.date, count: int) -> list[tuple[str, dt.date, dt.date]]:
    """The ``count`` calendar quarters that ended before ``today``, newest first."""
    quarters = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1) - dt.timedelta(days=1)
        quarters.append((f"{year}-Q{quarter}", start, end))
    return quarters


def _past_rounds(persons: list[Person], rng: random.Random, today: dt.date) -> tuple[HistoryEntry, ...]:
    if len(persons) < 2:
        return ()
    q0, q1, q2, q3 = _past_quarters(today, 4)
    entries: list[HistoryEntry] = []
    for quarter in (q3, q1):
        entries += _mentor_round(persons, rng, quarter)
    for quarter in (q2, q0):
        entries += _buddy_round(persons, rng, quarter)
    entries += _exchange_round(persons, rng, q1)
    entries += _think_tanks(persons, rng, q2)
    return tuple(entries)


def _there(person: Person, day: dt.date) -> bool:
    return person.start_date is not None and person.start_date <= day and not person.intern


def _mentor_round(persons: list[Person], rng: random.Random, quarter: tuple) -> list[HistoryEntry]:
    label, start, end = quarter
    mentors = [p for p in persons if _there(p, start) and (p.is_mentor or p.years_experience >= 12)]
    mentees = [p for p in persons if _there(p, start) and p.years_experience <= 6]
    count = min(len(mentors), len(mentees), max(1, round(len(persons) * 0.03)))
    pairs = zip(rng.sample(mentors, count), rng.sample(mentees, count), strict=True)
    return [HistoryEntry(f"{label} mentor", "mentor", (a.id, b.id), start, end) for a, b in pairs if a != b]


def _buddy_round(persons: list[Person], rng: random.Random, quarter: tuple) -> list[HistoryEntry]:
    label, start, end = quarter
    fresh = [p for p in persons if p.start_date and start - dt.timedelta(days=90) <= p.start_date <= end]
    fresh = rng.sample(fresh, min(len(fresh), max(1, round(len(persons) * 0.04))))
    by_department: dict[str, list[Person]] = defaultdict(list)
    for p in persons:
        if _there(p, start - dt.timedelta(days=730)):
            by_department[p.department].append(p)
    entries = []
    for newcomer in fresh:
        buddies = by_department.get(newcomer.department)
        if buddies:
            buddy = rng.choice(buddies)
            began = max(start, newcomer.start_date or start)
            entries.append(HistoryEntry(f"{label} buddy", "buddy", (buddy.id, newcomer.id), began, end))
    return entries


def _exchange_round(persons: list[Person], rng: random.Random, quarter: tuple) -> list[HistoryEntry]:
    label, start, end = quarter
    present = [p for p in persons if _there(p, start)]
    rng.shuffle(present)
    entries: list[HistoryEntry] = []
    wanted = max(1, round(len(persons) * 0.015))
    for a, b in zip(present[::2], present[1::2], strict=False):
        if len(entries) < wanted and a.department != b.department:
            entries.append(HistoryEntry(f"{label} exchange", "exchange", (a.id, b.id), start, end))
    return entries


def _think_tanks(persons: list[Person], rng: random.Random, quarter: tuple) -> list[HistoryEntry]:
    """Groups of four to six, each member from a different function."""
    label, start, end = quarter
    pool = [p for p in persons if _there(p, start)]
    rng.shuffle(pool)
    candidates = iter(pool)
    entries = []
    for _ in range(max(1, round(len(persons) / 80))):
        size = rng.randint(4, 6)
        group: list[Person] = []
        for person in candidates:
            if all(person.function != member.function for member in group):
                group.append(person)
            if len(group) == size:
                break
        if len(group) < 4:
            break
        members = tuple(p.id for p in group)
        entries.append(HistoryEntry(f"{label} think-tank", "think-tank", members, start, end))
    return entries
