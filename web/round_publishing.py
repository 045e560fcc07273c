"""What the rounds pages share around publishing: the invite and e-mail settings of the app, a
published round's meeting settings from the form, telling HR what was queued and sent, and sending
what a change queued as a job for a worker."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

from flask import current_app, flash
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from matcher.domain.problems import InvalidInput
from matcher.engines.meetings import MeetingConfig
from matcher.io.mail import SmtpSettings
from matcher.plans.rounds import said_by
from matcher.plans.work_jobs import DONE, SEND
from matcher.services import publishing, round_changes, work
from web import round_forms, work_pages
from web.context import database
from web.phrases import say
from web.worker import queue_of


def invite_settings() -> Any:
    return current_app.extensions["meeloop"]["invites"]


def smtp() -> SmtpSettings | None:
    """The mail server: the app's SMTP setting (tests), else MEELOOP_SMTP_*; None when not set up."""
    if "SMTP" in current_app.config:
        return current_app.config["SMTP"]
    try:
        return SmtpSettings.from_env(os.environ)
    except InvalidInput as exc:
        current_app.logger.warning("e-mail settings are wrong, not sending: %s", exc.report())
        return None


def meeting_config(form: round_forms.PublishForm) -> MeetingConfig | None:
    if not form.validate_on_submit():
        return None
    try:
        return MeetingConfig(
            first_day=form.first_day.data,
            last_day=form.last_day.data,
            minutes=form.minutes.data,
            every_weeks=int(form.every.data) if form.every.data else None,
        )
    except ValueError as exc:
        form.last_day.errors = [*form.last_day.errors, say(said_by(exc))]
        return None


def flash_invites(invites: round_changes.Invites) -> None:
    if invites.problem:
        flash(_("Not done yet: %(why)s", why=say(invites.problem)), "error")
        return
    if invites.meetings is not None:
        planned = len(invites.meetings.meetings)
        flash(ngettext("%(num)d meeting planned.", "%(num)d meetings planned.", planned), "info")
        for unit, why in invites.meetings.unplaced:
            flash(_("No meeting time for unit %(unit)s: %(why)s", unit=unit, why=say(why)), "error")
    if invites.too_late:
        flash(say(publishing.too_late_words(invites.too_late)), "info")
    counts = invites.count()
    flash(
        _(
            "Invitations in the outbox: %(new)d new, %(updated)d updated, %(cancelled)d cancelled.",
            new=counts["new"],
            updated=counts["updated"],
            cancelled=counts["cancelled"],
        ),
        "info",
    )
    if invites.delivery is not None:
        flash(
            _(
                "E-mail: %(sent)d sent, %(failed)d failed, %(waiting)d waiting in the outbox.",
                sent=invites.delivery.sent,
                failed=len(invites.delivery.failed),
                waiting=invites.delivery.waiting,
            ),
            "error" if invites.delivery.failed else "info",
        )
    elif invites.queued and smtp() is None:
        flash(
            _("E-mail is not set up: the invitations wait in the outbox until it is."),
            "info",
        )


def send_queued(name: str, sources: Sequence[str]) -> None:
    """Send what a change queued for ``sources`` as a job for a worker, when e-mail is set up; say
    how it went when it is done already, else that it is under way (the round's page links to it)."""
    if smtp() is None:
        return
    try:
        started = work.start_send(
            database(),
            name,
            sources,
            queue_first=False,
            strict=False,
            started_by=current_user.login,
            now=dt.datetime.now(dt.UTC),
        )
    except work.Busy as busy:
        started = busy.job  # a send that is to come sends this too
    else:
        queue_of(current_app).enqueue(SEND, str(started.id))
    found = work.job(database(), started.id)
    if found is not None and found.status == DONE:
        for category, text in work_pages.notes(found):
            flash(text, category)
    else:
        flash(_("The e-mail is being sent in the background."), "info")
