"""HR's pages on the people of the organisation: browse, see everything about one person, edit.

The blueprint's routing table is at the end; the import and export, the skills taxonomy
and the accounts have their own modules (web.hr_imports, web.hr_skills, web.hr_accounts).
Every route is for HR only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from matcher.domain.model import Person
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap, UnknownSkill
from matcher.services import accounts, history, profiles
from web import history as history_words
from web import (
    hr_accounts,
    hr_history,
    hr_imports,
    hr_mail,
    hr_skills,
    params,
    typed_people,
    words,
    work_pages,
)
from web.auth import require_login, roles_required
from web.context import database, talent_map
from web.profile_form import ProfileForm, changes, profile_form, show_problems, skill_name_list

hr_people = Blueprint("hr_people", __name__)
hr_people.before_request(require_login)

PER_PAGE = 50
#: The latest changes of a person their page lists (the personal data export has them all).
CHANGES_SHOWN = 50
LEAVING_SOON_DAYS = 180

# -- browsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    text: str | None
    department: str | None
    site: str | None
    team: str | None
    function: str | None
    kind: str | None  # newcomer | intern
    leaving: bool
    skill: str | None  # a skill id
    min_level: int

    def args(self) -> dict[str, Any]:
        """The query string that gives these filters again (for the page links)."""
        values = {
            "q": self.text,
            "department": self.department,
            "site": self.site,
            "team": self.team,
            "function": self.function,
            "kind": self.kind,
            "leaving": "1" if self.leaving else None,
            "skill": self.skill,
            "level": self.min_level if self.skill and self.min_level > 1 else None,
        }
        return {k: v for k, v in values.items() if v}


def _filters(talent: TalentMap) -> Filters:
    kind = params.text("kind")
    if kind not in (None, "newcomer", "intern"):
        raise params.BadParameter("kind", _("Choose newcomers or interns."))
    skill = params.text("skill")
    if skill and talent.skill(skill) is None:
        try:
            skill = talent.resolve_skill(skill)[0].id
        except UnknownSkill:
            raise params.BadParameter("skill", _("No skill matches '%(query)s'.", query=skill)) from None
    return Filters(
        text=params.text("q"),
        department=params.text("department"),
        site=params.text("site"),
        team=params.text("team"),
        function=params.text("function"),
        kind=kind,
        leaving=request.args.get("leaving") == "1",
        skill=skill,
        min_level=params.integer("level", default=1, low=1, high=4),
    )


def matching(talent: TalentMap, filters: Filters) -> list[Person]:
    """The people that pass every filter, by name."""
    text = filters.text.casefold() if filters.text else None
    horizon = talent.today + dt.timedelta(days=LEAVING_SOON_DAYS)
    holders = talent.levels_in(filters.skill) if filters.skill else None
    exact: tuple[tuple[str, str | None], ...] = (
        ("department", filters.department),
        ("site", filters.site),
        ("team", filters.team),
        ("function", filters.function),
    )
    found = []
    for person in talent.organisation.people:
        if text and not any(text in value.casefold() for value in (person.name, person.id, person.email)):
            continue
        if any(wanted is not None and getattr(person, name) != wanted for name, wanted in exact):
            continue
        if filters.kind == "newcomer" and not person.newcomer:
            continue
        if filters.kind == "intern" and not person.intern:
            continue
        if filters.leaving and not (person.leaving_date and person.leaving_date <= horizon):
            continue
        if holders is not None and holders.get(person.id, 0) < filters.min_level:
            continue
        found.append(person)
    return sorted(found, key=lambda p: (p.name.casefold(), p.id))


def _choices(talent: TalentMap, attribute: str) -> list[str]:
    return sorted({getattr(p, attribute) for p in talent.organisation.people} - {""}, key=str.casefold)


def people() -> Any:
    talent = talent_map()
    filters = _filters(talent)
    found = matching(talent, filters)
    pages = max(1, math.ceil(len(found) / PER_PAGE))
    page = min(params.integer("page", default=1, low=1, high=1_000_000), pages)
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    return render_template(
        "hr/people/people.html",
        people=shown,
        total=len(found),
        page=page,
        pages=pages,
        filters=filters,
        args=filters.args(),
        levels=talent.levels_in(filters.skill) if filters.skill else {},
        choices={name: _choices(talent, name) for name in ("department", "site", "team", "function")},
        skills=sorted(talent.organisation.skills, key=lambda s: s.name.casefold()),
        level_words=words.LEVELS,
        horizon=talent.today + dt.timedelta(days=LEAVING_SOON_DAYS),
        today=talent.today,
    )


# -- one person ------------------------------------------------------------------------------


def _person_or_404(talent: TalentMap, person_id: str) -> Person:
    person = talent.person(person_id)
    if person is None:
        abort(404, _("There is nobody with the id '%(id)s'.", id=person_id))
    return person


def person(person_id: str) -> Any:
    talent = talent_map()
    found = _person_or_404(talent, person_id)
    account = accounts.account_of_person(database(), person_id)
    reports = sorted(
        (p for p in talent.organisation.people if p.manager_id == person_id), key=lambda p: p.name.casefold()
    )
    names = {p.id: p.name for p in talent.organisation.people}
    return render_template(
        "hr/people/person.html",
        person=found,
        manager=talent.person(found.manager_id) if found.manager_id else None,
        reports=reports,
        holdings=[(skill, words.level(int(level))) for skill, level in talent.holdings_of(person_id)],
        wishes=talent.wishes_of(person_id),
        tenure=found.tenure_years(talent.today),
        experience=found.experience_years(talent.today),
        hours=found.working_hours,
        account=account,
        today=talent.today,
        changes=history_words.shown(
            history.changes_of(database(), person_id, limit=CHANGES_SHOWN),
            {s.id: s.name for s in talent.organisation.skills},
            names=names,
        ),
        changes_shown=CHANGES_SHOWN,
        names=names,
    )


# -- editing ----------------------------------------------------------------------------------


#: The page's list of people the manager field offers as HR types.
MANAGERS = "people-list"


class PersonForm(ProfileForm):
    """The employee's profile form, and what only HR changes (named like the organisation
    JSON's person keys, so that :func:`web.profile_form.changes` picks them up)."""

    name = StringField(_l("Name"), validators=[Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Length(max=254)])
    department = StringField(_l("Department"), validators=[Length(max=200)])
    function = StringField(_l("Function"), validators=[Length(max=200)])
    site = StringField(_l("Site"), validators=[Length(max=200)])
    team = StringField(_l("Team"), validators=[Length(max=200)])
    manager = StringField(
        _l("Manager"), validators=[Length(max=320)], render_kw={"list": MANAGERS, "autocomplete": "off"}
    )
    start_date = StringField(_l("Start date"), validators=[Length(max=20)], render_kw={"type": "date"})
    leaving_date = StringField(_l("Leaving date"), validators=[Length(max=20)], render_kw={"type": "date"})
    years_experience = StringField(_l("Years in the field"), validators=[Length(max=10)])
    newcomer = BooleanField(_l("Newcomer"))
    intern = BooleanField(_l("Intern"))


def _hr_values(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "department": person.department,
        "function": person.function,
        "site": person.site,
        "team": person.team,
        "manager": _label(talent_map(), person.manager_id) if person.manager_id else "",
        "start_date": person.start_date.isoformat() if person.start_date else "",
        "leaving_date": person.leaving_date.isoformat() if person.leaving_date else "",
        "years_experience": f"{person.years_experience:g}",
        "newcomer": person.newcomer,
        "intern": person.intern,
    }


def _years(text: str) -> float | str:
    """A number when it is one; otherwise the text, for the importer's rules to judge."""
    text = text.strip().replace(",", ".")
    try:
        return float(text) if text else 0.0
    except ValueError:
        return text


def _label(talent: TalentMap, person_id: str) -> str:
    """How the list names someone: "Anna de Vries (E00012)"; an id that is nobody stays an id."""
    person = talent.person(person_id)
    return typed_people.listed(person.name, person.id) if person else person_id


def manager_id(talent: TalentMap, typed: str) -> str:
    """The id of the manager HR typed: an id, a name from the list ("Anna de Vries (E00012)"), or
    a name only one person has; ValueError (with the reason) for anything else."""
    found = typed_people.matching(
        ((p.id, typed_people.listed(p.name, p.id)) for p in talent.organisation.people), typed
    )
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(_("More than one person is called that: pick the right one from the list."))
    raise ValueError(_("Nobody on the talent map has that name or id: pick someone from the list."))


def _hr_changes(form: PersonForm) -> dict[str, Any]:
    found = changes(form)
    for key in ("name", "email", "department", "function", "site", "team"):
        found[key] = (found[key] or "").strip()
    for key in ("manager", "start_date", "leaving_date"):
        found[key] = (found[key] or "").strip() or None
    if found["manager"]:
        found["manager"] = manager_id(talent_map(), found["manager"])
    found["years_experience"] = _years(found["years_experience"] or "")
    return found


def edit_person(person_id: str) -> Any:
    talent = talent_map()
    current = _person_or_404(talent, person_id)
    form = profile_form(talent, person_id, PersonForm)
    if not form.is_submitted():
        for key, value in _hr_values(current).items():
            form[key].data = value
        return _edit_page(form, current)
    if not form.validate():
        return _edit_page(form, current, 400)
    try:
        wanted = _hr_changes(form)
    except ValueError as wrong:
        form.manager.errors = [*form.manager.errors, str(wrong)]
        return _edit_page(form, current, 400)
    try:
        result = profiles.update_person(
            database(), person_id, wanted, now=dt.datetime.now(dt.UTC), by=current_user.login
        )
    except InvalidInput as error:
        show_problems(form, error)
        return _edit_page(form, current, 400)
    if result.nothing:
        flash(_("Nothing changed."), "info")
    else:
        flash(_("The changes to %(name)s are saved.", name=form.name.data), "info")
    return redirect(url_for("hr_people.person", person_id=person_id))


def _edit_page(form: PersonForm, person: Person, status: int = 200) -> Any:
    return render_template(
        "hr/people/edit.html",
        form=form,
        person=person,
        levels=[w for w in words.LEVELS if w.value >= 1],
        skill_names=skill_name_list(talent_map()),
        people_list=MANAGERS,
        people=sorted(
            (_label(talent_map(), p.id) for p in talent_map().organisation.people if p.id != person.id),
            key=str.casefold,
        ),
        failed=status >= 400,
    ), status


# -- the routing table -------------------------------------------------------------------------

ROUTES: tuple[tuple[str, str, Callable[..., Any], tuple[str, ...]], ...] = (
    ("/people", "people", people, ("GET",)),
    ("/people/<person_id>", "person", person, ("GET",)),
    ("/people/<person_id>/edit", "edit_person", edit_person, ("GET", "POST")),
    ("/people/<person_id>/restore/<int:change_id>", "restore_person", hr_history.restore, ("GET", "POST")),
    ("/import", "imports", hr_imports.imports, ("GET", "POST")),
    ("/import/<int:run_id>/undo", "undo_import", hr_history.undo_import, ("GET", "POST")),
    ("/export", "export", hr_imports.export, ("GET",)),
    ("/skills", "skills", hr_skills.skills, ("GET",)),
    ("/skills/new", "add_skill", hr_skills.add_skill, ("GET", "POST")),
    ("/skills/<skill_id>/edit", "edit_skill", hr_skills.edit_skill, ("GET", "POST")),
    ("/accounts", "accounts", hr_accounts.accounts, ("GET", "POST")),
    ("/accounts/many", "accounts_many", hr_accounts.make_many, ("POST",)),
    ("/mail", "mail", hr_mail.mail, ("GET", "POST")),
    ("/work/<int:work_id>", "work", work_pages.work_page, ("GET",)),
    ("/accounts/<int:account_id>/role", "account_role", hr_accounts.change_role, ("POST",)),
    ("/accounts/<int:account_id>/active", "account_active", hr_accounts.switch, ("POST",)),
    ("/accounts/<int:account_id>/password", "account_password", hr_accounts.reset_password, ("POST",)),
)

for rule, endpoint, view, methods in ROUTES:
    hr_people.add_url_rule(rule, endpoint, roles_required("hr")(view), methods=list(methods))
