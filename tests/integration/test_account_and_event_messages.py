"""Account refusals, calendar refusals, event titles and the record of edits are messages.

An account that cannot be made or changed says why in a message; so do downloads and invites
asked for someone or something that is not there, a plan stored over a published one, the
e-mail run's summary and an import's progress. A scheduled event's title and the source of an
edit on HR's pages are stored as messages and come back as messages, in Dutch in Dutch and in
an invite's calendar file. Migration 0008 turns stored titles into messages and back.

Every test runs on an SQLite file and on a PostgreSQL server (the migration test on both too).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import icalendar
import pytest
import sqlalchemy
from alembic import command

from matcher import storage
from matcher.domain.accounts import AccountError
from matcher.domain.phrases import AsWritten, Message, phrase, say
from matcher.domain.schedule import ScheduledEvent
from matcher.engines import lunch, shadowing
from matcher.engines.lunch import LunchPlan
from matcher.io import orgjson
from matcher.io.catalogs import translator
from matcher.io.ics import InviteSettings
from matcher.plans.rounds import RoundError
from matcher.services import accounts, organisation, profiles, publishing, scheduling
from matcher.storage import make_engine, time_plans
from tests.optins import import_with_opt_ins
from tests.orgs import small_org
from tests.unit.test_engine_messages import Pseudo

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 11, 30)
PASSWORD = "correct horse battery"


def dutch(value: object) -> str:
    return say(value, translator("nl"))


def bracketed(message: object) -> bool:
    said = say(message, Pseudo())
    return said.startswith("«") and said.endswith("»")


@pytest.fixture
def small(db, tmp_path):
    orgjson.write_json(small_org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW)
    return db


# -- accounts --------------------------------------------------------------------------------------


def _hr_id(db) -> int:
    found = accounts.account_by_login(db, "hr@wadloo.example")
    assert found is not None
    return found.id


def _hr(db) -> int:
    return accounts.add_account(
        db, "hr@wadloo.example", role="hr", password=PASSWORD, person_id=None, now=NOW
    ).id


@pytest.mark.parametrize(
    ("refuse", "field", "english", "nl"),
    [
        (
            lambda db: accounts.add_account(db, " ", role="hr", password=PASSWORD, person_id=None, now=NOW),
            "login",
            "a login is needed (usually the work e-mail address)",
            "vul een inlognaam in (meestal het werkmailadres)",
        ),
        (
            lambda db: accounts.add_account(
                db, "x@y.example", role="boss", password=PASSWORD, person_id=None, now=NOW
            ),
            "role",
            "the role must be one of HR, manager and employee, not 'boss'",
            "'boss' is geen rol; kies uit HR, leidinggevende en medewerker",
        ),
        (
            lambda db: accounts.add_account(
                db, "HR@wadloo.example", role="hr", password=PASSWORD, person_id=None, now=NOW
            ),
            "login",
            "there is already an account 'hr@wadloo.example'",
            "er is al een account 'hr@wadloo.example'",
        ),
        (
            lambda db: [
                accounts.add_account(
                    db, f"{n}@x.example", role="employee", password=PASSWORD, person_id="anna", now=NOW
                )
                for n in ("a", "b")
            ],
            "person",
            "person anna already has an account",
            "anna heeft al een account",
        ),
        (
            lambda db: accounts.set_role(db, 98765, "hr"),
            "account",
            "there is no account 98765",
            "account 98765 bestaat niet",
        ),
        (
            lambda db: accounts.set_role(db, _hr_id(db), "manager"),
            "role",
            "this is the last HR account; make another one HR first",
            "dit is het laatste HR-account; geef eerst een ander account de rol HR",
        ),
        (
            lambda db: accounts.set_active(db, _hr_id(db), False),
            "active",
            "this is the last HR account; it cannot be switched off",
            "dit is het laatste HR-account; je kunt het niet uitzetten",
        ),
    ],
)
def test_an_account_refusal_is_a_message_that_reads_in_dutch(small, refuse, field, english, nl):
    _hr(small)
    with pytest.raises(AccountError) as refused:
        refuse(small)
    error = refused.value
    assert isinstance(error.message, Message) and error.args[0] is error.message
    assert error.field == field and bracketed(error.message)
    assert (str(error), dutch(error.message)) == (english, nl)


# -- calendars, plans and e-mail ---------------------------------------------------------------------


def test_downloads_and_invites_for_what_is_not_there_are_refused_in_messages(small, tmp_path):
    settings = InviteSettings(language="nl")
    refusals = [
        lambda: publishing.person_calendar(small, settings, "ghost", now=NOW),
        lambda: publishing.event_calendar(small, settings, 4321, now=NOW),
        lambda: publishing.source_files(small, settings, "nope", tmp_path, now=NOW),
        lambda: publishing.new_feed_token(small, settings, "ghost", now=NOW),
        lambda: publishing.revoke_feed_token(small, "ghost", now=NOW),
        lambda: publishing.queue_invites(small, settings, source="nope", now=NOW),
    ]
    said = []
    for refuse in refusals:
        with pytest.raises(RoundError) as refused:
            refuse()
        assert isinstance(refused.value.message, Message) and bracketed(refused.value.message)
        said.append(dutch(refused.value.message))
    assert said == [
        "er is niemand met id 'ghost'",
        "er is geen geplande afspraak 4321",
        "voor 'nope' is nog niets gepland; plan eerst de afspraken (meeloop meet)",
        "er is niemand met id 'ghost'",
        "er is niemand met id 'ghost'",
        "voor 'nope' is nog niets gepland; plan eerst de afspraken (meeloop meet)",
    ]


def test_a_plan_stored_over_a_published_one_is_refused_in_a_message(small):
    plan = LunchPlan((), ())
    with small.transaction() as session:
        time_plans.save_proposal(
            session, name="lunch", kind="lunch", settings={}, plan=plan, job_id=None, now=NOW
        )
        time_plans.mark_published(session, "lunch", NOW)
    with pytest.raises(ValueError) as refused, small.transaction() as session:
        time_plans.save_proposal(
            session, name="lunch", kind="lunch", settings={}, plan=plan, job_id=None, now=NOW
        )
    message = refused.value.args[0]
    assert isinstance(message, Message) and bracketed(message)
    assert dutch(message) == "plan 'lunch' is al gepubliceerd"


def test_the_e_mail_summary_and_the_import_progress_read_in_dutch(db, tmp_path):
    summary = publishing.Delivery(sent=3, failed=((7, "refused"),), waiting=2).summary()
    assert (summary, dutch(summary)) == (
        "3 sent, 1 failed, 2 waiting in the outbox",
        "3 verstuurd, 1 mislukt, 2 nog in het postvak uit",
    )
    quiet = publishing.Delivery(sent=1, failed=(), waiting=0).summary()
    assert (quiet, dutch(quiet)) == (
        "1 sent, 0 waiting in the outbox",
        "1 verstuurd, 0 nog in het postvak uit",
    )
    orgjson.write_json(small_org(), tmp_path / "org.json")
    lines: list[str] = []
    organisation.import_file(db, tmp_path / "org.json", now=NOW, progress=lines.append)
    assert all(isinstance(line, Message) and bracketed(line) for line in lines)
    said = [dutch(line) for line in lines]
    assert said[:2] == ["de opgeslagen organisatie laden", "org.json lezen"]
    assert said[2] == "5 mensen en 5 vaardigheden controleren"
    assert said[3].startswith("opslaan: ")


# -- event titles and the record of edits -------------------------------------------------------------


def test_shadowing_and_lunch_titles_are_stored_as_messages_and_said_in_dutch(small):
    last = MONDAY + dt.timedelta(days=4)
    ask = {"host_id": None, "first_day": MONDAY, "last_day": last, "now": NOW}
    scheduling.add_shadow_request(small, guest_id="bram", skill="sql", length="hour", **ask)
    scheduling.plan_shadowing(small, MONDAY, last, shadowing.ShadowConfig(time_limit=2), now=NOW, save=True)
    [event] = scheduling.scheduled(small, kind="shadowing")
    assert isinstance(event.title, Message) and bracketed(event.title)
    assert dutch(event.title).startswith("Meelopen met ") and str(event.title).startswith("Shadowing ")
    ics = publishing.event_calendar(small, InviteSettings(language="nl"), event.id, now=NOW)
    [vevent] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == dutch(event.title)
    english = publishing.event_calendar(small, InviteSettings(language="en"), event.id, now=NOW)
    assert str(icalendar.Calendar.from_ical(english).walk("VEVENT")[0]["SUMMARY"]) == str(event.title)
    # A change of the event keeps the title it had as a message in its history.
    with small.transaction() as session:
        row = session.get(storage.ScheduledEventRow, event.id)
        storage.schedule._remember(row, NOW)
        assert row.history[-1]["title"]["msg"] == event.title.template


def test_the_source_of_an_edit_on_hrs_pages_is_a_message_and_a_file_name_stays_as_it_is(small):
    profiles.update_person(small, "anna", {"function": "Beleidsadviseur"}, now=NOW, by="eva")
    edit, *_, imported = organisation.recent_imports(small)  # the first run is the import
    [source] = edit.sources
    assert isinstance(source, Message) and bracketed(source)
    assert (source, dutch(source)) == (
        "profile of anna, changed by eva",
        "profiel van anna, gewijzigd door eva",
    )
    assert imported.sources == ("org.json",) and not isinstance(imported.sources[0], Message)


# -- migration 0008 ------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"empty_{request.param}_url")


def _to(engine: sqlalchemy.Engine, url: str, step: str, revision: str) -> None:
    config = storage.alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def test_stored_titles_become_messages_and_go_back_to_english_text(empty_url):
    engine = make_engine(empty_url)
    try:
        _to(engine, empty_url, "upgrade", "head")
        title = phrase("Lunch & learn: {skill}", skill="SQL")
        start = dt.datetime(2026, 12, 1, 11, tzinfo=dt.UTC)
        event = ScheduledEvent(
            "lunch", "lunch plan", title, start, start + dt.timedelta(hours=1), "UTC", ("anna",)
        )
        with storage.session_factory(engine)() as session, session.begin():
            [event_id] = storage.schedule.add_events(session, [event], now=NOW)
            storage.schedule._remember(session.get(storage.ScheduledEventRow, event_id), NOW)
            session.add(
                storage.ImportRunRow(
                    at=NOW,
                    sources=["a.csv", phrase("profile of {person}", person="anna")],
                    replace=False,
                    summary="",
                )
            )
        _to(engine, empty_url, "downgrade", "0007")
        with engine.connect() as connection:
            row = connection.execute(sqlalchemy.text("SELECT title, history FROM scheduled_event")).one()
            sources = connection.execute(sqlalchemy.text("SELECT sources FROM import_run")).scalar_one()
        assert row.title == "Lunch & learn: SQL"
        history = row.history if isinstance(row.history, list) else json.loads(row.history)
        assert history[0]["title"] == "Lunch & learn: SQL"
        sources = sources if isinstance(sources, list) else json.loads(sources)
        assert sources == ["a.csv", "profile of anna"]
        _to(engine, empty_url, "upgrade", "head")
        with storage.session_factory(engine)() as session:
            [kept] = storage.schedule.events(session)
        # Text written before is kept as it was written, in English.
        assert isinstance(kept.title, AsWritten) and kept.title == "Lunch & learn: SQL"
    finally:
        engine.dispose()


def test_lunch_sessions_say_their_topic_in_the_title(db, tmp_path):
    org = small_org()
    people = tuple(dataclasses.replace(p, presenter=True) for p in org.people)
    orgjson.write_json(dataclasses.replace(org, people=people), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW)
    config = lunch.LunchConfig(first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=20), min_demand=1)
    scheduling.plan_lunch(db, config, now=NOW, save=True)
    events = scheduling.scheduled(db, kind="lunch")
    assert events
    for event in events:
        assert isinstance(event.title, Message) and event.title.template == "Lunch & learn: {skill}"
        assert bracketed(event.title)
