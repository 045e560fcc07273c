"""The forms of the rounds pages: a round's settings per kind, and the actions on a proposal.

A settings form turns into the mapping a config class reads (``PairingConfig.from_mapping``;
a group round's form is :mod:`web.group_form`), so the config's own checks decide what is valid;
the problems they report name a setting (``weights.repeat_fade``), which :func:`attach_problems`
puts at the form field of that name. Every weight comes with a sentence saying what raising it
does (:mod:`web.round_settings`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from matcher.domain.model import Organisation
from matcher.domain.problems import Problem
from matcher.engines.pairing import PairingConfig, Selection
from matcher.plans.kinds import Family
from matcher.plans.kinds import kind as plan_kind
from matcher.plans.rounds import NAME_LENGTH
from web.numbers import NumberField
from web.round_settings import (
    FAIRNESS,
    LEARNING_LOOP,
    ODD_ONE_OUT_CHOICES,
    OTHER,
    PAIRING_SECTIONS,
    RULES,
    WEIGHTS,
    Setting,
)
from web.typed_people import matching

#: The shortest and longest search HR may ask for in the web UI, in seconds.
MIN_TIME_LIMIT = 0.1
MAX_TIME_LIMIT = 600.0


def _options(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _ids(text: str | None) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


# -- who takes part -----------------------------------------------------------------------------------


class SelectionMixin:
    who = RadioField(
        _l("Who takes part"),
        choices=_options((("all", _l("everyone eligible")), ("chosen", _l("only the people chosen below")))),
        default="all",
    )
    departments = SelectMultipleField(_l("Departments"), choices=[], validate_choice=True)
    sites = SelectMultipleField(_l("Sites"), choices=[], validate_choice=True)
    teams = SelectMultipleField(_l("Teams"), choices=[], validate_choice=True)
    people = TextAreaField(_l("People (ids)"), validators=[Optional(), Length(max=20_000)])
    exclude = TextAreaField(_l("Never these people (ids)"), validators=[Optional(), Length(max=20_000)])

    def set_organisation(self, org: Organisation) -> None:
        self.org = org
        self.departments.choices = _choices(p.department for p in org.people)
        self.sites.choices = _choices(p.site for p in org.people)
        self.teams.choices = _choices(p.team for p in org.people)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[misc]
        if self.who.data == "chosen" and not (
            _ids(self.people.data) or self.departments.data or self.sites.data or self.teams.data
        ):
            # Said at the list of people, where it can be put right.
            self.people.errors.append(_l("Choose a department, site or team, or list people's ids."))
            return False
        return valid

    def validate_people(self, field: Field) -> None:
        self._known(field)

    def validate_exclude(self, field: Field) -> None:
        self._known(field)

    def _known(self, field: Field) -> None:
        known = {p.id for p in self.org.people}
        unknown = [i for i in _ids(field.data) if i not in known]
        if unknown:
            raise ValidationError(_l("Nobody has the id %(ids)s.", ids=", ".join(unknown[:10])))

    def selection(self) -> dict[str, list[str]]:
        """The ``select`` mapping of a config: teams become the ids of their people."""
        chosen: dict[str, list[str]] = {}
        if self.who.data == "chosen":
            teams = set(self.teams.data or ())
            people = _ids(self.people.data) + [p.id for p in self.org.people if p.team and p.team in teams]
            chosen = {
                "people": list(dict.fromkeys(people)),
                "departments": list(self.departments.data or ()),
                "sites": list(self.sites.data or ()),
            }
        return {**chosen, "exclude": _ids(self.exclude.data)}

    def fill_selection(self, select: Selection) -> None:
        chosen = bool(select.people or select.departments or select.sites)
        self.who.data = "chosen" if chosen else "all"
        self.departments.data = list(select.departments)
        self.sites.data = list(select.sites)
        self.people.data = ", ".join(select.people)
        self.exclude.data = ", ".join(select.exclude)


def _choices(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in sorted({v for v in values if v}, key=str.casefold)]


class NameMixin:
    name = StringField(_l("Name of the round"), validators=[InputRequired(), Length(max=NAME_LENGTH)])

    def validate_name(self, field: Field) -> None:
        if not (field.data or "").strip():
            raise ValidationError(_l("Give the round a name."))
        if field.data.strip() in getattr(self, "taken", ()):
            raise ValidationError(_l("A round with this name exists; open it to change or re-solve it."))


# -- pairing rounds ------------------------------------------------------------------------------------


def _field(setting: Setting, default: Any) -> Field:
    if isinstance(default, bool):
        return BooleanField(setting.label, default=default, description=setting.help)
    if isinstance(default, int):
        return IntegerField(
            setting.label, default=default, description=setting.help, validators=[InputRequired()]
        )
    if setting.path == "time_limit":
        return NumberField(
            setting.label,
            default=default,
            description=setting.help,
            validators=[InputRequired(), NumberRange(min=MIN_TIME_LIMIT, max=MAX_TIME_LIMIT)],
        )
    return NumberField(setting.label, default=default, description=setting.help, validators=[InputRequired()])


def _value(config: Any, path: str) -> Any:
    for part in path.split("."):
        config = getattr(config, part)
    return config


class PairingForm(SelectionMixin, FlaskForm):
    odd_one_out = SelectField(
        _l("Someone left over"),
        choices=_options(ODD_ONE_OUT_CHOICES),
        description=_l("In exchange rounds with an odd number of people."),
    )


for _setting in (*RULES, *WEIGHTS, *FAIRNESS, *LEARNING_LOOP, *OTHER):
    setattr(PairingForm, _setting.name, _field(_setting, _value(PairingConfig(), _setting.path)))


class NewPairingForm(NameMixin, PairingForm):
    pass


def pairing_form(mode: str, org: Organisation, config: PairingConfig | None, *, new: bool) -> PairingForm:
    """The settings of a pairing round of this mode; filled from ``config`` on a first showing."""
    form = (NewPairingForm if new else PairingForm)(data=_pairing_data(config) if config else None)
    form.mode = mode
    form.set_organisation(org)
    if config is not None and not form.is_submitted():
        form.fill_selection(config.select)
    for setting in (*RULES, *WEIGHTS, *FAIRNESS, *LEARNING_LOOP, *OTHER):
        if not setting.applies(mode):
            del form[setting.name]
    if mode != "exchange":
        del form["odd_one_out"]
    form.sections = [
        (title, [(s, form[s.name]) for s in settings if s.applies(mode)])
        for title, settings in PAIRING_SECTIONS
    ]
    return form


def _pairing_data(config: PairingConfig) -> dict[str, Any]:
    data = {s.name: _value(config, s.path) for s in (*RULES, *WEIGHTS, *FAIRNESS, *LEARNING_LOOP, *OTHER)}
    data["odd_one_out"] = config.odd_one_out
    return data


def pairing_mapping(form: PairingForm, mode: str, base: PairingConfig | None) -> dict[str, Any]:
    """What the form says, as ``PairingConfig.from_mapping`` reads it; HR's locks and forbidden
    pairs come from the round as it is (``base``)."""
    data: dict[str, Any] = {"mode": mode, "rules": {}, "weights": {}, "fairness": {}}
    for setting in (*RULES, *WEIGHTS, *FAIRNESS, *LEARNING_LOOP, *OTHER):
        if setting.name not in form:
            continue
        section, _, key = setting.path.rpartition(".")
        target = data[section] if section else data
        target[key] = form[setting.name].data
    if "odd_one_out" in form:
        data["odd_one_out"] = form.odd_one_out.data
    data["select"] = form.selection()
    if base is not None:
        data["locked"] = [list(lock) for lock in base.locked]
        data["forbidden"] = [list(pair) for pair in base.forbidden]
        data["seed"] = base.seed
    return data


# -- lunch & learn and shadowing -------------------------------------------------------------------------


class DatesMixin:
    first_day = DateField(_l("From"), validators=[InputRequired()])
    last_day = DateField(_l("To"), validators=[InputRequired()])

    def validate_last_day(self, field: Field) -> None:
        if self.first_day.data and field.data:
            if field.data < self.first_day.data:
                raise ValidationError(_l("The last day comes before the first."))
            if (field.data - self.first_day.data).days > 92:
                raise ValidationError(_l("Plan at most three months at a time."))


class LunchForm(DatesMixin, FlaskForm):
    per_week = IntegerField(
        _l("Sessions a week, at most"), default=1, validators=[InputRequired(), NumberRange(1, 5)]
    )
    site = SelectField(
        _l("Site"), choices=[], default="", description=_l("Plan for one site, or the whole organisation.")
    )
    min_demand = IntegerField(
        _l("Interested colleagues, at least"),
        default=2,
        validators=[InputRequired(), NumberRange(min=1)],
        description=_l("A topic needs this many colleagues who want to learn it."),
    )
    max_sessions_per_presenter = IntegerField(
        _l("Sessions per presenter, at most"), default=1, validators=[InputRequired(), NumberRange(min=1)]
    )


class NewLunchForm(NameMixin, LunchForm):
    pass


class ShadowingForm(DatesMixin, FlaskForm):
    capacity_period = SelectField(
        _l("Hosts' capacity counts per"),
        choices=_options((("month", _l("month")), ("week", _l("week")))),
        default="month",
    )
    time_limit = NumberField(
        _l("Time limit (seconds)"),
        default=10.0,
        validators=[InputRequired(), NumberRange(min=MIN_TIME_LIMIT, max=MAX_TIME_LIMIT)],
        description=_l("How long the search may take; it returns the best plan found by then."),
    )
    spread_recent_hosting = BooleanField(
        _l("Spread hosts' load over recent plans"),
        default=True,
        description=_l("Slots a host had in the past year count against them, so popular hosts get a rest."),
    )


class NewShadowingForm(NameMixin, ShadowingForm):
    pass


def plan_form(kind: str, org: Organisation, first_day: dt.date, *, new: bool) -> FlaskForm:
    if plan_kind(kind).family is Family.SESSIONS:
        form = (NewLunchForm if new else LunchForm)()
        form.site.choices = [("", _l("every site")), *_choices(p.site for p in org.people)]
    else:
        form = (NewShadowingForm if new else ShadowingForm)()
    if not form.is_submitted():
        form.first_day.data = first_day
        form.last_day.data = first_day + dt.timedelta(days=28)
    return form


# -- actions on a round ----------------------------------------------------------------------------------


class PublishForm(FlaskForm):
    """When the meetings of a published round may be, as ``meeloop meet`` asks."""

    first_day = DateField(_l("First meetings from"), validators=[InputRequired()])
    last_day = DateField(_l("Round ends on"), validators=[InputRequired()])
    every = SelectField(
        _l("Meet again"),
        choices=_options(
            (
                ("", _l("no series: one first meeting")),
                ("1", _l("every week")),
                ("2", _l("every 2 weeks")),
                ("4", _l("every 4 weeks")),
            )
        ),
        default="2",
    )
    minutes = IntegerField(
        _l("Minutes per meeting"), default=60, validators=[InputRequired(), NumberRange(15, 480)]
    )

    def validate_last_day(self, field: Field) -> None:
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The round ends before its first meetings."))


def publish_form(first_day: dt.date, *, bound: bool = True) -> PublishForm:
    """The meeting settings; ``bound`` reads what was posted, else shows the defaults from ``first_day``."""
    form = PublishForm() if bound else PublishForm(formdata=None)
    if not bound or not form.is_submitted():
        form.first_day.data = first_day
        form.last_day.data = first_day + dt.timedelta(weeks=12)
    return form


class LockForm(FlaskForm):
    members = HiddenField(validators=[InputRequired()])
    lock = HiddenField(validators=[InputRequired()])


#: The list of a round's people that the person fields offer as HR types (one per page).
PEOPLE_LIST = "round-people"


class PersonField(StringField):
    """Someone of a round, typed: a name picked from the page's list of people ("Anna de Vries
    (E00012)"), or an id. ``choices`` are the (id, label) of those who may be chosen; the field's
    data is the id. A round of 2,000 people offers one list for every such field, not a
    drop-down of thousands in each."""

    def __init__(self, label: Any = None, **kwargs: Any) -> None:
        render_kw = {"list": PEOPLE_LIST, "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators=[InputRequired()], render_kw=render_kw, **kwargs)
        self.choices: list[tuple[str, str]] = []

    def pre_validate(self, form: Any) -> None:
        found = matching(self.choices, self.data)
        if len(found) != 1:
            raise ValidationError(_l("Nobody of this round has that name or id: pick someone from the list."))
        self.data = found[0]


class TwoPeopleForm(FlaskForm):
    first = PersonField(_l("First person"))
    second = PersonField(_l("Second person"))

    def validate_second(self, field: Field) -> None:
        if field.data and field.data == self.first.data:
            raise ValidationError(_l("Choose two different people."))


class SwapForm(TwoPeopleForm):
    pass


class ForbidForm(TwoPeopleForm):
    pass


class ExcludeForm(FlaskForm):
    person = PersonField(_l("Person"))


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token: re-solve, send."""


# -- problems at fields -------------------------------------------------------------------------------------


def _field_name(form: FlaskForm, path: str) -> str | None:
    name = path.replace(".", "__")
    if name in form:
        return name
    head = path.split(".", 1)[0].split("[", 1)[0]
    if head == "select":
        return "people"
    return head if head in form else None


def attach_problems(form: FlaskForm, problems: Iterable[Problem], *, where=None) -> None:
    """Put each problem a config reported at the form field of its setting; the rest at the form."""
    locate = where or (lambda path: _field_name(form, path))
    for problem in problems:
        name = locate(problem.where.field or "")
        field = _field_at(form, name) if name is not None else None
        if field is not None:
            if isinstance(field.errors, tuple):  # not validated yet
                field.errors = list(field.errors)
            field.errors.append(problem.message)
        else:
            form.form_errors.append(
                f"{problem.where.field}: {problem.message}" if problem.where.field else problem.message
            )
    for rows in form:
        if isinstance(rows, FieldList):  # a list keeps its rows' errors from validation: say the new ones too
            rows.errors = [row.errors for row in rows] if any(row.errors for row in rows) else []


def _field_at(form: FlaskForm, name: str) -> Field | None:
    """The field of this name, also in a list of rows: ``counts-0-max`` is the first row's maximum."""
    if name in form:
        return form[name]
    found = re.fullmatch(r"(\w+)-(\d+)-(\w+)", name)
    if found is None or found.group(1) not in form:
        return None
    rows, index, part = form[found.group(1)], int(found.group(2)), found.group(3)
    if not isinstance(rows, FieldList) or index >= len(rows.entries) or part not in rows.entries[index].form:
        return None
    return rows.entries[index].form[part]
