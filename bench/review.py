"""``meeloop bench-review``: a round's review page and "why not?" answers at 2,000 people.

A seeded synthetic organisation goes into a fresh SQLite database (its people's opt-ins recorded as
their own, as in the demo), and a mentor round is proposed and saved through the services. Then,
in the real app (:func:`web.create_app`, Flask's test client, so only the server's time is
measured):

- the review page: the first request (which builds the round's problem for its rule check) and
  the next ones, and its weight in bytes;
- "why not?" for people left out and people in a pair: the page, and the answer on its own.

Beside each answer, the baseline a "why not?" would take without the flow re-solve: proposing the
whole round again with the pair locked (the solver the round was proposed with, its own time
limit), for the first partner of the same people. The ratio is the baseline's time over the
answer's (higher: the answer is that many times faster).
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from bench.synthetic import generate_organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, build_problem, propose
from matcher.engines.pairing.why import why_not
from matcher.io import orgjson
from matcher.services import accounts, demo, organisation, rounds
from matcher.services import why as why_service

NAME = "mentoring bench"
TODAY = dt.date(2026, 12, 3)
PASSWORD = "bench password, long enough"


def _timed(work: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    found = work()
    return found, time.perf_counter() - started


def run(people: int, seed: int, asked: int, time_limit: float) -> dict[str, Any]:
    from web import create_app

    with tempfile.TemporaryDirectory(prefix="meeloop-bench-review-") as tmp:
        folder = Path(tmp)
        org = generate_organisation(people, seed=seed, today=TODAY)
        orgjson.write_json(org, folder / "organisation.json")
        url = f"sqlite:///{folder / 'meeloop.sqlite3'}"
        db = organisation.Database(url)
        now = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC)
        demo.load_demo(db, folder / "organisation.json", now=now)
        config = PairingConfig(mode="mentor", time_limit=time_limit)
        proposal, propose_seconds = _timed(
            lambda: rounds.propose_round(db, round_name=NAME, config=config, today=TODAY, now=now, save=True)
        )
        accounts.add_account(db, "hr@bench.example", role="hr", password=PASSWORD, person_id=None, now=now)
        app = create_app(
            {
                "DATABASE_URL": url,
                "TODAY": TODAY,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "SMTP": None,
            }
        )
        client = app.test_client()
        client.post("/login", data={"login": "hr@bench.example", "password": PASSWORD})
        page = f"/hr/rounds/{quote(NAME)}"
        first, first_seconds = _timed(lambda: client.get(page))
        assert first.status_code == 200, first.status_code
        again = [_timed(lambda: client.get(page))[1] for _ in range(5)]

        left = [u.person_id for u in proposal.unmatched][: asked // 2]
        paired = [p.members[1] for p in proposal.pairs][: asked - len(left)]
        who = left + paired
        pages = [_timed(lambda p=p: client.get(f"{page}/why", query_string={"person": p}))[1] for p in who]
        answers = [_timed(lambda p=p: why_service.answer(db, NAME, p, today=TODAY))[1] for p in who]

        # The baseline: propose the whole round again with the asked pair locked.
        problem = build_problem(
            TalentMap(organisation.load_organisation(db), today=TODAY), config, today=TODAY
        )
        plan = [p.members for p in proposal.pairs]
        baseline = []
        for person in who[: max(1, len(who) // 2)]:
            options = [a for a in why_not(problem, plan, person, solved=1) if a.allowed and not a.current]
            if not options:
                continue
            locked = config.replace(locked=(*config.locked, options[0].pair))
            tmap = TalentMap(organisation.load_organisation(db), today=TODAY)
            baseline.append(_timed(lambda c=locked, t=tmap: propose(build_problem(t, c, today=TODAY)))[1])
        db.dispose()
        app.extensions["meeloop"]["db"].dispose()
    return {
        "people": people,
        "seed": seed,
        "pairs": len(proposal.pairs),
        "left_out": len(proposal.unmatched),
        "propose_seconds": propose_seconds,
        "review_bytes": len(first.data),
        "review_first_seconds": first_seconds,
        "review_seconds": statistics.median(again),
        "why_page_seconds": statistics.median(pages),
        "why_answer_seconds": statistics.median(answers),
        "why_answer_max_seconds": max(answers),
        "baseline_seconds": statistics.median(baseline) if baseline else None,
        "asked": len(who),
    }


def table(found: dict[str, Any]) -> str:
    ratio = (
        f"{found['baseline_seconds'] / found['why_answer_seconds']:.0f}x faster"
        if found["baseline_seconds"]
        else "no baseline"
    )
    rows = [
        "| figure | value |",
        "|---|---:|",
        f"| people; pairs; left out | {found['people']:,}; {found['pairs']}; {found['left_out']} |",
        f"| review page, first request (builds the round's problem) | "
        f"{found['review_first_seconds']:.2f} s |",
        f"| review page, next requests (median of 5) | {found['review_seconds']:.2f} s |",
        f"| review page weight | {found['review_bytes'] / 1000:.0f} kB |",
        f"| why-not page (median of {found['asked']}) | {found['why_page_seconds']:.2f} s |",
        f"| why-not answer (median; slowest) | {found['why_answer_seconds']:.2f} s; "
        f"{found['why_answer_max_seconds']:.2f} s |",
        f"| baseline: propose the round again with the pair locked (median) | "
        f"{found['baseline_seconds'] or 0:.2f} s |",
        f"| why-not answer against the baseline (baseline / answer) | {ratio} |",
    ]
    return "\n".join(rows)


@click.command("bench-review")
@click.option("--people", default=2000, show_default=True, help="People in the synthetic organisation.")
@click.option("--seed", default=3, show_default=True)
@click.option(
    "--asked", default=10, show_default=True, help="People asked about: half left out, half paired."
)
@click.option("--time-limit", default=20.0, show_default=True, help="The round's solve time limit (seconds).")
def bench_review(people: int, seed: int, asked: int, time_limit: float) -> None:
    """A round's review page and why-not answers at 2,000 people, against re-proposing the round."""
    click.echo(table(run(people, seed, asked, time_limit)))
