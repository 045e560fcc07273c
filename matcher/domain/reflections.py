"""Reflections: what a session brought one participant, on the value levels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from matcher.domain.phrases import phrase
from matcher.domain.problems import Location, Problems

#: Wenger-Trayner's five value levels, in the order of the scale.
VALUE_LEVELS: tuple[str, ...] = ("immediate", "potential", "applied", "realised", "reframing")
#: The longest story kept with a reflection or a value check, in characters: a few sentences.
STORY_LENGTH = 2000


def checked_answer(
    levels: Iterable[str], story: str, source: str, where: int | str | None
) -> tuple[tuple[str, ...], str, Problems]:
    """The value levels chosen (in the order of the scale) and the story as kept, with what is
    wrong with them: an unknown level, a story over :data:`STORY_LENGTH`, or neither given.

    >>> checked_answer(["applied", "immediate"], " Goed. ", "reflection", 1)[:2]
    (('immediate', 'applied'), 'Goed.')
    """
    chosen = set(levels)
    story = story.replace("\r\n", "\n").strip()
    problems = Problems()
    unknown = sorted(chosen - set(VALUE_LEVELS))
    if unknown:
        problems.add(
            Location(source, where, "levels"),
            phrase(
                "unknown value level {levels}; choose from {known}",
                levels=", ".join(unknown),
                known=", ".join(VALUE_LEVELS),
            ),
        )
    if len(story) > STORY_LENGTH:
        problems.add(
            Location(source, where, "story"),
            phrase(
                "the story has {length} characters; keep it to {most}", length=len(story), most=STORY_LENGTH
            ),
        )
    if not chosen and not story:
        problems.add(
            Location(source, where, "levels"), phrase("choose at least one value level or write a story")
        )
    return tuple(level for level in VALUE_LEVELS if level in chosen), story, problems


@dataclass(frozen=True)
class Reflection:
    id: int
    person_id: str
    event_id: int
    session_day: dt.date
    #: The value levels reached, in the order of the scale.
    levels: tuple[str, ...]
    story: str
    created: dt.datetime
    updated: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event_id": self.event_id,
            "session_day": self.session_day.isoformat(),
            "levels": list(self.levels),
            "story": self.story,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
        }
