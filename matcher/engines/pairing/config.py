"""Everything HR can set for one pairing round, with documented defaults.

A round is described by one :class:`PairingConfig`. It is plain data: the
CLI reads it from a JSON file, the web UI from a form, and the solver never
looks anywhere else for a weight or a rule.

>>> config = PairingConfig.from_mapping({"mode": "buddy", "rules": {"cooldown_rounds": 3}})
>>> config.rules.cooldown_rounds, config.weights.department
(3, 2.0)
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from matcher.domain.phrases import phrase
from matcher.domain.problems import SETTINGS, Location, Problems
from matcher.engines.pairing.fairness import Fairness
from matcher.engines.pairing.feedback import Feedback, read_feedback

MODES: dict[str, str] = {
    "mentor": "more experienced colleagues teach less experienced ones what they want to learn",
    "reverse": "less experienced colleagues teach more experienced ones where they are stronger",
    "exchange": "pairs in which each teaches the other something they want (wisselleren)",
    "buddy": "every newcomer gets an experienced buddy during onboarding",
    "intern-manager": "interns are paired with managers",
}

#: Modes in which a pair has a direction: the first member teaches or guides.
DIRECTED = frozenset({"mentor", "reverse", "buddy", "intern-manager"})

ODD_ONE_OUT = ("trio", "report")


@dataclass(frozen=True)
class Rules:
    """Hard rules. A solution that breaks one is never proposed."""

    #: Nobody takes more learners than their capacity (mentor capacity, or ``default_capacity``).
    capacity: bool = True
    #: Nobody is paired with their own manager.
    not_own_manager: bool = True
    #: Stricter: nobody is paired with anyone above or below them in their reporting line.
    not_in_reporting_line: bool = False
    #: The two share at least one language.
    shared_language: bool = True
    #: Minutes of shared working time in a usual week, across time zones; 0 switches the rule off.
    min_overlap_minutes: int = 120
    #: No pair of the same kind repeated within this many earlier rounds; 0 switches the rule off.
    cooldown_rounds: int = 2
    #: A pair in which both rated their sessions together highly may meet again within the
    #: cooldown. Off unless HR chooses it: people decide by their ratings, HR decides to listen.
    repeat_when_rated_highly: bool = False
    #: A teacher whose sessions repeatedly did not take place gets fewer learners (see
    #: :mod:`.feedback`; the places go back once their sessions take place again).
    fewer_mentees_when_not_held: bool = True
    #: In one round a person either teaches or learns, never both (directed modes).
    one_role: bool = True
    #: Buddies come from outside the newcomer's own team (otherwise only preferred, see weights).
    buddy_outside_team: bool = False


@dataclass(frozen=True)
class Weights:
    """Soft preferences: points added to (or taken from) a pair's score."""

    #: Per wish served: priority (1-3) times the level gap, times this.
    learning: float = 1.0
    #: Share of the learning credit given when the teacher holds a related skill instead.
    related_credit: float = 0.5
    #: Different department, function, site.
    department: float = 2.0
    function: float = 1.0
    site: float = 0.5
    #: Added when the experience gap (years in the field) is at least ``experience_gap_years``.
    experience_gap: float = 1.0
    experience_gap_years: float = 5.0
    #: Same team: work interdependence teaches too. Cross team: the organisation mixes.
    same_team: float = 0.0
    cross_team: float = 1.0
    #: Each further learner of the same teacher costs this much more than the one before,
    #: so popular experts are spread instead of all going to the same top mentor.
    spread: float = 1.0
    #: Bonus for a pair with someone who was left unmatched in the previous round.
    unmatched_last_round: float = 3.0
    #: Penalty for repeating a pair from before the cooldown, halved (``repeat_fade``) per round older.
    repeat: float = 4.0
    repeat_fade: float = 0.5
    #: Buddy mode: same site as the newcomer, outside the newcomer's own team.
    buddy_same_site: float = 3.0
    buddy_other_team: float = 2.0
    #: Extra share of the learning credit for a wish in a skill whose sessions led to applied
    #: value or more (0.5: one and a half times the credit); 0 switches it off.
    valued_skills: float = 0.5


@dataclass(frozen=True)
class Selection:
    """HR's choice of who takes part. Empty lists mean: everyone who qualifies."""

    people: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def admits(self, person_id: str, department: str, site: str) -> bool:
        if person_id in self.exclude:
            return False
        if self.people and person_id in self.people:
            return True
        chosen = bool(self.people or self.departments or self.sites)
        if not chosen:
            return True
        return (bool(self.departments) and department in self.departments) or (
            bool(self.sites) and site in self.sites
        )


@dataclass(frozen=True)
class PairingConfig:
    mode: str = "mentor"
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)
    select: Selection = field(default_factory=Selection)
    #: What the round remembers of earlier rounds of its kind (see :mod:`.fairness`).
    fairness: Fairness = field(default_factory=Fairness)
    #: Pairs HR fixed: kept as they are, the rest is optimised around them.
    locked: tuple[tuple[str, ...], ...] = ()
    #: Pairs HR ruled out, in either order.
    forbidden: tuple[tuple[str, str], ...] = ()
    #: What sessions of earlier rounds said (:mod:`.feedback`): filled in when the round is
    #: proposed and kept with it, so that checking and publishing see what the proposal saw.
    feedback: Feedback = field(default_factory=Feedback)
    #: Capacity for people who did not state one (buddies, managers in intern-manager rounds).
    default_capacity: int = 1
    #: Buddy mode: who counts as a newcomer (started this many days ago or fewer) ...
    newcomer_days: int = 180
    #: ... and how long a buddy must have been with the organisation.
    buddy_min_tenure_years: float = 2.0
    #: Mentor mode: the lowest level a mentor must hold in the wished skill.
    min_teacher_level: int = 2
    #: Exchange mode: a person left over joins a pair as a third ("trio") or is reported ("report").
    odd_one_out: str = "trio"
    #: Reverse mode: juniors, who teach, have at most this many years of experience;
    #: seniors, who learn, have more.
    junior_years: float = 5.0
    #: Seconds the optimiser may search; it returns the best plan found by then.
    time_limit: float = 10.0
    #: Optional limit in the solver's own deterministic work units. A run that ends on it
    #: (or proves its plan optimal) gives the same plan every time; one cut by the clock may not.
    work_limit: float = 0.0
    seed: int = 0
    #: Candidate teachers kept per learner, best first; 0 keeps all. The reported bound
    #: is computed on all candidates, so the gap includes whatever pruning may lose.
    candidates_per_learner: int = 0
    #: When the plan is proven within this fraction of the bound (0.001: 0.1%), the bound is not
    #: tightened further; 0 tightens it as far as the solver's steps get it.
    gap_limit: float = 0.0

    @property
    def directed(self) -> bool:
        return self.mode in DIRECTED

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["locked"] = [list(p) for p in self.locked]
        data["forbidden"] = [list(p) for p in self.forbidden]
        data["select"] = {k: list(v) for k, v in data["select"].items()}
        data["feedback"] = self.feedback.as_dict()
        return data

    @classmethod
    def from_mapping(cls, data: Any, *, source: str = SETTINGS) -> PairingConfig:
        """Read a config from JSON-like data; every problem is reported at once."""
        problems = Problems()
        reader = _Reader(problems, source)
        config = reader.config(data)
        problems.raise_if_any()
        return config

    def replace(self, **changes: Any) -> PairingConfig:
        return dataclasses.replace(self, **changes)


#: Why a count or a limit is refused.
NOT_NEGATIVE = phrase("must not be negative")


def _unknown(known: set[str]) -> str:
    """An unknown setting, with the settings that are known."""
    return phrase("unknown setting; known settings are {known}", known=", ".join(sorted(known)))


class _Reader:
    def __init__(self, problems: Problems, source: str) -> None:
        self.problems = problems
        self.source = source

    def fail(self, path: str, message: str) -> None:
        self.problems.add(Location(self.source, None, path), message)

    def config(self, data: Any) -> PairingConfig:
        if not isinstance(data, dict):
            self.fail("", phrase("expected an object with settings"))
            return PairingConfig()
        values: dict[str, Any] = {}
        known = {f.name for f in dataclasses.fields(PairingConfig)}
        for key in data:
            if key not in known:
                self.fail(key, _unknown(known))
        defaults = PairingConfig()
        for f in dataclasses.fields(PairingConfig):
            if f.name not in data:
                continue
            raw = data[f.name]
            if f.name in ("rules", "weights", "fairness"):
                values[f.name] = self.section(f.name, raw, type(getattr(defaults, f.name)))
            elif f.name == "select":
                values[f.name] = self.selection(raw)
            elif f.name == "feedback":
                values[f.name] = read_feedback(raw, self.fail)
            elif f.name in ("locked", "forbidden"):
                values[f.name] = self.pairs(f.name, raw, exact_two=f.name == "forbidden")
            else:
                values[f.name] = self.scalar(f.name, raw, getattr(defaults, f.name))
        config = dataclasses.replace(defaults, **values)
        if config.mode not in MODES:
            self.fail(
                "mode",
                phrase(
                    "unknown mode '{mode}'; choose one of {modes}", mode=config.mode, modes=", ".join(MODES)
                ),
            )
        if config.odd_one_out not in ODD_ONE_OUT:
            self.fail("odd_one_out", phrase("must be one of {values}", values=", ".join(ODD_ONE_OUT)))
        for name in ("default_capacity", "newcomer_days", "candidates_per_learner"):
            if getattr(config, name) < 0:
                self.fail(name, NOT_NEGATIVE)
        if not 0 <= config.min_teacher_level <= 4:
            self.fail("min_teacher_level", phrase("must be a level from 0 to 4"))
        if config.work_limit < 0 or config.junior_years < 0:
            self.fail("work_limit" if config.work_limit < 0 else "junior_years", NOT_NEGATIVE)
        if not 0 <= config.gap_limit < 1:
            self.fail("gap_limit", phrase("must be between 0 and 1"))
        if config.time_limit <= 0:
            self.fail("time_limit", phrase("must be more than 0 seconds"))
        if config.weights.repeat_fade < 0 or config.weights.repeat_fade > 1:
            self.fail("weights.repeat_fade", phrase("must be between 0 and 1"))
        for name in ("min_overlap_minutes", "cooldown_rounds"):
            if getattr(config.rules, name) < 0:
                self.fail(f"rules.{name}", NOT_NEGATIVE)
        if config.weights.valued_skills < 0:
            self.fail("weights.valued_skills", NOT_NEGATIVE)
        for name, why in config.fairness.problems():
            self.fail(f"fairness.{name}", why)
        return config

    def scalar(self, path: str, raw: Any, default: Any) -> Any:
        kind = type(default)
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            self.fail(path, phrase("expected true or false, got {value}", value=repr(raw)))
        elif kind is int:
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            self.fail(path, phrase("expected a whole number, got {value}", value=repr(raw)))
        elif kind is float:
            if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
                return float(raw)
            self.fail(path, phrase("expected a number, got {value}", value=repr(raw)))
        elif kind is str:
            if isinstance(raw, str):
                return raw
            self.fail(path, phrase("expected text, got {value}", value=repr(raw)))
        return default

    def section(self, name: str, raw: Any, kind: type) -> Any:
        if not isinstance(raw, dict):
            self.fail(name, phrase("expected an object"))
            return kind()
        defaults = kind()
        known = {f.name for f in dataclasses.fields(kind)}
        values = {}
        for key, value in raw.items():
            if key not in known:
                self.fail(f"{name}.{key}", _unknown(known))
                continue
            values[key] = self.scalar(f"{name}.{key}", value, getattr(defaults, key))
        return dataclasses.replace(defaults, **values)

    def selection(self, raw: Any) -> Selection:
        if not isinstance(raw, dict):
            self.fail("select", phrase("expected an object with people, departments, sites or exclude"))
            return Selection()
        known = {f.name for f in dataclasses.fields(Selection)}
        values = {}
        for key, value in raw.items():
            if key not in known:
                self.fail(f"select.{key}", _unknown(known))
            elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.fail(f"select.{key}", phrase("expected a list of texts"))
            else:
                values[key] = tuple(value)
        return Selection(**values)

    def pairs(self, name: str, raw: Any, *, exact_two: bool) -> tuple[tuple[str, ...], ...]:
        if not isinstance(raw, list):
            self.fail(name, phrase("expected a list of pairs of person ids"))
            return ()
        result = []
        for i, item in enumerate(raw):
            sizes = (2,) if exact_two else (2, 3)
            if (
                not isinstance(item, list)
                or len(item) not in sizes
                or not all(isinstance(v, str) and v for v in item)
                or len(set(item)) != len(item)
            ):
                self.fail(
                    f"{name}[{i}]",
                    phrase("expected two different person ids")
                    if exact_two
                    else phrase("expected two or three different person ids"),
                )
                continue
            result.append(tuple(item))
        return tuple(result)
