"""Pictures drawn on the server as SVG: a heatmap, bars, the talent map as a network.

Every text that goes into the markup is escaped here; the result is safe to put in a page as it is.
No JavaScript: links in a picture are plain SVG links, numbers are in <title> elements and, on the
pages, also in a table next to the picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from matcher.domain.reports import MapNode, MapPicture

SVG_NS = "http://www.w3.org/2000/svg"
#: From no one to many: a light grey for zero, then four greens of the house colour.
ZERO_COLOUR = "#f1f5f9"
SHADES = ("#d1fae5", "#6ee7b7", "#10b981", "#065f46")
#: Okabe-Ito, told apart also by people with a colour vision deficiency; grey for the rest.
GROUP_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
OTHER_COLOUR = "#9ca3af"
SKILL_COLOUR = "#334155"
BAR_COLOURS = ("#0b6e4f", "#f59e0b", "#94a3b8")
CHAR_WIDTH = 6.5


def _attrs(attributes: dict[str, object]) -> str:
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
        for name, value in attributes.items()
        if value is not None
    )


def tag(name: str, content: str | None = None, **attributes: object) -> Markup:
    """One element; ``content`` must already be markup (use :func:`escape` for text)."""
    if content is None:
        return Markup(f"<{name}{_attrs(attributes)}/>")
    return Markup(f"<{name}{_attrs(attributes)}>{content}</{name}>")


def text(value: object, **attributes: object) -> Markup:
    return tag("text", escape(str(value)), **attributes)


def shorten(label: str, length: int) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def _svg(width: float, height: float, title: str, body: Sequence[Markup], **attributes: object) -> Markup:
    content = Markup("").join(body)
    # A picture with links is a group of them: an image would hide its links from a screen reader.
    linked = "<a " in content
    return tag(
        "svg",
        tag("title", escape(title)) + content,
        xmlns=SVG_NS,
        width=f"{width:.0f}",
        height=f"{height:.0f}",
        viewBox=f"0 0 {width:.0f} {height:.0f}",
        role="group" if linked else "img",
        aria_label=title if linked else None,
        **attributes,
    )


# -- colour scale -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    low: int
    high: int
    colour: str

    @property
    def label(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


def shade_index(value: int, highest: int) -> int:
    """Which of the shades a value above zero gets: equal parts of 1 .. highest."""
    if highest <= len(SHADES):
        return value - 1
    return min(len(SHADES) - 1, (value - 1) * len(SHADES) // highest)


def colour(value: int, highest: int) -> str:
    return ZERO_COLOUR if value <= 0 else SHADES[shade_index(value, highest)]


def scale(highest: int) -> list[Step]:
    """The legend: zero, then each shade with the values it stands for."""
    steps = [Step(0, 0, ZERO_COLOUR)]
    if highest <= 0:
        return steps
    for index, shade in enumerate(SHADES):
        values = [v for v in _edges(highest) if shade_index(v, highest) == index]
        if values:
            steps.append(Step(min(values), max(values), shade))
    return steps


def _edges(highest: int) -> list[int]:
    """Values enough to find each shade's lowest and highest: where a shade starts and ends."""
    if highest <= 64:
        return list(range(1, highest + 1))
    found = {1, highest}
    for index in range(1, len(SHADES)):
        start = -(-index * highest // len(SHADES)) + 1  # the first value of shade ``index``
        found.update({start - 1, start})
    return sorted(v for v in found if 1 <= v <= highest)


def _ink(fill: str) -> str:
    return "#ffffff" if fill in SHADES[2:] else "#1d2433"


# -- heatmap --------------------------------------------------------------------------------------------


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[int]],
    *,
    title: str,
    cell_title: Callable[[int, int, int], str],
    legend: str,
    row_links: Sequence[str | None] | None = None,
) -> Markup:
    """Rows by columns, each cell coloured by its value and carrying the value as text and title."""
    highest = max((v for row in values for v in row), default=0)
    cell_w, cell_h = 46, 24
    label_w = 14 + 7.2 * max((len(shorten(r, 40)) for r in rows), default=4)
    # Column names are turned 40 degrees: they reach up and to the right of their column.
    longest = 6.4 * max((len(shorten(c, 30)) for c in columns), default=4)
    header_h = 16 + 0.65 * longest
    grid_w = cell_w * len(columns)
    steps = scale(highest)
    legend_h = 54
    width = max(label_w + grid_w + 0.77 * longest, 90 * len(steps) + 20)
    height = header_h + cell_h * len(rows) + legend_h
    body: list[Markup] = []
    for j, column in enumerate(columns):
        x, y = label_w + j * cell_w + cell_w / 2, header_h - 6
        body.append(
            tag(
                "text",
                escape(shorten(column, 30)) + tag("title", escape(column)),
                transform=f"translate({x:.1f},{y:.1f}) rotate(-40)",
                font_size="11",
                class_="column",
            )
        )
    for i, row in enumerate(rows):
        y = header_h + i * cell_h
        label = text(
            shorten(row, 40),
            x=f"{label_w - 8:.1f}",
            y=f"{y + cell_h * 0.68:.1f}",
            text_anchor="end",
            font_size="12",
        )
        link = row_links[i] if row_links else None
        body.append(tag("a", label, href=link) if link else label)
        for j, value in enumerate(values[i]):
            fill = colour(value, highest)
            x = label_w + j * cell_w
            body.append(
                tag(
                    "g",
                    tag("title", escape(cell_title(i, j, value)))
                    + tag("rect", x=x, y=y, width=cell_w - 2, height=cell_h - 2, fill=fill, rx=2)
                    + text(
                        value,
                        x=f"{x + (cell_w - 2) / 2:.1f}",
                        y=f"{y + cell_h * 0.66:.1f}",
                        text_anchor="middle",
                        font_size="11",
                        fill=_ink(fill),
                    ),
                    class_="cell",
                )
            )
    y = header_h + cell_h * len(rows) + 14
    body.append(text(legend, x=0, y=f"{y + 4:.0f}", font_size="11"))
    for k, step in enumerate(steps):
        x = k * 90
        body.append(
            tag("rect", x=x, y=y + 12, width=22, height=14, fill=step.colour, stroke="#cbd5e1")
            + text(step.label, x=x + 28, y=f"{y + 24:.0f}", font_size="11")
        )
    return _svg(width, height, title, body, class_="heatmap")


# -- bars -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    #: One value per series, stacked left to right.
    values: tuple[int, ...]
    #: What the bar says in words at its end, e.g. "7 of 8".
    note: str = ""


def bars(items: Sequence[Bar], *, title: str, series: Sequence[str]) -> Markup:
    """Horizontal stacked bars, one per item, with a legend naming the series."""
    label_w = min(260, 12 + CHAR_WIDTH * max((len(shorten(b.label, 38)) for b in items), default=4))
    bar_w, row_h, legend_h = 320, 26, 30
    highest = max((sum(b.values) for b in items), default=0) or 1
    width = label_w + bar_w + 110
    height = legend_h + row_h * len(items) + 6
    body: list[Markup] = []
    for k, name in enumerate(series):
        x = k * 170
        body.append(
            tag("rect", x=x, y=6, width=14, height=14, fill=BAR_COLOURS[k % len(BAR_COLOURS)])
            + text(name, x=x + 20, y=18, font_size="12")
        )
    for i, bar in enumerate(items):
        y = legend_h + i * row_h
        parts = [text(shorten(bar.label, 38), x=label_w - 8, y=y + 16, text_anchor="end", font_size="12")]
        x = float(label_w)
        for k, value in enumerate(bar.values):
            length = bar_w * value / highest
            if length > 0:
                parts.append(
                    tag(
                        "rect",
                        tag("title", escape(f"{bar.label}: {series[k]} {value}")),
                        x=f"{x:.1f}",
                        y=y + 4,
                        width=f"{length:.1f}",
                        height=row_h - 8,
                        fill=BAR_COLOURS[k % len(BAR_COLOURS)],
                    )
                )
            x += length
        parts.append(text(bar.note or str(sum(bar.values)), x=f"{x + 6:.1f}", y=y + 16, font_size="12"))
        body.append(tag("g", Markup("").join(parts), class_="bar"))
    return _svg(width, height, title, body, class_="bars")


# -- the talent map as a network ----------------------------------------------------------------------


def group_colours(groups: Sequence[str]) -> dict[str, str]:
    return {g: GROUP_COLOURS[i] if i < len(GROUP_COLOURS) else OTHER_COLOUR for i, g in enumerate(groups)}


def network(
    picture: MapPicture,
    *,
    title: str,
    person_href: Callable[[str], str],
    skill_href: Callable[[str], str],
    colours: dict[str, str],
    width: int = 880,
) -> Markup:
    """People (dots coloured by department, under their department's name) in a column on the left,
    the skills they hold (dark squares) in a column on the right, a line for each holding (thicker
    for a higher level). Every person and skill is named on a row of its own, so no two labels
    meet; the orders are chosen so that lines cross little, and the skills spread over the height
    of the people's column. Every node links to its page."""
    layout = _two_columns(picture)
    font = 11
    label = CHAR_WIDTH * 0.95
    people_w = 16 + label * max((len(shorten(n.label, 28)) for n in layout.people), default=6)
    groups_w = 6 + CHAR_WIDTH * max((len(shorten(g or "—", 34)) for g in layout.groups), default=6)
    left_w = max(people_w, groups_w)
    skills_w = 16 + label * max((len(shorten(n.label, 30)) for n in layout.skills), default=6)
    width = max(width, int(left_w + skills_w + 260))
    x_person, x_skill = left_w, width - skills_w
    top = 14
    height = top + max(layout.height, 1) + 14
    person_at = {n.id: (x_person, top + y) for n, y in zip(layout.people, layout.people_y, strict=True)}
    skill_at = {n.id: (x_skill, top + y) for n, y in zip(layout.skills, layout.skills_y, strict=True)}
    lines = []
    for person_id, skill_id, level in picture.edges:
        (x1, y1), (x2, y2) = person_at[person_id], skill_at[skill_id]
        bend = (x2 - x1) * 0.45
        lines.append(
            tag(
                "path",
                d=f"M{x1 + 5:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} "
                f"{x2 - bend:.1f},{y2:.1f} {x2 - 6:.1f},{y2:.1f}",
                stroke_width=f"{0.6 + 0.6 * max(0, level - 2):.1f}",
            )
        )
    body: list[Markup] = [
        tag("g", Markup("").join(lines), class_="edges", fill="none", stroke="#94a3b8", stroke_opacity="0.6")
    ]
    for group, y in zip(layout.groups, layout.groups_y, strict=True):
        body.append(
            tag(
                "g",
                tag(
                    "rect",
                    x=6,
                    y=f"{top + y - 5:.1f}",
                    width=10,
                    height=10,
                    rx=2,
                    fill=colours.get(group, OTHER_COLOUR),
                )
                + text(
                    shorten(group or _("no department"), 34),
                    x=20,
                    y=f"{top + y + 4:.1f}",
                    font_size=f"{font}",
                    font_weight="bold",
                    fill="#1d2433",
                ),
                class_="group",
            )
        )
    for node in layout.people:
        x, y = person_at[node.id]
        shape = tag(
            "circle",
            cx=f"{x:.1f}",
            cy=f"{y:.1f}",
            r="4.5",
            fill=colours.get(node.group, OTHER_COLOUR),
            stroke="#ffffff",
        )
        name = text(
            shorten(node.label, 28), x=f"{x - 8:.1f}", y=f"{y + 4:.1f}", text_anchor="end",
            font_size=f"{font}", fill="#1d2433",
        )  # fmt: skip
        hint = f"{node.label} · {node.group}" if node.group else node.label
        body.append(
            tag("a", tag("title", escape(hint)) + shape + name, href=person_href(node.id), class_="person")
        )
    for node in layout.skills:
        x, y = skill_at[node.id]
        size = 7 + min(5, node.degree / 3)
        shape = tag(
            "rect", x=f"{x - size / 2:.1f}", y=f"{y - size / 2:.1f}",
            width=f"{size:.1f}", height=f"{size:.1f}", fill=SKILL_COLOUR, rx=1,
        )  # fmt: skip
        name = text(
            shorten(node.label, 30), x=f"{x + 10:.1f}", y=f"{y + 4:.1f}", font_size=f"{font}", fill="#1d2433"
        )
        hint = _("%(skill)s: %(count)d people drawn hold it", skill=node.label, count=node.degree)
        body.append(
            tag("a", tag("title", escape(hint)) + shape + name, href=skill_href(node.id), class_="skill")
        )
    return _svg(width, height, title, body, class_="network")


#: Rows of the two columns: a person's (a department's name takes one too, after a gap), a skill's at least.
PERSON_ROW = 16.0
GROUP_GAP = 8.0
SKILL_ROW = 16.0


@dataclass(frozen=True)
class TwoColumns:
    people: list[MapNode]
    people_y: list[float]
    groups: list[str]
    groups_y: list[float]
    skills: list[MapNode]
    skills_y: list[float]
    height: float


def _two_columns(picture: MapPicture) -> TwoColumns:
    """People by department, skills alone, each ordered by where their partners are (the barycentre
    heuristic, a few sweeps each way), so that lines run mostly straight across."""
    people = [n for n in picture.nodes if n.kind == "person"]
    skills = [n for n in picture.nodes if n.kind == "skill"]
    holds: dict[str, list[str]] = {n.id: [] for n in picture.nodes}
    for person_id, skill_id, _level in picture.edges:
        holds[person_id].append(skill_id)
        holds[skill_id].append(person_id)
    group_order = {g: i for i, g in enumerate(picture.groups)}
    people.sort(key=lambda n: (group_order.get(n.group, len(group_order)), n.label.casefold(), n.id))

    def centre(node: MapNode, rank: dict[str, int], default: float) -> float:
        found = [rank[other] for other in holds[node.id] if other in rank]
        return sum(found) / len(found) if found else default

    for _sweep in range(4):
        person_rank = {n.id: i for i, n in enumerate(people)}
        skills.sort(key=lambda n: (centre(n, person_rank, len(people)), n.label.casefold(), n.id))
        skill_rank = {n.id: i for i, n in enumerate(skills)}
        people.sort(
            key=lambda n: (
                group_order.get(n.group, len(group_order)),
                centre(n, skill_rank, len(skills)),
                n.label.casefold(),
                n.id,
            )
        )
    people_y: list[float] = []
    groups: list[str] = []
    groups_y: list[float] = []
    y = 0.0
    for node in people:
        if not groups or node.group != groups[-1]:
            # A department's name on a row of its own above its people, a little apart from the last.
            y += GROUP_GAP if groups else 0.0
            groups.append(node.group)
            groups_y.append(y)
            y += PERSON_ROW
        people_y.append(y)
        y += PERSON_ROW
    y -= PERSON_ROW
    height = max(y, SKILL_ROW * len(skills))
    # The skills spread over the height the people take, each at least a row apart.
    step = max(SKILL_ROW, (height - SKILL_ROW) / max(1, len(skills) - 1)) if len(skills) > 1 else 0.0
    first = (height - step * (len(skills) - 1)) / 2 if skills else 0.0
    skills_y = [first + i * step for i in range(len(skills))]
    return TwoColumns(people, people_y, groups, groups_y, skills, skills_y, height)
