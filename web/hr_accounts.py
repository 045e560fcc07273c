"""HR's accounts page: who may log in, with which role; new accounts and password resets.

A new or reset password is made here (secrets.token_urlsafe), shown once on the page
that answers the form, and stored only as a hash. A password reset and switching an
account off end that account's sessions. The store refuses to demote or switch off
the last HR account; its message is shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import secrets
from typing import Any
from urllib.parse import quote

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from matcher.domain.accounts import Account, AccountError
from matcher.io.matrix_xlsx import neutralised
from matcher.services import accounts as account_service
from web import params
from web.context import database, talent_map
from web.hr_common import no_store
from web.phrases import say

PER_PAGE = 50
_NOT_GIVEN = object()


def _roles() -> list[tuple[str, str]]:
    return [("employee", _("Employee")), ("manager", _("Manager")), ("hr", _("HR"))]


def new_password() -> str:
    return secrets.token_urlsafe(12)


class AccountForm(FlaskForm):
    person = StringField(_l("Person id"), validators=[Length(max=120)])
    login = StringField(_l("Login"), validators=[Length(max=320)])
    role = SelectField(_l("Role"), choices=[], default="employee")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[])


class SwitchForm(FlaskForm):
    active = HiddenField(validators=[DataRequired()])


class ManyForm(FlaskForm):
    """Accounts for everyone on the talent map, or everyone in one department, who has none."""

    scope = RadioField(
        _l("For whom"),
        choices=[
            SelectChoice("everyone", _l("everyone on the talent map who has no account yet")),
            SelectChoice("department", _l("everyone in one department who has no account yet")),
        ],
        default="everyone",
    )
    department = SelectField(_l("Department"), choices=[], validate_choice=False)
    role = SelectField(_l("Role"), choices=[], default="employee")

    def validate_department(self, field: Field) -> None:
        if self.scope.data == "department" and field.data not in _departments():
            raise ValidationError(_l("Choose one of the departments."))


def _many_form(formdata: Any = _NOT_GIVEN) -> ManyForm:
    form = ManyForm(prefix="many") if formdata is _NOT_GIVEN else ManyForm(formdata=formdata, prefix="many")
    form.department.choices = [SelectChoice("", _("(choose)"))] + [SelectChoice(d, d) for d in _departments()]
    form.role.choices = [SelectChoice(value, label) for value, label in _roles()[:2]]
    return form


def _departments() -> list[str]:
    return sorted({p.department for p in talent_map().organisation.people if p.department}, key=str.casefold)


def make_many() -> Any:
    """Make accounts for many people at once; their one-time passwords are shown only this once."""
    form = _many_form()
    if not form.validate_on_submit():
        return _page(_blank(), status=400, many=form)
    people = talent_map().organisation.people
    wanted = [p.id for p in people if form.scope.data == "everyone" or p.department == form.department.data]
    result = account_service.make_accounts(
        database(), wanted, role=form.role.data, now=dt.datetime.now(dt.UTC), password=new_password
    )
    return no_store(_page(_blank(), made=result))


def made_csv(result: account_service.MadeAccounts, names: dict[str, str]) -> str:
    """The accounts made, as a CSV file for a download link: name, login, one-time password
    (a name a spreadsheet would take for a formula is neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("Login"), _("One-time password")])
    for person_id, login, password in result.made:
        writer.writerow([neutralised(names.get(person_id, person_id)), login, password])
    return "data:text/csv;charset=utf-8," + quote(out.getvalue())


def accounts() -> Any:
    form = AccountForm()
    form.role.choices = _roles()
    if request.method == "GET" and request.args.get("person"):
        form.person.data = request.args["person"]
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, status=400)
    person_id = (form.person.data or "").strip() or None
    person = talent_map().person(person_id) if person_id else None
    if person_id and person is None:
        form.person.errors = [_("There is nobody with the id '%(id)s'.", id=person_id)]
        return _page(form, status=400)
    login = (form.login.data or "").strip() or (person.email if person else "")
    password = new_password()
    try:
        created = account_service.add_account(
            database(),
            login,
            role=form.role.data,
            password=password,
            person_id=person_id,
            now=dt.datetime.now(dt.UTC),
        )
    except AccountError as exc:
        _put(form, exc)
        return _page(form, status=400)
    return no_store(_page(AccountForm(formdata=None), issued=(created, password, "created")))


def _put(form: AccountForm, exc: AccountError) -> None:
    field = exc.field if exc.field in form else "login"
    form[field].errors = [*form[field].errors, _said(exc)]


def _said(exc: AccountError) -> Any:
    """The refusal in the reader's language (a message keeps its structure in ``args``)."""
    return say(exc.args[0]) if exc.args else str(exc)


def change_role(account_id: int) -> Any:
    form = RoleForm()
    form.role.choices = _roles()
    if not form.validate():
        return _page(_blank(), status=400, problem=_("Choose one of the roles."))
    try:
        changed = account_service.set_role(database(), account_id, form.role.data)
    except AccountError as exc:
        return _page(_blank(), status=_status(exc), problem=_said(exc))
    role = dict(_roles()).get(changed.role, changed.role)
    flash(_("%(login)s now has the role %(role)s.", login=changed.login, role=role), "info")
    return redirect(_back())


def switch(account_id: int) -> Any:
    form = SwitchForm()
    if not form.validate() or form.active.data not in ("0", "1"):
        return _page(_blank(), status=400, problem=_("Say whether the account is to be on or off."))
    active = form.active.data == "1"
    try:
        changed = account_service.set_active(database(), account_id, active)
    except AccountError as exc:
        return _page(_blank(), status=_status(exc), problem=_said(exc))
    if active:
        flash(_("%(login)s can log in again.", login=changed.login), "info")
    else:
        flash(_("%(login)s is switched off and logged out everywhere.", login=changed.login), "info")
    return redirect(_back())


def reset_password(account_id: int) -> Any:
    form = FlaskForm()
    if not form.validate():
        return _page(_blank(), status=400)
    password = new_password()
    try:
        changed = account_service.set_password(database(), account_id, password, now=dt.datetime.now(dt.UTC))
    except AccountError as exc:
        return _page(_blank(), status=_status(exc), problem=_said(exc))
    return no_store(_page(_blank(), issued=(changed, password, "reset")))


def _status(exc: AccountError) -> int:
    return 404 if exc.field == "account" else 400


def _blank() -> AccountForm:
    form = AccountForm(formdata=None)
    form.role.choices = _roles()
    return form


def _back() -> str:
    """Back to the list as it was filtered (the forms carry the list's query string)."""
    return url_for(
        "hr_people.accounts", q=request.args.get("q") or None, page=request.args.get("page") or None
    )


def _page(
    form: AccountForm,
    *,
    status: int = 200,
    problem: str | None = None,
    issued: tuple[Account, str, str] | None = None,
    many: ManyForm | None = None,
    made: account_service.MadeAccounts | None = None,
) -> Any:
    if not form.role.choices:
        form.role.choices = _roles()
    query = (request.args.get("q") or "").strip().casefold()
    every = account_service.accounts(database())
    hr_active = sum(1 for a in every if a.role == "hr" and a.active)
    names = {p.id: p.name for p in talent_map().organisation.people}
    if query:
        every = [
            a
            for a in every
            if query in a.login
            or query in (a.person_id or "").casefold()
            or query in names.get(a.person_id or "", "").casefold()
        ]
    pages = max(1, math.ceil(len(every) / PER_PAGE))
    page = min(params.integer("page", default=1, low=1, high=1_000_000), pages)
    role_form = RoleForm(formdata=None)
    role_form.role.choices = _roles()
    return render_template(
        "hr/people/accounts.html",
        form=form,
        accounts=every[(page - 1) * PER_PAGE : page * PER_PAGE],
        total=len(every),
        page=page,
        pages=pages,
        query=request.args.get("q") or "",
        names=names,
        roles=_roles(),
        hr_active=hr_active,
        problem=problem,
        issued=issued,
        many=many or _many_form(formdata=None),
        made=made,
        made_csv=made_csv(made, names) if made and made.made else None,
    ), status
