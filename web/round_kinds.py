"""What the rounds pages do per family of plan (:mod:`matcher.plans.kinds`): the settings form of
a kind, the job settings a valid form gives, and the words for a plan's units.

The pages look a kind up in the registry and call these; none of them compares kind names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import ngettext

from matcher.domain.model import Organisation
from matcher.domain.problems import InvalidInput, Location, Problem
from matcher.plans.kinds import Family, PlanKind, kind
from matcher.plans.rounds import said_by
from matcher.services import background
from web import group_form, round_forms


def settings_form(
    plan_kind: PlanKind, org: Organisation, first_day: dt.date, config: Any, *, new: bool
) -> Any:
    """The settings form of a kind: a round's from ``config`` (its defaults when None), a plan's
    with its dates from ``first_day`` (the first working day after the notice period)."""
    family = plan_kind.family
    if not family.is_round:
        return round_forms.plan_form(plan_kind.name, org, first_day, new=new)
    config = config if config is not None else plan_kind.default_config()
    if family is Family.GROUPS:
        return group_form.group_form(plan_kind.name, org, config, new=new)
    return round_forms.pairing_form(plan_kind.name, org, config, new=new)


def settings_template(plan_kind: PlanKind) -> str:
    return "hr/rounds/settings.html" if plan_kind.is_round else "hr/rounds/plan_settings.html"


def field_of(plan_kind: PlanKind, form: Any) -> Any:
    """Where a problem's path is on the form, for kinds whose paths are not the fields' names."""
    if plan_kind.family is Family.GROUPS:
        return lambda path: group_form.group_field(form, path)
    return None


def job_settings(plan_kind: PlanKind, form: Any, base: Any) -> tuple[dict[str, Any], float]:
    """The job's settings and time limit from a valid form, checked by the config class itself
    (:class:`InvalidInput` when they do not hold)."""
    return _SETTINGS[plan_kind.family](plan_kind, form, base)


def _pairs(plan_kind: PlanKind, form: Any, base: Any) -> tuple[dict[str, Any], float]:
    config = plan_kind.config_from(round_forms.pairing_mapping(form, plan_kind.name, base), source="form")
    return {"config": config.as_dict()}, config.time_limit


def _groups(plan_kind: PlanKind, form: Any, base: Any) -> tuple[dict[str, Any], float]:
    mapping = group_form.group_mapping(form, plan_kind.name, base or plan_kind.default_config())
    config = plan_kind.config_from(mapping, source="form")
    return {"config": config.as_dict()}, config.time_limit


def _dates(form: Any) -> dict[str, Any]:
    return {"first_day": form.first_day.data.isoformat(), "last_day": form.last_day.data.isoformat()}


def _sessions(plan_kind: PlanKind, form: Any, base: Any) -> tuple[dict[str, Any], float]:
    settings = _dates(form) | {
        "per_week": form.per_week.data,
        "site": form.site.data or None,
        "min_demand": form.min_demand.data,
        "max_sessions_per_presenter": form.max_sessions_per_presenter.data,
    }
    try:
        background.lunch_config(settings)
    except ValueError as exc:
        raise InvalidInput([Problem(Location("form", None, None), said_by(exc))]) from None
    return settings, 0.0


def _slots(plan_kind: PlanKind, form: Any, base: Any) -> tuple[dict[str, Any], float]:
    settings = _dates(form) | {
        "capacity_period": form.capacity_period.data,
        "time_limit": form.time_limit.data,
        "spread_recent_hosting": bool(form.spread_recent_hosting.data),
    }
    problems = background.shadow_config(settings).problems()
    if problems:
        raise InvalidInput(problems)
    return settings, form.time_limit.data


_SETTINGS = {Family.PAIRS: _pairs, Family.GROUPS: _groups, Family.SESSIONS: _sessions, Family.SLOTS: _slots}


def unit_words(kind_name: str, n: int) -> str:
    """How many units a plan of this kind has, in words: "3 pairs", "1 group"."""
    plan_kind = kind(kind_name)
    if plan_kind.unit == "group":
        return ngettext("%(num)d group", "%(num)d groups", n)
    if plan_kind.unit == "session":
        return ngettext("%(num)d session", "%(num)d sessions", n)
    if plan_kind.unit == "slot":
        return ngettext("%(num)d slot", "%(num)d slots", n)
    return ngettext("%(num)d pair", "%(num)d pairs", n)
