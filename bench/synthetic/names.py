"""Invented names, their unique e-mail addresses, and the ASCII slugs both are made of."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from functools import cache
from itertools import accumulate

from bench.vocabulary import BACKGROUNDS

_NON_DECOMPOSING = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "ß": "ss", "æ": "ae", "đ": "d"})


@cache
def ascii_slug(text: str, separator: str = "-") -> str:
    """Lowercase ASCII with accents dropped: "Çelik" -> "celik", "van den Berg" -> "van-den-berg"."""
    plain = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", separator, plain).strip(separator)


class Names:
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
