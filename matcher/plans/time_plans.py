"""Lunch & learn and shadowing plans as HR keeps them: worked out in the background, reviewed, then
published into the calendars. Unlike a round such a plan is times, not pairs: its sessions or slots
and what could not be placed, with the engine's own figures (status, objective, bound and gap).

Plain data. Storage converts its rows to and from these classes; the use cases in
:mod:`matcher.services.plans` decide what may happen to a plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from matcher.engines.lunch import LunchPlan
from matcher.engines.shadowing import ShadowPlan
from matcher.plans.kinds import Family, kind

PROPOSED = "proposed"
PUBLISHED = "published"

#: What a plan of times holds, by its kind's family.
TimePlan = LunchPlan | ShadowPlan


@dataclass(frozen=True)
class StoredTimePlan:
    """A lunch & learn or shadowing plan under its name, with the settings it was planned with."""

    name: str
    #: A kind of the sessions or slots family: "lunch" or "shadowing".
    kind: str
    #: The settings as the form gave them (first and last day as ISO dates).
    settings: dict[str, Any]
    #: proposed | published
    status: str
    plan: TimePlan
    created: dt.datetime
    published: dt.datetime | None
    #: The background job that worked it out (None for a plan stored before jobs recorded it).
    job_id: int | None = None

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisoformat(self.settings["first_day"])

    @property
    def last_day(self) -> dt.date:
        return dt.date.fromisoformat(self.settings["last_day"])

    @property
    def is_lunch(self) -> bool:
        return kind(self.kind).family is Family.SESSIONS

    @property
    def units(self) -> int:
        """Sessions or slots placed."""
        return self.plan.objective


@dataclass(frozen=True)
class PlanEntry:
    """One line of the list of plans: a stored plan, or one still being worked out or that failed."""

    name: str
    kind: str
    #: proposed | published | planning | failed
    status: str
    units: int | None
    created: dt.datetime
    published: dt.datetime | None
    #: The job to follow while it is planned, or to read why it failed.
    job_id: int | None
