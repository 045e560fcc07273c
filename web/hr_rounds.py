"""HR's rounds: list them, propose one in the background, review, adjust, re-solve, compare,
publish with meetings and invites, and change a published round so that the invites follow.

Pairing rounds (mentor, reverse, exchange, buddy, intern-manager) and group rounds (think tank,
intervision, community) are stored rounds; lunch & learn and shadowing are plans kept with the
job that made them until they are published. Every route is for HR only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matcher.domain.invites import FAILED, QUEUED, SENT
from matcher.domain.problems import InvalidInput
from matcher.plans.kinds import KINDS, PlanKind, is_round, kind
from matcher.plans.rounds import PUBLISHED, RoundError, StoredRound, said_by
from matcher.plans.solve_jobs import DONE, compare
from matcher.services import background, learning_loop, plans, publishing, round_changes, work
from matcher.services import rounds as round_service
from matcher.services import why as why_service
from web import (
    params,
    plan_pages,
    round_forms,
    round_kinds,
    round_publishing,
    round_views,
    words,
    work_pages,
    worker,
)
from web.auth import require_login, roles_required
from web.context import database, first_plan_day, talent_map
from web.phrases import say

hr_rounds = Blueprint("hr_rounds", __name__)
hr_rounds.before_request(require_login)


@hr_rounds.context_processor
def _phrases() -> dict[str, Any]:
    """``say``: the domain's English sentences (reasons, rules) in the user's language, where the
    app has the phrasebook filter; unchanged otherwise."""
    return {"say": current_app.jinja_env.filters.get("say", lambda text: text)}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _today() -> dt.date:
    return current_app.extensions["meeloop"]["maps"].today()


def _names() -> round_views.Names:
    return round_views.Names(talent_map())


# -- the list --------------------------------------------------------------------------------------


@hr_rounds.get("/")
@roles_required("hr")
def rounds() -> str:
    db = database()
    return render_template(
        "hr/rounds/list.html",
        rounds=round_service.list_rounds(db),
        plans=plans.plans(db),
        active=background.active_jobs(db),
        kinds=words.ROUND_KINDS,
        kind_label=round_views.kind_label,
        unit_words=round_kinds.unit_words,
    )


# -- new rounds and settings -------------------------------------------------------------------------


@hr_rounds.route("/new/<kind>", methods=["GET", "POST"])
@roles_required("hr")
def new_round(kind: str) -> Any:
    if kind not in KINDS or kind not in round_views.KIND_WORDS:
        abort(404, _("There is no kind of round called '%(kind)s'.", kind=kind))
    plan_kind = KINDS[kind]
    form = round_kinds.settings_form(plan_kind, talent_map().organisation, first_plan_day(), None, new=True)
    form.taken = plans.names_taken(database())
    return _settings_form(plan_kind, form, name=None, base=None)


@hr_rounds.route("/<path:name>/settings", methods=["GET", "POST"])
@roles_required("hr")
def settings(name: str) -> Any:
    """A round's settings, to propose it again with other ones (its locks and forbidden pairs stay)."""
    org = talent_map().organisation
    stored = _stored_or_none(name)
    if stored is None:
        job = plans.latest_plan_job(database(), name)
        if job is None:
            abort(404, _("There is no round named '%(name)s'.", name=name))
        kept = plans.plan(database(), name)
        if kept is not None and kept.published is not None:
            flash(_("This plan is published; plan again under a new name to change it."), "error")
            return redirect(url_for(".review", name=name))
        form = round_kinds.settings_form(kind(job.kind), org, first_plan_day(), None, new=False)
        if not form.is_submitted():
            form.process(data=plan_pages.settings_data(job))
        return _settings_form(kind(job.kind), form, name=name, base=None)
    if stored.status == PUBLISHED:
        flash(_("This round is published; its settings can no longer change."), "error")
        return redirect(url_for(".review", name=name))
    round_kind = kind(stored.mode)
    form = round_kinds.settings_form(round_kind, org, first_plan_day(), stored.config, new=False)
    return _settings_form(round_kind, form, name=name, base=stored.config)


def _settings_form(plan_kind: PlanKind, form: Any, *, name: str | None, base: Any) -> Any:
    status = 200
    if form.validate_on_submit():
        round_name = name if name is not None else form.name.data.strip()
        try:
            settings, limit = round_kinds.job_settings(plan_kind, form, base)
        except InvalidInput as exc:
            round_forms.attach_problems(form, exc.problems, where=round_kinds.field_of(plan_kind, form))
        else:
            started = _start_job(round_name, plan_kind.name, settings, limit)
            if isinstance(started, str):
                form.form_errors.append(started)
            else:
                return started
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        round_kinds.settings_template(plan_kind),
        form=form,
        kind=plan_kind.name,
        kind_word=round_views.KIND_WORDS[plan_kind.name],
        name=name,
        group=plan_kind.unit == "group",
    ), status


#: Seconds a request that starts a solve waits for it to end before showing its progress page.
QUICK_SOLVE = 1.5


def _start_job(name: str, kind: str, settings: dict[str, Any], limit: float) -> Any:
    """Queue the job and go to its page; or the domain's reason it may not start, as a message."""
    try:
        job = worker.runner_of(current_app).start(
            round_name=name, kind=kind, settings=settings, limit=limit, started_by=current_user.login
        )
    except RoundError as exc:
        return exc.message
    # A solve that ends quickly shows its result at once; a longer one its progress page.
    worker.runner_of(current_app).wait(job.id, QUICK_SOLVE)
    return redirect(url_for(".job", job_id=job.id, follow=1))


# -- jobs -----------------------------------------------------------------------------------------------


@hr_rounds.get("/jobs/<int:job_id>")
@roles_required("hr")
def job(job_id: int) -> Any:
    found = background.job(database(), job_id)
    if found is None:
        abort(404, _("There is no job %(id)s.", id=job_id))
    if found.status == DONE and request.args.get("follow"):
        return redirect(url_for(".review", name=found.round_name))
    has_round = (
        plans.latest_plan_job(database(), found.round_name) is not None
        if not is_round(found.kind)
        else _stored_or_none(found.round_name) is not None
    )
    elapsed = found.elapsed_at(_now())
    # Look again soon while a solve is young (most end within seconds), then less often.
    every = 1 if elapsed < 10 else 3
    page = render_template(
        "hr/rounds/job.html",
        job=found,
        elapsed=elapsed,
        kind_label=round_views.kind_label(found.kind),
        refresh=every if found.active else None,
        has_round=has_round,
        others_running=any(
            j.id != found.id and j.status == "running" for j in background.active_jobs(database())
        ),
    )
    response = current_app.make_response(page)
    if found.active:
        # The meta tag sits in the body; the header refreshes in every browser too, without JavaScript.
        response.headers["Refresh"] = str(every)
    return response


# -- review ---------------------------------------------------------------------------------------------


def _stored_or_none(name: str) -> StoredRound | None:
    try:
        return round_service.load_round(database(), name)
    except RoundError:
        return None


@hr_rounds.get("/<path:name>")
@roles_required("hr")
def review(name: str) -> Any:
    return _review(name)


def _review(name: str, *, status: int = 200, problem: str | None = None, **forms: Any) -> Any:
    stored = _stored_or_none(name)
    if stored is None:
        return plan_pages.review(name, status=status, problem=problem)
    db = database()
    names = _names()
    everyone = round_changes.participants(stored)
    in_units = [m for unit in stored.pairs for m in unit.members]
    swap = forms.get("swap") or round_forms.SwapForm(formdata=None, prefix="swap")
    swap.first.choices = swap.second.choices = names.choices(in_units)
    exclude = forms.get("exclude") or round_forms.ExcludeForm(formdata=None, prefix="exclude")
    exclude.person.choices = names.choices(everyone)
    forbid = forms.get("forbid") or round_forms.ForbidForm(formdata=None, prefix="forbid")
    forbid.first.choices = forbid.second.choices = names.choices(everyone)
    publish = forms.get("publish") or round_forms.publish_form(first_plan_day(), bound=False)
    try:
        broken = round_changes.violations(db, name, today=_today(), stored=stored)
    except (RoundError, InvalidInput, ValueError) as exc:
        broken, problem = [], problem or said_by(exc)
    all_jobs = background.jobs_of(db, name)
    published = stored.status == PUBLISHED
    meeting = round_changes.meeting_config(db, name) if published else None
    filters = _review_filters()
    review = round_views.Review(stored, names, filters)
    mail_status = params.text("mail", max_length=10)
    if mail_status not in (None, QUEUED, SENT, FAILED):
        raise params.BadParameter("mail", _("Choose waiting, sent or failed e-mails."))
    letters = publishing.outbox_messages(db, source=name) if published else []
    return render_template(
        "hr/rounds/review.html",
        stored=stored,
        kind_label=round_views.kind_label(stored.mode),
        review=review,
        filters=filters,
        units=review.units(params.integer("page", default=1, low=1, high=1_000_000)),
        left=review.left_out(params.integer("out", default=1, low=1, high=1_000_000)),
        since=round_views.since_last(stored, all_jobs),
        earlier=learning_loop.what_changed(db, stored),
        people_list=round_forms.PEOPLE_LIST,
        people_choices=names.choices(everyone),
        names=names,
        broken=broken,
        problem=problem,
        swap=swap,
        exclude=exclude,
        forbid=forbid,
        publish=publish,
        confirm=round_forms.ConfirmForm(formdata=None),
        lock=round_forms.LockForm(formdata=None),
        jobs=all_jobs,
        status_word=round_views.status_word,
        active=[j for j in all_jobs if j.active],
        underway=work_pages.underway(name),
        versions=len(round_views.versions(stored, all_jobs)),
        published=published,
        events=round_changes.events_of(db, [name]) if published else [],
        outbox=Counter(m.status for m in letters),
        mail_status=mail_status,
        letters=round_views.paged(
            sorted(
                (m for m in letters if mail_status in (None, m.status)),
                key=lambda m: (m.status != FAILED, -m.id),
            ),
            params.integer("mails", default=1, low=1, high=1_000_000),
        ),
        meeting=meeting,
        smtp=round_publishing.smtp() is not None,
        excluded=set(stored.config.select.exclude),
        excluded_names=[names(p) for p in stored.config.select.exclude],
        forbidden_names=[" & ".join(names(p) for p in pair) for pair in stored.config.forbidden],
    ), status


def _review_filters() -> round_views.ReviewFilters:
    order = params.text("order") or "rank"
    if order not in round_views.ORDERS:
        raise params.BadParameter("order", _("Choose to list them as ranked or the weakest first."))
    return round_views.ReviewFilters(
        text=params.text("q"),
        department=params.text("department"),
        order=order,
        reason=params.text("reason", max_length=20),
    )


def _round_or_404(name: str) -> StoredRound:
    stored = _stored_or_none(name)
    if stored is None:
        abort(404, _("There is no round named '%(name)s'.", name=name))
    return stored


@hr_rounds.post("/<path:name>/lock")
@roles_required("hr")
def lock(name: str) -> Any:
    _round_or_404(name)
    form = round_forms.LockForm()
    if not form.validate_on_submit():
        return _review(name, status=400, problem=_("Say which pair or group to lock."))
    members = [m for m in form.members.data.split(",") if m]
    change = round_service.lock_pair if form.lock.data == "1" else round_service.unlock_pair
    try:
        stored = change(database(), name, members, now=_now())
    except RoundError as exc:
        return _review(name, status=400, problem=exc.message)
    flash(say(stored.events[-1].detail), "info")
    return redirect(url_for(".review", name=name, _anchor="units"))


@hr_rounds.post("/<path:name>/swap")
@roles_required("hr")
def swap(name: str) -> Any:
    stored = _round_or_404(name)
    form = round_forms.SwapForm(prefix="swap")
    names = _names()
    form.first.choices = form.second.choices = names.choices([m for u in stored.pairs for m in u.members])
    if not form.validate_on_submit():
        return _review(name, status=400, swap=form)
    first, second = form.first.data, form.second.data

    def in_proposal() -> StoredRound:
        round_changes.check_swap(stored, first, second)
        return round_service.swap_people(database(), name, first, second, today=_today(), now=_now())

    return _change_units(stored, form, "swap", in_proposal, swap=(first, second))


@hr_rounds.post("/<path:name>/exclude")
@roles_required("hr")
def exclude(name: str) -> Any:
    stored = _round_or_404(name)
    form = round_forms.ExcludeForm(prefix="exclude")
    form.person.choices = _names().choices(round_changes.participants(stored))
    if not form.validate_on_submit():
        return _review(name, status=400, exclude=form)
    person = form.person.data
    return _change_units(
        stored,
        form,
        "exclude",
        lambda: round_changes.exclude_person(database(), name, person, today=_today(), now=_now()),
        remove=person,
    )


def _change_units(
    stored: StoredRound, form: Any, form_key: str, in_proposal: Callable[[], StoredRound], **published: Any
) -> Any:
    """A swap or exclusion: in a published round through the invites (updates and cancellations
    go out), in a proposal by ``in_proposal``; a refusal shows at the form."""
    name = stored.name
    try:
        if stored.status == PUBLISHED:
            changed, invites = round_changes.change_published(
                database(),
                name,
                round_publishing.invite_settings(),
                None,
                today=_today(),
                now=_now(),
                **published,
            )
            round_publishing.flash_invites(invites)
            if invites.queued:
                round_publishing.send_queued(name, [name])
        else:
            changed = in_proposal()
    except RoundError as exc:
        form.form_errors.append(exc.message)
        return _review(name, status=400, **{form_key: form})
    flash(say(changed.events[-1].detail), "info")
    return redirect(url_for(".review", name=name, _anchor="units"))


@hr_rounds.post("/<path:name>/forbid")
@roles_required("hr")
def forbid(name: str) -> Any:
    """Forbid a pair, then solve again around the locks."""
    stored = _round_or_404(name)
    form = round_forms.ForbidForm(prefix="forbid")
    form.first.choices = form.second.choices = _names().choices(round_changes.participants(stored))
    if not form.validate_on_submit():
        return _review(name, status=400, forbid=form)
    try:
        changed = round_changes.forbid_pair(database(), name, form.first.data, form.second.data, now=_now())
    except RoundError as exc:
        form.form_errors.append(exc.message)
        return _review(name, status=400, forbid=form)
    return _resolve(changed)


@hr_rounds.post("/<path:name>/resolve")
@roles_required("hr")
def resolve(name: str) -> Any:
    """Propose the round again with its settings, keeping the locked pairs or groups."""
    stored = _round_or_404(name)
    if not round_forms.ConfirmForm().validate_on_submit():
        abort(400)
    if stored.status == PUBLISHED:
        return _review(name, status=400, problem=_("This round is published; it cannot be solved again."))
    return _resolve(stored)


def _resolve(stored: StoredRound) -> Any:
    """Solve the round again around its locks; a refusal to start shows on the review page."""
    started = _start_job(
        stored.name, stored.mode, {"config": stored.config.as_dict()}, stored.config.time_limit
    )
    if isinstance(started, str):
        return _review(stored.name, status=400, problem=started)
    return started


# -- why not -------------------------------------------------------------------------------------------


@hr_rounds.get("/<path:name>/why")
@roles_required("hr")
def why(name: str) -> Any:
    """For one person of the round: the partners they could have had, or the groups they could
    move to, each with the round's score; and the rule that rules out each other partner."""
    stored = _round_or_404(name)
    names = _names()
    everyone = round_changes.participants(stored)
    choices = names.choices(everyone)
    typed, typed_partner = params.text("person", max_length=320), params.text("partner", max_length=320)
    person = round_views.chosen_person(choices, typed)
    partner = round_views.chosen_person(choices, typed_partner)
    problem, found = None, None
    if (typed and person is None) or (typed_partner and partner is None):
        problem = _("Nobody of this round has that name or id: pick someone from the list.")
    elif person is not None:
        try:
            found = why_service.answer(database(), name, person, partner, today=_today())
        except RoundError as exc:
            problem = say(exc.message)
    return render_template(
        "hr/rounds/why.html",
        stored=stored,
        names=names,
        person=person,
        partner=partner,
        typed=typed or "",
        typed_partner=typed_partner or "",
        people_list=round_forms.PEOPLE_LIST,
        people_choices=choices,
        found=found,
        problem=problem,
        published=stored.status == PUBLISHED,
        lock=round_forms.LockForm(formdata=None),
        shown=round_views.WHY_SHOWN,
    ), 400 if problem else 200


@hr_rounds.post("/<path:name>/why/lock")
@roles_required("hr")
def why_lock(name: str) -> Any:
    """Take a "why not" answer: lock that pair and solve the round again around it."""
    _round_or_404(name)
    form = round_forms.LockForm()
    members = [m for m in (form.members.data or "").split(",") if m] if form.validate_on_submit() else []
    if len(members) != 2:
        return _review(name, status=400, problem=_("Say which pair to lock."))
    try:
        changed = round_changes.lock_new_pair(database(), name, members[0], members[1], now=_now())
    except RoundError as exc:
        return _review(name, status=400, problem=exc.message)
    return _resolve(changed)


# -- compare --------------------------------------------------------------------------------------------


@hr_rounds.get("/<path:name>/compare")
@roles_required("hr")
def compare_view(name: str) -> Any:
    stored = _round_or_404(name)
    found = round_views.versions(stored, background.jobs_of(database(), name))
    by_key = {v.key: v for v in found}
    first, second = round_views.default_pair(found)
    a_key, b_key = request.args.get("a", first), request.args.get("b", second)
    if a_key not in by_key or b_key not in by_key:
        abort(404, _("There is no such version of this round."))
    a, b = by_key[a_key], by_key[b_key]
    change = compare(a.snapshot, b.snapshot)
    names = _names()
    return render_template(
        "hr/rounds/compare.html",
        stored=stored,
        versions=found,
        a=a,
        b=b,
        change=change,
        names=names,
        joint=round_views.joint(stored.mode),
        people_a=", ".join(names(p) for p in change.placed_in_a),
        people_b=", ".join(names(p) for p in change.placed_in_b),
    )


# -- publishing -------------------------------------------------------------------------------------------


@hr_rounds.post("/<path:name>/publish")
@roles_required("hr")
def publish(name: str) -> Any:
    """Publish the round with its meetings and invites: a job for a worker, shown on its page."""
    stored = _stored_or_none(name)
    if stored is None:
        return plan_pages.publish(name)
    form = round_forms.publish_form(first_plan_day())
    meeting = round_publishing.meeting_config(form)
    if meeting is None:
        return _review(name, status=400, publish=form)
    try:
        started = work.start_publish(database(), name, meeting, started_by=work_pages.by(), now=_now())
    except work.Busy as refused:
        return work_pages.busy(refused)
    except RoundError as exc:
        form.form_errors.append(exc.message)
        return _review(name, status=400, publish=form)
    return work_pages.start(started)


@hr_rounds.post("/<path:name>/meetings")
@roles_required("hr")
def meetings(name: str) -> Any:
    """Plan a published round's meetings (again), and queue and send what that calls for."""
    stored = _round_or_404(name)
    form = round_forms.publish_form(first_plan_day())
    meeting = round_publishing.meeting_config(form)
    if meeting is None or stored.status != PUBLISHED:
        if stored.status != PUBLISHED:
            form.form_errors.append(_("Publish the round before planning its meetings."))
        return _review(name, status=400, publish=form)
    try:
        started = work.start_publish(
            database(), name, meeting, again=True, started_by=work_pages.by(), now=_now()
        )
    except work.Busy as refused:
        return work_pages.busy(refused)
    return work_pages.start(started)


@hr_rounds.post("/<path:name>/send")
@roles_required("hr")
def send(name: str) -> Any:
    """Queue what changed since the last send and deliver the outbox (after e-mail was set up)."""
    if not round_forms.ConfirmForm().validate_on_submit():
        abort(400)
    stored = _stored_or_none(name)
    if stored is None:
        kept = plans.plan(database(), name) or abort(404)
        sources, strict = plans.sources(kept), False
    else:
        sources, strict = [name], True
    try:
        started = work.start_send(
            database(), name, sources, strict=strict, started_by=work_pages.by(), now=_now()
        )
    except work.Busy as refused:
        return work_pages.busy(refused)
    return work_pages.start(started)


@hr_rounds.post("/<path:name>/resend")
@roles_required("hr")
def resend(name: str) -> Any:
    """Write the failed e-mails of a published round again (a fixed address or name is used) and
    send them when e-mail is set up."""
    if not round_forms.ConfirmForm().validate_on_submit():
        abort(400)
    _round_or_404(name)
    try:
        started = work.start_send(
            database(),
            name,
            [name],
            queue_first=False,
            retry_failed=True,
            started_by=work_pages.by(),
            now=_now(),
        )
    except work.Busy as refused:
        return work_pages.busy(refused)
    return work_pages.start(started)


@hr_rounds.get("/<path:name>/round.ics")
@roles_required("hr")
def calendar(name: str) -> Any:
    stored = _stored_or_none(name)
    if stored is not None:
        sources = [name]
    else:
        kept = plans.plan(database(), name) or abort(404)
        sources = plans.sources(kept)
    try:
        data = round_changes.calendar_file(
            database(), round_publishing.invite_settings(), sources, name=name, now=_now()
        )
    except RoundError as exc:
        abort(404, say(exc.message))
    return Response(
        data,
        mimetype="text/calendar",
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": "attachment; filename=round.ics",
        },
    )
