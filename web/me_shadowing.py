"""The employee's shadowing pages: ask to shadow a colleague, answer a proposed slot, withdraw.

Routes of the ``me`` blueprint (``me.shadowing``, ``me.shadow_answer``, ``me.shadow_withdraw``);
:mod:`web.me` imports this module at its end, so that they are registered with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import UnknownSkill
from matcher.engines.shadowing import LENGTHS
from matcher.services import personal, scheduling, shadow_answers
from web.auth import person_required
from web.context import database, talent_map
from web.hosting import HOST_LEVEL, hosts_skill, skill_hosts
from web.me import _now, _today, me
from web.phrases import say

LENGTH_WORDS = {
    "hour": _l("an hour (%(minutes)d min)", minutes=LENGTHS["hour"]),
    "half-day": _l("half a day (%(minutes)d min)", minutes=LENGTHS["half-day"]),
    "day": _l("a whole day (%(minutes)d min)", minutes=LENGTHS["day"]),
}


class ShadowForm(FlaskForm):
    skill = StringField(
        _l("Skill"),
        validators=[Length(max=200)],
        render_kw={"list": "skill-names", "autocomplete": "off"},
    )
    host = SelectField(_l("Colleague"), choices=[], validate_choice=False)
    length = SelectField(
        _l("How long"),
        choices=[SelectChoice(key, LENGTH_WORDS[key]) for key in LENGTHS],
        default="half-day",
    )
    first_day = DateField(_l("From"), validators=[DataRequired(_l("Give the first day."))])
    last_day = DateField(_l("Until"), validators=[DataRequired(_l("Give the last day."))])

    def validate_first_day(self, field: DateField) -> None:
        if field.data and field.data < _today():
            raise ValidationError(_("The window cannot start in the past."))

    def validate_skill(self, field: StringField) -> None:
        if not (field.data or "").strip() and not self.host.data:
            raise ValidationError(_("Name a skill, a colleague, or both."))


class AnswerForm(FlaskForm):
    """The CSRF token for the accept, decline and withdraw buttons."""


_SHADOW_FIELDS = {"skill": "skill", "host": "host", "length": "length", "to": "last_day", "from": "first_day"}


def _shadow_form() -> ShadowForm:
    person_id = person_required()
    form = ShadowForm()
    # The hosts are found once per map (TalentMap.hosts), not by going through everyone per request.
    form.host.choices = [SelectChoice("", _("— anyone who knows the skill —"))] + [
        SelectChoice(p.id, f"{p.name} · {p.function}" if p.function else p.name)
        for p in talent_map().hosts
        if p.id != person_id
    ]
    return form


#: The most hosts a sentence names; the others are counted.
NAMED_HOSTS = 5


def what_next(guest_id: str, skill_id: str | None, host_id: str | None) -> dict[str, Any]:
    """What happens with a request on this skill or host, as the page and the message after
    asking say it: who can host it, or that nobody does and what the guest can do instead."""
    talent = talent_map()
    skill = talent.skill(skill_id) if skill_id else None
    host = talent.person(host_id) if host_id else None
    if host is not None:
        fits = skill is None or hosts_skill(talent, host, skill.id)
        return {"kind": "host" if fits else "host below level", "host": host, "skill": skill}
    if skill is None:
        return {"kind": "none"}
    hosts = skill_hosts(talent, skill.id, guest_id=guest_id)
    return {"kind": "hosts" if hosts else "nobody", "hosts": hosts, "skill": skill}


def next_message(step: dict[str, Any]) -> str | None:
    """The sentence said right after asking."""
    kind = step["kind"]
    if kind == "hosts":
        hosts, skill = step["hosts"], step["skill"]
        names = ", ".join(p.name for p in hosts[:NAMED_HOSTS])
        return ngettext(
            "%(num)d colleague hosts guests on %(skill)s (%(names)s). HR plans the slots in your free "
            "time; you will see the proposal here.",
            "%(num)d colleagues host guests on %(skill)s (%(names)s). HR plans the slots in your free "
            "time; you will see the proposal here.",
            len(hosts),
            skill=skill.name,
            names=names,
        )
    if kind == "nobody":
        return _(
            "Nobody hosts guests on %(skill)s yet. Your request stays open: HR sees it when they plan "
            "and can look for a colleague to host you. Meanwhile you can ask a colleague who knows "
            "%(skill)s a question.",
            skill=step["skill"].name,
        )
    if kind == "host below level":
        return _(
            "%(name)s holds %(skill)s below level %(level)d, the least a host needs: HR cannot plan this "
            "request with %(name)s. Withdraw it and ask again without a colleague, or with another one.",
            name=step["host"].name,
            skill=step["skill"].name,
            level=HOST_LEVEL,
        )
    if kind == "host":
        return _(
            "%(name)s hosts guests. HR plans a slot when you are both free; you will see the proposal here.",
            name=step["host"].name,
        )
    return None


def _preview(form: ShadowForm) -> dict[str, Any] | None:
    """What would happen with the request the form holds when it came filled in: a skill nobody
    hosts is said before asking, not only after."""
    skill_id = None
    if form.skill.data:
        try:
            skill_id = talent_map().resolve_skill(form.skill.data)[0].id
        except UnknownSkill:
            return None
    if skill_id is None and not form.host.data:
        return None
    return what_next(person_required(), skill_id, form.host.data or None)


def _shadowing_page(
    form: ShadowForm, status: int = 200, preview: dict[str, Any] | None = None
) -> tuple[str, int]:
    person_id = person_required()
    items = personal.shadow_items(database(), person_id)
    steps = {
        item.request.id: what_next(person_id, item.request.skill_id, item.request.host_id)
        for item in items
        if item.role == "guest" and item.request.status == "open" and item.slot is None
    }
    return (
        render_template(
            "me/shadowing.html",
            form=form,
            answer_form=AnswerForm(),
            items=items,
            steps=steps,
            preview=preview,
            host_level=HOST_LEVEL,
            person_id=person_id,
            skills=talent_map().skills,
            skill_names={s.id: s.name for s in talent_map().skills},
            now=_now(),
        ),
        status,
    )


@me.route("/shadowing", methods=["GET", "POST"])
def shadowing() -> Any:
    person_id = person_required()
    form = _shadow_form()
    if request.method == "GET":
        if not form.first_day.data:
            form.first_day.data = _today() + dt.timedelta(days=7)
            form.last_day.data = _today() + dt.timedelta(days=35)
        # From a person or skill page: the form comes filled in with that colleague or skill.
        form.skill.data = (request.args.get("skill") or "").strip()[:200] or form.skill.data
        asked_host = request.args.get("host")
        if asked_host and any(choice.value == asked_host for choice in form.host.choices):
            form.host.data = asked_host
        return _shadowing_page(form, preview=_preview(form))
    if not form.validate_on_submit():
        return _shadowing_page(form, 400)
    try:
        stored = scheduling.add_shadow_request(
            database(),
            guest_id=person_id,
            skill=(form.skill.data or "").strip() or None,
            host_id=form.host.data or None,
            length=form.length.data,
            first_day=form.first_day.data,
            last_day=form.last_day.data,
            now=_now(),
            talent=talent_map(),
        )
    except InvalidInput as error:
        for problem in error.problems:
            target = form[_SHADOW_FIELDS.get(problem.where.field or "", "skill")]
            target.errors = [*target.errors, say(problem.message)]
        return _shadowing_page(form, 400)
    flash(_("Your request is stored (number %(id)d).", id=stored.id))
    said = next_message(what_next(person_id, stored.skill_id, stored.host_id))
    if said:
        flash(said, "info")
    return redirect(url_for("me.shadowing"))


def _my_request(request_id: int) -> personal.ShadowItem:
    item = personal.shadow_item(database(), person_required(), request_id)
    if item is None:
        abort(404, _("There is nothing here for you."))
    return item


@me.post("/shadowing/<int:request_id>/answer")
def shadow_answer(request_id: int) -> Any:
    item = _my_request(request_id)
    if not AnswerForm().validate_on_submit():
        abort(400)
    answer = request.form.get("answer")
    if answer not in ("accept", "decline"):
        abort(400, _("Choose accept or decline."))
    if item.slot is None:
        flash(_("There is no proposed slot to answer for this request."), "error")
        return redirect(url_for("me.shadowing"))
    try:
        shadow_answers.answer_shadow_slot(
            database(), request_id, person_required(), accept=answer == "accept", now=_now()
        )
    except InvalidInput as error:
        flash("; ".join(str(say(p.message)) for p in error.problems), "error")
        return redirect(url_for("me.shadowing"))
    if answer == "accept":
        flash(_("You accepted the slot."), "info")
    else:
        flash(
            _("You declined the slot. The time is free again and the request waits for a new slot."), "info"
        )
    return redirect(url_for("me.shadowing"))


@me.post("/shadowing/<int:request_id>/withdraw")
def shadow_withdraw(request_id: int) -> Any:
    item = _my_request(request_id)
    if not AnswerForm().validate_on_submit():
        abort(400)
    if item.role != "guest":
        abort(404, _("There is nothing here for you."))
    scheduling.cancel_shadow_request(database(), request_id, now=_now())
    flash(_("Your request is withdrawn."), "info")
    return redirect(url_for("me.shadowing"))
