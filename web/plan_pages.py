"""The pages of lunch & learn and shadowing plans: review a plan, publish it into the calendars.

Their routes are the rounds' (:mod:`web.hr_rounds`): a name that is no stored round is a plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from matcher.plans.kinds import is_round
from matcher.plans.rounds import RoundError
from matcher.plans.solve_jobs import SolveJob
from matcher.services import background, plans, round_changes
from web import round_forms, round_publishing, round_views
from web.context import database, talent_map


def settings_data(job: SolveJob) -> dict[str, Any]:
    data = dict(job.settings)
    for key in ("first_day", "last_day"):
        data[key] = dt.date.fromisoformat(data[key])
    data["site"] = data.get("site") or ""
    return data


def review(name: str, *, status: int = 200, problem: str | None = None) -> Any:
    db = database()
    stored = plans.plan(db, name)
    if stored is None:
        latest = [j for j in background.jobs_of(db, name) if not is_round(j.kind)]
        if latest:
            return redirect(url_for("hr_rounds.job", job_id=latest[-1].id))
        abort(404, _("There is no round named '%(name)s'.", name=name))
    published = stored.published is not None
    sources = plans.sources(stored)
    return render_template(
        "hr/rounds/plan_review.html",
        stored=stored,
        plan=stored.plan,
        kind_label=round_views.kind_label(stored.kind),
        names=round_views.Names(talent_map()),
        skill_name=_skill_name,
        problem=problem,
        confirm=round_forms.ConfirmForm(formdata=None),
        published=published,
        events=round_changes.events_of(db, sources) if published else [],
        outbox=round_changes.outbox_counts(db, sources) if published else {},
        smtp=round_publishing.smtp() is not None,
        active=[j for j in background.jobs_of(db, name) if j.active],
    ), status


def _skill_name(skill_id: str | None) -> str:
    skill = talent_map().skill(skill_id) if skill_id else None
    return skill.name if skill else (skill_id or "")


def publish(name: str) -> Any:
    if plans.plan(database(), name) is None:
        abort(404, _("There is no round named '%(name)s'.", name=name))
    if not round_forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        published, invites = plans.publish_plan(
            database(), name, round_publishing.invite_settings(), None, now=dt.datetime.now(dt.UTC)
        )
    except RoundError as exc:
        return review(name, status=400, problem=exc.message)
    flash(_("'%(name)s' is published: its times are in the calendars.", name=name), "info")
    round_publishing.flash_invites(invites)
    if invites.queued:
        round_publishing.send_queued(name, plans.sources(published))
    return redirect(url_for("hr_rounds.review", name=name))
