"""The manager's team page: the reporting line with skills and wishes, bridge figures, knowledge at risk.

A manager sees their own reporting line (direct and indirect reports); HR sees any manager's
with ``?manager=<id>``. A manager asking for someone else's team gets a 404, like any other
object that is not theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from matcher.domain import reports
from matcher.domain.model import Person
from matcher.domain.talentmap import Bridge, TalentMap
from web.access import reports_of
from web.auth import person_required, require_login, roles_required
from web.context import talent_map
from web.hr_reports import render

team = Blueprint("team", __name__)
team.before_request(require_login)

#: The most people listed one by one; a reporting line can be a whole organisation.
LISTED = 300
#: Knowledge at risk in a team: fewer than this many at level 3 or higher, leavers within the horizon gone.
MIN_HOLDERS = 3
HORIZON = 180


@dataclass(frozen=True)
class Member:
    person: Person
    direct: bool
    skills: list[tuple[Any, int]]
    wishes: list[tuple[Any, int]]
    bridge: Bridge | None


def managers(talent: TalentMap) -> list[Person]:
    """Everyone someone reports to, by name."""
    ids = {p.manager_id for p in talent.organisation.people if p.manager_id}
    return sorted(
        (p for p in talent.organisation.people if p.id in ids), key=lambda p: (p.name.casefold(), p.id)
    )


def _manager_id() -> str | None:
    """Whose team: HR chooses any (none yet: the list to choose from); a manager only their own,
    someone else's id is a 404."""
    asked = (request.args.get("manager") or "").strip() or None
    if current_user.is_hr:
        return asked
    own = person_required()
    if asked is not None and asked != own:
        abort(404, _("There is nothing here for you."))
    return own


def members_of(
    talent: TalentMap, manager: Person, people: set[str], bridges: dict[str, Bridge]
) -> list[Member]:
    """The first :data:`LISTED` people of the reporting line: direct reports first, then by name."""
    found = [talent.person(pid) for pid in people]
    ordered = sorted(
        (p for p in found if p is not None),
        key=lambda p: (p.manager_id != manager.id, p.name.casefold(), p.id),
    )
    return [
        Member(
            person,
            person.manager_id == manager.id,
            [(skill, int(level)) for skill, level in talent.holdings_of(person.id)],
            list(talent.wishes_of(person.id)),
            bridges.get(person.id),
        )
        for person in ordered[:LISTED]
    ]


@roles_required("manager", "hr")
def index() -> Any:
    talent = talent_map()
    manager_id = _manager_id()
    manager = talent.person(manager_id) if manager_id else None
    if manager_id and manager is None:
        abort(404, _("There is nobody with the id '%(id)s'.", id=manager_id))
    choices = managers(talent) if current_user.is_hr else []
    if manager is None:
        return render("team/index.html", manager=None, choices=choices)
    people = reports_of(talent.organisation, manager.id)
    # The team's bridge figures are the organisation's (scored once per map), in its order.
    bridges = {b.person_id: b for b in talent.bridges_among(sorted(people))}
    scope = people | {manager.id}
    return render(
        "team/index.html",
        manager=manager,
        choices=choices,
        members=members_of(talent, manager, people, bridges),
        total=len(people),
        bridges=list(bridges.values()),
        lines=reports.knowledge_at_risk(talent, people=scope, min_holders=MIN_HOLDERS, horizon_days=HORIZON),
        min_holders=MIN_HOLDERS,
        horizon=HORIZON,
    )


team.add_url_rule("/", "index", index, methods=["GET"])
