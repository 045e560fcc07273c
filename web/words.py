"""The domain's words in the user's language: skill levels, value levels, kinds of round.

The domain keeps its English names; what users read comes from here, through Flask-Babel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Word:
    value: Any
    label: Any
    meaning: Any


LEVELS: tuple[Word, ...] = (
    Word(0, _l("none"), _l("no knowledge of it")),
    Word(1, _l("aware"), _l("knows what it is and when it matters, has not done it on their own")),
    Word(2, _l("working"), _l("does it in daily work, with an occasional question to someone else")),
    Word(
        3, _l("proficient"), _l("does it independently, also in harder cases, and can explain it to others")
    ),
    Word(4, _l("expert"), _l("the person others go to; handles the exceptional cases and teaches it")),
)

#: Wenger-Trayner's five value levels, as the Rijksoverheid guide uses them (DOMAIN.md).
VALUE_LEVELS: tuple[Word, ...] = (
    Word("immediate", _l("Immediate value"), _l("the experience itself: it was worth the time")),
    Word("potential", _l("Potential value"), _l("an insight, a contact, a book to read")),
    Word("applied", _l("Applied value"), _l("I did something differently in my work")),
    Word("realised", _l("Realised value"), _l("it had an effect on clients, the team or the product")),
    Word("reframing", _l("Reframing value"), _l("it changed how I look at my work")),
)

ROUND_KINDS: tuple[Word, ...] = (
    Word("mentor", _l("Mentor rotation"), _l("old hands with newcomers: experience passed on")),
    Word("reverse", _l("Reverse mentoring"), _l("newcomers teach what they know best to old hands")),
    Word("exchange", _l("Exchange pairs"), _l("two colleagues who each teach the other something")),
    Word("buddy", _l("Buddies"), _l("a buddy for each newcomer during onboarding, rotating")),
    Word("intern-manager", _l("Interns and managers"), _l("each intern connected to a manager")),
    Word("think-tank", _l("Think tanks"), _l("groups of different functions and departments")),
    Word("intervision", _l("Intervision"), _l("peer consultation: alike in one thing, mixed in others")),
    Word("community", _l("Community of practice"), _l("people who share a practice, across teams")),
    Word("shadowing", _l("Shadowing"), _l("a guest joins a host at work, in the host's free time")),
    Word("lunch", _l("Lunch & learn"), _l("colleagues present what they know over lunch")),
)


def level(value: int) -> Word:
    return LEVELS[value]


def by_value(words: tuple[Word, ...]) -> dict[Any, Word]:
    return {word.value: word for word in words}
