"""Who may see whose private data: the object-level checks every personal route makes.

HR sees everyone; a manager sees the people in their reporting line (direct and
indirect reports); everyone sees themselves. Anyone else's private data is a 404,
so that a changed id in a URL does not even tell whether the person exists.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from matcher.domain.model import Organisation
from web.context import talent_map


def reports_of(org: Organisation, manager_id: str) -> set[str]:
    """Everyone below the manager in the reporting line."""
    below: dict[str, list[str]] = {}
    for person in org.people:
        if person.manager_id:
            below.setdefault(person.manager_id, []).append(person.id)
    found: set[str] = set()
    todo = list(below.get(manager_id, ()))
    while todo:
        person_id = todo.pop()
        if person_id not in found and person_id != manager_id:
            found.add(person_id)
            todo.extend(below.get(person_id, ()))
    return found


def may_see_private(person_id: str) -> bool:
    if not current_user.is_authenticated:
        return False
    if current_user.is_hr or current_user.person_id == person_id:
        return True
    if current_user.is_manager and current_user.person_id:
        return person_id in reports_of(talent_map().organisation, current_user.person_id)
    return False


def check_private(person_id: str) -> None:
    """404 unless the logged-in account may see this person's private data."""
    if not may_see_private(person_id):
        abort(404, _("There is nothing here for you."))


def team() -> set[str]:
    """The logged-in manager's people; empty for anyone else."""
    if not current_user.is_authenticated or not current_user.person_id:
        return set()
    return reports_of(talent_map().organisation, current_user.person_id)
