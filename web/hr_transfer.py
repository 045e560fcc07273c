"""Knowledge transfer (borgen): HR opens a leaver, or a skill only one or two people hold, from the
knowledge-at-risk report, sees the proposed successors with their reasons, chooses one or more per
skill, plans the sessions, reviews and publishes them. The plan page shows progress; there the
successor records their own level and the leaver (or a holder) confirms it.

Who sees what: HR everything (the leaver's and the skill's pages and publishing are under /hr); the
leaver or holders and the successors their own plan (under /transfer). Only the successor sets their
own level and only those passing it on confirm it. The routing table is at the end.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matcher.domain.phrases import counted
from matcher.domain.transfer import Proposal, TransferError
from matcher.plans.rounds import RoundError
from matcher.plans.transfer import PUBLISHED, StoredTransferPlan, TransferConfig
from matcher.services import transfer
from web import round_publishing, words
from web.auth import require_login, roles_required
from web.context import database, talent_map

hr_transfer = Blueprint("hr_transfer", __name__)
hr_transfer.before_request(require_login)

#: The settings HR may change, with their range.
NUMBERS = {"sessions": (1, 20), "minutes": (15, 480), "sessions_per_week": (1, 20)}


def _now() -> dt.datetime:
    """Now, or noon of the app's fixed day (``TODAY``, for tests and demos)."""
    fixed = current_app.config.get("TODAY")
    return dt.datetime.combine(fixed, dt.time(12), dt.UTC) if fixed else dt.datetime.now(dt.UTC)


def _labels() -> dict[str, Any]:
    return {
        "sessions": _("Sessions per successor and skill"),
        "minutes": _("Minutes per session"),
        "sessions_per_week": _("Sessions a week for the leaver"),
    }


def _skill_labels() -> dict[str, Any]:
    """The same settings, said of those who hold the skill (who need not be leaving)."""
    return _labels() | {"sessions_per_week": _("Sessions a week for each holder")}


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(
        template, levels=words.LEVELS, level_label=lambda v: words.level(v).label, **context
    ), status


# -- the leaver ------------------------------------------------------------------------------------


def _choices(proposal: Proposal, problems: dict[str, str]) -> dict[str, list[str]]:
    """The successors as the form gave them, any number per skill (none ticked: nobody). Only the
    colleagues listed may be chosen; anyone else is named as a problem of that skill's field."""
    found = {}
    shown = set(request.form.getlist("skill"))
    for item in proposal.items:
        if item.skill_id not in shown:
            continue  # not on the form: the proposal stands
        field = f"successor-{item.skill_id}"
        chosen = list(dict.fromkeys(request.form.getlist(field)))
        listed = {c.person_id for c in item.options} | {c.person_id for c in item.chosen}
        strangers = [pid for pid in chosen if pid not in listed]
        if strangers:
            problems[field] = _(
                "Who takes %(skill)s over: %(person)s is not among the colleagues listed.",
                skill=item.skill_name,
                person=strangers[0],
            )
            chosen = [pid for pid in chosen if pid in listed]
        found[item.skill_id] = chosen
    return found


def _config(problems: dict[str, str], labels: dict[str, Any]) -> TransferConfig:
    """The settings from the form; a problem names the field as the page labels it."""
    values: dict[str, int] = {}
    defaults = TransferConfig()
    for name, (low, high) in NUMBERS.items():
        raw = (request.form.get(name) or "").strip()
        try:
            value = int(raw) if raw else getattr(defaults, name)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            problems[name] = _(
                "%(what)s: give a whole number from %(low)d to %(high)d.",
                what=labels[name],
                low=low,
                high=high,
            )
            continue
        values[name] = value
    return TransferConfig(**values)


def leaver(person_id: str) -> Any:
    talent = talent_map()
    if talent.person(person_id) is None:
        abort(404, _("There is no person with id '%(id)s'.", id=person_id))
    try:
        proposal = transfer.proposal(talent, person_id)
    except TransferError as exc:
        abort(404, str(exc.args[0]))
    problems: dict[str, str] = {}
    config = TransferConfig()
    status = 200
    if request.method == "POST":
        config = _config(problems, _labels())
        choices = _choices(proposal, problems)
        if not problems:
            try:
                stored = transfer.plan_transfer(database(), person_id, choices, config, now=_now())
            except TransferError as exc:
                problems["plan"] = exc.args[0]
            else:
                flash(_("The transfer plan is ready to review."), "info")
                return redirect(url_for("hr_transfer.plan", plan_id=stored.id))
        status = 400
        try:
            proposal = transfer.proposal(talent, person_id, choices)
        except TransferError as exc:
            problems["plan"] = exc.args[0]
    return _render(
        "hr/transfer.html",
        status,
        proposal=proposal,
        config=config,
        labels=_labels(),
        numbers=NUMBERS,
        problems=problems,
        earlier=[p for p in transfer.plans_of(database(), person_id) if p.proposal.skill_id is None],
        action=url_for("hr_transfer.leaver", person_id=person_id),
        deadline=None,
    )


# -- a skill held by one or two ----------------------------------------------------------------------

#: How far ahead the deadline may lie, in days.
LONGEST = 3650


def _deadline(problems: dict[str, str], default: dt.date) -> dt.date:
    """The deadline HR set: a day after today and within :data:`LONGEST` days."""
    raw = (request.form.get("deadline") or "").strip() if request.method == "POST" else ""
    if not raw:
        return default
    today = _now().date()
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        problems["deadline"] = _("Sessions before: give a date as year-month-day, such as 2026-12-31.")
        return default
    if not today < day <= today + dt.timedelta(days=LONGEST):
        problems["deadline"] = _(
            "Sessions before: give a day after today and at most %(days)d days ahead.", days=LONGEST
        )
        return default
    return day


def _horizon() -> int:
    """The risk report's horizon, when HR came from there, as the default time to pass it on."""
    raw = request.args.get("horizon", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= LONGEST else 180


def _default_deadline() -> dt.date:
    """The deadline the form starts with: a plan's own (``deadline``, from "Plan again") while it
    is still ahead, else the report's horizon from today."""
    today = _now().date()
    try:
        day = dt.date.fromisoformat(request.args.get("deadline", ""))
    except ValueError:
        day = None
    if day is not None and today < day <= today + dt.timedelta(days=LONGEST):
        return day
    return today + dt.timedelta(days=_horizon())


def skill(skill_id: str) -> Any:
    talent = talent_map()
    if talent.skill(skill_id) is None:
        abort(404, _("There is no skill with id '%(id)s'.", id=skill_id))
    problems: dict[str, str] = {}
    deadline = _deadline(problems, _default_deadline())
    try:
        proposal = transfer.skill_proposal(talent, skill_id, deadline)
    except TransferError as exc:
        abort(404, str(exc.args[0]))
    config = TransferConfig()
    status = 200
    if request.method == "POST":
        config = _config(problems, _skill_labels())
        choices = _choices(proposal, problems).get(skill_id)
        if not problems:
            try:
                stored = transfer.plan_skill_transfer(
                    database(), skill_id, deadline, choices, config, now=_now()
                )
            except TransferError as exc:
                problems["plan"] = exc.args[0]
            else:
                flash(_("The transfer plan is ready to review."), "info")
                return redirect(url_for("hr_transfer.plan", plan_id=stored.id))
        status = 400
        try:
            proposal = transfer.skill_proposal(talent, skill_id, deadline, choices)
        except TransferError as exc:
            problems["plan"] = exc.args[0]
    return _render(
        "hr/transfer.html",
        status,
        proposal=proposal,
        config=config,
        labels=_skill_labels(),
        numbers=NUMBERS,
        problems=problems,
        earlier=[p for p in transfer.plans_of(database()) if p.proposal.start == proposal.start],
        action=url_for("hr_transfer.skill", skill_id=skill_id),
        deadline=deadline,
    )


# -- the plan --------------------------------------------------------------------------------------


def _visible(plan_id: int) -> StoredTransferPlan:
    stored = transfer.plan(database(), plan_id)
    # A plan HR has not published (yet, or any more) is HR's alone: a draft must not tell a chosen
    # successor that a colleague leaves before HR announces it, nor even that it exists.
    if stored is None or (current_user.role != "hr" and stored.status != PUBLISHED):
        abort(404, _("There is no transfer plan %(id)d.", id=plan_id))
    me = current_user.person_id
    if (
        current_user.role != "hr"
        and me not in stored.proposal.givers
        and me not in stored.proposal.successors()
    ):
        abort(403, _("Only HR, the colleagues passing it on and the successors see this plan."))
    return stored


def plan(plan_id: int, status: int = 200, problem: Any = None) -> Any:
    stored = _visible(plan_id)
    talent = talent_map()

    def name(person_id: str) -> str:
        person = talent.person(person_id)
        return person.name if person else person_id

    skills = {item.skill_id: item.skill_name for item in stored.proposal.items}
    return _render(
        "hr/transfer_plan.html",
        status,
        stored=stored,
        title=stored.proposal.name,
        givers=counted(
            len(stored.proposal.givers),
            "Passed on by {names:list}, in sessions before {date}.",
            "Passed on by {names:list}, in sessions before {date}.",
            names=[name(g) for g in stored.proposal.givers],
            date=stored.proposal.leaving_date,
        ),
        published=stored.status == PUBLISHED,
        progress=transfer.progress(database(), stored),
        name=name,
        skills=skills,
        problem=problem,
        me=current_user.person_id,
        is_hr=current_user.role == "hr",
    )


def publish(plan_id: int) -> Any:
    stored = _visible(plan_id)
    if current_user.role != "hr":
        abort(403)
    try:
        _published, invites = transfer.publish(
            database(), stored.id, round_publishing.invite_settings(), None, now=_now()
        )
    except RoundError as exc:
        return plan(plan_id, status=400, problem=exc.message)
    flash(_("The transfer plan is published: its sessions are in the calendars."), "info")
    round_publishing.flash_invites(invites)
    if invites.queued:
        sources = list(dict.fromkeys(due.event.source for due in invites.queued))
        round_publishing.send_queued(stored.source, sources)
    return redirect(url_for("hr_transfer.plan", plan_id=plan_id))


def level(plan_id: int) -> Any:
    """The successor's own level, or the leaver's confirmation; anyone else gets 403."""
    stored = _visible(plan_id)
    skill_id = request.form.get("skill", "")
    successor_id = request.form.get("successor", "")
    which = request.form.get("which", "")
    me = current_user.person_id
    if which == "own" and me == successor_id:
        record = transfer.set_own_level
    elif which == "confirm" and me in stored.proposal.givers:
        record = transfer.confirm_level
    else:
        abort(
            403,
            _("Only the successor sets their own level, and only the colleague passing it on confirms it."),
        )
    raw = (request.form.get("level") or "").strip()
    if not raw.isdigit() or not 0 <= int(raw) <= 4:
        return plan(plan_id, status=400, problem=_("Level: choose a level from 0 to 4."))
    try:
        record(database(), plan_id, skill_id, successor_id, int(raw), now=_now())
    except TransferError as exc:
        return plan(plan_id, status=400, problem=exc.args[0])
    flash(_("The level is saved."), "info")
    return redirect(url_for("hr_transfer.plan", plan_id=plan_id, _anchor="progress"))


# -- routing table ---------------------------------------------------------------------------------

# HR's pages are under /hr (for HR only); the plan itself under /transfer, for HR and the people in it.
hr_transfer.add_url_rule(
    "/hr/transfer/leaver/<person_id>", "leaver", roles_required("hr")(leaver), methods=["GET", "POST"]
)
hr_transfer.add_url_rule(
    "/hr/transfer/skill/<skill_id>", "skill", roles_required("hr")(skill), methods=["GET", "POST"]
)
hr_transfer.add_url_rule(
    "/hr/transfer/<int:plan_id>/publish", "publish", roles_required("hr")(publish), methods=["POST"]
)
hr_transfer.add_url_rule("/transfer/<int:plan_id>", "plan", plan, methods=["GET"])
hr_transfer.add_url_rule("/transfer/<int:plan_id>/level", "level", level, methods=["POST"])
