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
import random

from bench.synthetic.blueprint import Blueprint, Shares, default_skill_count, scaled_blueprint
from bench.synthetic.history import past_rounds
from bench.synthetic.holdings import SkillPicker, presenters
from bench.synthetic.names import ascii_slug
from bench.synthetic.people import persons_from
from bench.synthetic.skills import taxonomy
from bench.synthetic.structure import Structure, mark_interns_and_tenure
from matcher.domain.model import Organisation

__all__ = [
    "DEFAULT_TODAY",
    "Blueprint",
    "Shares",
    "ascii_slug",
    "default_skill_count",
    "generate_from",
    "generate_organisation",
    "scaled_blueprint",
    "taxonomy",
]

DEFAULT_TODAY = dt.date(2026, 1, 1)


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


def _populate(blueprint: Blueprint, people: int, rng: random.Random, today: dt.date) -> Organisation:
    drafts = Structure(blueprint, rng).build(people)
    mark_interns_and_tenure(drafts, blueprint.shares, rng)
    persons = persons_from(drafts, blueprint, rng, today)
    holdings, wishes = SkillPicker(blueprint, rng).assign(persons)
    history = past_rounds(persons, rng, today)
    persons = presenters(persons, holdings, blueprint.shares, rng)
    return Organisation(blueprint.name, tuple(persons), blueprint.skills, holdings, wishes, history)
