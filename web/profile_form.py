"""The profile form: one person's skills, wishes, opt-ins, working hours, languages and time zone.

It edits whichever person it is given and knows nothing of who is logged in, so the employee's
own profile (``web.me``) and HR's people pages use the same form:

* :func:`profile_form` builds it for a person, filled in from the talent map (on a POST the
  submitted values win);
* :func:`changes` turns a submitted form into the changes for
  :func:`matcher.services.profiles.update_person`;
* :func:`show_problems` puts the problems that service found (the importer's rules) at their
  fields, in the reader's language, and returns those that belong to no field.

A page that edits more (HR: name, department ...) subclasses :class:`ProfileForm` and adds
fields named like the organisation JSON's person keys; :func:`changes` picks them up.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from matcher.domain.model import MAX_PRIORITY, MIN_PRIORITY, WEEKDAYS, Person
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap, UnknownSkill
from matcher.io import fields
from matcher.services.profiles import HR_ONLY, field_of
from web import words
from web.phrases import say

#: The weekdays in the user's language, in the order of :data:`matcher.domain.model.WEEKDAYS`.
DAY_NAMES = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}
PRIORITY_WORDS = {1: _l("nice to have"), 2: _l("useful"), 3: _l("needed now")}
#: The largest capacities the organisation JSON accepts.
MAX_MENTEES, MAX_GUESTS = 50, 100
#: Person keys a subclass may add as plain fields (see the module docstring): those only HR changes.
EXTRA_KEYS = HR_ONLY


def level_choices() -> list[SelectChoice]:
    return [SelectChoice(str(w.value), f"{w.value} · {w.label}") for w in words.LEVELS if w.value >= 1]


def priority_choices() -> list[SelectChoice]:
    return [SelectChoice(str(p), f"{p} · {PRIORITY_WORDS[p]}") for p in range(MIN_PRIORITY, MAX_PRIORITY + 1)]


class SkillEntry(Form):
    """One held skill. The level is checked by the importer's rules, not by the choices, so a
    level outside the scale gets the same message as in a file."""

    skill_id = HiddenField()
    level = SelectField(_l("Level"), choices=level_choices, validate_choice=False)
    remove = BooleanField(_l("Remove"))


class WishEntry(Form):
    skill_id = HiddenField()
    priority = SelectField(_l("Priority"), choices=priority_choices, validate_choice=False)
    remove = BooleanField(_l("Remove"))


def _hours_field(day: str) -> StringField:
    return StringField(DAY_NAMES[day], validators=[Length(max=200)])


class ProfileForm(FlaskForm):
    skills = FieldList(FormField(SkillEntry), max_entries=500)
    new_skill = StringField(
        _l("Add a skill"),
        validators=[Length(max=200)],
        render_kw={"list": "skill-names", "autocomplete": "off"},
    )
    new_level = SelectField(_l("at level"), choices=level_choices, default="2", validate_choice=False)
    wishes = FieldList(FormField(WishEntry), max_entries=500)
    new_wish = StringField(
        _l("Add a learning wish"),
        validators=[Length(max=200)],
        render_kw={"list": "skill-names", "autocomplete": "off"},
    )
    new_priority = SelectField(
        _l("with priority"), choices=priority_choices, default="2", validate_choice=False
    )
    ask_me = BooleanField(_l("Colleagues may ask me about my skills"))
    mentor = BooleanField(_l("I am open to mentoring"))
    mentor_capacity = IntegerField(
        _l("Mentees at most"),
        validators=[Optional(), NumberRange(min=1, max=MAX_MENTEES)],
        default=1,
    )
    host = BooleanField(_l("Colleagues may shadow me at work"))
    host_capacity = IntegerField(
        _l("Guests a month at most"),
        validators=[Optional(), NumberRange(min=1, max=MAX_GUESTS)],
        default=1,
    )
    presenter = BooleanField(_l("I would present at a lunch & learn"))
    hours_mon = _hours_field("mon")
    hours_tue = _hours_field("tue")
    hours_wed = _hours_field("wed")
    hours_thu = _hours_field("thu")
    hours_fri = _hours_field("fri")
    hours_sat = _hours_field("sat")
    hours_sun = _hours_field("sun")
    languages = StringField(_l("Languages"), validators=[Length(max=200)])
    timezone = StringField(_l("Time zone"), validators=[Length(max=64)])

    #: Problems that belong to no single field (shown above the form).
    general_errors: list[str]
    #: Skill id -> name, for the rows of the skills and wishes tables.
    skill_names: dict[str, str]

    def hours_fields(self) -> list[StringField]:
        return [self[f"hours_{day}"] for day in WEEKDAYS]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        days = [f for f in self.hours_fields() if (f.data or "").strip()]
        for day, field in zip(WEEKDAYS, self.hours_fields(), strict=True):
            try:
                _day_ranges(day, field.data or "")
            except ValueError as exc:
                field.errors = [*field.errors, say(fields.reason(exc))]
                valid = False
        if not days:
            self.hours_mon.errors = [
                *self.hours_mon.errors,
                _("Give your working hours on at least one day."),
            ]
            valid = False
        return valid

    def validate_timezone(self, field: StringField) -> None:
        if not (field.data or "").strip():
            raise ValidationError(_("Give a time zone, such as Europe/Amsterdam."))


def _day_ranges(day: str, text: str) -> list[str]:
    """One day's ranges (``09:00-12:30, 13:00-17:30``), checked with the importer's parser."""
    ranges = [part.strip() for part in text.split(",") if part.strip()]
    if ranges:
        fields.parse_working_hours({day: ranges})
    return ranges


def initial_data(talent: TalentMap, person: Person) -> dict[str, Any]:
    """The form's values for a stored person."""
    hours = {f"hours_{day}": ", ".join(str(r) for r in person.working_hours.on(day)) for day in WEEKDAYS}
    return {
        "skills": [
            {"skill_id": s.id, "level": str(int(level))} for s, level in talent.holdings_of(person.id)
        ],
        "wishes": [{"skill_id": s.id, "priority": str(p)} for s, p in talent.wishes_of(person.id)],
        "ask_me": person.ask_me,
        "mentor": person.is_mentor,
        "mentor_capacity": person.mentor_capacity or 1,
        "host": person.is_host,
        "host_capacity": person.host_capacity or 1,
        "presenter": person.presenter,
        "languages": ", ".join(person.languages),
        "timezone": person.timezone,
        **hours,
    }


def profile_form(
    talent: TalentMap, person_id: str, form_class: type[ProfileForm] = ProfileForm, *, submitted: bool = True
) -> ProfileForm:
    """The form for this person: filled in from the talent map, or on a POST with what was sent
    (``submitted=False``: the stored values also on a POST of another form). Raises LookupError
    for nobody."""
    person = talent.person(person_id)
    if person is None:
        raise LookupError(person_id)
    data = initial_data(talent, person)
    form = form_class(data=data) if submitted else form_class(formdata=None, data=data)
    form.general_errors = []
    form.skill_names = {s.id: s.name for s in talent.skills}
    # Skills are added by typing (a suggestion list offers the names): a select of the whole
    # taxonomy made this page many times slower to draw than any other.
    form.skill_lookup = lambda text: _skill_id(talent, text)
    return form


def skill_name_list(talent: TalentMap) -> tuple[str, ...]:
    """Every skill name, for the suggestion list of the "add" fields."""
    return talent.skill_names


def _skill_id(talent: TalentMap, text: str) -> str:
    """The skill meant by an id, a name, an alias or a near spelling; else the text itself,
    for the importer's rules to report as an unknown skill."""
    text = text.strip()
    if talent.skill(text) is not None:
        return text
    try:
        return talent.resolve_skill(text)[0].id
    except UnknownSkill:
        return text


def _number(text: str | None) -> int | str:
    """A whole number when it is one; otherwise the text, for the importer's rules to judge."""
    text = (text or "").strip()
    return int(text) if text.lstrip("-").isdigit() else text


def changes(form: ProfileForm, *, leave_out_refused: bool = False) -> dict[str, Any]:
    """The submitted form as changes for :func:`matcher.services.profiles.update_person`.

    ``leave_out_refused``: leave out what the form itself already refused (a day's hours, a
    capacity out of range ...), so that :func:`matcher.services.profiles.check_person` can find the rest
    of the problems without reporting those twice."""

    def refused(*fields: Any) -> bool:
        return leave_out_refused and any(f.errors for f in fields)

    skills = {
        e.skill_id.data: _number(e.level.data) for e in form.skills if e.skill_id.data and not e.remove.data
    }
    if (form.new_skill.data or "").strip():
        skills[form.skill_lookup(form.new_skill.data)] = _number(form.new_level.data)
    wishes = {
        e.skill_id.data: _number(e.priority.data)
        for e in form.wishes
        if e.skill_id.data and not e.remove.data
    }
    if (form.new_wish.data or "").strip():
        wishes[form.skill_lookup(form.new_wish.data)] = _number(form.new_priority.data)
    hours = {
        day: _day_ranges(day, field.data or "")
        for day, field in zip(WEEKDAYS, form.hours_fields(), strict=True)
        if not refused(field)
    }
    found: dict[str, Any] = {
        "skills": skills,
        "wishes": wishes,
        "ask_me": bool(form.ask_me.data),
        "mentor_capacity": (form.mentor_capacity.data or 1) if form.mentor.data else 0,
        "host_capacity": (form.host_capacity.data or 1) if form.host.data else 0,
        "presenter": bool(form.presenter.data),
        "working_hours": {day: ranges for day, ranges in hours.items() if ranges},
        "languages": form.languages.data or "",
        "timezone": (form.timezone.data or "").strip(),
    }
    for key in EXTRA_KEYS:
        if key in form:
            found[key] = form[key].data
    if leave_out_refused:
        for key in [k for k in found if k not in ("skills", "wishes") and k in form and form[k].errors]:
            del found[key]
        if not found["working_hours"]:
            del found["working_hours"]
    return found


def _add(field: Any, message: str) -> None:
    field.errors = [*field.errors, say(message)]


def show_problems(form: ProfileForm, error: InvalidInput) -> list[str]:
    """Put each problem at its field (a skill's level at that skill's row); returns the messages
    that belong to no field, which are also kept in ``form.general_errors``. Every message is
    said in the reader's language."""
    unplaced = []
    for problem in error.problems:
        key = field_of(problem)
        detail = (problem.where.field or "").partition(".")[2].split(".")[0]
        target = None
        if key in ("skills", "wishes"):
            entries, value, new, new_value = (
                (form.skills, "level", form.new_skill, form.new_level)
                if key == "skills"
                else (form.wishes, "priority", form.new_wish, form.new_priority)
            )
            target = next((e[value] for e in entries if e.skill_id.data == detail), None)
            if target is None and new.data == detail:
                target = new_value
        elif key == "working_hours":
            target = form[f"hours_{detail}"] if detail in WEEKDAYS else None
        elif key in form and key not in ("skills", "wishes"):
            target = form[key]
        if target is None:
            unplaced.append(say(problem.at_field()))
        else:
            _add(target, problem.message)
    form.general_errors = [*getattr(form, "general_errors", []), *unplaced]
    return unplaced
