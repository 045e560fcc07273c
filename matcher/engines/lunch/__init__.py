"""Lunch & learn: the most-wanted topics, a colleague to present each, and a lunch slot to hold it in.

Plain data in and out. :func:`build_problem` reads the talent map: which skills
colleagues want to learn, who holds them well enough to present and offered to
(``Person.presenter``), and everyone's free time from an
:class:`~matcher.domain.availability.Agenda`. :func:`propose` places the sessions and
:func:`validate` lists what any set of sessions breaks, the proposal's own or
one HR edited by hand.

Topics
------
A topic's demand is the number of colleagues who wish to learn the skill and do
not already hold it at ``min_level``; its weight is the sum of their wishes'
priorities. Topics wanted by fewer than ``min_demand`` colleagues are not
considered. Most wanted first: by weight, then by demand, then by name.

Presenters
----------
Opted in, holding the skill at ``min_level`` or higher, and not overloaded. A
person's load is the number of pairings and groups they take part in on the
map's day (history entries active then) unless ``loads`` names it; a load above
``busy_load`` is overloaded. Best first: higher level, then lower load, then name.

Placement
---------
A session lies in the lunch window of the presenter's own time zone, on a grid
of ``grid_minutes`` from the window's start, on one of the horizon's days (the
presenter's local dates), at a time the presenter is free for all of it:
:meth:`Agenda.free` with holidays and busy time, on a working day. A lunch break
between two stretches of working hours counts as free time here (many people's
hours stop for lunch, which is just when the session is), so the day runs from
its first working hour to its last. The plan
holds at most one session a day, ``per_week`` per ISO week and
``max_sessions_per_presenter`` per presenter.

Topics are taken most wanted first, and each is kept when it can be placed
together with every topic kept before it; the check is a small CP-SAT model,
so a more wanted topic is never dropped for a less wanted one and an early topic
never takes the only week a later topic's presenter can do. Among the plans
that keep the same topics the best is chosen: better presenters first, then
more interested colleagues free at the time, then earlier days for the more
wanted topics. The solver runs on one worker with a fixed seed and a
deterministic work limit, so the same input gives the same plan.

The plan reports its ``objective`` (sessions placed), a proven ``bound`` (the
most sessions any plan within the same limits could hold, whichever topics),
their ``gap`` and a ``status``: "optimal" when the two meet and the placement's
score was proven best, else "feasible".

>>> import datetime as dt
>>> from matcher.domain.availability import Agenda
>>> from matcher.domain.model import Holding, Organisation, Person, Skill, Wish
>>> from matcher.domain.talentmap import TalentMap
>>> people = (Person("anna", "Anna", "a@example.org", presenter=True),
...           Person("bram", "Bram", "b@example.org"), Person("chen", "Chen", "c@example.org"))
>>> org = Organisation(people=people, skills=(Skill("wmo", "Wmo"),), holdings=(Holding("anna", "wmo", 4),),
...                    wishes=(Wish("bram", "wmo", 3), Wish("chen", "wmo", 2)))
>>> config = LunchConfig(first_day=dt.date(2026, 5, 4), last_day=dt.date(2026, 5, 10))
>>> plan = propose(build_problem(TalentMap(org, today=dt.date(2026, 5, 1)), Agenda(), config))
>>> [(s.skill_id, s.presenter_id, f"{s.start:%Y-%m-%d %H:%M}") for s in plan.sessions]
[('wmo', 'anna', '2026-05-04 10:00')]
"""

from matcher.engines.lunch.config import DEFAULT_LUNCH, LunchConfig
from matcher.engines.lunch.problem import (
    LunchPlan,
    LunchProblem,
    LunchSession,
    Topic,
    at_lunch,
    build_problem,
)
from matcher.engines.lunch.rules import validate
from matcher.engines.lunch.solver import capacity, propose

__all__ = [
    "DEFAULT_LUNCH",
    "LunchConfig",
    "LunchPlan",
    "LunchProblem",
    "LunchSession",
    "Topic",
    "at_lunch",
    "build_problem",
    "capacity",
    "propose",
    "validate",
]
