"""The learning loop's forms and reports: the quarterly value check and the learning climate.

The value check's form is reached from the link in its e-mail (a token that answers for one person
and one quarter, no login needed, the page in that person's language) and, logged in, from the
person's own pages. The learning climate questionnaire is on the person's own pages. Reports show
counts and means only, for groups of at least the minimum size (``MEELOOP_MIN_GROUP_SIZE``, default
5): HR sees every group; a manager sees the learning climate of their own reporting line, per team.
The value-check report is HR's only: a manager's access reaches their reporting line, not a
department (:mod:`web.access`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_required

from matcher.domain.problems import InvalidInput
from matcher.services import surveys as service
from web import access, words
from web.auth import person_required, roles_required
from web.context import database
from web.hr_reports import TENURE, kind_label
from web.phrases import say

surveys = Blueprint("surveys", __name__)

#: The learning climate statements, after the Rijksoverheid guide's conditions for informal learning.
CLIMATE_ITEMS: tuple[words.Word, ...] = (
    words.Word(
        "changes",
        _l("Changes"),
        _l("I notice changes around me that affect the way I work."),
    ),
    words.Word(
        "challenge",
        _l("Challenge"),
        _l("My work challenges me, and it is clear to me what is expected of me and how I can meet it."),
    ),
    words.Word(
        "own-work",
        _l("Own say"),
        _l("I can shape my own work and take decisions myself, or lead a project or working group."),
    ),
    words.Word(
        "contacts",
        _l("Contacts"),
        _l("I have contacts beyond my direct colleagues and can take part in discussions about my field."),
    ),
    words.Word(
        "feedback",
        _l("Feedback"),
        _l("I give and receive feedback, and I see the effects of my work."),
    ),
    words.Word(
        "support",
        _l("Manager's support"),
        _l("My manager wholeheartedly supports and encourages my learning."),
    ),
    words.Word(
        "reward",
        _l("Reward"),
        _l("Growing in my work is rewarded: with more interesting tasks, career opportunities or pay."),
    ),
)
SCALE: tuple[words.Word, ...] = (
    words.Word(1, _l("strongly disagree"), ""),
    words.Word(2, _l("disagree"), ""),
    words.Word(3, _l("neither agree nor disagree"), ""),
    words.Word(4, _l("agree"), ""),
    words.Word(5, _l("strongly agree"), ""),
)
GROUPINGS = {
    "programme": _l("Per programme"),
    "department": _l("Per department"),
    "tenure": _l("Per experience (years with the organisation)"),
}


def _today() -> dt.date:
    return current_app.extensions["meeloop"]["maps"].today()


def _now() -> dt.datetime:
    now = dt.datetime.now(dt.UTC)
    today = _today()
    return now if now.date() == today else dt.datetime.combine(today, now.time(), dt.UTC)


def _min_group() -> int:
    configured = current_app.config.get("MIN_GROUP_SIZE")
    return int(configured) if configured else service.settings_from_env().min_group


def _errors(error: InvalidInput) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in error.problems:
        found.setdefault(problem.where.field or "general", []).append(say(problem.message))
    return found


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- the value check -------------------------------------------------------------------------------


def _value_page(form: service.ValueCheckForm, action: str, status: int = 200, **context: Any) -> Response:
    answer = form.answer
    context.setdefault("chosen", list(answer.levels) if answer else [])
    context.setdefault("story", answer.story if answer else "")
    context.setdefault("errors", {})
    page = render_template(
        "surveys/value_check.html",
        form=form,
        action=action,
        value_levels=words.VALUE_LEVELS,
        kinds=kind_label,
        story_length=service.STORY_LENGTH,
        logged_in=current_user.is_authenticated,
        **context,
    )
    return _private(make_response(page, status))


def _save_value(form: service.ValueCheckForm, action: str) -> Response:
    levels = request.form.getlist("levels")
    story = request.form.get("story") or ""
    try:
        service.save_value_check(
            database(), form.person_id, form.quarter, levels, story, today=_today(), now=_now()
        )
    except InvalidInput as error:
        return _value_page(form, action, 400, chosen=levels, story=story, errors=_errors(error))
    flash(_("Thank you: your value check is saved. You can change it until the end of this quarter."), "info")
    return _private(make_response(redirect(action)))


@surveys.route("/value-check/<token>", methods=["GET", "POST"])
def value_check_link(token: str) -> Response:
    """The form behind the link of a value-check e-mail: no login needed."""
    form = service.value_check_by_token(
        database(), current_app.extensions["meeloop"]["invites"], token, today=_today()
    )
    if form is None:
        abort(404)
    if "locale" not in session:
        session["locale"] = form.language
        refresh()
    action = url_for("surveys.value_check_link", token=token)
    response = _save_value(form, action) if request.method == "POST" else _value_page(form, action)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@surveys.route("/me/value-check", methods=["GET", "POST"])
@login_required
def value_check() -> Response:
    form = service.value_check_form(database(), person_required(), today=_today())
    action = url_for("surveys.value_check")
    return _save_value(form, action) if request.method == "POST" else _value_page(form, action)


# -- the learning climate -----------------------------------------------------------------------------


@surveys.route("/me/learning-climate", methods=["GET", "POST"])
@login_required
def climate() -> Response:
    person_id = person_required()
    form = service.climate_form(database(), person_id, today=_today())
    given: dict[str, str] = {k: str(v) for k, v in form.answer.scores.items()} if form.answer else {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        given = {item.value: (request.form.get(item.value) or "") for item in CLIMATE_ITEMS}
        try:
            service.save_climate(database(), person_id, given, today=_today(), now=_now())
        except InvalidInput as error:
            errors, status = _errors(error), 400
        else:
            flash(
                _("Thank you: your answers are saved. You can change them until the end of this quarter."),
                "info",
            )
            return redirect(url_for("surveys.climate"))
    page = render_template(
        "surveys/climate.html", form=form, given=given, errors=errors, items=CLIMATE_ITEMS, scale=SCALE
    )
    return _private(make_response(page, status))


# -- reports -------------------------------------------------------------------------------------------


def _group_label(by: str, group: str) -> Any:
    if by == "programme":
        return kind_label(group)
    if by == "tenure":
        return TENURE.get(group, group)
    return group or _("no department")


@surveys.get("/hr/reports/value-checks")
@roles_required("hr")
def value_report() -> str:
    return render_template(
        "hr/value_checks.html",
        results=service.value_check_results(database(), min_group=_min_group()),
        groupings=GROUPINGS,
        group_label=_group_label,
        value_levels=words.VALUE_LEVELS,
        min_group=_min_group(),
    )


def _climate_report(person_ids: set[str] | None, own_team: bool) -> str:
    return render_template(
        "surveys/climate_report.html",
        results=service.climate_results(database(), min_group=_min_group(), person_ids=person_ids),
        items=CLIMATE_ITEMS,
        min_group=_min_group(),
        own_team=own_team,
    )


@surveys.get("/hr/reports/learning-climate")
@roles_required("hr")
def climate_report() -> str:
    return _climate_report(None, own_team=False)


@surveys.get("/team/learning-climate")
@roles_required("manager")
def team_climate() -> str:
    """A manager's reporting line, per team: the same counts, from their own people's answers only."""
    return _climate_report(access.team(), own_team=True)
