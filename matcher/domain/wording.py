"""Small helpers for the sentences meeloop writes: reasons, explanations, reports."""

from __future__ import annotations

from collections.abc import Iterable

from matcher.domain.phrases import counted, phrase, term
from matcher.domain.phrases import join_words as join

__all__ = ["count", "duration", "join", "listing", "minutes", "month_words"]


def count(n: int, one: str, many: str | None = None) -> str:
    """``count(1, "pair")`` is "1 pair", ``count(3, "pair")`` "3 pairs".

    English only: a sentence shown to people counts with :func:`matcher.domain.phrases.counted`.
    """
    return f"{n} {one if n == 1 else (many or one + 's')}"


def listing(items: Iterable[str]) -> str:
    """Messages (or names) as one message, joined the reader's way: "a, b and c", "a, b en c".

    >>> listing(["'cooldown' 2", "'own manager' 1"])
    "'cooldown' 2 and 'own manager' 1"
    """
    return phrase("{items:list}", items=list(items))


def minutes(n: int) -> str:
    """Minutes in words, however many: "1 minute", "60 minutes"."""
    return counted(n, "{n} minute", "{n} minutes")


def duration(minutes: int) -> str:
    """A length of time in words: "45 minutes", "2 hours", "1 hour and 30 minutes".

    >>> duration(45), duration(120), duration(90)
    ('45 minutes', '2 hours', '1 hour and 30 minutes')
    """
    hours, rest = divmod(minutes, 60)
    if not rest:
        return counted(hours, "{n} hour", "{n} hours")
    if not hours:
        return counted(rest, "{n} minute", "{n} minutes")
    return phrase(
        "{hours} and {minutes}",
        hours=counted(hours, "{n} hour", "{n} hours"),
        minutes=counted(rest, "{n} minute", "{n} minutes"),
    )


def month_words(year: int, month: int) -> str:
    """A calendar month in words: "May 2026", the month's name said in the reader's language."""
    return phrase("{month} {year}", month=_MONTHS[month - 1], year=str(year))


_MONTHS = (
    term("January"),
    term("February"),
    term("March"),
    term("April"),
    term("May"),
    term("June"),
    term("July"),
    term("August"),
    term("September"),
    term("October"),
    term("November"),
    term("December"),
)
