"""No repeat until you have met everyone, for group rounds (think tanks, intervision).

With ``fresh_groupmates`` on, every pair of earlier groupmates in rounds of the same kind counts as
a repeat, as the cooldown's recent groupmates do, however long ago they met, except where one of
the two has already met everyone taking part: for them, nobody new is left.

Ann met Bo and Cas; with Dex taking part she has someone new left, without him she has not:

>>> pairs = {frozenset(("ann", "bo")): 3, frozenset(("ann", "cas")): 1}
>>> sorted(sorted(p) for p in met_before(pairs, ("ann", "bo", "cas", "dex")))
[['ann', 'bo'], ['ann', 'cas']]
>>> sorted(sorted(p) for p in met_before(pairs, ("ann", "bo", "cas")))
[]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping


def met_before(ago: Mapping[frozenset[str], int], people: Iterable[str]) -> frozenset[frozenset[str]]:
    """The pairs among ``people`` who were groupmates before, less those with someone who has met
    everyone else of ``people``."""
    taking_part = frozenset(people)
    pairs = [pair for pair in ago if pair <= taking_part]
    met = Counter(person for pair in pairs for person in pair)
    everyone = len(taking_part) - 1
    return frozenset(pair for pair in pairs if all(met[person] < everyone for person in pair))
