"""Meeting times for a published round: the first meeting of each pair or group, and optionally a series.

Plain data in and out. A unit is a pair or group with an id, ``(unit_id,
member_ids)``; its first member is the organiser (for pairs with a direction
that is the mentor or buddy, as in :class:`~matcher.domain.model.HistoryEntry`), and
the organiser's time zone is the one the meeting is shown and repeated in.

The first meeting
-----------------
The candidate starts are the times every member is free for the whole meeting
(working hours in each member's own time zone, minus holidays and busy time, as
:meth:`Agenda.free` says), on a grid of ``grid_minutes`` counted from midnight
UTC, in the ``search_days`` from ``first_day`` in the organiser's time zone.
A start is comfortable for a member when it lies inside ``preferred`` (their
local wall-clock hours, when given) and keeps clear of the first and last
``avoid_edge_minutes`` of their working day. The chosen start is the earliest
one comfortable for everyone; when there is none, the earliest of those
uncomfortable for the fewest members.

Units are planned one after the other, the most constrained first (fewest
candidate starts against the agenda given, then input order), and each placed
meeting is added to the agenda, so nobody who is in several units (a mentor with
three learners) is booked twice.

The plan reports its ``objective`` (units with a meeting), a ``bound`` (units
whose members are all known and share at least one free start: no plan can
place more) and their ``gap``; ``status`` is "optimal" when the two meet, else
"feasible".

A series
--------
With ``every_weeks`` the meeting repeats on the same weekday at the same
wall-clock time in the organiser's time zone, every N weeks through
``last_day``. The wall-clock time holds across a daylight-saving change, so the
time in UTC moves by the change; the series is given as the organiser's zone,
an RRULE (``FREQ=WEEKLY;INTERVAL=2;UNTIL=...Z``, UNTIL being the last start in
UTC) and every occurrence in UTC. Of the candidate starts the one with the most
occurrences where everyone is free wins, then comfort, then the earlier start.
An occurrence where someone is busy or not working is kept and reported as a
clash naming who; an occurrence may never overlap a meeting planned for another
unit in the same plan, so a start whose series would do that is not a candidate.

>>> import datetime as dt
>>> from matcher.domain.availability import Agenda
>>> from matcher.domain.model import Person
>>> people = {pid: Person(pid, pid.title(), f"{pid}@example.org") for pid in ("anna", "bram")}
>>> config = MeetingConfig(first_day=dt.date(2026, 5, 4), last_day=dt.date(2026, 6, 30))
>>> plan = plan_meetings([("m1", ("anna", "bram"))], people, Agenda(), config)
>>> f"{plan.meetings[0].start:%Y-%m-%d %H:%M}"
'2026-05-04 08:00'
"""

from matcher.engines.meetings.config import MeetingConfig, Unit
from matcher.engines.meetings.plan import Meeting, MeetingPlan, occurrence_starts
from matcher.engines.meetings.planner import plan_meetings
from matcher.engines.meetings.rules import validate

__all__ = [
    "Meeting",
    "MeetingConfig",
    "MeetingPlan",
    "Unit",
    "occurrence_starts",
    "plan_meetings",
    "validate",
]
