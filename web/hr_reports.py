"""HR's reports: knowledge at risk, skill coverage per department, rounds, reflections, the talent map.

Views read their filters from the query string, call :mod:`matcher.domain.reports` (plain computations)
or a service, and render; pictures are SVG drawn on the server (:mod:`web.plots`), each with its
numbers also in a table. The blueprint's routing table is at the end; every route is for HR only.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from matcher.domain import reports
from matcher.domain.talentmap import TalentMap
from matcher.plans.facts import rounds_from_storage
from matcher.services import notices, reflections, transfer
from matcher.services import rounds as round_service
from web import plots, words
from web.auth import require_login, roles_required
from web.context import database, talent_map

hr_reports = Blueprint("hr_reports", __name__)
hr_reports.before_request(require_login)

#: The most people the talent map picture draws, and the default.
MAP_PEOPLE = (1, 60, 200)
MAP_SKILLS = 40
#: Layouts kept per talent map (a new map, after any change of the data, starts afresh).
MAP_CACHE_SIZE = 32

REASONS = {
    "locked": _l("in a pair or group HR locked"),
    "group-size": _l("the number of people did not divide into groups"),
    "taken": _l("their possible partners went to better fits"),
    "rules": _l("ruled out by the rules"),
    "experience": _l("no one with the right difference in experience"),
    "no-match": _l("nobody taking part fits what they want"),
    "other": _l("another reason"),
}
TENURE = {
    "under-1": _l("under 1 year"),
    "1-5": _l("1 to 5 years"),
    "5-15": _l("5 to 15 years"),
    "15-plus": _l("15 years or more"),
    "unknown": _l("start date unknown"),
}
RISK_KINDS = {
    "nobody": _l("nobody at level 3 or higher"),
    "few": _l("held by few"),
    "leaving": _l("holders leave"),
}
STATUSES = {"proposed": _l("proposed"), "published": _l("published"), "history": _l("from the history")}


# -- filters ----------------------------------------------------------------------------------------


class Filters:
    """Query parameters checked one by one; what is wrong is said on the page, which answers 400."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def choice(self, name: str, options: Collection[str], what: Any) -> str | None:
        value = (request.args.get(name) or "").strip()
        if not value:
            return None
        if value not in options:
            self.problems.append(_("There is no %(what)s '%(value)s'.", what=what, value=value[:80]))
            return None
        return value

    def number(self, name: str, *, default: int, low: int, high: int, what: Any) -> int:
        raw = (request.args.get(name) or "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            self.problems.append(
                _("%(what)s: give a whole number from %(low)d to %(high)d.", what=what, low=low, high=high)
            )
            return default
        return value

    @property
    def status(self) -> int:
        return 400 if self.problems else 200


def departments_of(talent: TalentMap) -> list[str]:
    return sorted({p.department for p in talent.organisation.people} - {""}, key=str.casefold)


def kind_label(kind: str) -> Any:
    word = words.by_value(words.ROUND_KINDS).get(kind)
    if word is not None:
        return word.label
    return {"meeting": _("Meetings")}.get(kind, kind)


def level_label(level: int) -> Any:
    return words.level(level).label


def template_words() -> dict[str, Any]:
    return {
        "reason_words": REASONS,
        "tenure_words": TENURE,
        "tenure_bands": [band for band, _low, _high in reports.TENURE_BANDS] + [reports.UNKNOWN_TENURE],
        "risk_words": RISK_KINDS,
        "status_words": STATUSES,
        "kind_label": kind_label,
        "level_label": level_label,
        "levels": words.LEVELS,
        "value_levels": words.VALUE_LEVELS,
    }


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **template_words(), **context), status


# -- the pages --------------------------------------------------------------------------------------


def reports_index() -> Any:
    return render("hr/reports/index.html")


def risks() -> Any:
    talent = talent_map()
    filters = Filters()
    departments = departments_of(talent)
    department = filters.choice("department", departments, _("department"))
    min_holders = filters.number("min_holders", default=3, low=1, high=20, what=_("Fewer than"))
    horizon = filters.number("horizon", default=180, low=0, high=3650, what=_("Days ahead"))
    scope = None
    if department is not None:
        scope = {p.id for p in talent.organisation.people if p.department == department}
    lines = reports.knowledge_at_risk(talent, people=scope, min_holders=min_holders, horizon_days=horizon)
    return render(
        "hr/reports/risks.html",
        filters.status,
        transfer=transfer.coverage(database()),
        problems=filters.problems,
        lines=lines,
        departments=departments,
        department=department,
        min_holders=min_holders,
        horizon=horizon,
    )


def coverage() -> Any:
    talent = talent_map()
    org = talent.organisation
    filters = Filters()
    categories = sorted({s.category for s in org.skills}, key=lambda c: (c == "", c.casefold()))
    category = filters.choice("category", categories, _("category"))
    by = filters.choice("rows", ("category", "skill"), _("kind of row")) or "category"
    min_level = filters.number("level", default=3, low=1, high=4, what=_("Level"))
    heatmap = reports.coverage_heatmap(org, by=by, category=category, min_level=min_level)
    columns = [d or _("no department") for d in heatmap.departments]
    rows = [r.label or _("Other") for r in heatmap.rows]
    if heatmap.by == "category":
        links = [url_for(".coverage", category=r.key, level=min_level) for r in heatmap.rows]
    else:
        links = [url_for("pages.skill", skill_id=r.key) for r in heatmap.rows]

    def cell_title(i: int, j: int, value: int) -> str:
        return _(
            "%(row)s in %(department)s: %(count)d of %(people)d people at level %(level)d or higher",
            row=rows[i],
            department=columns[j],
            count=value,
            people=heatmap.headcounts[j],
            level=min_level,
        )

    picture = plots.heatmap(
        rows,
        columns,
        [r.values for r in heatmap.rows],
        title=_("People at level %(level)d or higher per department", level=min_level),
        cell_title=cell_title,
        legend=_("People at level %(level)d or higher", level=min_level),
        row_links=links,
    )
    return render(
        "hr/reports/coverage.html",
        filters.status,
        problems=filters.problems,
        heatmap=heatmap,
        picture=picture,
        rows=list(zip(rows, links, heatmap.rows, strict=True)),
        columns=columns,
        categories=categories,
        category=category,
        by=heatmap.by,
        min_level=min_level,
    )


def rounds() -> Any:
    talent = talent_map()
    org = talent.organisation
    db = database()
    stored = [round_service.load_round(db, summary.name) for summary in round_service.list_rounds(db)]
    facts = rounds_from_storage(stored)
    facts += reports.rounds_from_history(org, besides={s.name for s in stored})
    facts.sort(key=lambda f: (f.day, f.name), reverse=True)
    filters = Filters()
    kinds = sorted({f.kind for f in facts})
    kind = filters.choice("kind", kinds, _("kind of round"))
    if kind is not None:
        facts = [f for f in facts if f.kind == kind]
    chosen = filters.choice("round", [f.name for f in facts], _("round"))
    stats = [reports.round_stats(f, org) for f in facts]
    shares = reports.department_participation([f for f in facts if chosen in (None, f.name)], org)
    chart = None
    if stats:
        chart = plots.bars(
            [
                plots.Bar(
                    s.name,
                    (s.took_part, s.left_out),
                    _("%(part)d of %(eligible)d", part=s.took_part, eligible=s.eligible)
                    if s.eligible is not None
                    else str(s.took_part),
                )
                for s in stats
            ],
            title=_("Took part and left out per round"),
            series=[_("took part"), _("left out")],
        )
    return render(
        "hr/reports/rounds.html",
        filters.status,
        problems=filters.problems,
        stats=stats,
        shares=shares,
        chart=chart,
        kinds=kinds,
        kind=kind,
        round_names=[f.name for f in facts],
        chosen=chosen,
    )


def reflection_report() -> Any:
    db = database()
    facts = reflections.reflection_facts(db)
    overall = reflections.reflection_counts(db)
    by_kind = reflections.reflection_tallies(db, by="round_kind")
    round_names = {s.name for s in round_service.list_rounds(db)}
    by_round = {k: v for k, v in reflections.reflection_tallies(db, by="source").items() if k in round_names}
    quarters = reports.reflections_per_quarter(facts)
    check_ins_by_kind = notices.check_in_counts(db, by="round_kind")
    check_ins_by_round = {
        k: v for k, v in notices.check_in_counts(db, by="source").items() if k in round_names
    }
    total = len(facts)
    chart = None
    if total:
        chart = plots.bars(
            [plots.Bar(str(word.label), (overall[word.value],)) for word in words.VALUE_LEVELS],
            title=_("Reflections that reached each value level"),
            series=[_("reflections")],
        )
    return render(
        "hr/reports/reflections.html",
        total=total,
        stories=sum(1 for f in facts if f.has_story),
        overall=overall,
        by_kind=by_kind,
        by_round=by_round,
        quarters=quarters,
        chart=chart,
        check_ins_by_kind=check_ins_by_kind,
        check_ins_by_round=check_ins_by_round,
    )


_pictures: weakref.WeakKeyDictionary[TalentMap, dict[tuple, reports.MapPicture]] = weakref.WeakKeyDictionary()
_pictures_lock = threading.Lock()


def cached_picture(talent: TalentMap, **options: Any) -> reports.MapPicture:
    """The picture for these filters; a layout is computed once per talent map and filter."""
    key = tuple(sorted(options.items()))
    with _pictures_lock:
        found = _pictures.setdefault(talent, {}).get(key)
    if found is None:
        found = reports.map_picture(talent, **options)
        with _pictures_lock:
            kept = _pictures.setdefault(talent, {})
            if len(kept) >= MAP_CACHE_SIZE:
                kept.pop(next(iter(kept)))
            kept[key] = found
    return found


def talent_picture() -> Any:
    talent = talent_map()
    filters = Filters()
    departments = departments_of(talent)
    skills = sorted(talent.organisation.skills, key=lambda s: (s.name.casefold(), s.id))
    department = filters.choice("department", departments, _("department"))
    skill = filters.choice("skill", {s.id for s in skills}, _("skill"))
    low, default, high = MAP_PEOPLE
    limit = filters.number("limit", default=default, low=low, high=high, what=_("People drawn"))
    min_level = filters.number("level", default=3, low=1, high=4, what=_("Level"))
    picture = cached_picture(
        talent, department=department, skill_id=skill, people=limit, skills=MAP_SKILLS, min_level=min_level
    )
    colours = plots.group_colours(picture.groups)
    svg: Markup | None = None
    if picture.nodes:
        svg = plots.network(
            picture,
            title=_("People and the skills they hold at level %(level)d or higher", level=min_level),
            person_href=lambda pid: url_for("pages.person", person_id=pid),
            skill_href=lambda sid: url_for("pages.skill", skill_id=sid),
            colours=colours,
        )
    return render(
        "hr/reports/map.html",
        filters.status,
        problems=filters.problems,
        picture=picture,
        svg=svg,
        colours=colours,
        departments=departments,
        department=department,
        skills=skills,
        skill=skill,
        limit=limit,
        limits=MAP_PEOPLE,
        min_level=min_level,
        people=[n for n in picture.nodes if n.kind == "person"],
        drawn_skills=[n for n in picture.nodes if n.kind == "skill"],
    )


# -- routing table ----------------------------------------------------------------------------------

_routes = (
    ("/", "reports", reports_index),
    ("/risks", "risks", risks),
    ("/coverage", "coverage", coverage),
    ("/rounds", "rounds", rounds),
    ("/reflections", "reflections", reflection_report),
    ("/map", "talent_map", talent_picture),
)
for _rule, _endpoint, _view in _routes:
    hr_reports.add_url_rule(_rule, _endpoint, roles_required("hr")(_view), methods=["GET"])
