"""What comes back from sessions of earlier rounds, as plain data for the next round.

:mod:`matcher.services.learning_loop` reads the check-ins ("did you meet?") and reflections (the
five value levels) of earlier rounds and hands the engine a :class:`Feedback`; the round's config
carries it, so that checking, publishing and "why not X?" see what the proposal saw. Three
influences, each with its own switch in the config:

* a pair in which both rated their sessions together highly may meet again despite the cooldown
  (``rules.repeat_when_rated_highly``, off unless HR chooses it);
* a teacher whose sessions repeatedly did not take place has one place fewer for every
  :data:`NOT_HELD_PER_PLACE` such sessions, never fewer than one
  (``rules.fewer_mentees_when_not_held``);
* a wish in a skill whose sessions led to applied value or more earns ``1 + weights.valued_skills``
  times the learning credit (0 switches it off).

>>> feedback = Feedback(rated_highly=(("a", "b"),), not_held=(("m", 4),), valued_skills=(("excel", 6, 8),))
>>> feedback.may_repeat("b", "a"), places_after(3, 4), feedback.skill_ids
(True, 1, frozenset({'excel'}))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from matcher.domain.phrases import Message, counted, phrase

if TYPE_CHECKING:
    from matcher.engines.pairing.config import PairingConfig

#: Sessions not held that cost a teacher one place.
NOT_HELD_PER_PLACE = 2


@dataclass(frozen=True)
class Feedback:
    """What earlier rounds of the same kind said. Counts only: no one's answers."""

    #: Pairs (ids in sorted order) in which both rated their sessions together highly.
    rated_highly: tuple[tuple[str, str], ...] = ()
    #: Teachers whose sessions did not take place at least :data:`NOT_HELD_PER_PLACE` times,
    #: with how many sessions.
    not_held: tuple[tuple[str, int], ...] = ()
    #: Skills whose sessions led to applied value or more: (skill id, people who said so,
    #: people who reflected), each count at least the minimum group size.
    valued_skills: tuple[tuple[str, int, int], ...] = ()

    @cached_property
    def pairs(self) -> frozenset[frozenset[str]]:
        return frozenset(frozenset(p) for p in self.rated_highly)

    @cached_property
    def sessions_not_held(self) -> dict[str, int]:
        return dict(self.not_held)

    @cached_property
    def skill_ids(self) -> frozenset[str]:
        return frozenset(s for s, _high, _reflected in self.valued_skills)

    def may_repeat(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.pairs

    def __bool__(self) -> bool:
        return bool(self.rated_highly or self.not_held or self.valued_skills)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rated_highly": [list(p) for p in self.rated_highly],
            "not_held": [list(t) for t in self.not_held],
            "valued_skills": [list(s) for s in self.valued_skills],
        }


def read_feedback(raw: Any, fail: Callable[[str, str], None]) -> Feedback:
    """A :class:`Feedback` from JSON-like data (as :meth:`Feedback.as_dict` writes it); each
    problem is given to ``fail(path, why)``."""
    if not isinstance(raw, dict):
        fail("feedback", phrase("expected an object"))
        return Feedback()
    shapes: dict[str, tuple[type, ...]] = {
        "rated_highly": (str, str),
        "not_held": (str, int),
        "valued_skills": (str, int, int),
    }
    values: dict[str, tuple[tuple[Any, ...], ...]] = {}
    for key, items in raw.items():
        shape = shapes.get(key)
        if shape is None:
            fail(
                f"feedback.{key}",
                phrase("unknown setting; known settings are {known}", known=", ".join(shapes)),
            )
            continue
        if not isinstance(items, list) or not all(_fits(item, shape) for item in items):
            fail(f"feedback.{key}", phrase("expected a list"))
            continue
        values[key] = tuple(tuple(item) for item in items)
    return Feedback(**values)


def _fits(item: Any, shape: tuple[type, ...]) -> bool:
    return (
        isinstance(item, list)
        and len(item) == len(shape)
        and all(isinstance(v, kind) and not isinstance(v, bool) for v, kind in zip(item, shape, strict=True))
    )


# -- the three influences ---------------------------------------------------------------------------


def may_repeat(config: PairingConfig, a: str, b: str) -> bool:
    """Whether the pair may meet again within the cooldown: the option is on and both rated
    their earlier sessions together highly."""
    return config.rules.repeat_when_rated_highly and config.feedback.may_repeat(a, b)


def places_after(capacity: int, not_held: int) -> int:
    """A teacher's places after ``not_held`` sessions that did not take place: one fewer for
    every :data:`NOT_HELD_PER_PLACE`, never fewer than one (whether someone stops is for HR and
    them to talk about, not a count)."""
    return max(min(capacity, 1), capacity - not_held // NOT_HELD_PER_PLACE)


def capacities(config: PairingConfig, teachers: dict[str, int]) -> dict[str, int]:
    """The teachers' places, fewer for those whose sessions repeatedly did not take place."""
    if not config.rules.fewer_mentees_when_not_held:
        return teachers
    not_held = config.feedback.sessions_not_held
    return {t: places_after(c, not_held[t]) if t in not_held else c for t, c in teachers.items()}


def skill_factor(config: PairingConfig, skill_id: str) -> float:
    """What a wish in this skill's learning credit is multiplied by."""
    if config.weights.valued_skills and skill_id in config.feedback.skill_ids:
        return 1.0 + config.weights.valued_skills
    return 1.0


# -- in words ---------------------------------------------------------------------------------------


def repeat_reason() -> str:
    return phrase("both rated their earlier sessions highly: meeting again despite the cooldown")


#: Reasons HR reads on the review page but the pair does not: each would learn how the other rated.
PRIVATE_TEMPLATES = frozenset({cast(Message, repeat_reason()).template})


def valued_skill_reason(skill: str) -> str:
    return phrase("sessions on {skill} led to applied value or more, so it counts more", skill=skill)


def fewer_mentees_reason(name: str, not_held: int, before: int, after: int) -> str:
    return counted(
        not_held,
        "{name}: fewer mentees ({before} to {after} places): {n} of their sessions did not take place",
        "{name}: fewer mentees ({before} to {after} places): {n} of their sessions did not take place",
        name=name,
        before=before,
        after=after,
    )
