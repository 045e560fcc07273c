"""The menu: what each role reaches. A page shows in it once its blueprint is registered."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

PERSONAL = (
    ("me.plans", _l("My plans")),
    ("me.profile", _l("My profile")),
    ("me.shadowing", _l("Shadowing")),
    ("me.reflections", _l("Reflection")),
    ("me.data", _l("My data")),
)
#: Everyone's, after their own pages: the skills index, a way on from any search, and the talent map
#: (each role sees on it what it may see elsewhere).
EVERYONE = (("pages.skills", _l("All skills")), ("explorer.page", _l("Talent map")))
BY_ROLE = {
    "manager": (("team.index", _l("My team")),),
    "hr": (
        ("hr_people.people", _l("People")),
        ("hr_people.imports", _l("Import")),
        ("hr_rounds.rounds", _l("Rounds")),
        ("hr_reports.reports", _l("Reports")),
    ),
}


def _present(links: tuple[tuple[str, Any], ...]) -> list[tuple[str, Any]]:
    return [(endpoint, label) for endpoint, label in links if endpoint in current_app.view_functions]


def configure(app: Flask) -> None:
    @app.context_processor
    def menu() -> dict[str, Any]:
        if not current_user or not current_user.is_authenticated:
            return {"personal_links": [], "role_links": []}
        return {
            "personal_links": _present(PERSONAL),
            "role_links": _present(EVERYONE) + _present(BY_ROLE.get(current_user.role, ())),
        }
