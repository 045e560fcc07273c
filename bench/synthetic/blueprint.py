"""What an organisation is made of before any person exists: departments, sites, skills and shares."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

from bench import vocabulary as vocab
from bench.synthetic.names import ascii_slug
from bench.synthetic.skills import taxonomy
from bench.vocabulary import DepartmentPlan
from matcher.domain.model import Skill


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
