"""Bands of experience (years in the field or tenure, whichever is longer; never age): cut off
where HR says, or by default where the organisation's own spread puts them, so that in an
organisation where most people have worked more than ten years the bands still tell them apart.

>>> cuts = quantile_cuts([1, 3, 4, 12, 15, 18, 22, 30], 4)
>>> cuts, [str(label) for label in band_labels(cuts)]
((4, 15, 22), ['0-4 years', '4-15 years', '15-22 years', '22+ years'])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from matcher.domain.phrases import phrase


def quantile_cuts(years: Sequence[float], count: int) -> tuple[float, ...]:
    """Cut-offs that split ``years`` into ``count`` bands of about as many people each, in whole
    years; cut-offs that fall together merge, so there may be fewer bands."""
    ordered = sorted(years)
    cuts: list[float] = []
    for q in range(1, count):
        cut = round(ordered[q * len(ordered) // count]) if ordered else 0
        if cut > 0 and cut > ordered[0] and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    return tuple(cuts)


def band_labels(cuts: Sequence[float]) -> list[str]:
    """The bands' words, from the least experience: "0-4 years", ..., "22+ years"."""
    edges = [0, *(_plain(c) for c in cuts)]
    labels = [phrase("{low}-{high} years", low=low, high=high) for low, high in itertools.pairwise(edges)]
    return [*labels, phrase("{low}+ years", low=edges[-1])]


def band(years: float, cuts: Sequence[float], labels: Sequence[str]) -> str:
    """The band ``years`` fall in (a cut-off starts the band above it)."""
    return labels[sum(1 for c in cuts if years >= c)]


def _plain(x: float) -> float:
    """A whole number of years without its ".0"."""
    return int(x) if float(x).is_integer() else x
