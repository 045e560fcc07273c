"""What a shadowing request asks for and what HR can set, with documented defaults.

A request names a skill, a host, or both (the host, on that skill), a length
and a window of dates. The window is inclusive and read in each person's own
time zone: a slot lies on one of those local dates for the guest *and* for
the host.

>>> may = dt.date(2026, 5, 4), dt.date(2026, 5, 8)
>>> request = ShadowRequest("r1", "ann", "sql", None, LENGTHS["half-day"], *may)
>>> length_words(request.minutes)
'half a day'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from matcher.domain.phrases import phrase, term
from matcher.domain.problems import SETTINGS, Location, Problem
from matcher.domain.wording import duration

#: The lengths people pick from, in minutes. Other lengths are accepted too.
LENGTHS: dict[str, int] = {"hour": 60, "half-day": 240, "day": 480}
PERIODS = ("week", "month")
#: The periods as words in sentences ("capacity 2 guests a month").
PERIOD_WORDS = {"week": term("week"), "month": term("month")}
# Points are whole ten-thousandths inside the solver: fine enough that one grid step earlier
# in a window of weeks still counts.
SCALE = 10_000


@dataclass(frozen=True)
class ShadowRequest:
    """One employee's wish to shadow a colleague (kijkstage).

    ``skill_id`` alone: any willing host holding the skill well enough.
    ``host_id`` alone: that colleague, whatever they show. Both: that
    colleague, who must hold the skill well enough.
    """

    id: str
    guest_id: str
    skill_id: str | None
    host_id: str | None
    minutes: int
    first_day: dt.date
    last_day: dt.date


@dataclass(frozen=True)
class ShadowWeights:
    """Soft preferences, in points. Placing a request always counts for more than all of them:
    the solver first places as many requests as it can, then among the plans that place that
    many it picks the one with the most points (see :mod:`matcher.engines.shadowing.solver`)."""

    #: Per level the host holds the skill above ``min_host_level``.
    level: float = 1.0
    #: Per point of the guest's wish priority (1-3) for the skill.
    wish: float = 0.5
    #: Guest and host work at the same site: nobody travels.
    same_site: float = 1.0
    #: A slot at the very start of the window gets this much, one at its very end nothing.
    early: float = 0.5
    #: A host's k-th guest in the plan costs ``host_spread * (k - 1)``: load is spread.
    host_spread: float = 2.0
    #: A guest's k-th placed request costs ``guest_repeat * (k - 1)``: one each before a second.
    guest_repeat: float = 4.0
    #: "recent load": per slot a host hosted in recent plans, each slot with them costs this much,
    #: so popular hosts' load spreads over the plans (0: off).
    recent_load: float = 1.0


@dataclass(frozen=True)
class ShadowConfig:
    #: The lowest level (0-4) a host must hold the requested skill at.
    min_host_level: int = 3
    #: ``Person.host_capacity`` is guests per this period: ``"week"`` (Monday to Sunday) or
    #: ``"month"`` (calendar month), both in the host's own time zone. Each placed slot is one guest.
    capacity_period: str = "month"
    #: Slots start on this grid, counted from midnight UTC.
    grid_minutes: int = 15
    #: When guest and host work at different sites, the guest keeps this many minutes free before
    #: and after the slot to travel. Travel may fall outside working hours but never on busy time
    #: or another shadowing slot of the guest, and it never eats into the slot itself.
    travel_minutes: int = 60
    #: Seconds :func:`~matcher.engines.shadowing.plan` may take, building the problem not included; it
    #: returns the best plan found by then.
    time_limit: float = 10.0
    #: Optional limit in CP-SAT's deterministic work units, half for each phase. With one worker,
    #: a run that ends on it (or proves its plan optimal) gives the same plan every time; one cut
    #: by the clock may not.
    work_limit: float = 0.0
    seed: int = 0
    #: How "nobody in two places at once" enters the model. ``"cliques"``: for each moment one
    #: person's candidate slots share, at most one of them. ``"intervals"``: an optional interval
    #: per slot and CP-SAT's no-overlap constraint. The two allow the same plans; the slots have
    #: fixed starts, so the cliques are exact, and they give CP-SAT's presolve and linear relaxation
    #: more to work with (on the benchmark they prove the best count about three times sooner).
    no_overlap: str = "cliques"
    #: CP-SAT workers. One worker searches deterministically; two may find better plans sooner.
    workers: int = 1
    #: Up to this many valid starts in all, every one is a candidate: the model is then the whole
    #: problem, and what CP-SAT proves about the count holds for it. Beyond, the candidates are pruned:
    max_candidates: int = 100_000
    #: ... to this many starts per request and host, spread over distinct days and times of day,
    starts_per_host: int = 8
    #: ... and this many per request in all, by keeping fewer starts per host when there are many
    #: hosts (never fewer than two per host). The flow bound still counts every start, so the
    #: reported gap includes whatever pruning may lose.
    starts_per_request: int = 96
    #: Up to this many candidates CP-SAT solves the round as one model. Beyond, it improves the
    #: greedy plan a part at a time, the rest of the plan fixed, each part's model holding about
    #: ``part_candidates`` candidates (see :mod:`matcher.engines.shadowing.neighbourhoods`).
    model_candidates: int = 150_000
    part_candidates: int = 10_000
    weights: ShadowWeights = field(default_factory=ShadowWeights)

    def problems(self) -> list[Problem]:
        """Every setting out of range, as problems to report at once."""
        found = []

        def fail(name: str, message: str) -> None:
            found.append(Problem(Location(SETTINGS, None, name), message))

        if not 0 <= self.min_host_level <= 4:
            fail("min_host_level", phrase("must be a level from 0 to 4"))
        if self.no_overlap not in ("cliques", "intervals"):
            fail("no_overlap", phrase("must be cliques or intervals"))
        if self.capacity_period not in PERIODS:
            fail("capacity_period", phrase("must be one of {values}", values=", ".join(PERIODS)))
        if self.grid_minutes <= 0 or 1440 % self.grid_minutes:
            fail("grid_minutes", phrase("must be a positive number of minutes that divides a day"))
        for name in ("travel_minutes", "work_limit", "seed"):
            if getattr(self, name) < 0:
                fail(name, phrase("must not be negative"))
        if self.time_limit <= 0:
            fail("time_limit", phrase("must be more than 0 seconds"))
        for name in (
            "workers",
            "max_candidates",
            "starts_per_host",
            "starts_per_request",
            "model_candidates",
            "part_candidates",
        ):
            if getattr(self, name) < 1:
                fail(name, phrase("must be at least 1"))
        for f in dataclasses.fields(self.weights):
            if getattr(self.weights, f.name) < 0:
                fail(f"weights.{f.name}", phrase("must not be negative"))
        return found


def length_words(minutes: int) -> str:
    """A length as people say it: "an hour", "half a day", "a day", "1 hour and 30 minutes"."""
    named = {60: phrase("an hour"), 240: phrase("half a day"), 480: phrase("a day")}
    if minutes in named:
        return named[minutes]
    return duration(minutes)
