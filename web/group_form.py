"""The settings form of a group round (think tank, intervision, community of practice).

Beside the criteria per attribute it shows what else a group may be asked to hold: how many
people of one kind (``counts``), an average close to the round's (``balance``), the bands of
experience and the working time a group shares; each with a sentence saying what its weight
costs. :func:`group_mapping` turns the form into the mapping ``GroupConfig.from_mapping`` reads,
and :func:`group_field` says at which field each problem it reports belongs.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.domain.model import Organisation
from matcher.engines.groups import GroupConfig
from matcher.engines.groups.config import ATTRIBUTES
from web import words
from web.numbers import NumberField, decimal_comma, read_numbers, show_numbers
from web.round_forms import NameMixin, SelectionMixin, _field, _field_name, _options, _value
from web.round_settings import ATTRIBUTE_WORDS, GOAL_WORDS, GROUP_OTHER, criterion_help

#: Rows the form shows for count ranges and balances, beyond those a round already holds.
COUNT_ROWS = 3
BALANCE_ROWS = 2


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CountForm(Form):
    """One count range: how many people of one kind each group holds."""

    attribute = SelectField(_l("Who counts"), choices=[], default="")
    value = StringField(_l("Value"), validators=[Optional(), Length(max=200)])
    level = SelectField(
        _l("Level, at least"),
        choices=_options((w.value, w.label) for w in words.LEVELS),
        coerce=int,
        default=3,
    )
    min = IntegerField(_l("At least"), validators=[Optional()])
    max = IntegerField(_l("At most"), validators=[Optional()])
    hard = BooleanField(_l("Hard rule"), default=True)
    weight = NumberField(_l("Weight"), default=1.0, validators=[Optional()])


class BalanceForm(Form):
    """One balance: a group's average of a number close to the round's."""

    attribute = SelectField(_l("Average of"), choices=[], default="")
    weight = NumberField(_l("Weight"), default=1.0, validators=[Optional()])
    tolerance = NumberField(_l("Tolerance"), validators=[Optional()])


class GroupForm(SelectionMixin, FlaskForm):
    topic_skills = SelectMultipleField(
        _l("Topic skills"),
        choices=[],
        validate_choice=True,
        description=_l("Each group holds someone at the topic level or more in each of these."),
    )
    no_isolated = MultiCheckboxField(
        _l("Nobody alone in their"),
        choices=_options((a, ATTRIBUTE_WORDS[a]) for a in ATTRIBUTES),
        description=_l("Where it can be avoided, nobody is the only one of their value in a group."),
    )
    counts = FieldList(
        FormField(CountForm),
        _l("How many per group"),
        min_entries=COUNT_ROWS,
        description=_l(
            "How many people of one kind each group holds: at most 2 from one department, or 1 to 2 "
            "people at level 3 or more in a skill. With a value (a site's name, say) only people with "
            "that value count; without one the range holds for each value on its own, so give only a "
            "maximum. The level counts for a skill only. Hard: no group breaks it. Soft: each person "
            "short or over costs the weight in points."
        ),
    )
    balance = FieldList(
        FormField(BalanceForm),
        _l("Balanced averages"),
        min_entries=BALANCE_ROWS,
        description=_l(
            "Each group's average close to that of everyone in the round. Each year (or level) a "
            "group's average is off costs the weight in points. With a tolerance, in years or levels, "
            "no group may be further off than that."
        ),
    )
    experience_bands = StringField(
        _l("Cut-offs in years"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "Experience is compared in bands of years. Give the cut-offs separated by commas, for "
            "example 2, 5, 10. Empty: the bands are cut where the spread of the people taking part "
            "puts about as many people in each."
        ),
    )
    band_count = IntegerField(
        _l("Number of bands"),
        default=4,
        validators=[InputRequired()],
        description=_l("How many bands, when no cut-offs are given (2 to 10)."),
    )
    shared_time__hours = NumberField(
        _l("Shared working time (hours a week)"),
        validators=[Optional()],
        description=_l(
            "The members of each group share at least this many working hours a week, each in their "
            "own time zone. Only working hours count, not calendars. Empty: switched off."
        ),
    )
    shared_time__hard = BooleanField(
        _l("Hard rule"),
        description=_l("Hard: no group shares less. Soft: each hour short costs the weight in points."),
    )
    shared_time__weight = NumberField(_l("Weight per hour short"), default=1.0, validators=[Optional()])

    def validate_experience_bands(self, field: Field) -> None:
        try:
            _years(field.data)
        except ValueError:
            raise ValidationError(
                _l("Give years as numbers separated by commas, for example 2, 5, 10.")
            ) from None


for _setting in GROUP_OTHER:
    setattr(GroupForm, _setting.name, _field(_setting, _value(GroupConfig(), _setting.path)))
for _attribute in ATTRIBUTES:
    setattr(
        GroupForm,
        f"goal_{_attribute}",
        SelectField(ATTRIBUTE_WORDS[_attribute], choices=_options(GOAL_WORDS)),
    )
    setattr(
        GroupForm,
        f"weight_{_attribute}",
        NumberField(
            _l("Weight"),
            default=0.0,
            validators=[InputRequired()],
            description=criterion_help(_attribute),
        ),
    )


class NewGroupForm(NameMixin, GroupForm):
    pass


def group_form(kind: str, org: Organisation, config: GroupConfig, *, new: bool) -> GroupForm:
    form = (NewGroupForm if new else GroupForm)(data=_group_data(config))
    form.set_organisation(org)
    skills = sorted(org.skills, key=lambda s: s.name.casefold())
    form.topic_skills.choices = [(s.id, s.name) for s in skills]
    if not form.is_submitted():
        form.fill_selection(config.select)
    counted = [
        ("", _("nobody: not used")),
        *((a, ATTRIBUTE_WORDS[a]) for a in ATTRIBUTES),
        *((f"skill:{s.id}", _("skill: %(skill)s", skill=s.name)) for s in skills),
        *((f"interest:{s.id}", _("interest in %(skill)s", skill=s.name)) for s in skills),
    ]
    averaged = [
        ("", _("nothing: not used")),
        ("experience", _("experience (years)")),
        ("tenure", _("years with the organisation")),
        *((f"level:{s.id}", _("level in %(skill)s", skill=s.name)) for s in skills),
    ]
    for rows, choices, held in (
        (form.counts, counted, config.counts),
        (form.balance, averaged, config.balance),
    ):
        # A round may name a skill the organisation no longer has: it stays a choice, by its id.
        known = {value for value, _label in choices}
        choices += [(h.attribute, h.attribute) for h in held if h.attribute not in known]
        for row in rows:
            row.form.attribute.choices = choices
    form.criteria = [(a, form[f"goal_{a}"], form[f"weight_{a}"]) for a in ATTRIBUTES]
    form.others = [(s, form[s.name]) for s in GROUP_OTHER]
    return form


def _group_data(config: GroupConfig) -> dict[str, Any]:
    data: dict[str, Any] = {s.name: _value(config, s.path) for s in GROUP_OTHER}
    by_attribute = {c.attribute: c for c in config.criteria}
    for attribute in ATTRIBUTES:
        criterion = by_attribute.get(attribute)
        data[f"goal_{attribute}"] = criterion.goal if criterion else "ignore"
        data[f"weight_{attribute}"] = criterion.weight if criterion else 0.0
    data["topic_skills"] = list(config.topic_skills)
    data["no_isolated"] = list(config.no_isolated)
    data["counts"] = [c.as_dict() for c in config.counts]
    data["balance"] = [b.as_dict() for b in config.balance]
    data["experience_bands"] = show_numbers(config.experience_bands)
    data["band_count"] = config.band_count
    shared = config.shared_time
    data["shared_time__hours"] = shared.hours if shared else None
    data["shared_time__hard"] = shared.hard if shared else False
    data["shared_time__weight"] = shared.weight if shared else 1.0
    return data


def group_mapping(form: GroupForm, kind: str, base: GroupConfig) -> dict[str, Any]:
    """What the form says, as ``GroupConfig.from_mapping`` reads it. What the form does not show
    (criteria on one skill from a config file, locks, forbidden pairs, the seed) is kept from ``base``."""
    data: dict[str, Any] = base.as_dict() | {"kind": kind}
    for setting in GROUP_OTHER:
        data[setting.path] = form[setting.name].data
    criteria = [
        {"attribute": a, "goal": form[f"goal_{a}"].data, "weight": form[f"weight_{a}"].data}
        for a in ATTRIBUTES
    ]
    criteria += [dataclasses.asdict(c) for c in base.criteria if c.attribute not in ATTRIBUTES]
    data["criteria"] = criteria
    data["topic_skills"] = list(form.topic_skills.data or ())
    data["no_isolated"] = list(form.no_isolated.data or ())
    data["select"] = form.selection()
    data["counts"] = [_count(form.counts[i].form) for i in _used(form.counts)]
    data["balance"] = [_balance(form.balance[i].form) for i in _used(form.balance)]
    data["experience_bands"] = _years(form.experience_bands.data)
    data["band_count"] = form.band_count.data
    hours = form.shared_time__hours.data
    data["shared_time"] = (
        None
        if hours is None
        else {
            "hours": hours,
            "hard": form.shared_time__hard.data,
            "weight": _weight(form.shared_time__weight),
        }
    )
    return data


def _used(rows: FieldList) -> list[int]:
    """The rows HR filled in, by their place on the form; a row without an attribute is empty."""
    return [i for i, row in enumerate(rows) if row.form.attribute.data]


def _count(row: CountForm) -> dict[str, Any]:
    return {
        "attribute": row.attribute.data,
        "value": (row.value.data or "").strip(),
        "level": row.level.data,
        "min": row.min.data or 0,
        "max": row.max.data,
        "hard": row.hard.data,
        "weight": _weight(row.weight),
    }


def _balance(row: BalanceForm) -> dict[str, Any]:
    return {"attribute": row.attribute.data, "weight": _weight(row.weight), "tolerance": row.tolerance.data}


def _weight(field: Field) -> float:
    """An empty weight is the default one."""
    return 1.0 if field.data is None else field.data


def _years(text: str | None) -> list[float]:
    """The cut-offs as HR types them, "2, 5, 10" (in Dutch also "2; 5,5; 10"); ValueError when
    one is not a number."""
    return read_numbers(text, comma_decimals=decimal_comma())


def group_field(form: GroupForm, path: str) -> str | None:
    """The form field a GroupConfig problem is about: ``criteria[2].weight`` is the third weight,
    ``counts[1].max`` the maximum of the second count range HR filled in."""
    found = re.fullmatch(r"criteria\[(\d+)\](?:\.(\w+))?", path)
    if found:
        index = int(found.group(1))
        if index < len(ATTRIBUTES):
            part = "weight" if found.group(2) == "weight" else "goal"
            return f"{part}_{ATTRIBUTES[index]}"
        return None
    found = re.fullmatch(r"(counts|balance)(?:\[(\d+)\](?:\.(\w+))?)?", path)
    if found:
        rows = form[found.group(1)]
        used = _used(rows)
        index = int(found.group(2) or 0)
        part = found.group(3) or "attribute"
        if index >= len(used) or part not in rows[used[index]].form:
            return None
        return f"{found.group(1)}-{used[index]}-{part}"
    if path == "shared_time":
        return "shared_time__hours"
    return _field_name(form, path)
