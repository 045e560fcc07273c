"""Small helpers for the sentences meeloop writes: reasons, explanations, reports."""

from __future__ import annotations

from matcher.domain.phrases import join_words as join

__all__ = ["count", "join"]


def count(n: int, one: str, many: str | None = None) -> str:
    """``count(1, "pair")`` is "1 pair", ``count(3, "pair")`` "3 pairs".

    English only: a sentence shown to people counts with :func:`matcher.domain.phrases.counted`.
    """
    return f"{n} {one if n == 1 else (many or one + 's')}"
