"""The talent-map explorer: people and skills in clusters that open on demand, drawn in the browser.

For everyone, each seeing what they may see elsewhere in meeloop (:class:`Reader`): an employee the
colleagues who are open to questions, with the skills they share, and their own wishes; a manager
also their reporting line, with wishes, knowledge at risk and bridge figures, as on the team page;
HR everything. What a reader may not see is left out on the server, from the page and the JSON
alike, and not counted in the clusters either.

The page works without JavaScript: every open, find and show is a link or a form, and the table
under the graph says in text what the graph shows; for HR the page also draws the picture of the
talent map on the server (:mod:`web.hr_reports`). With the graph library installed (``meeloop
assets``), :file:`static/explorer.js` draws the same view with cytoscape and asks ``view.json`` for
each change, so the browser only ever holds the clusters that are open.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from matcher.domain.reports import explorer as clusters
from matcher.domain.reports import knowledge_at_risk
from matcher.domain.talentmap import Bridge, TalentMap
from web import plots, team, words
from web.access import reports_of
from web.auth import require_login, roles_required
from web.context import talent_map
from web.hr_reports import MAP_SKILLS, cached_picture

explorer = Blueprint("explorer", __name__)
explorer.before_request(require_login)

#: The graph library, as ``meeloop assets`` puts it in the static folder.
LIBRARY = Path("vendor") / "cytoscape.min.js"
#: The most clusters one view opens, and the most matches a search lists.
MOST_OPEN = 40
MOST_FOUND = 12
#: Bridge figures marked on the map.
BRIDGES = 20

_bridges: weakref.WeakKeyDictionary[TalentMap, frozenset[str]] = weakref.WeakKeyDictionary()
_bridges_lock = threading.Lock()


def library_installed() -> bool:
    return (Path(current_app.static_folder or "") / LIBRARY).is_file()


def bridge_ids(talent: TalentMap) -> frozenset[str]:
    """The bridge figures of this map, worked out once per map (it takes seconds on a large one)."""
    with _bridges_lock:
        found = _bridges.get(talent)
    if found is None:
        found = frozenset(b.person_id for b in talent.bridges(limit=BRIDGES))
        with _bridges_lock:
            _bridges[talent] = found
    return found


# -- who reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """What the logged-in account may see on the map: ``scope`` holds the people and whose wishes;
    ``line`` is a manager's reporting line, where knowledge at risk and bridge figures are marked
    (HR: everywhere, an employee: nowhere). ``me`` is the reader's own person id."""

    scope: clusters.Scope
    is_hr: bool = False
    me: str | None = None
    line: frozenset[str] = frozenset()

    @property
    def marks(self) -> bool:
        return self.is_hr or bool(self.line)

    def risks(self, talent: TalentMap) -> set[str]:
        """The skills at risk the reader may see: the organisation's for HR, the team's (as on
        the team page) for a manager."""
        if self.is_hr:
            return {r.skill_id for r in talent.risks()}
        if not self.line:
            return set()
        people = (self.line | {self.me}) if self.me else self.line
        lines = knowledge_at_risk(
            talent, people=people, min_holders=team.MIN_HOLDERS, horizon_days=team.HORIZON
        )
        return {line.skill_id for line in lines}

    def bridges(self, talent: TalentMap) -> frozenset[str]:
        if self.is_hr:
            return bridge_ids(talent)
        return frozenset(b.person_id for b in talent.bridges_among(sorted(self.line)))

    def bridge(self, talent: TalentMap, person_id: str) -> Bridge | None:
        """The person as a bridge figure, when the reader may know: HR of the organisation's
        foremost, a manager of anyone in their line."""
        if self.is_hr:
            return next((b for b in talent.bridges(limit=BRIDGES) if b.person_id == person_id), None)
        return talent.bridge(person_id) if person_id in self.line else None

    def person_href(self, person_id: str) -> str:
        if self.is_hr:
            return url_for("hr_people.person", person_id=person_id)
        return url_for("pages.person", person_id=person_id)


def reader(talent: TalentMap) -> Reader:
    if current_user.is_hr:
        return Reader(clusters.Scope(), is_hr=True)
    me = current_user.person_id
    line = frozenset(reports_of(talent.organisation, me)) if current_user.is_manager and me else frozenset()
    return Reader(clusters.sight(talent, reader=me, line=line), me=me, line=line)


# -- the request ------------------------------------------------------------------------------------


class Request:
    """What the page shows, from the query string; what does not exist is left out and said."""

    def __init__(self, talent: TalentMap, who: Reader) -> None:
        self.reader = who
        people = [p for p in talent.organisation.people if who.scope.has(p)]
        self.departments = sorted({p.department for p in people} - {""}, key=str.casefold)
        self.sites = sorted({p.site for p in people} - {""}, key=str.casefold)
        self.problems: list[str] = []
        department = self._choice("department", self.departments, _("department"))
        site = self._choice("site", self.sites, _("site"))
        level = (request.args.get("level") or "").strip()
        min_level = int(level) if level in {"1", "2", "3", "4"} else int(clusters.KEY_LEVEL)
        if level and level != str(min_level):
            self.problems.append(_("Level: give a whole number from %(low)d to %(high)d.", low=1, high=4))
        self.scope = dataclasses.replace(who.scope, department=department, site=site, min_level=min_level)
        self.show_risks = who.marks and request.args.get("risks") == "1"
        self.show_bridges = who.marks and request.args.get("bridges") == "1"
        self.open = [v for v in request.args.getlist("open") if v][:MOST_OPEN]
        self.focus = (request.args.get("focus") or "").strip()[:200] or None
        self.find = (request.args.get("find") or "").strip()[:100]

    def _choice(self, name: str, options: list[str], what: str) -> str | None:
        value = (request.args.get(name) or "").strip()
        if value and value not in options:
            self.problems.append(_("There is no %(what)s '%(value)s'.", what=what, value=value[:80]))
            return None
        return value or None

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this view with some parts changed (None leaves a part out)."""
        values: dict[str, Any] = {
            "department": self.scope.department,
            "site": self.scope.site,
            "level": self.scope.min_level if self.scope.min_level != clusters.KEY_LEVEL else None,
            "risks": "1" if self.show_risks else None,
            "bridges": "1" if self.show_bridges else None,
            "open": list(self.open),
            "focus": self.focus,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "", [])}


def href(args: dict[str, Any]) -> str:
    return url_for("explorer.page") + ("?" + urlencode(args, doseq=True) if args else "")


# -- what is drawn, in words --------------------------------------------------------------------------


def name_of(node: clusters.ExplorerNode) -> str:
    if node.label:
        return node.label
    return {
        "department": _("no department"),
        "team": _("no team"),
        "category": _("Other"),
    }.get(node.kind, node.id)


def size_of(node: clusters.ExplorerNode) -> str:
    if node.kind in ("department", "team"):
        return ngettext("%(num)d person", "%(num)d people", node.size)
    if node.kind == "category":
        return ngettext("%(num)d skill", "%(num)d skills", node.size)
    return ""


def graph_label(node: clusters.ExplorerNode) -> str:
    size = size_of(node)
    return f"{name_of(node)}\n{size}" if size and not node.is_open else name_of(node)


def element_data(view: clusters.ExplorerView, req: Request) -> dict[str, Any]:
    nodes = [
        {
            "data": {
                "id": n.id,
                "label": graph_label(n),
                "name": name_of(n),
                "kind": n.kind,
                **({"parent": n.parent} if n.parent else {}),
                "size": n.size,
                "holdings": n.holdings,
                "wishes": n.wishes,
                "risk": n.at_risk if req.show_risks else 0,
                "bridges": n.bridges if req.show_bridges else 0,
                "open": n.is_open,
                "unlisted": n.unlisted,
            },
            "classes": " ".join(_classes(n, req)),
        }
        for n in view.nodes
    ]
    edges = [
        {"data": {"id": f"{e.source}→{e.target}", "source": e.source, "target": e.target, "weight": e.weight}}
        for e in view.edges
    ]
    return {"nodes": nodes, "edges": edges}


def _classes(node: clusters.ExplorerNode, req: Request) -> Iterable[str]:
    yield node.kind
    yield "people-side" if node.kind in clusters.PEOPLE_KINDS else "skill-side"
    if node.is_cluster:
        yield "cluster"
    if node.is_open:
        yield "open"
    if req.show_risks and node.at_risk:
        yield "risk"
    if req.show_bridges and node.bridges:
        yield "bridge"
    if node.unlisted:
        yield "unlisted"


def summary(view: clusters.ExplorerView) -> str:
    drawn = len(view.nodes)
    return _(
        "%(drawn)s drawn of %(people)s and %(skills)s; %(edges)s.",
        drawn=ngettext("%(num)d node", "%(num)d nodes", drawn),
        people=ngettext("%(num)d person", "%(num)d people", view.people),
        skills=ngettext("%(num)d skill", "%(num)d skills", view.skills),
        edges=ngettext(
            "%(num)d line for the strongest ties", "%(num)d lines for the strongest ties", len(view.edges)
        ),
    )


def _parts(talent: TalentMap, req: Request) -> dict[str, Any]:
    """Everything the page and the JSON answers share: the view, its table, the focus and the finds."""
    found = clusters.find(talent, req.find, scope=req.scope, limit=MOST_FOUND) if req.find else None
    if found and req.focus is None:
        # The first match in its own context: its clusters open, the others closed.
        req.focus = found[0].id
        req.open = list(found[0].opens)
    if req.focus:
        # What is in focus is drawn: the clusters around it open.
        req.open = [*req.open, *clusters.path_to(talent, req.focus, req.scope)]
    who = req.reader
    risks = who.risks(talent) if req.show_risks else set()
    bridges = who.bridges(talent) if req.show_bridges else frozenset()
    view = clusters.explorer_view(talent, open_ids=req.open, scope=req.scope, at_risk=risks, bridges=bridges)
    req.open = list(view.open)
    focus = clusters.focus(talent, req.focus, open_ids=view.open, scope=req.scope) if req.focus else None
    chosen = req.focus if focus is not None and req.focus else ""
    # A chosen person who is a bridge figure is said to be one; a chosen skill names its hub person.
    bridge = who.bridge(talent, chosen[2:]) if chosen.startswith("p:") else None
    hub = talent.hub(chosen[2:]) if chosen.startswith("s:") else None
    context = {
        "hub": hub,
        "view": view,
        "req": req,
        "href": href,
        "name_of": name_of,
        "size_of": size_of,
        "focus": focus,
        "focus_node": _focus_node(talent, req.focus, who) if focus else None,
        "reader": who,
        "found": found,
        "bridge": bridge,
        "level_label": lambda level: words.level(level).label,
        "open_href": lambda node: href(req.args(open=[*req.open, node.id], focus=None)),
        "close_href": lambda node: href(req.args(open=clusters.closed(req.open, node.id), focus=None)),
        "focus_href": lambda node_id: href(req.args(focus=node_id)),
        "wish_words": {1: _("nice to have"), 2: _("useful"), 3: _("needed now")},
    }
    return context


def _focus_node(talent: TalentMap, node_id: str | None, who: Reader) -> dict[str, str] | None:
    kind, _sep, key = (node_id or "").partition(":")
    if kind == "p" and (person := talent.person(key)) is not None:
        return {"kind": "person", "name": person.name, "href": who.person_href(key)}
    if kind == "s" and (skill := talent.skill(key)) is not None:
        return {"kind": "skill", "name": skill.name, "href": url_for("pages.skill", skill_id=key)}
    return None


# -- the routes ---------------------------------------------------------------------------------------


def page() -> Any:
    talent = talent_map()
    req = Request(talent, reader(talent))
    parts = _parts(talent, req)
    installed = library_installed()
    svg, picture, colours = _picture(talent, req) if req.reader.is_hr else (None, None, {})
    settings = {
        "view": url_for("explorer.view_json"),
        "page": url_for("explorer.page"),
        "focus": _focus_json(parts["focus"]),
        "words": {
            "loading": _("Loading the map…"),
            "failed": _("The map could not be loaded. The drawn picture below still shows it.")
            if req.reader.is_hr
            else _("The map could not be loaded. The table below still says what it shows."),
        },
    }
    return render_template(
        "explorer/page.html",
        **parts,
        installed=installed,
        library=LIBRARY.as_posix(),
        settings=settings,
        elements=element_data(parts["view"], req) if installed else None,
        summary=summary(parts["view"]),
        svg=svg,
        picture=picture,
        colours=colours,
        levels=words.LEVELS,
    ), (400 if req.problems else 200)


def _picture(talent: TalentMap, req: Request) -> tuple[Markup | None, Any, dict[str, str]]:
    """HR's picture of the talent map, drawn on the server for printing and for browsers without
    the graph: the view's department and chosen skill."""
    svg: Markup | None = None
    picture = cached_picture(
        talent,
        department=req.scope.department,
        skill_id=req.focus[2:] if req.focus and req.focus.startswith("s:") else None,
        people=60,
        skills=MAP_SKILLS,
        min_level=req.scope.min_level,
    )
    colours = plots.group_colours(picture.groups)
    if picture.nodes:
        svg = plots.network(
            picture,
            title=_(
                "People and the skills they hold at level %(level)d or higher", level=req.scope.min_level
            ),
            person_href=lambda pid: url_for("hr_people.person", person_id=pid),
            skill_href=lambda sid: url_for("pages.skill", skill_id=sid),
            colours=colours,
        )
    return svg, picture, colours


def view_json() -> Any:
    """The view the query string asks for: graph elements, the table and the panel as HTML."""
    talent = talent_map()
    req = Request(talent, reader(talent))
    parts = _parts(talent, req)
    return jsonify(
        {
            "elements": element_data(parts["view"], req),
            "open": list(parts["view"].open),
            "focus": _focus_json(parts["focus"]),
            "found": [_found_json(f, req) for f in parts["found"] or []],
            "summary": summary(parts["view"]),
            "table": render_template("explorer/_table.html", **parts),
            "panel": render_template("explorer/_panel.html", **parts),
            "url": href(req.args(find=req.find or None)),
            "problems": req.problems,
        }
    ), (400 if req.problems else 200)


def _focus_json(focus: clusters.Focus | None) -> dict[str, Any] | None:
    if focus is None:
        return None
    return {"id": focus.id, "holds": focus.holds_at, "wants": focus.wants_at}


def _found_json(found: clusters.Found, req: Request) -> dict[str, Any]:
    opens = sorted(set(req.open) | set(found.opens))
    return {
        "id": found.id,
        "kind": found.kind,
        "label": found.label,
        "where": found.where,
        "opens": list(found.opens),
        "href": href(req.args(open=opens, focus=found.id)),
    }


def moved(endpoint: str) -> Any:
    """The explorer was HR's first, at ``/hr/explorer/``: for HR those addresses lead to the same
    view (like every ``/hr`` address, they are HR's alone)."""
    target = url_for(endpoint)
    query = request.query_string.decode()
    return redirect(f"{target}?{query}" if query else target, code=308)


def moved_page() -> Any:
    return moved("explorer.page")


def moved_view_json() -> Any:
    return moved("explorer.view_json")


_routes = (
    ("/explorer/", "page", page),
    ("/explorer/view.json", "view_json", view_json),
    ("/hr/explorer/", "hr_page", roles_required("hr")(moved_page)),
    ("/hr/explorer/view.json", "hr_view_json", roles_required("hr")(moved_view_json)),
)
for _rule, _endpoint, _view in _routes:
    explorer.add_url_rule(_rule, _endpoint, _view, methods=["GET"])
