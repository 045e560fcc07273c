"""HR goes back: restore a person to how they were before a change, or undo a whole import.

Each is a page that shows what would go back and what would stay (a field a later change touched,
a skill no longer in the taxonomy), and a form that does it: a POST with the CSRF token, for HR
only (the routes are in :mod:`web.hr_people`'s routing table). Going back is written as a new
change; nothing is deleted from the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from matcher.domain.history import Plan
from matcher.domain.problems import InvalidInput
from matcher.services import history
from web import history as words
from web.context import database, talent_map
from web.phrases import say


class GoBackForm(FlaskForm):
    """The confirmation; ``keep`` agrees to keep what cannot go back."""

    keep = BooleanField(
        _l("Keep the fields listed under \u201cstays as it is\u201d, and go back with the rest")
    )


def _names() -> dict[str, str]:
    return {p.id: p.name for p in talent_map().organisation.people}


def _skills() -> dict[str, str]:
    return {s.id: s.name for s in talent_map().organisation.skills}


def _page(plan: Plan | None, form: GoBackForm, report: InvalidInput | None, status: int, **shown: Any) -> Any:
    names, skills = _names(), _skills()
    people = words.going_back(plan, skills, names) if plan is not None else []
    kept = any(p.kept for p in people)
    return render_template(
        "hr/people/going_back.html",
        people=people,
        kept=kept,
        form=form,
        report=report,
        names=names,
        field_label=lambda field: words.label(field, skills)[0],
        **shown,
    ), status


def restore(person_id: str, change_id: int) -> Any:
    change = history.change(database(), change_id)
    if change is None or change.person_id != person_id:
        abort(404, _("There is no such change of this person."))
    names = _names()
    shown = {
        "title": _("Restore %(name)s", name=names.get(person_id, person_id)),
        "lead": _(
            "Back to how %(name)s was before change %(run)s of %(when)s: that change and every later one "
            "are taken back. This is recorded as a new change; the history stays.",
            name=names.get(person_id, person_id),
            run=change.run_id,
            when=words.when(change.at),
        ),
        "button": _("Restore"),
        "back": url_for("hr_people.person", person_id=person_id) + "#changes",
    }
    form = GoBackForm()
    plan, report, status = None, None, 200
    try:
        plan = history.plan_restore(database(), person_id, change_id)
        if form.validate_on_submit():
            run = history.restore_person(
                database(),
                person_id,
                change_id,
                by=current_user.login,
                now=dt.datetime.now(dt.UTC),
                keep=form.keep.data,
            )
            if run is None:
                flash(
                    _(
                        "Nothing changed: %(name)s is already as before that change.",
                        name=names.get(person_id, person_id),
                    ),
                    "info",
                )
            else:
                flash(
                    _(
                        "%(name)s is restored (change %(run)s).",
                        name=names.get(person_id, person_id),
                        run=run,
                    ),
                    "info",
                )
            return redirect(url_for("hr_people.person", person_id=person_id) + "#changes")
    except InvalidInput as error:
        report, status = error, 400
    if form.is_submitted() and status == 200:
        status = 400
    return _page(plan, form, report, status, **shown)


def undo_import(run_id: int) -> Any:
    found = history.run_changes(database(), run_id)
    if found is None:
        abort(404, _("There is no such change."))
    files = ", ".join(str(say(s)) for s in found.run.sources)
    shown = {
        "title": _("Undo change %(run)s", run=run_id),
        "lead": _(
            "Every person change %(run)s of %(when)s touched (%(files)s) goes back to how they were before "
            "it. Skills in the taxonomy, earlier pairings and groups and the organisation's name stay as "
            "they are. This is recorded as a new change; the history stays.",
            run=run_id,
            when=words.when(found.run.at),
            files=files,
        ),
        "button": _("Undo"),
        "back": url_for("hr_people.imports"),
        "run": found,
    }
    form = GoBackForm()
    plan, report, status = None, None, 200
    try:
        plan = history.plan_undo(database(), run_id)
        if form.validate_on_submit():
            run = history.undo_run(
                database(), run_id, by=current_user.login, now=dt.datetime.now(dt.UTC), keep=form.keep.data
            )
            if run is None:
                flash(_("Nothing changed: change %(run)s left nothing to take back.", run=run_id), "info")
            else:
                flash(_("Change %(run)s is undone (change %(undo)s).", run=run_id, undo=run), "info")
            return redirect(url_for("hr_people.imports"))
    except InvalidInput as error:
        report, status = error, 400
    if form.is_submitted() and status == 200:
        status = 400
    return _page(plan, form, report, status, **shown)
