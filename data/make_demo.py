"""Write the demo organisation, Gemeente Wadloo, to ``data/demo/``.

A mid-sized Dutch municipality of 240 invented people: seven departments and a
director, five sites (one a shared service centre across the Belgian border),
stagiairs, newcomers and old hands, a few planned departures that leave a skill
without a second expert, and earlier mentor, buddy, exchange and think tank
rounds. The same run always writes the same files:

    python data/make_demo.py            # into data/demo/
    python data/make_demo.py OUT_DIR    # elsewhere, e.g. to compare
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from bench import vocabulary as vocab
from bench.synthetic import Blueprint, Shares, generate_from, taxonomy
from matcher.domain.model import Level, Organisation, Person
from matcher.io.matrix import write_matrix
from matcher.io.orgjson import write_json
from matcher.services.demo_today import REFERENCE_DAY

NAME = "Gemeente Wadloo"
PEOPLE = 240
SEED = 2026
#: The organisation as on this day; `meeloop demo` moves its dates to the day it runs.
TODAY = REFERENCE_DAY
OUT = Path(__file__).resolve().parent / "demo"

# Two colleagues who work from afar: a data analyst in Lisbon and an
# application manager on Bonaire (Caribisch Nederland).
REMOTE = (
    ("data-analist", "Europe/Lisbon", "Op afstand (Lissabon)", ("nl", "en", "pt")),
    ("applicatiebeheerder", "America/Kralendijk", "Op afstand (Bonaire)", ("nl", "pap", "en")),
)


def blueprint() -> Blueprint:
    return Blueprint(
        name=NAME,
        domain="wadloo.nl",
        departments=vocab.DEPARTMENTS,
        sites=vocab.SITES,
        skills=taxonomy(),
        timezones=(("Europe/Amsterdam", 1.0),),
        shares=Shares(leaver=0.02, ask_me=0.95),
    )


def build() -> Organisation:
    org = generate_from(blueprint(), PEOPLE, seed=SEED, today=TODAY)
    org = with_departing_sole_experts(org, count=2)
    org = with_remote_colleagues(org)
    problems = check(org)
    if problems:
        raise SystemExit("the demo organisation is missing: " + "; ".join(problems))
    return org


def sole_experts(org: Organisation) -> dict[str, str]:
    """Skill id -> the one person who holds it at level 3 or higher."""
    holders: dict[str, list[str]] = {}
    for holding in org.holdings:
        if holding.level >= Level.PROFICIENT:
            holders.setdefault(holding.skill_id, []).append(holding.person_id)
    return {skill: people[0] for skill, people in holders.items() if len(people) == 1}


def with_departing_sole_experts(org: Organisation, count: int) -> Organisation:
    """Give ``count`` long-serving sole experts a leaving date, so that knowledge is at risk."""
    experts = set(sole_experts(org).values())
    candidates = sorted(
        (p for p in org.people if p.id in experts and p.leaving_date is None and p.manager_id),
        key=lambda p: (-p.tenure_years(TODAY), p.id),
    )
    leaving = {p.id: TODAY + dt.timedelta(days=75 + 120 * i) for i, p in enumerate(candidates[:count])}
    people = tuple(replace(p, leaving_date=leaving[p.id]) if p.id in leaving else p for p in org.people)
    return replace(org, people=people)


def with_remote_colleagues(org: Organisation) -> Organisation:
    people = list(org.people)
    for function, timezone, site, languages in REMOTE:
        index = next(i for i, p in enumerate(people) if p.function == function and not p.leaving_date)
        people[index] = replace(people[index], timezone=timezone, site=site, languages=languages)
    return replace(org, people=tuple(people))


def check(org: Organisation) -> list[str]:
    """What the demo must show; an empty list when it shows all of it."""
    people = org.people
    leavers = [p for p in people if p.leaving_date]
    zones = Counter(p.timezone for p in people)
    departing_experts = {p for p in sole_experts(org).values() if org.person(p).leaving_date}
    wants = {
        "220-260 people": 220 <= len(people) <= 260,
        "80-110 skills": 80 <= len(org.skills) <= 110,
        "6-10 interns": 6 <= sum(p.intern for p in people) <= 10,
        "4-8 planned departures": 4 <= len(leavers) <= 8,
        "two departing sole experts": len(departing_experts) >= 2,
        "newcomers": sum(p.newcomer for p in people) >= 5,
        "old hands (20+ years)": sum(p.tenure_years(TODAY) >= 20 for p in people) >= 10,
        "mentors and hosts": any(p.is_mentor for p in people) and any(p.is_host for p in people),
        "people not to be asked": 2 <= sum(not p.ask_me for p in people) <= 25,
        "Flemish colleagues": zones["Europe/Brussels"] >= 3,
        "remote colleagues": sum(zones[zone] for _, zone, _, _ in REMOTE) == len(REMOTE),
        "part-timers": sum(_part_time(p) for p in people) >= 10,
        "earlier rounds": {h.kind for h in org.history} >= {"mentor", "buddy", "exchange", "think-tank"},
    }
    return [what for what, ok in wants.items() if not ok]


def _part_time(person: Person) -> bool:
    return person.working_hours.weekly_minutes < 36 * 60


def main(out: Path = OUT) -> None:
    org = build()
    out.mkdir(parents=True, exist_ok=True)
    write_json(org, out / "organisation.json")
    written = write_matrix(org, out / "skills-matrix.csv")
    leavers = sum(p.leaving_date is not None for p in org.people)
    print(
        f"{org.name}: {len(org.people)} people, {len(org.skills)} skills, {len(org.holdings)} holdings, "
        f"{len(org.wishes)} wishes, {len(org.history)} earlier pairings and groups, {leavers} leaving"
    )
    for path in (out / "organisation.json", *written):
        print(f"  wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
