"""The organisation, its database, and an account and a year of meetings per client."""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.synthetic import DEFAULT_TODAY, generate_organisation
from bench.web.postgres import new_database, throwaway_server
from matcher.domain.schedule import ScheduledEvent
from matcher.io import orgjson
from matcher.services import organisation
from matcher.services.accounts import hash_password
from matcher.storage import accounts
from matcher.storage import schedule as schedule_store

#: Weeks of meetings each client has had, one session a week, to reflect on.
WEEKS = 52


@dataclass(frozen=True)
class Client:
    login: str
    person_id: str
    event_id: int
    days: tuple[dt.date, ...]


@dataclass
class Setup:
    url: str
    password: str
    clients: list[Client]
    person_ids: list[str]
    skills: list[tuple[str, str]]  # (id, name) of held skills
    seconds: dict[str, float] = field(default_factory=dict)


@contextmanager
def database_url(kind: str, folder: Path, postgres_url: str | None) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'meeloop.sqlite3'}"
        return
    if postgres_url:
        with new_database(postgres_url, f"meeloop_bench_load_{os.getpid()}") as url:
            yield url
        return
    with throwaway_server() as server, new_database(server, "meeloop_bench_load") as url:
        yield url


def _meetings(client: str, colleague: str, today: dt.date) -> ScheduledEvent:
    """A weekly meeting of the client with a colleague over the past year, to reflect on."""
    first = dt.datetime.combine(today - dt.timedelta(weeks=WEEKS), dt.time(10), dt.UTC)
    times = tuple(
        (first + dt.timedelta(weeks=w), first + dt.timedelta(weeks=w, hours=1)) for w in range(WEEKS)
    )
    return ScheduledEvent(
        "meeting", f"bench {client}", "Mentor", times[0][0], times[0][1], "UTC", (client, colleague),
        occurrences=times,
    )  # fmt: skip


def prepare(
    url: str,
    folder: Path,
    people: int,
    clients: int,
    seed: int,
    show: Callable[[str], None],
    *,
    today: dt.date = DEFAULT_TODAY,
) -> Setup:
    """``today``: the day the organisation is generated for, and the server serves."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    org = generate_organisation(people, seed=seed, today=today)
    seconds["generate"] = time.perf_counter() - start
    show(f"generated {len(org.people)} people, {len(org.skills)} skills, {len(org.holdings)} holdings")
    start = time.perf_counter()
    orgjson.write_json(org, folder / "organisation.json")
    database = organisation.Database(url)
    now = dt.datetime.now(dt.UTC)
    try:
        organisation.import_file(database, folder / "organisation.json", now=now)
        seconds["import"] = time.perf_counter() - start
        show("imported")
        rng = random.Random(f"{seed}:accounts")
        staying = sorted(p.id for p in org.people if p.leaving_date is None)
        chosen = rng.sample(staying, clients)
        password = secrets.token_urlsafe(16)
        found = []
        with database.transaction() as session:
            for i, person_id in enumerate(chosen):
                login = f"bench-{i + 1}@example.org"
                accounts.add_account(
                    session, login, role="employee", password_hash=hash_password(password),
                    person_id=person_id, now=now,
                )  # fmt: skip
                colleague = staying[(staying.index(person_id) + 1) % len(staying)]
                event = _meetings(person_id, colleague, today)
                (event_id,) = schedule_store.add_events(session, [event], now=now)
                days = tuple(begin.date() for begin, _ in event.occurrences)
                found.append(Client(login, person_id, event_id, days))
    finally:
        database.dispose()
    held = sorted({h.skill_id for h in org.holdings})
    names = {s.id: s.name for s in org.skills}
    return Setup(
        url, password, found, sorted(p.id for p in org.people), [(s, names[s]) for s in held], seconds
    )
