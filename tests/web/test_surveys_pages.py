"""The value check and learning climate pages over the test client on a real SQLite file and PostgreSQL
server: the e-mail's link without logging in, the person's own pages, bad input answered with the field
and the reason and nothing stored, and the reports that show groups of five or more only."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from flask import Flask

from matcher.io import orgjson
from matcher.services import notices, organisation, scheduling, surveys
from matcher.storage import notices as notice_storage
from matcher.storage import schedule as schedule_storage
from matcher.storage import surveys as survey_storage
from tests.services.test_surveys import BALIE, BELASTINGEN, NOW, SCORES, SETTINGS, TODAY, meeting, survey_org
from tests.webtools import add_account, csrf_token, log_in, make_app, post_form

TOKEN = "a-value-check-token-for-bas"


def build(url: str, folder) -> Flask:
    app = make_app(url, TODAY=TODAY, INVITES=SETTINGS)
    db = app.extensions["meeloop"]["db"]
    orgjson.write_json(survey_org(), folder / "org.json")
    organisation.import_file(db, folder / "org.json", now=NOW - dt.timedelta(days=120))
    with db.transaction() as session:
        schedule_storage.add_events(
            session,
            [meeting("Intervisie", BALIE + BELASTINGEN, dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC))],
            now=NOW - dt.timedelta(days=90),
        )
        survey_storage.ask_value_check(session, "bas", "2026-Q4", TOKEN, now=NOW)
    add_account(app, "bas@wadloo.example", "employee", "bas")
    add_account(app, "fenna@wadloo.example", "manager", "fenna")
    add_account(app, "hr@wadloo.example", "hr")
    return app


@pytest.fixture
def app(db_url, tmp_path):
    app = build(db_url, tmp_path)
    yield app
    app.extensions["meeloop"]["db"].dispose()


def db_of(app: Flask):
    return app.extensions["meeloop"]["db"]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def stored_checks(app: Flask) -> list[surveys.ValueCheck]:
    with db_of(app).transaction() as session:
        return [c for c in survey_storage.value_checks(session) if c.answered is not None]


def test_the_value_check_link_opens_the_form_without_logging_in_and_saves_a_changeable_answer(app):
    visitor = app.test_client()
    opened = visitor.get(f"/value-check/{TOKEN}")
    assert opened.status_code == 200
    page = text(opened)
    assert "1 October 2026 to 31 December 2026" in page and "1 session" in page
    assert (
        opened.headers["Cache-Control"] == "private, no-store" and opened.headers["X-Robots-Tag"] == "noindex"
    )
    saved = post_form(
        visitor, f"/value-check/{TOKEN}", {"levels": ["potential", "applied"], "story": "Veel geleerd."}
    )
    assert saved.status_code == 302 and saved.headers["Location"] == f"/value-check/{TOKEN}"
    again = text(visitor.get(f"/value-check/{TOKEN}"))
    assert re.search(r'value="applied" checked', again) and "Veel geleerd." in again
    post_form(visitor, f"/value-check/{TOKEN}", {"levels": ["reframing"], "story": ""})
    (stored,) = stored_checks(app)
    assert (stored.person_id, stored.levels, stored.story) == ("bas", ("reframing",), "")
    # The learning climate is on the person's own pages: the link leads to a login first.
    assert "/me/learning-climate" in again
    assert visitor.get("/me/learning-climate").headers["Location"].startswith("/login")


def test_bad_value_check_input_names_the_field_and_stores_nothing(app):
    visitor = app.test_client()
    empty = post_form(visitor, f"/value-check/{TOKEN}", {"story": "  "})
    assert empty.status_code == 400
    assert "Nothing was saved" in text(empty) and "choose at least one value level or write a story" in text(
        empty
    )
    long = post_form(visitor, f"/value-check/{TOKEN}", {"levels": ["applied"], "story": "x" * 2001})
    assert (
        long.status_code == 400
        and "the story has 2,001 characters" in text(long)
        and 'aria-invalid="true"' in text(long)
    )
    assert stored_checks(app) == []
    wrong = TOKEN[:-1] + "x"
    assert visitor.get(f"/value-check/{wrong}").status_code == 404
    token = csrf_token(visitor, f"/value-check/{TOKEN}")
    assert (
        visitor.post(f"/value-check/{wrong}", data={"csrf_token": token, "levels": "applied"}).status_code
        == 404
    )
    assert stored_checks(app) == []


def test_the_value_check_and_the_learning_climate_on_the_persons_own_pages(app):
    bas = app.test_client()
    log_in(bas, "bas@wadloo.example")
    assert 'href="/me/value-check"' in text(bas.get("/me/reflections"))
    assert post_form(bas, "/me/value-check", {"levels": ["immediate"]}).status_code == 302
    (stored,) = stored_checks(app)
    assert stored.levels == ("immediate",)
    assert bas.get("/me/learning-climate").status_code == 200
    bad = post_form(bas, "/me/learning-climate", {**SCORES, "support": "", "reward": "9"})
    assert bad.status_code == 400
    said = text(bad)
    assert "My manager wholeheartedly supports" in said and "choose a number from 1 to 5" in said
    assert "'9' is not a number from 1 to 5" in said
    with db_of(app).transaction() as session:
        assert survey_storage.climate_answers(session) == []
    assert post_form(bas, "/me/learning-climate", SCORES).status_code == 302
    with db_of(app).transaction() as session:
        (kept,) = survey_storage.climate_answers(session)
    assert (kept.person_id, kept.quarter, kept.team) == ("bas", "2027-Q1", "Balie")
    assert "2027-Q1" in text(bas.get("/me/data")) and '"learning_climate"' in text(bas.get("/me/data.json"))


def test_hr_sees_a_department_of_five_and_not_one_of_four_and_nobody_else_sees_the_report(app):
    db = db_of(app)
    q4 = surveys.Quarter(2026, 4)
    for pid in BALIE + BELASTINGEN:
        surveys.save_value_check(db, pid, q4, ["applied"], "geheim verhaal", today=TODAY, now=NOW)
        surveys.save_climate(db, pid, SCORES, today=TODAY, now=NOW)
    hr = app.test_client()
    log_in(hr, "hr@wadloo.example")
    report = text(hr.get("/hr/reports/value-checks"))
    small = report.split('data-group="Burgerzaken"', 1)[1].split("</tr>", 1)[0]
    large = report.split('data-group="Financiën"', 1)[1].split("</tr>", 1)[0]
    assert "fewer than 5 answers" in small and 'data-level="applied"' not in small
    assert 'data-level="applied">5<' in large
    assert "geheim verhaal" not in report and "Bas" not in report
    climate = text(hr.get("/hr/reports/learning-climate"))
    assert "fewer than 5 answers" in climate.split('data-team="Balie"', 1)[1].split("</tr>", 1)[0]
    assert 'data-item="support">4.0<' in climate.split('data-team="Belastingen"', 1)[1]
    assert 'href="/hr/reports/value-checks"' in text(hr.get("/hr/reports/"))
    # Fenna sees her own reporting line only: four people, too few to show.
    fenna = app.test_client()
    log_in(fenna, "fenna@wadloo.example")
    own = text(fenna.get("/team/learning-climate"))
    assert "fewer than 5 answers" in own and "Balie" not in own
    assert fenna.get("/hr/reports/value-checks").status_code == 403
    bas = app.test_client()
    log_in(bas, "bas@wadloo.example")
    for path in ("/hr/reports/value-checks", "/hr/reports/learning-climate", "/team/learning-climate"):
        assert bas.get(path).status_code == 403, path


def test_a_moved_session_takes_an_optional_new_day_and_a_wrong_one_stores_nothing(app):
    (event,) = scheduling.scheduled(db_of(app), kind="meeting")
    assert event.id is not None
    with db_of(app).transaction() as session:
        notice_storage.ask(session, event.id, dt.date(2026, 11, 12), "bas", "a-check-in-token", now=NOW)
    visitor = app.test_client()
    opened = text(visitor.get("/check-in/a-check-in-token/moved"))
    assert 'name="moved_to"' in opened and "New day (if you know it)" in opened

    def given() -> tuple[str | None, dt.date | None]:
        (found,) = notices.check_in_answers(db_of(app), person_ids=["bas"])
        return found.answer, found.moved_to

    for wrong, reason in (("morgen", "Give the new day as a date"), ("2030-01-01", "within a year of")):
        refused = post_form(visitor, "/check-in/a-check-in-token/moved", {"moved_to": wrong})
        assert refused.status_code == 400 and reason in text(refused) and f'value="{wrong}"' in text(refused)
        assert given() == (None, None)
    assert post_form(visitor, "/check-in/a-check-in-token/moved", {"moved_to": ""}).status_code == 302
    assert given() == ("moved", None)
    assert (
        post_form(visitor, "/check-in/a-check-in-token/moved", {"moved_to": "2026-11-26"}).status_code == 302
    )
    assert given() == ("moved", dt.date(2026, 11, 26))
    said = text(visitor.get("/check-in/a-check-in-token"))
    assert 'data-answer="moved"' in said and "moved to Thursday 26 November 2026" in said
    assert "/me/reflections/" not in said
    assert notices.check_in_counts(db_of(app), by="kind")["meeting"] == notices.CheckInCount(moved=1)
