"""HR keeps the skills taxonomy: names, categories, parents, aliases and related skills."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from matcher.domain.model import Skill
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.io import fields
from matcher.services import taxonomy
from web.context import database, talent_map
from web.hr_common import field_errors


class SkillForm(FlaskForm):
    id = StringField(_l("Id"), validators=[Length(max=120)])
    name = StringField(_l("Name"), validators=[Length(max=200)])
    category = StringField(_l("Category"), validators=[Length(max=200)], render_kw={"list": "categories"})
    parent = SelectField(_l("Parent skill"), choices=[], validate_choice=False)
    aliases = StringField(_l("Aliases"), validators=[Length(max=1000)])
    related = TextAreaField(_l("Related skills"), validators=[Length(max=5000)])


def skills() -> Any:
    talent = talent_map()
    org = talent.organisation
    children = Counter(s.parent_id for s in org.skills if s.parent_id)
    rows = [
        {
            "skill": skill,
            "parent": talent.skill(skill.parent_id) if skill.parent_id else None,
            "children": children[skill.id],
            "related": len(taxonomy.relations_of(org.skills, skill.id)),
            "holders": len(talent.levels_in(skill.id)),
            "wanted": talent.wish_count(skill.id),
        }
        for skill in sorted(org.skills, key=lambda s: ((s.category or "~").casefold(), s.name.casefold()))
    ]
    return render_template("hr/people/skills.html", rows=rows)


def _parents(talent: TalentMap, skill_id: str | None) -> list[tuple[str, str]]:
    others = sorted(
        (s for s in talent.organisation.skills if s.id != skill_id), key=lambda s: s.name.casefold()
    )
    return [("", _("(none: a top-level skill)"))] + [(s.id, f"{s.name} ({s.id})") for s in others]


def _values(talent: TalentMap, skill: Skill) -> dict[str, Any]:
    return {
        "id": skill.id,
        "name": skill.name,
        "category": skill.category,
        "parent": skill.parent_id or "",
        "aliases": "; ".join(skill.aliases),
        "related": "\n".join(
            f"{r.skill_id}:{r.strength:g}"
            for r in taxonomy.relations_of(talent.organisation.skills, skill.id)
        ),
    }


def _submitted(form: SkillForm, skill_id: str) -> Skill:
    return taxonomy.skill_from_text(
        skill_id=skill_id,
        name=form.name.data or "",
        category=form.category.data or "",
        parent=form.parent.data or "",
        aliases=form.aliases.data or "",
        related=form.related.data or "",
    )


def _page(form: SkillForm, talent: TalentMap, skill: Skill | None, problems: list[str], status: int) -> Any:
    categories = sorted({s.category for s in talent.organisation.skills} - {""}, key=str.casefold)
    return render_template(
        "hr/people/skill_form.html",
        form=form,
        skill=skill,
        categories=categories,
        problems=problems,
        separators=fields.SKILL_ID_SEPARATORS,
    ), status


def add_skill() -> Any:
    talent = talent_map()
    form = SkillForm()
    form.parent.choices = _parents(talent, None)
    return _save(form, talent, None)


def edit_skill(skill_id: str) -> Any:
    talent = talent_map()
    skill = talent.skill(skill_id)
    if skill is None:
        abort(404, _("There is no skill with the id '%(id)s'.", id=skill_id))
    form = SkillForm(data=_values(talent, skill))
    form.parent.choices = _parents(talent, skill_id)
    return _save(form, talent, skill)


def _save(form: SkillForm, talent: TalentMap, skill: Skill | None) -> Any:
    status, loose = 200, []
    if form.validate_on_submit():
        try:
            if skill is None:
                submitted = taxonomy.add_skill(
                    database(), _submitted(form, form.id.data or ""), now=dt.datetime.now(dt.UTC)
                )
                flash(_("The skill %(name)s is added.", name=submitted.name), "info")
            else:
                submitted = taxonomy.update_skill(
                    database(), _submitted(form, skill.id), now=dt.datetime.now(dt.UTC)
                )
                flash(_("The skill %(name)s is saved.", name=submitted.name), "info")
        except InvalidInput as exc:
            status, loose = 400, field_errors(form, exc)
        else:
            return redirect(url_for("hr_people.skills", _anchor=f"skill-{submitted.id}"))
    elif request.method == "POST":
        status = 400
    return _page(form, talent, skill, loose, status)
