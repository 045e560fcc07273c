"""What the services say to people are messages, also after storage: a refusal keeps its message
(and each broken rule's own), the round log keeps what happened as messages with a word for each
action, a failed job keeps why; and each reads in Dutch with the Dutch catalog.

Every test runs on an SQLite file and on a PostgreSQL server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from matcher.domain.model import Organisation
from matcher.domain.phrases import Message, say
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson
from matcher.io.catalogs import translator
from matcher.plans.rounds import RoundError
from matcher.plans.solve_jobs import FAILED
from matcher.services import background, organisation, round_changes, rounds
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
MENTOR = PairingConfig(mode="mentor", time_limit=2.0)
ROUND = "2026-Q4 mentor"


def write(org: Organisation, path: Path) -> Path:
    orgjson.write_json(org, path)
    return path


@pytest.fixture
def loaded(db, tmp_path) -> organisation.Database:
    import_with_opt_ins(db, write(mentoring_org(), tmp_path / "org.json"), now=NOW)
    return db


def later(minutes: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


def propose(db, name=ROUND, *, minutes=0):
    return rounds.propose_round(
        db, round_name=name, config=MENTOR, today=TODAY, now=later(minutes), save=True
    )


def dutch(value: object) -> str:
    return say(value, translator("nl"))


def test_a_refusal_keeps_its_message_and_says_each_broken_rule_in_dutch(loaded, tmp_path):
    teacher, learner = propose(loaded).pairs[0].members
    org = mentoring_org()
    moved = dataclasses.replace(org.person(learner), manager_id=teacher)
    changed = dataclasses.replace(org, people=tuple(moved if p.id == learner else p for p in org.people))
    organisation.import_file(loaded, write(changed, tmp_path / "changed.json"), now=later(1))
    with pytest.raises(RoundError) as refused:
        rounds.publish_round(loaded, ROUND, today=TODAY, now=later(2))
    error = refused.value
    [broken] = error.violations
    assert isinstance(error.message, Message) and error.args[0] is error.message
    assert str(error) == (
        f"round '{ROUND}' cannot be published: on today's data its pairs break these rules "
        f"(propose it again):\n  {broken.message}"
    )
    said = dutch(error.message)
    assert said == (
        f"ronde '{ROUND}' kan niet worden gepubliceerd: met de gegevens van vandaag voldoen de duo's "
        f"niet aan deze regels (maak het voorstel opnieuw):\n  {dutch(broken.message)}"
    )
    assert dutch(broken.message) != str(broken.message)  # the rule's own message, in Dutch too
    assert broken.rule not in said


@pytest.mark.parametrize(
    ("refuse", "english", "nl"),
    [
        (
            lambda db: rounds.load_round(db, "nope"),
            "there is no round named 'nope'",
            "er is geen ronde met de naam 'nope'",
        ),
        (
            lambda db: rounds.lock_pair(db, ROUND, ["nobody", "else"], now=later(5)),
            f"round '{ROUND}' has no pair of nobody and else",
            f"ronde '{ROUND}' heeft geen duo van nobody en else",
        ),
        (
            lambda db: round_changes.forbid_pair(db, ROUND, "anna", "anna", now=later(5)),
            "choose two different people",
            "kies twee verschillende mensen",
        ),
    ],
)
def test_refusals_are_messages_that_read_in_dutch(loaded, refuse, english, nl):
    propose(loaded)
    with pytest.raises(RoundError) as refused:
        refuse(loaded)
    assert isinstance(refused.value.message, Message)
    assert (str(refused.value), dutch(refused.value.message)) == (english, nl)


def test_the_round_log_comes_back_from_storage_as_messages_and_reads_in_dutch(loaded):
    first = propose(loaded)
    members = first.pairs[0].members
    rounds.lock_pair(loaded, ROUND, list(members), now=later(1))
    again = propose(loaded, minutes=2)
    published = rounds.publish_round(loaded, ROUND, today=TODAY, now=later(3))
    events = rounds.load_round(loaded, ROUND).events
    assert events == published.events
    assert [e.action for e in events] == ["proposed", "locked", "re-proposed", "published"]
    for event in events:
        assert isinstance(event.detail, Message) and isinstance(event.what, Message), event
    log = [f"{dutch(e.what)}: {dutch(e.detail)}" for e in events]
    assert log[1] == f"vastgezet: {', '.join(members)} vastgezet"
    assert log[2].startswith(f"opnieuw voorgesteld: {len(again.pairs)} duo's, ")
    assert log[2].endswith("; 1 vastgezet duo behouden")
    assert log[3] == (
        f"gepubliceerd: {len(again.pairs)} duo's in de geschiedenis vastgelegd, vanaf 21 november 2026"
    )
    # The English is what it was.
    assert events[3].detail == f"{len(again.pairs)} pairs written to the history, starting 2026-11-21"
    assert events[2].detail.endswith("; 1 locked pair kept")


def test_hrs_changes_to_a_proposal_are_logged_as_messages(loaded):
    proposal = propose(loaded)
    person = proposal.pairs[0].members[1]
    changed = round_changes.exclude_person(loaded, ROUND, person, today=TODAY, now=later(1))
    settings, excluded = changed.events[-2:]
    assert (settings.action, excluded.action) == ("settings", "excluded")
    assert dutch(settings.what) + ": " + dutch(settings.detail) == f"instellingen: {person} uitgesloten"
    pair = ", ".join(proposal.pairs[0].members)
    assert dutch(excluded.detail) == f"{person} uit het duo van {pair} gehaald"
    assert excluded.detail == f"took {person} out of the pair of {pair}"


def test_a_failed_job_keeps_why_as_a_message(loaded):
    propose(loaded)
    rounds.publish_round(loaded, ROUND, today=TODAY, now=later(1))
    queued = background.start_job(
        loaded,
        round_name=ROUND,
        kind="mentor",
        settings={"config": MENTOR.as_dict()},
        limit=2.0,
        started_by="hr@example.org",
        runner={},
        now=later(2),
    )
    background.run_job(loaded, queued.id, today=TODAY, clock=lambda: later(3))
    failed = background.job(loaded, queued.id)
    assert failed is not None and failed.status == FAILED
    assert isinstance(failed.message, Message)
    assert failed.message == (
        f"round '{ROUND}' is published and cannot be proposed again; use a new round name"
    )
    assert dutch(failed.message) == (
        f"ronde '{ROUND}' is gepubliceerd en kan niet opnieuw worden voorgesteld; "
        "kies een nieuwe naam voor de ronde"
    )
