"""Linked calendars: the employee links, reads and unlinks their own; HR does it for anyone and
sees every link's state on one page.

The routes say whose link it is: ``/me/calendar-link`` is the logged-in person's own,
``/hr/people/<id>/calendar-link`` is HR's for a person (404 for anyone who may not, as
:func:`web.access.check_private` decides, and HR only). "Read now" and linking put a read on
the job queue; with the tests' inline queue it has run when the page comes back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Length

from matcher.domain.problems import InvalidInput
from matcher.services import calendars
from web.access import check_private
from web.auth import person_required, require_login, roles_required
from web.context import database, talent_map
from web.worker import queue_of

calendar_links = Blueprint("calendar_links", __name__)
calendar_links.before_request(require_login)


class LinkForm(FlaskForm):
    kind = SelectField(
        _l("Kind of calendar"),
        choices=[
            SelectChoice(calendars.ICS_URL, _l("A published calendar address (.ics)")),
            SelectChoice(calendars.CALDAV, _l("A CalDAV calendar with an account")),
        ],
    )
    url = StringField(_l("Address"), validators=[Length(max=2000)], render_kw={"autocomplete": "off"})
    username = StringField(_l("User name (CalDAV only)"), validators=[Length(max=200)])
    password = PasswordField(
        _l("Password or app password (CalDAV only)"),
        validators=[Length(max=500)],
        render_kw={"autocomplete": "new-password"},
    )
    push = BooleanField(_l("Also put my meeloop events into this calendar (CalDAV only)"))


class ActionForm(FlaskForm):
    """Read now, or unlink: only the CSRF token."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _read_now(link_id: int) -> None:
    queue_of(current_app).enqueue(calendars.REFRESH, str(link_id))


def _page(person_id: str, form: LinkForm, *, for_hr: bool, status: int = 200) -> tuple[str, int]:
    person = talent_map().person(person_id)
    if person is None:
        abort(404, _("There is nothing here for you."))
    return (
        render_template(
            "me/calendar_link.html",
            person=person,
            for_hr=for_hr,
            linked=calendars.linked_calendar(database(), person_id),
            form=form,
            failed=status >= 400,
            urls=_urls(person_id, for_hr),
        ),
        status,
    )


def _urls(person_id: str, for_hr: bool) -> dict[str, str]:
    if for_hr:
        return {
            name: url_for(f"calendar_links.hr_{name}", person_id=person_id)
            for name in ("page", "read", "unlink")
        }
    return {name: url_for(f"calendar_links.my_{name}") for name in ("page", "read", "unlink")}


def _link(person_id: str, *, for_hr: bool) -> Any:
    form = LinkForm()
    if not form.validate_on_submit():
        return _page(person_id, form, for_hr=for_hr, status=400)
    try:
        linked = calendars.link_calendar(
            database(),
            person_id,
            kind=form.kind.data or "",
            url=form.url.data or "",
            username=form.username.data or "",
            password=form.password.data or "",
            push=bool(form.push.data),
            by=current_user.login,
            now=_now(),
        )
    except InvalidInput as error:
        for problem in error.problems:
            target = (
                form[problem.where.field]
                if problem.where.field in ("kind", "url", "username", "password", "push")
                else form.url
            )
            target.errors = [*target.errors, problem.message]
        return _page(person_id, form, for_hr=for_hr, status=400)
    _read_now(linked.id)
    flash(_("The calendar is linked. meeloop reads it regularly from now on."), "info")
    return redirect(_urls(person_id, for_hr)["page"])


def _read(person_id: str, for_hr: bool) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    linked = calendars.linked_calendar(database(), person_id)
    if linked is None:
        flash(_("No calendar is linked."), "info")
    else:
        _read_now(linked.id)
        flash(_("The calendar is being read; this page shows how it went."), "info")
    return redirect(_urls(person_id, for_hr)["page"])


def _unlink(person_id: str, for_hr: bool) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    if calendars.unlink_calendar(database(), person_id):
        flash(_("The calendar is unlinked. meeloop forgot its address, password and busy times."), "info")
    else:
        flash(_("No calendar is linked."), "info")
    return redirect(_urls(person_id, for_hr)["page"])


# -- the employee's own -----------------------------------------------------------------------------


def my_page() -> Any:
    return _page(person_required(), LinkForm(formdata=None), for_hr=False)


def my_link() -> Any:
    return _link(person_required(), for_hr=False)


def my_read() -> Any:
    return _read(person_required(), False)


def my_unlink() -> Any:
    return _unlink(person_required(), False)


# -- HR for a person, and everyone's at a glance -----------------------------------------------------


def _hr_person(person_id: str) -> str:
    check_private(person_id)
    return person_id


def hr_page(person_id: str) -> Any:
    return _page(_hr_person(person_id), LinkForm(formdata=None), for_hr=True)


def hr_link(person_id: str) -> Any:
    return _link(_hr_person(person_id), for_hr=True)


def hr_read(person_id: str) -> Any:
    return _read(_hr_person(person_id), True)


def hr_unlink(person_id: str) -> Any:
    return _unlink(_hr_person(person_id), True)


def hr_overview() -> Any:
    names = {p.id: p.name for p in talent_map().organisation.people}
    links = sorted(
        calendars.linked_calendars(database()), key=lambda c: names.get(c.person_id, c.person_id).casefold()
    )
    return render_template("me/calendar_links.html", links=links, names=names)


ROUTES = (
    ("/me/calendar-link", "my_page", my_page, ("GET",), None),
    ("/me/calendar-link", "my_link", my_link, ("POST",), None),
    ("/me/calendar-link/read", "my_read", my_read, ("POST",), None),
    ("/me/calendar-link/unlink", "my_unlink", my_unlink, ("POST",), None),
    ("/hr/calendar-links", "hr_overview", hr_overview, ("GET",), "hr"),
    ("/hr/people/<person_id>/calendar-link", "hr_page", hr_page, ("GET",), "hr"),
    ("/hr/people/<person_id>/calendar-link", "hr_link", hr_link, ("POST",), "hr"),
    ("/hr/people/<person_id>/calendar-link/read", "hr_read", hr_read, ("POST",), "hr"),
    ("/hr/people/<person_id>/calendar-link/unlink", "hr_unlink", hr_unlink, ("POST",), "hr"),
)

for rule, endpoint, view, methods, role in ROUTES:
    guarded = roles_required(role)(view) if role else view
    calendar_links.add_url_rule(rule, endpoint, guarded, methods=list(methods))
