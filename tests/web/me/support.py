"""Helpers for the tests of the employee's own pages (/me): the organisation they run on, its events,
and forms sent as a browser sends them."""

from __future__ import annotations

import datetime as dt
import html
from html.parser import HTMLParser
from pathlib import Path

from matcher.engines import groups, meetings
from matcher.engines.shadowing import ShadowConfig
from matcher.io import orgjson
from matcher.services import meeting_times, organisation, rounds, scheduling
from tests.optins import import_with_opt_ins
from tests.orgs import small_org

SETUP = dt.datetime(2026, 10, 27, 9, 0, tzinfo=dt.UTC)
CALENDARS = Path(__file__).resolve().parents[3] / "data" / "calendars"
BRAM, CHEN, HR = "bram@wadloo.example", "chen@wadloo.example", "hr@wadloo.example"


def prepare_organisation(app_db: organisation.Database, folder: Path) -> None:
    """Gemeente Wadloo with a published intervision round of everyone and its meetings every two
    weeks from 2 November, a think tank still proposed, and a shadowing slot of Dirk's with 王芳."""
    orgjson.write_json(small_org(), folder / "org.json")
    import_with_opt_ins(app_db, folder / "org.json", now=SETUP)
    intervision = groups.GroupConfig.for_kind("intervision", size_min=2, size_max=6, time_limit=1)
    rounds.propose_group_round(
        app_db, round_name="intervisie najaar", config=intervision, today=SETUP.date(), now=SETUP, save=True
    )
    rounds.publish_round(app_db, "intervisie najaar", today=SETUP.date(), now=SETUP)
    think_tank = groups.GroupConfig.for_kind("think-tank", size_min=2, size_max=6, time_limit=1)
    rounds.propose_group_round(
        app_db, round_name="denktank concept", config=think_tank, today=SETUP.date(), now=SETUP, save=True
    )
    series = meetings.MeetingConfig(
        first_day=dt.date(2026, 11, 2), last_day=dt.date(2026, 12, 31), every_weeks=2
    )
    assert meeting_times.plan_round_meetings(
        app_db, "intervisie najaar", series, now=SETUP, save=True
    ).meetings
    scheduling.add_shadow_request(
        app_db,
        guest_id="dirk",
        skill="sql",
        host_id="chen",
        length="hour",
        first_day=dt.date(2026, 11, 9),
        last_day=dt.date(2026, 11, 13),
        now=SETUP,
    )
    plan = scheduling.plan_shadowing(
        app_db, dt.date(2026, 11, 9), dt.date(2026, 11, 13), ShadowConfig(time_limit=5), now=SETUP, save=True
    )
    assert len(plan.slots) == 1


def event_of(app_db, person_id: str, kind: str):
    return next(e for e in scheduling.scheduled(app_db, kind=kind) if person_id in e.members)


def dirk_slot(app_db):
    return event_of(app_db, "dirk", "shadowing")


def bram_meeting(app_db):
    return event_of(app_db, "bram", "meeting")


class FormReader(HTMLParser):
    """The fields of one form on a page, with the values a browser would send unchanged."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._first_option: str | None = None
        self._chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.values.setdefault(a["name"], []).append(a.get("value", "y") or "")
        elif tag == "select":
            self._select, self._first_option, self._chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.values[self._select] = [a.get("value", "")]
                self._chosen = True
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._chosen:
                self.values[self._select] = [self._first_option or ""]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_values(client, page: str, action: str | None = None) -> dict[str, list[str]]:
    reader = FormReader(action or page)
    reader.feed(client.get(page).get_data(as_text=True))
    assert reader.values, f"no form posting to {action or page} on {page}"
    return reader.values


def submit(client, page: str, changes: dict[str, object], action: str | None = None, drop: tuple = ()):
    """Post the form on ``page`` with its current values, some changed (a list for several values)."""
    values = form_values(client, page, action)
    for name in drop:
        values.pop(name, None)
    for name, value in changes.items():
        values[name] = value if isinstance(value, list) else [str(value)]
    return client.post(action or page, data=values)


def page_text(response) -> str:
    """The page as a person reads it: entities such as &#39; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


WINDOW = {"first_day": "2026-11-23", "last_day": "2026-11-27", "length": "hour"}


def ask_to_shadow(client, **changes):
    return submit(client, "/me/shadowing", {**WINDOW, **changes})
