"""HR starts the solves through the web form, and afterwards each solve's job is looked up in the
database: done or failed, lost (never ended) or duplicated (run more than once)."""

from __future__ import annotations

import datetime as dt
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from bench.web.load import Browser, Failed
from matcher.plans.rounds import RoundError
from matcher.plans.solve_jobs import DONE, FAILED
from matcher.services import background, organisation, rounds

#: Where HR proposes a new mentor round.
FORM = "/hr/rounds/new/mentor"
HR_LOGIN = "hr@bench.example"


def round_name(number: int) -> str:
    return f"bench solve {number}"


class _SettingsForm(HTMLParser):
    """The fields a browser sends for the page's own form (the one without an action) as shown:
    each input's value, the checked boxes and radio buttons, the selected options, the text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._inside = False
        self._select: str | None = None
        #: A plain select's first option and whether one was selected: a browser sends the first.
        self._first: str | None = None
        self._chosen = False
        self._area: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._inside = "action" not in found
        if not self._inside or ("name" not in found and tag != "option"):
            return
        if tag == "input" and found.get("type") not in ("submit", "button"):
            if found.get("type") not in ("checkbox", "radio") or "checked" in found:
                self.fields.append((found["name"], found.get("value", "y" if "checked" in found else "")))
        elif tag == "select":
            self._select, self._first, self._chosen = found["name"], None, "multiple" in found
        elif tag == "option" and self._select is not None:
            if "selected" in found:
                self.fields.append((self._select, found.get("value", "")))
                self._chosen = True
            elif self._first is None:
                self._first = found.get("value", "")
        elif tag == "textarea":
            self._area, self._text = found["name"], ""

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select" and self._select is not None:
            if not self._chosen and self._first is not None:
                self.fields.append((self._select, self._first))
            self._select = None
        elif tag == "textarea" and self._area is not None:
            self.fields.append((self._area, self._text.lstrip("\n")))
            self._area = None


def form_fields(page: bytes) -> list[tuple[str, str]]:
    reader = _SettingsForm()
    reader.feed(page.decode("utf-8", errors="replace"))
    return reader.fields


@dataclass
class Started:
    """What HR did: each solve asked for, when, and how the server answered."""

    names: list[str] = field(default_factory=list)
    #: Seconds each start request took (the form's POST, which waits briefly for a quick solve).
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)


def start_solves(port: int, password: str, solves: int, time_limit: float, started: Started) -> None:
    """HR logs in and starts ``solves`` mentor rounds of everyone, one after the other, each with its
    own name and ``time_limit`` seconds, as a person would through the form."""
    browser = Browser(port, timeout=120)
    try:
        browser.log_in(HR_LOGIN, password)
        for number in range(1, solves + 1):
            name = round_name(number)
            try:
                status, page = browser.request("GET", FORM)
                if status != 200:
                    raise Failed(f"GET {FORM}: {status}")
                chosen = {"name": name, "who": "all", "time_limit": f"{time_limit:g}"}
                fields = [(k, v) for k, v in form_fields(page) if k not in chosen] + list(chosen.items())
                begin = time.perf_counter()
                status, page = browser.request("POST", FORM, urllib.parse.urlencode(fields))
                if status != 302:
                    raise Failed(f"POST {FORM} ({name}): {status}: {page[:300]!r}")
                started.latencies.append(time.perf_counter() - begin)
                started.names.append(name)
            except Exception as exc:
                started.errors.append(f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        started.errors.append(f"HR could not log in: {type(exc).__name__}: {exc}")
    finally:
        browser.close()
        started.done.set()


def all_ended(url: str, started: Started, deadline: float, every: float = 0.5) -> bool:
    """Wait until HR has started every solve and each has ended (done or failed), at most until
    ``deadline`` (``time.perf_counter()``); whether they all did."""
    database = organisation.Database(url)
    try:
        while time.perf_counter() < deadline:
            if started.done.is_set():
                jobs = [background.jobs_of(database, name) for name in started.names]
                if all(found and not any(j.active for j in found) for found in jobs):
                    return True
            time.sleep(every)
        return False
    finally:
        database.dispose()


def _seconds(later: dt.datetime | None, earlier: dt.datetime | None) -> float | None:
    return round((later - earlier).total_seconds(), 1) if later and earlier else None


def _proposed(database: organisation.Database, name: str) -> int:
    try:
        return [event.action for event in rounds.load_round(database, name).events].count("proposed")
    except RoundError:
        return 0


def accounted(url: str, started: Started) -> dict[str, Any]:
    """Each solve HR started, looked up: its job's end, how often a worker ran it, how often its
    round was proposed. Lost: no job, or a job that never ended. Duplicated: a second job for the
    round, a job claimed more than once, or a round proposed more than once."""
    database = organisation.Database(url)
    jobs: list[dict[str, Any]] = []
    try:
        for name in started.names:
            found = background.jobs_of(database, name)
            last = found[-1] if found else None
            proposed = _proposed(database, name)
            jobs.append({
                "round": name,
                "job": last.id if last else None,
                "status": last.status if last else None,
                "jobs": len(found),
                "attempts": last.attempts if last else 0,
                "proposed": proposed,
                "pairs": last.best.get("units") if last and last.status == DONE else None,
                "waited_s": _seconds(last.started, last.created) if last else None,
                "ran_s": _seconds(last.finished, last.started) if last else None,
                "message": last.message if last and last.status == FAILED else "",
                "created": last.created if last else None,
                "finished": last.finished if last else None,
            })  # fmt: skip
    finally:
        database.dispose()
    return summary(jobs)


def summary(jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """Done, failed, lost and duplicated jobs, and the solves done per minute from the first start
    to the last end."""
    done = [j for j in jobs if j["status"] == DONE]
    lost = [j for j in jobs if j["status"] not in (DONE, FAILED)]
    duplicated = [j for j in jobs if j["jobs"] > 1 or j["attempts"] > 1 or j["proposed"] > 1]
    first = min((j["created"] for j in jobs if j["created"]), default=None)
    last = max((j["finished"] for j in done if j["finished"]), default=None)
    span = (last - first).total_seconds() if first and last else None
    return {
        "started": len(jobs),
        "done": len(done),
        "failed": sum(1 for j in jobs if j["status"] == FAILED),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "first_start_to_last_end_s": round(span, 1) if span else None,
        "done_per_minute": round(len(done) / span * 60, 2) if span else None,
        "jobs": [{k: v for k, v in j.items() if k not in ("created", "finished")} for j in jobs],
    }
