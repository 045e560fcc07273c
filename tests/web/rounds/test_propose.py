"""HR's rounds in the web UI: who reaches the pages, and proposing a round in the background.
Flask's test client against a real SQLite file."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest

from matcher.plans.solve_jobs import DONE
from matcher.services import background, rounds
from tests.job_workers import start_worker, stop_worker
from tests.orgs import mentoring_org
from tests.web.rounds.support import (
    MENTORING,
    close_app,
    db_of,
    import_organisation,
    job_id,
    propose,
    start_app,
    stored_round,
)
from tests.webtools import csrf_token, log_in
from web import hr_rounds, worker

# -- access ----------------------------------------------------------------------------------------------


ROUTES_GET = (
    "/hr/rounds/",
    "/hr/rounds/new/mentor",
    "/hr/rounds/x",
    "/hr/rounds/x/settings",
    "/hr/rounds/x/compare",
    "/hr/rounds/x/round.ics",
    "/hr/rounds/jobs/1",
)
ROUTES_POST = ("lock", "swap", "exclude", "forbid", "resolve", "publish", "meetings", "send", "settings")


def test_only_hr_reaches_the_rounds_pages(app, hr):
    propose(hr)
    anonymous = app.test_client()
    for url in ROUTES_GET:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for login in ("pim@wadloo.example", "marit@wadloo.example"):
        client = app.test_client()
        log_in(client, login)
        token = csrf_token(client, "/account/password")
        for url in ROUTES_GET:
            assert client.get(url).status_code == 403, (login, url)
        for action in ROUTES_POST:
            url = f"/hr/rounds/{MENTORING}/{action}"
            assert client.post(url, data={"csrf_token": token}).status_code == 403, (login, url)
        assert client.post("/hr/rounds/new/mentor", data={"csrf_token": token}).status_code == 403
        assert "/hr/rounds/" not in client.get("/").get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(app, hr):
    propose(hr)
    before = stored_round(app)
    for action in ROUTES_POST:
        assert hr.post(f"/hr/rounds/{MENTORING}/{action}", data={}).status_code == 400, action
    response = hr.post("/hr/rounds/new/mentor", data={"name": "other", "who": "all"})
    assert response.status_code == 400
    assert stored_round(app) == before
    assert [r.name for r in rounds.list_rounds(db_of(app))] == [MENTORING]


def test_unknown_rounds_and_jobs_are_not_found(hr):
    for url in (
        "/hr/rounds/ghost",
        "/hr/rounds/ghost/compare",
        "/hr/rounds/jobs/99",
        "/hr/rounds/new/karaoke",
    ):
        response = hr.get(url)
        assert response.status_code == 404, url
        assert "Traceback" not in response.get_data(as_text=True)


# -- proposing --------------------------------------------------------------------------------------


def test_the_list_offers_every_kind_of_round(hr):
    html = hr.get("/hr/rounds/").get_data(as_text=True)
    for kind in (
        "mentor",
        "reverse",
        "exchange",
        "buddy",
        "intern-manager",
        "think-tank",
        "intervision",
        "community",
        "shadowing",
        "lunch",
    ):
        assert f'href="/hr/rounds/new/{kind}"' in html, kind


def test_the_settings_form_explains_each_weight(hr):
    html = hr.get("/hr/rounds/new/mentor").get_data(as_text=True)
    assert html.count("Raising it") >= 10
    assert "Spread popular experts" in html and 'name="weights__spread"' in html
    assert 'name="time_limit"' in html and 'name="rules__one_role"' in html
    assert 'name="weights__buddy_same_site"' not in html  # a buddy weight, not shown for mentoring
    assert 'name="weights__buddy_same_site"' in hr.get("/hr/rounds/new/buddy").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"weights__repeat_fade": "1.5"}, "weights__repeat_fade", "must be between 0 and 1"),
        ({"rules__cooldown_rounds": "-1"}, "rules__cooldown_rounds", "must not be negative"),
        ({"min_teacher_level": "7"}, "min_teacher_level", "must be a level from 0 to 4"),
        ({"weights__spread": "lots"}, "weights__spread", "Give a number, such as 2 or 2.5."),
        ({"time_limit": "100000"}, "time_limit", "600"),
        ({"who": "chosen"}, "people", "Choose a department, site or team"),
        ({"people": "pim ghost"}, "people", "Nobody has the id ghost"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_invalid_settings_are_refused_at_their_field(app, hr, fields, field, message):
    response = propose(hr, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    block = re.search(rf'<div class="field[^"]*has-error[^"]*">\s*<label for="{field}".*?</div>', html, re.S)
    assert block, f"no error at {field}"
    assert message in block.group(0)
    assert rounds.list_rounds(db_of(app)) == []
    assert background.jobs_of(db_of(app), MENTORING) == []


def test_a_name_in_use_is_refused(app, hr):
    propose(hr)
    response = propose(hr)
    assert response.status_code == 400
    assert "A round with this name exists" in response.get_data(as_text=True)
    assert len(background.jobs_of(db_of(app), MENTORING)) == 1


def test_proposing_runs_a_job_and_the_review_shows_pairs_with_reasons(app, hr):
    response = propose(hr)
    assert response.status_code == 302
    job = background.job(db_of(app), job_id(response))
    assert job is not None and job.status == DONE and job.kind == "mentor"
    assert job.best["units"] == 4 and job.best["left_out"] == 1
    # Following the job page of a finished job lands on the review.
    followed = hr.get(response.headers["Location"])
    assert followed.status_code == 302 and followed.headers["Location"].endswith(
        "/hr/rounds/2027-Q1%20mentoring"
    )
    page = hr.get(f"/hr/rounds/jobs/{job.id}").get_data(as_text=True)
    assert "<progress" in page and 'http-equiv="refresh"' not in page and "Review the proposal" in page
    html = hr.get(f"/hr/rounds/{MENTORING}").get_data(as_text=True)
    stored = stored_round(app)
    assert len(stored.pairs) == 4 and len(stored.unmatched) == 1
    for unit in stored.pairs:
        assert unit.reasons and unit.reasons[0] in html.replace("&#39;", "'")
    left = stored.unmatched[0]
    assert left.reason in html.replace("&#39;", "'")
    assert "It keeps every rule on today" in html
    listing = hr.get("/hr/rounds/").get_data(as_text=True)
    assert MENTORING in listing and "proposed" in listing and "4 pairs" in listing


def _queue(app, name: str):
    return background.start_job(
        db_of(app),
        round_name=name,
        kind="mentor",
        settings={"config": {"mode": "mentor"}},
        limit=10.0,
        started_by="hr",
        runner=worker.runner_of(app).identity,
        now=dt.datetime.now(dt.UTC),
    )


def test_a_job_page_says_what_is_happening_and_looks_again_soon_while_the_job_runs(app, hr):
    from matcher.storage import solve_jobs as job_store

    db = db_of(app)
    queued = _queue(app, "later")
    page = hr.get(f"/hr/rounds/jobs/{queued.id}")
    html = page.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="1">' in html and page.headers["Refresh"] == "1"
    # nothing else runs: it does not claim another proposal is being worked out
    assert "Waiting for its turn" in html and "It starts in a moment." in html
    assert "Another proposal" not in html and "This page looks again every second." in html

    second = _queue(app, "after that")
    with db.transaction() as session:
        job_store.mark_running(session, queued.id, now=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=3))
    html = hr.get(f"/hr/rounds/jobs/{second.id}").get_data(as_text=True)
    assert "Another proposal is being worked out; this one starts when it is done." in html

    html = hr.get(f"/hr/rounds/jobs/{queued.id}").get_data(as_text=True)
    assert "No plan to show yet" in html
    with db.transaction() as session:
        job_store.update_best(session, queued.id, {"objective": 12.5, "bound": 14.0}, elapsed=3.0)
    html = hr.get(f"/hr/rounds/jobs/{queued.id}").get_data(as_text=True)
    assert '<progress max="10.0" value="3.' in html
    assert "of 10 seconds searched" in html and "12.5" in html and "at most 14 possible" in html
    assert '<meta http-equiv="refresh" content="1">' in html and "No plan to show yet" not in html

    with db.transaction() as session:
        job_store.mark_running(session, second.id, now=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30))
    page = hr.get(f"/hr/rounds/jobs/{second.id}")
    assert page.headers["Refresh"] == "3" and "every 3 seconds" in page.get_data(as_text=True)


def test_a_solve_that_ends_quickly_shows_its_proposal_at_once(sqlite_url, tmp_path, monkeypatch):
    import_organisation(sqlite_url, mentoring_org(), tmp_path)
    app = start_app(sqlite_url, JOBS_INLINE=False)
    # The request waits for the worker process up to QUICK_SOLVE; here long enough for any machine.
    monkeypatch.setattr(hr_rounds, "QUICK_SOLVE", 120.0)
    runner = None
    try:
        runner = start_worker(sqlite_url)
        client = app.test_client()
        log_in(client, "hr@wadloo.example")
        started = propose(client, time_limit="5")
        assert started.status_code == 302
        # the request waited for the quick solve: the job page sends HR straight on to the review
        follow = client.get(started.headers["Location"])
        assert follow.status_code == 302 and follow.headers["Location"].endswith(quote(MENTORING))
    finally:
        if runner is not None:
            stop_worker(runner)
        close_app(app)
