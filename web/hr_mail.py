"""HR's e-mail page: whether meeloop can send e-mail, with which server and sender, and a test
e-mail that shows the server's answer. The settings come from the environment (``MEELOOP_SMTP_*``,
see the README); the page never shows the password."""

from __future__ import annotations

import os
from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from matcher.domain.problems import InvalidInput
from matcher.io.mail import DeliveryError, SmtpSettings, is_address
from matcher.services import publishing
from web.context import talent_map
from web.phrases import say


class TestMailForm(FlaskForm):
    address = StringField(
        _l("Send a test e-mail to"),
        validators=[InputRequired(), Length(max=254)],
    )

    def validate_address(self, field: Field) -> None:
        if not is_address((field.data or "").strip()):
            raise ValidationError(_l("Give an e-mail address, such as name@example.org."))


def _settings() -> tuple[SmtpSettings | None, list[str]]:
    """The mail server settings, or None; and what is wrong with them, in words."""
    if "SMTP" in current_app.config:
        return current_app.config["SMTP"], []
    try:
        return SmtpSettings.from_env(os.environ), []
    except InvalidInput as exc:
        return None, [say(problem.message) for problem in exc.problems]


def _own_address() -> str:
    person = talent_map().person(current_user.person_id) if current_user.person_id else None
    if person and person.email:
        return person.email
    return current_user.login if "@" in current_user.login else ""


def mail() -> Any:
    settings, problems = _settings()
    form = TestMailForm()
    status = 200
    if form.validate_on_submit():
        if settings is None:
            flash(_("E-mail is not set up, so no test e-mail can go out."), "error")
            return redirect(url_for("hr_people.mail"))
        try:
            publishing.send_test_mail(
                settings,
                form.address.data.strip(),
                subject=_("Test e-mail from meeloop"),
                text=_(
                    "This e-mail shows that meeloop can send invitations through %(server)s.",
                    server=settings.host,
                ),
            )
        except DeliveryError as error:
            flash(_("The test e-mail did not go out: %(answer)s", answer=str(error)), "error")
        else:
            flash(
                _("A test e-mail went to %(address)s. Check that it arrived.", address=form.address.data),
                "info",
            )
        return redirect(url_for("hr_people.mail"))
    if form.is_submitted():
        status = 400
    elif not form.address.data:
        form.address.data = _own_address()
    return render_template("hr/people/mail.html", settings=settings, problems=problems, form=form), status
