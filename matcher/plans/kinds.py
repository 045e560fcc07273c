"""Every kind of plan meeloop makes, in one registry.

A kind belongs to a family, and the family decides how its plans are made, stored, reviewed
and published: pairs and groups are rounds (proposed, re-proposed around locks, published
into the history); lunch & learn sessions and shadowing slots are plans of times (proposed,
published into people's calendars). Pages and commands look a kind up here and act on its
family or its attributes instead of comparing names.

>>> kind("mentor").family is Family.PAIRS and kind("mentor").directed
True
>>> [k.name for k in kinds(Family.SESSIONS)]
['lunch']
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from matcher.domain.phrases import phrase, term
from matcher.domain.problems import SETTINGS
from matcher.engines.groups.config import KINDS as GROUP_KINDS
from matcher.engines.groups.config import GroupConfig
from matcher.engines.lunch import LunchConfig
from matcher.engines.pairing.config import DIRECTED, MODES, PairingConfig
from matcher.engines.shadowing.config import ShadowConfig


class Family(StrEnum):
    """How plans of a kind are made and kept."""

    #: Pairing rounds: one engine, five modes; stored as rounds of pairs.
    PAIRS = "pairs"
    #: Group rounds: think tanks, intervision, communities; stored as rounds of groups.
    GROUPS = "groups"
    #: Lunch & learn: sessions on the most-wanted topics at a time in the calendars.
    SESSIONS = "sessions"
    #: Shadowing: a host and a slot for each open request.
    SLOTS = "slots"

    @property
    def is_round(self) -> bool:
        """Rounds hold pairs or groups of people; the other families hold times."""
        return self in (Family.PAIRS, Family.GROUPS)


@dataclass(frozen=True)
class PlanKind:
    """One kind of plan: its name (as stored and in URLs), family, config class and its units."""

    name: str
    family: Family
    #: The class of its settings; rounds read and write it with ``from_mapping``/``as_dict``.
    config: type
    #: What one unit of its plans is: "pair", "group", "session" or "slot".
    unit: str
    #: In a directed pair the first member teaches or guides the second.
    directed: bool = False

    @property
    def is_round(self) -> bool:
        return self.family.is_round

    @property
    def joint(self) -> str:
        """How the members of a unit are written side by side."""
        return "→" if self.directed else ", " if self.family is Family.GROUPS else "&"

    def default_config(self) -> Any:
        """The settings a new round of this kind starts from."""
        if self.family is Family.GROUPS:
            return GroupConfig.for_kind(self.name)
        if self.family is Family.PAIRS:
            return PairingConfig(mode=self.name)
        raise TypeError(f"'{self.name}' plans are not rounds; their settings are read by their service")

    def config_from(self, data: dict[str, Any], *, source: str = SETTINGS) -> Any:
        """The round's settings from stored or submitted data, checked by the config class."""
        if self.family is Family.GROUPS:
            return GroupConfig.from_mapping({**data, "kind": data.get("kind", self.name)}, source=source)
        if self.family is Family.PAIRS:
            return PairingConfig.from_mapping({**data, "mode": data.get("mode", self.name)}, source=source)
        raise TypeError(f"'{self.name}' plans are not rounds; their settings are read by their service")


def _registry() -> dict[str, PlanKind]:
    found = [PlanKind(mode, Family.PAIRS, PairingConfig, "pair", mode in DIRECTED) for mode in MODES]
    found += [PlanKind(name, Family.GROUPS, GroupConfig, "group") for name in GROUP_KINDS]
    found += [
        PlanKind("lunch", Family.SESSIONS, LunchConfig, "session"),
        PlanKind("shadowing", Family.SLOTS, ShadowConfig, "slot"),
    ]
    return {k.name: k for k in found}


KINDS: dict[str, PlanKind] = _registry()
LUNCH = KINDS["lunch"].name
SHADOWING = KINDS["shadowing"].name


#: Each kind's name as a word in sentences ("round 'x' is a mentor round ...").
WORDS: dict[str, str] = {
    "mentor": term("mentor"),
    "reverse": term("reverse"),
    "exchange": term("exchange"),
    "buddy": term("buddy"),
    "intern-manager": term("intern-manager"),
    "think-tank": term("think-tank"),
    "intervision": term("intervision"),
    "community": term("community"),
    "lunch": term("lunch"),
    "shadowing": term("shadowing"),
}


def word(name: str) -> str:
    """The kind called ``name`` as a word in sentences; a name meeloop does not know as it is."""
    return WORDS.get(name, name)


class UnknownKind(ValueError):
    """A kind of plan that meeloop does not know."""

    def __init__(self, name: str) -> None:
        super().__init__(
            phrase("unknown kind of round '{name}'; choose one of {kinds}", name=name, kinds=", ".join(KINDS))
        )
        self.name = name


def kind(name: str) -> PlanKind:
    """The kind called ``name``; :class:`UnknownKind` when there is none."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


def kinds(*families: Family) -> tuple[PlanKind, ...]:
    """The kinds of the given families (all when none is given), in the registry's order."""
    return tuple(k for k in KINDS.values() if not families or k.family in families)


def names(*families: Family) -> tuple[str, ...]:
    return tuple(k.name for k in kinds(*families))


def is_round(name: str) -> bool:
    """A kind whose plans are rounds of pairs or groups (False for names that are no kind)."""
    found = KINDS.get(name)
    return found is not None and found.is_round


def directed(name: str) -> bool:
    """Pairs of this kind have a direction: the first member teaches or guides the second. History
    entries may carry kinds meeloop no longer plans; those have none."""
    found = KINDS.get(name)
    return found is not None and found.directed
