"""The skill taxonomy: the vocabulary's skills, a subset of them or more, with parents and related links."""

from __future__ import annotations

import random
from collections import defaultdict

from bench import vocabulary as vocab
from bench.synthetic.names import ascii_slug
from matcher.domain.model import RelatedSkill, Skill


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
