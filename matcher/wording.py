"""Small helpers for the sentences meeloop writes: reasons, explanations, reports."""

from __future__ import annotations

from collections.abc import Iterable


def count(n: int, one: str, many: str | None = None) -> str:
    """``count(1, "pair")`` is "1 pair", ``count(3, "pair")`` "3 pairs"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def join(words: Iterable[str]) -> str:
    """Words in a sentence: "a", "a and b", "a, b and c"."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
