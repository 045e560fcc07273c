"""HR's page of one piece of background work (publishing a round, sending its e-mail, an import):
its progress while it runs, and once done what it did, in the words the pages flashed when the work
ran inside the request. It looks again by itself while the work is active (a Refresh header, no
script), unless HR switches that off."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from matcher.plans.rounds import RoundError
from matcher.plans.work_jobs import IMPORT, PUBLISH, SEND, WorkJob
from matcher.services import publishing, work
from web.context import database
from web.phrases import say
from web.worker import queue_of

#: A note on the page: its category (info or error, as a flash) and its text.
Note = tuple[str, str]


def start(started: WorkJob) -> Any:
    """Put a recorded job on the queue and go to its page (immediate, it has run by then)."""
    queue_of(current_app).enqueue(started.kind, str(started.id))
    return redirect(url_for("hr_people.work", work_id=started.id))


def busy(refused: RoundError) -> Any:
    """The page of the job that is doing this work already."""
    assert isinstance(refused, work.Busy)
    return redirect(url_for("hr_people.work", work_id=refused.job.id))


def by() -> str:
    return current_user.login


def work_page(work_id: int) -> Any:
    found = work.job(database(), work_id)
    if found is None:
        abort(404, _("There is no job %(id)s.", id=work_id))
    sending = None
    if found.kind == PUBLISH and found.outcome.get("send"):
        sending = work.job(database(), int(found.outcome["send"]))
    active = found.active or (sending is not None and sending.active)
    # Looking again by itself is a timed change HR can switch off (WCAG 2.2.1): ``?still=1``.
    still = request.args.get("still") == "1"
    every = 2 if active and not still else None
    page = render_template(
        "work/job.html",
        job=found,
        title=_title(found),
        notes=notes(found),
        sending=sending,
        sending_notes=notes(sending) if sending is not None else [],
        refresh=every,
        active=active,
        back=_back(found),
    )
    response = current_app.make_response(page)
    if every:
        # The header refreshes in every browser, without JavaScript.
        response.headers["Refresh"] = str(every)
    return response


def underway(subject: str) -> list[tuple[WorkJob, str]]:
    """The work on a round or plan that is queued or running, each with its title."""
    return [(j, _title(j)) for j in work.jobs_of(database(), subject, limit=5) if j.active]


def _title(job: WorkJob) -> str:
    if job.kind == PUBLISH:
        if job.params.get("again"):
            return _("Planning the meetings of %(name)s", name=job.subject)
        return _("Publishing %(name)s", name=job.subject)
    if job.kind == SEND:
        return _("Sending the e-mail of %(name)s", name=job.subject)
    return _("Importing %(name)s", name=job.subject)


def _back(job: WorkJob) -> tuple[str, str]:
    if job.kind == IMPORT:
        return url_for("hr_people.imports"), _("Import and export")
    return url_for("hr_rounds.review", name=job.subject), _("Back to %(name)s", name=job.subject)


def notes(job: WorkJob) -> list[Note]:
    """What the finished job did, as the flashed messages said it."""
    if job.status != "done":
        return []
    if job.kind == IMPORT:
        return _import_notes(job.outcome)
    found: list[Note] = []
    outcome = job.outcome
    if outcome.get("published"):
        found.append(
            (
                "info",
                _("Round '%(name)s' is published: its pairs or groups are in the history.", name=job.subject),
            )
        )
    if outcome.get("again"):
        found.append(
            (
                "info",
                ngettext(
                    "%(num)d failed e-mail is written again.",
                    "%(num)d failed e-mails are written again.",
                    outcome["again"],
                ),
            )
        )
    if outcome.get("problem"):
        found.append(("error", _("Not done yet: %(why)s", why=say(outcome["problem"]))))
        return found
    if "meetings" in outcome:
        planned = outcome["meetings"]
        found.append(("info", ngettext("%(num)d meeting planned.", "%(num)d meetings planned.", planned)))
        for unit, why in outcome.get("unplaced", []):
            found.append(("error", _("No meeting time for unit %(unit)s: %(why)s", unit=unit, why=say(why))))
    if outcome.get("too_late"):
        found.append(("info", say(publishing.too_late_words(outcome["too_late"]))))
    if "new" in outcome and (job.kind == PUBLISH or job.params.get("queue")):
        found.append(
            (
                "info",
                _(
                    "Invitations in the outbox: %(new)d new, %(updated)d updated, %(cancelled)d cancelled.",
                    new=outcome["new"],
                    updated=outcome["updated"],
                    cancelled=outcome["cancelled"],
                ),
            )
        )
    found += _mail_notes(job)
    return found


def _mail_notes(job: WorkJob) -> list[Note]:
    outcome = job.outcome
    queued = sum(outcome.get(k, 0) for k in ("new", "updated", "cancelled"))
    if not outcome.get("smtp"):
        if queued or job.kind == SEND:
            return [("info", _("E-mail is not set up: the invitations wait in the outbox until it is."))]
        return []
    if job.kind != SEND:
        return []
    found: list[Note] = [
        (
            "error" if outcome.get("failed") else "info",
            _(
                "E-mail: %(sent)d sent, %(failed)d failed, %(waiting)d waiting in the outbox.",
                sent=outcome.get("sent", 0),
                failed=outcome.get("failed", 0),
                waiting=outcome.get("waiting", 0),
            ),
        )
    ]
    if outcome.get("unsure"):
        found.append(
            (
                "error",
                ngettext(
                    "%(num)d e-mail was being sent when the work stopped: check that it arrived.",
                    "%(num)d e-mails were being sent when the work stopped: check that they arrived.",
                    outcome["unsure"],
                ),
            )
        )
    return found


def _import_notes(outcome: dict[str, Any]) -> list[Note]:
    found: list[Note] = []
    if outcome.get("summary"):
        found.append(("info", say(outcome["summary"])))
    found.append(
        (
            "info",
            _(
                "%(people)d people and %(skills)d skills stored",
                people=outcome.get("people", 0),
                skills=outcome.get("skills", 0),
            ),
        )
    )
    if outcome.get("conflicts"):
        found.append(
            (
                "info",
                ngettext(
                    "%(num)d field stays as the colleague entered it.",
                    "%(num)d fields stay as the colleagues entered them.",
                    outcome["conflicts"],
                ),
            )
        )
    return found
