"""HR's replies to the invites of a round or plan: per meeting who accepted, declined, tentatively
accepted, proposed another time or did not answer; "read replies now"; moving a declined meeting
(or one with another time proposed) and sending the update; and the messages from the organiser's
mailbox that were not applied, with why.

The comments people write with their answer are private: only HR sees them here (and the person
in their own calendar program). A proposed time is never applied by itself: HR moves the meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from matcher.domain.replies import ACCEPTED, COUNTER, DECLINED, TENTATIVE
from matcher.plans.rounds import RoundError
from matcher.services import meeting_times, plans, replies, work
from matcher.services import rounds as round_service
from web import work_pages
from web.auth import require_login, roles_required
from web.context import database, talent_map
from web.phrases import say
from web.worker import queue_of

hr_replies = Blueprint("hr_replies", __name__)
hr_replies.before_request(require_login)


class ActionForm(FlaskForm):
    """Read now, or move a meeting: the CSRF token (the new time is read from the form)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sources(name: str) -> tuple[list[str], bool]:
    """What the round's or plan's events belong to, and whether it is a stored round; 404 else."""
    try:
        round_service.load_round(database(), name)
        return [name], True
    except RoundError:
        pass
    kept = plans.plan(database(), name) or abort(404)
    return plans.sources(kept), False


def _answer_words() -> dict[str | None, str]:
    return {
        ACCEPTED: _("accepted"),
        DECLINED: _("declined"),
        TENTATIVE: _("tentative"),
        COUNTER: _("proposed another time"),
        None: _("no answer yet"),
    }


def _page(name: str, *, status: int = 200, errors: dict[int, str] | None = None) -> tuple[str, int]:
    sources, _stored = _sources(name)
    try:
        mailbox = replies.settings_from_env()
        setting_problem = ""
    except ValueError as wrong:
        mailbox, setting_problem = None, str(wrong)
    found = replies.replies_for(database(), sources)
    people = {p.id: p.name for p in talent_map().organisation.people}
    return render_template(
        "hr/replies.html",
        name=name,
        found=found,
        names=lambda person_id: people.get(person_id, person_id),
        words=_answer_words(),
        counts=_counts(found),
        mailbox=mailbox,
        setting_problem=setting_problem,
        last_read=replies.last_read(database()),
        unapplied=[m for m in replies.unapplied(database()) if m.event_id is None or _in(m.event_id, found)],
        form=ActionForm(),
        errors=errors or {},
        local=_local_input,
    ), status


def _in(event_id: int, found: list[replies.EventReplies]) -> bool:
    return any(r.event.id == event_id for r in found)


def _counts(found: list[replies.EventReplies]) -> dict[str | None, int]:
    counts: dict[str | None, int] = {}
    for item in found:
        for answer in item.answers.values():
            key = answer.answer if answer else None
            counts[key] = counts.get(key, 0) + 1
    return counts


def _local_input(moment: dt.datetime, zone: str) -> str:
    """A moment as a date-and-time field shows it, in the event's own time zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def round_replies(name: str) -> Any:
    return _page(name)


def read_now() -> Any:
    """Put a read of the mailbox on the queue; with an inline queue it has run on return."""
    name = request.form.get("round", "")
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        configured = replies.settings_from_env() is not None
    except ValueError:
        configured = False
    if not configured:
        flash(_("Replies are not read: the mailbox is not set up."), "error")
    else:
        queue_of(current_app).enqueue(replies.READ, "")
        flash(_("The mailbox is being read; this page shows the replies found."), "info")
    return redirect(url_for(".round_replies", name=name) if name else url_for("hr_rounds.rounds"))


def move(event_id: int) -> Any:
    """Move one meeting (a series: all of it) to the time HR gives, then send the update."""
    name = request.form.get("round", "")
    sources, stored = _sources(name)
    event = next((r.event for r in replies.replies_for(database(), sources) if r.event.id == event_id), None)
    if event is None or event.source not in sources or not ActionForm().validate_on_submit():
        abort(404 if event is None or event.source not in sources else 400)
    text = (request.form.get("start") or "").strip()
    try:
        start = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        return _page(
            name,
            status=400,
            errors={event_id: _("Give the new start as a date and time, such as 2027-01-12 10:00.")},
        )
    try:
        meeting_times.move_event(database(), event_id, start, now=_now())
    except RoundError as refused:
        return _page(name, status=400, errors={event_id: say(refused.message)})
    try:
        started = work.start_send(
            database(), name, sources, strict=stored, started_by=work_pages.by(), now=_now()
        )
    except work.Busy as refused:
        return work_pages.busy(refused)
    return work_pages.start(started)


ROUTES = (
    ("/hr/replies/round/<path:name>", "round_replies", round_replies, ("GET",)),
    ("/hr/replies/read-now", "read_now", read_now, ("POST",)),
    ("/hr/replies/move/<int:event_id>", "move", move, ("POST",)),
)

for rule, endpoint, view, methods in ROUTES:
    hr_replies.add_url_rule(rule, endpoint, roles_required("hr")(view), methods=list(methods))
