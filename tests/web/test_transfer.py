"""The knowledge transfer pages through the real app and test client: HR opens a leaver from the risk
report, changes a successor, plans and publishes; the successor records their level and the leaver
confirms it; everyone else is kept out. On a real SQLite file and PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask

from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.services import organisation, scheduling, transfer
from matcher.storage import CheckInRow
from tests.unit.test_transfer import org
from tests.webtools import TODAY, add_account, log_in, make_app, post_form

SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example", domain="wadloo.example", base_url="http://localhost", language="en"
)
LEAVING = TODAY + dt.timedelta(days=30)


def make(url: str, folder, **settings) -> Flask:
    app = make_app(url, INVITES=SETTINGS, **settings)
    orgjson.write_json(org(LEAVING), folder / "org.json")
    organisation.import_file(
        app.extensions["meeloop"]["db"], folder / "org.json", now=dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    )
    add_account(app, "hr@wadloo.example", "hr")
    for person in ("lea", "bram", "chen", "dina", "fay"):
        add_account(app, f"{person}@wadloo.example", "employee", person)
    return app


@pytest.fixture
def app(db_url, tmp_path):
    app = make(db_url, tmp_path)
    yield app
    app.extensions["meeloop"]["db"].dispose()


def client_of(app: Flask, login: str):
    client = app.test_client()
    log_in(client, login)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def test_hr_opens_a_leaver_from_the_risk_report_changes_a_successor_plans_and_publishes(app):
    hr = client_of(app, "hr@wadloo.example")
    report = text(hr.get("/hr/reports/risks"))
    assert 'href="/hr/transfer/leaver/lea"' in report and "Plan the transfer from Lea" in report
    page = hr.get("/hr/transfer/leaver/lea")
    assert page.status_code == 200
    body = text(page)
    assert "closest level: holds Archiefwet at level 2" in body and "same team as Lea" in body
    assert re.search(
        r'<input type="checkbox" id="successor-archief-bram" name="successor-archief" value="bram" checked>',
        body,
    )
    assert '<label for="successor-archief-chen">Chen</label>' in body
    done = post_form(
        hr,
        "/hr/transfer/leaver/lea",
        {
            "skill": ["archief", "woo"],
            "successor-archief": "chen",
            "successor-woo": "chen",
            "sessions": "2",
            "minutes": "60",
            "sessions_per_week": "3",
        },
    )
    assert done.status_code == 302
    plan_page = done.headers["Location"]
    body = text(hr.get(plan_page))
    assert "chosen by HR" in body and "Chen" in body and "0 of 2" in body
    db = app.extensions["meeloop"]["db"]
    (stored,) = transfer.plans_of(db, "lea")
    assert all(s.successor_id == "chen" for s in stored.plan.sessions) and len(stored.plan.sessions) == 4
    assert re.fullmatch(r"/transfer/\d+", plan_page)
    publish = f"/hr{plan_page}/publish"
    assert post_form(hr, publish, {}, form_page=plan_page).status_code == 302
    assert transfer.plan(db, stored.id).status == "published"
    assert len(scheduling.scheduled(db, source=stored.source)) == 4
    assert "Publish</button>" not in text(hr.get(plan_page))
    assert f'href="{plan_page}"' in text(hr.get("/hr/reports/risks"))


def test_bad_settings_are_named_and_nothing_is_planned(app):
    hr = client_of(app, "hr@wadloo.example")
    answer = post_form(
        hr,
        "/hr/transfer/leaver/lea",
        {"sessions": "99", "skill": ["archief"], "successor-archief": ["bram", "dina"]},
    )
    assert answer.status_code == 400
    body = text(answer)
    assert "Sessions per successor and skill: give a whole number from 1 to 20." in body
    assert "Who takes Archiefwet over: dina is not among the colleagues listed." in body
    assert 'href="#successor-archief"' in body and 'id="successor-archief"' in body
    assert transfer.plans_of(app.extensions["meeloop"]["db"], "lea") == []
    assert hr.get("/hr/transfer/leaver/bram").status_code == 404  # Bram is not leaving


def test_the_successor_sets_their_level_the_leaver_confirms_and_others_are_kept_out(app):
    db = app.extensions["meeloop"]["db"]
    now = dt.datetime.combine(TODAY, dt.time(12), dt.UTC)
    stored = transfer.plan_transfer(db, "lea", None, transfer.TransferConfig(sessions=1), now=now)
    path = f"/transfer/{stored.id}"
    form = {"skill": "archief", "successor": "bram", "level": "3"}
    bram = client_of(app, "bram@wadloo.example")
    # Until HR publishes it, the plan is HR's alone: Bram must not learn from it that Lea leaves.
    assert bram.get(path).status_code == 404
    assert post_form(bram, f"{path}/level", {**form, "which": "own"}, form_page="/me").status_code == 404
    transfer.publish(db, stored.id, SETTINGS, None, now=now)
    assert bram.get(path).status_code == 200
    assert post_form(bram, f"{path}/level", {**form, "which": "own"}, form_page=path).status_code == 302
    assert post_form(bram, f"{path}/level", {**form, "which": "confirm"}, form_page=path).status_code == 403
    assert (
        post_form(bram, f"{path}/level", {**form, "which": "own", "level": "9"}, form_page=path).status_code
        == 400
    )
    lea = client_of(app, "lea@wadloo.example")
    assert post_form(lea, f"{path}/level", {**form, "which": "confirm"}, form_page=path).status_code == 302
    record = transfer.plan(db, stored.id).level("archief", "bram")
    assert (record.own_level, record.confirmed_level) == (3, 3)
    dina = client_of(app, "dina@wadloo.example")
    assert dina.get(path).status_code == 403
    assert dina.get("/hr/transfer/leaver/lea").status_code == 403
    hr_page = text(client_of(app, "hr@wadloo.example").get(path))
    assert "Your level" not in hr_page and "Confirm level" not in hr_page and "proficient" in hr_page


def test_hr_picks_several_successors_and_the_leavers_time_is_shared_by_them(app):
    hr = client_of(app, "hr@wadloo.example")
    done = post_form(
        hr,
        "/hr/transfer/leaver/lea",
        {
            "skill": ["archief", "woo"],
            "successor-archief": ["bram", "chen"],
            "sessions": "2",
            "sessions_per_week": "1",
        },
    )
    assert done.status_code == 302
    (stored,) = transfer.plans_of(app.extensions["meeloop"]["db"], "lea")
    archief, woo = stored.proposal.items
    assert [c.person_id for c in archief.chosen] == ["bram", "chen"] and woo.chosen == ()
    weeks = [s.start.isocalendar()[:2] for s in stored.plan.sessions]
    assert len(weeks) == len(set(weeks)) == 4  # one a week for Lea, over both successors
    body = text(hr.get(done.headers["Location"]))
    assert 'data-successor="bram"' in body and 'data-successor="chen"' in body


def test_hr_opens_a_skill_held_by_two_from_the_risk_report_with_the_reports_horizon(app):
    hr = client_of(app, "hr@wadloo.example")
    report = text(hr.get("/hr/reports/risks?horizon=60"))
    assert 'href="/hr/transfer/skill/gis?horizon=60"' in report and "Plan the transfer of GIS" in report
    page = text(hr.get("/hr/transfer/skill/gis?horizon=60"))
    assert "only Dina and Bram hold GIS at level 3 or higher" in page
    assert f'value="{(TODAY + dt.timedelta(days=60)).isoformat()}"' in page
    assert "Sessions a week for each holder" in page
    deadline = TODAY + dt.timedelta(days=40)
    done = post_form(
        hr,
        "/hr/transfer/skill/gis",
        {"skill": "gis", "successor-gis": ["chen", "fay"], "deadline": deadline.isoformat(), "sessions": "2"},
    )
    assert done.status_code == 302
    db = app.extensions["meeloop"]["db"]
    (stored,) = [p for p in transfer.plans_of(db) if p.proposal.skill_id == "gis"]
    assert stored.proposal.deadline == deadline and stored.proposal.successors() == ["chen", "fay"]
    plan_page = done.headers["Location"]
    body = text(hr.get(plan_page))
    assert "Knowledge transfer: GIS" in body and "Passed on by Dina and Bram" in body
    assert post_form(hr, f"/hr{plan_page}/publish", {}, form_page=plan_page).status_code == 302
    assert f'href="{plan_page}"' in text(hr.get("/hr/reports/risks"))
    # Either holder confirms; the successors reach the plan from their own plans page.
    bram = client_of(app, "bram@wadloo.example")
    form = {"skill": "gis", "successor": "fay", "level": "3", "which": "confirm"}
    assert post_form(bram, f"{plan_page}/level", form, form_page=plan_page).status_code == 302
    for person in ("fay", "dina"):
        mine = text(client_of(app, f"{person}@wadloo.example").get("/me/plans"))
        assert f'<a href="{plan_page}">Your knowledge transfer plan: GIS</a>' in mine
    assert "Your knowledge transfer plan" not in text(client_of(app, "lea@wadloo.example").get("/me/plans"))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"deadline": "soon"}, "Sessions before: give a date as year-month-day, such as 2026-12-31."),
        (
            {"deadline": TODAY.isoformat()},
            "Sessions before: give a day after today and at most 3650 days ahead.",
        ),
        ({"successor-gis": "bram"}, "Who takes GIS over: bram is not among the colleagues listed."),
        ({"minutes": "5"}, "Minutes per session: give a whole number from 15 to 480."),
    ],
)
def test_bad_input_for_a_skill_plan_is_named_per_field_and_nothing_is_planned(app, form, message):
    hr = client_of(app, "hr@wadloo.example")
    answer = post_form(hr, "/hr/transfer/skill/gis", {"skill": "gis", **form})
    assert answer.status_code == 400
    assert message in text(answer)
    assert transfer.plans_of(app.extensions["meeloop"]["db"]) == []
    assert hr.get("/hr/transfer/skill/sql").status_code == 404  # four hold it well: not at risk


def test_a_moved_session_shows_as_moved_in_the_progress(app):
    db = app.extensions["meeloop"]["db"]
    now = dt.datetime.combine(TODAY, dt.time(12), dt.UTC)
    stored = transfer.plan_transfer(db, "lea", {"woo": []}, transfer.TransferConfig(sessions=2), now=now)
    transfer.publish(db, stored.id, SETTINGS, None, now=now)
    event = scheduling.scheduled(db, source=stored.source)[0]
    with db.transaction() as session:
        session.add(
            CheckInRow(
                event_id=event.id,
                session_day=event.start.date(),
                person_id="bram",
                token_hash="m" * 64,
                asked=now,
                answer="moved",
                answered=now,
            )
        )
    body = text(client_of(app, "bram@wadloo.example").get(f"/transfer/{stored.id}"))
    assert re.search(r"0 of 2<br><span class=\"meta moved\">1 moved</span>", body)


def test_the_risk_report_shows_the_live_plan_and_a_newer_draft_as_waiting_to_be_published(app):
    db = app.extensions["meeloop"]["db"]
    now = dt.datetime.combine(TODAY, dt.time(12), dt.UTC)
    config = transfer.TransferConfig(sessions=2)
    live = transfer.plan_transfer(db, "lea", {"woo": []}, config, now=now)
    transfer.publish(db, live.id, SETTINGS, None, now=now)
    draft = transfer.plan_transfer(db, "lea", {"woo": ["chen"]}, config, now=now)
    hr = client_of(app, "hr@wadloo.example")
    row = text(hr.get("/hr/reports/risks")).split('data-skill="archief"')[1].split("</tr>")[0]
    assert f'href="/transfer/{live.id}"' in row and "0 of 2 sessions held" in row
    assert f'<a class="draft" href="/transfer/{draft.id}">A new plan waits to be published</a>' in row
    assert "not published yet" not in row


def test_a_skill_plan_speaks_of_the_colleague_passing_it_on_and_plans_again_with_its_own_deadline(app):
    db = app.extensions["meeloop"]["db"]
    now = dt.datetime.combine(TODAY, dt.time(12), dt.UTC)
    deadline = TODAY + dt.timedelta(days=40)
    stored = transfer.plan_skill_transfer(
        db, "gis", deadline, ["fay"], transfer.TransferConfig(sessions=1), now=now
    )
    transfer.publish(db, stored.id, SETTINGS, None, now=now)
    path = f"/transfer/{stored.id}"
    fay = client_of(app, "fay@wadloo.example")
    page = text(fay.get(path))
    assert "Confirmed by the colleague passing it on" in page and "leaver" not in page
    form = {"skill": "gis", "successor": "fay", "level": "3", "which": "confirm"}
    refused = post_form(fay, f"{path}/level", form, form_page=path)
    assert refused.status_code == 403
    assert "only the colleague passing it on confirms it" in text(refused)
    assert "leaver" not in text(client_of(app, "chen@wadloo.example").get(path))
    hr = client_of(app, "hr@wadloo.example")
    again = f"/hr/transfer/skill/gis?deadline={deadline.isoformat()}"
    assert f'href="{again}"' in text(hr.get(path))
    assert f'id="deadline" name="deadline" type="date" value="{deadline.isoformat()}"' in text(hr.get(again))
    # Without it, or with one that has passed, the form starts from the report's horizon.
    default = (TODAY + dt.timedelta(days=180)).isoformat()
    assert f'value="{default}"' in text(hr.get(f"/hr/transfer/skill/gis?deadline={TODAY.isoformat()}"))
    bad = post_form(hr, "/hr/transfer/skill/gis", {"skill": "gis", "sessions_per_week": "0"})
    assert "Sessions a week for each holder: give a whole number from 1 to 20." in text(bad)
