"""The organisation, its database and accounts, and the search queries the clients ask."""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.synthetic import DEFAULT_TODAY, generate_organisation
from matcher.domain.talentmap import TalentMap
from matcher.io import orgjson
from matcher.services import demo, organisation
from matcher.services.accounts import hash_password
from matcher.storage import accounts

SECRET_KEY = "meeloop bench-web: a throwaway key for a throwaway database"


@dataclass(frozen=True)
class Login:
    login: str
    role: str
    person_id: str


@dataclass
class Setup:
    """What the clients need, as plain data: the organisation itself is not kept."""

    url: str
    people: int
    skills: int
    holdings: int
    password: str
    logins: list[Login]
    person_ids: list[str]
    #: (query, misspelt) for the search page.
    queries: list[tuple[str, bool]]
    seconds: dict[str, float] = field(default_factory=dict)


def misspell(name: str, rng: random.Random) -> str:
    """A typo as people make them: two letters swapped, one left out, one doubled or one replaced."""
    spots = [i for i, c in enumerate(name) if c.isalpha() and i > 0]
    if len(spots) < 4:
        return name
    i = rng.choice(spots[:-1])
    kind = rng.randrange(4)
    if kind == 0 and name[i + 1].isalpha() and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + name[i] + name[i:]
    near = {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o", "n": "m", "m": "n", "s": "z", "c": "k"}
    letter = name[i].lower()
    return name[:i] + near.get(letter, "e" if letter != "e" else "a") + name[i + 1 :]


def search_queries(talent: TalentMap, seed: int) -> list[tuple[str, bool]]:
    """Each held skill by its name, and by a misspelt name that the talent map takes back to it."""
    rng = random.Random(f"{seed}:typos")
    held = sorted((s for s in talent.organisation.skills if talent.levels_in(s.id)), key=lambda s: s.id)
    queries: list[tuple[str, bool]] = []
    for skill in held:
        queries.append((skill.name, False))
        for _ in range(8):
            variant = misspell(skill.name, rng)
            if variant == skill.name:
                continue
            try:
                found, matched_by = talent.resolve_skill(variant)
            except LookupError:
                continue
            if found.id == skill.id and matched_by == "spelling":
                queries.append((variant, True))
                break
    return queries


def prepare(folder: Path, people: int, clients: int, seed: int, show: Callable[[str], None]) -> Setup:
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    org = generate_organisation(people, seed=seed, today=DEFAULT_TODAY)
    seconds["generate"] = time.perf_counter() - start
    show(f"generated {len(org.people)} people, {len(org.skills)} skills, {len(org.holdings)} holdings")

    start = time.perf_counter()
    source = folder / "organisation.json"
    orgjson.write_json(org, source)
    url = f"sqlite:///{folder / 'meeloop.sqlite3'}"
    database = organisation.Database(url)
    try:
        # As in the demo, the synthetic people's opt-ins (mentor, host, presenter) are their own
        # choices, recorded after the import, which switches none on.
        demo.load_demo(database, source, now=dt.datetime.now(dt.UTC))
        seconds["import"] = time.perf_counter() - start
        show("imported")

        start = time.perf_counter()
        rng = random.Random(f"{seed}:accounts")
        staying = sorted(p.id for p in org.people if p.leaving_date is None)
        chosen = rng.sample(staying if len(staying) >= clients else sorted(p.id for p in org.people), clients)
        password = secrets.token_urlsafe(16)
        logins = []
        now = dt.datetime.now(dt.UTC)
        with database.transaction() as session:
            for i, person_id in enumerate(chosen):
                login = Login(
                    f"bench-{i + 1}@example.org", "hr" if i == 0 and clients > 1 else "employee", person_id
                )
                accounts.add_account(
                    session,
                    login.login,
                    role=login.role,
                    password_hash=hash_password(password),
                    person_id=person_id,
                    now=now,
                )
                logins.append(login)
        seconds["accounts"] = time.perf_counter() - start
    finally:
        database.dispose()

    start = time.perf_counter()
    queries = search_queries(TalentMap(org, today=DEFAULT_TODAY), seed)
    seconds["typos"] = time.perf_counter() - start
    return Setup(
        url=url,
        people=len(org.people),
        skills=len(org.skills),
        holdings=len(org.holdings),
        password=password,
        logins=logins,
        person_ids=sorted(p.id for p in org.people),
        queries=queries,
        seconds=seconds,
    )


def profile_path(url: str) -> str | None:
    """The own-profile page's path when the app has one (the ``me`` blueprint is being built)."""
    from web import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "SESSION_COOKIE_SECURE": False})
    try:
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "me.profile" and "GET" in (rule.methods or ()) and not rule.arguments:
                return rule.rule
        return None
    finally:
        app.extensions["meeloop"]["db"].dispose()
