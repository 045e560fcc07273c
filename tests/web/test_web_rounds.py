"""HR's rounds in the web UI: propose in the background, review, adjust, re-solve, compare,
publish with meetings and invites, and change after publishing. Flask's test client against a
real SQLite file; calendars read back with icalendar; e-mail to a real local SMTP server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient

from cli.main import demo_data_dir
from matcher.domain.model import HistoryEntry, Organisation
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson
from matcher.io.mail import SmtpSettings
from matcher.plans.rounds import RoundError
from matcher.plans.solve_jobs import DONE
from matcher.services import background, organisation, publishing, round_changes, scheduling
from matcher.storage import solve_jobs as job_store
from tests.integration.test_invites import Mailbag
from tests.integration.test_mail import free_port
from tests.orgs import mentoring_org
from tests.webtools import add_account, csrf_token, log_in, make_app, post_form
from web import worker

MENTORING = "2027-Q1 mentoring"


def _import(url: str, org: Organisation | Path, tmp_path: Path) -> None:
    if isinstance(org, Organisation):
        path = tmp_path / "org.json"
        orgjson.write_json(org, path)
    else:
        path = org
    db = organisation.Database(url)
    try:
        organisation.import_file(db, path)
    finally:
        db.dispose()


def _make(url: str, **settings) -> Flask:
    app = make_app(url, **{"JOBS_INLINE": True, "SMTP": None, **settings})
    add_account(app, "hr@wadloo.example", "hr")
    return app


def _close(app: Flask) -> None:
    worker.runner_of(app).shutdown()
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def app(sqlite_url, tmp_path) -> Iterator[Flask]:
    """Three mentors with four places, five mentees: one mentee is always left out."""
    _import(sqlite_url, mentoring_org(), tmp_path)
    app = _make(sqlite_url)
    add_account(app, "pim@wadloo.example", "employee", "pim")
    add_account(app, "marit@wadloo.example", "manager", "marit")
    yield app
    _close(app)


@pytest.fixture
def hr(app) -> FlaskClient:
    client = app.test_client()
    log_in(client, "hr@wadloo.example")
    return client


def db_of(app: Flask) -> organisation.Database:
    return app.extensions["meeloop"]["db"]


def propose(client: FlaskClient, kind: str = "mentor", name: str = MENTORING, **fields) -> object:
    data = {"name": name, "who": "all", "time_limit": "2", **fields}
    page = f"/hr/rounds/new/{kind}"
    form = client.get(page).get_data(as_text=True)
    defaults = _defaults(form)
    return post_form(client, page, {**defaults, **data}, form_page=page)


def _defaults(html: str) -> dict[str, object]:
    """What a browser sends for the form as shown: each input's value, checked boxes, selected options."""
    found: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio"):
            if "checked" in tag:
                found[name.group(1)] = value.group(1) if value else "y"
        elif kind is None or kind.group(1) not in ("submit",):
            found[name.group(1)] = value.group(1) if value else ""
    for attributes, options in re.findall(r"<select([^>]*)>(.*?)</select>", html, re.S):
        name = re.search(r'name="([^"]+)"', attributes).group(1)
        values = [
            a or b
            for a, b in re.findall(
                r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', options
            )
        ]
        first = re.search(r'<option[^>]*value="([^"]*)"', options)
        if values:
            found[name] = values if len(values) > 1 else values[0]
        elif first and "multiple" not in attributes:
            found[name] = first.group(1)  # a browser sends the first option of a plain select
    return found


def stored_round(app: Flask, name: str = MENTORING):
    return organisation.load_round(db_of(app), name)


def job_id(response) -> int:
    found = re.search(r"/hr/rounds/jobs/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


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
    assert [r.name for r in organisation.list_rounds(db_of(app))] == [MENTORING]


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
        ({"weights__spread": "lots"}, "weights__spread", "Not a valid float value"),
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
    assert organisation.list_rounds(db_of(app)) == []
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


def test_a_job_page_refreshes_itself_while_the_job_runs(app, hr):
    db = db_of(app)
    queued = background.start_job(
        db,
        round_name="later",
        kind="mentor",
        settings={"config": {"mode": "mentor"}},
        limit=10.0,
        started_by="hr",
        runner=worker.runner_of(app).identity,
        now=dt.datetime.now(dt.UTC),
    )
    page = hr.get(f"/hr/rounds/jobs/{queued.id}")
    html = page.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in html and page.headers["Refresh"] == "2"
    assert "Waiting for its turn" in html
    with db.transaction() as session:
        from matcher.storage import solve_jobs as job_store

        job_store.mark_running(session, queued.id, now=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=3))
        job_store.update_best(session, queued.id, {"objective": 12.5, "bound": 14.0}, elapsed=3.0)
    html = hr.get(f"/hr/rounds/jobs/{queued.id}").get_data(as_text=True)
    assert '<progress max="10.0" value="3.' in html
    assert "of 10 seconds searched" in html and "12.5" in html and "at most 14 possible" in html
    assert '<meta http-equiv="refresh" content="2">' in html


# -- adjusting and solving again ----------------------------------------------------------------------------


def review_url(name: str = MENTORING) -> str:
    return f"/hr/rounds/{name}"


def act(client: FlaskClient, action: str, data: dict, name: str = MENTORING):
    return post_form(client, f"{review_url(name)}/{action}", data, form_page=review_url(name))


def pairs_of(app: Flask, name: str = MENTORING) -> set[tuple[str, ...]]:
    return {unit.members for unit in stored_round(app, name).pairs}


def test_lock_swap_exclude_and_forbid_then_resolve_keeps_locks_and_honours_forbidden_pairs(app, hr):
    propose(hr)
    assert pairs_of(app) == {("olga", "tom"), ("marit", "umar"), ("niels", "pim"), ("marit", "roos")}

    assert act(hr, "lock", {"members": "niels,pim", "lock": "1"}).status_code == 302
    assert stored_round(app).locked_pairs == (("niels", "pim"),)
    refused = act(hr, "swap", {"swap-first": "pim", "swap-second": "roos"})
    assert refused.status_code == 400 and "is locked; unlock it before swapping" in refused.get_data(
        as_text=True
    )

    assert act(hr, "swap", {"swap-first": "tom", "swap-second": "roos"}).status_code == 302
    assert {("olga", "roos"), ("marit", "tom")} <= pairs_of(app)
    same = act(hr, "swap", {"swap-first": "tom", "swap-second": "tom"})
    assert same.status_code == 400 and "Choose two different people" in same.get_data(as_text=True)

    assert act(hr, "exclude", {"exclude-person": "umar"}).status_code == 302
    stored = stored_round(app)
    assert "umar" in stored.config.select.exclude
    assert not any("umar" in unit.members for unit in stored.pairs)
    assert "Excluded by HR: Umar Aziz" in hr.get(review_url()).get_data(as_text=True)

    forbid = act(hr, "forbid", {"forbid-first": "marit", "forbid-second": "roos"})
    assert forbid.status_code == 302 and "/hr/rounds/jobs/" in forbid.headers["Location"]
    job = background.job(db_of(app), job_id(forbid))
    assert job.status == DONE
    stored = stored_round(app)
    assert ("niels", "pim") in pairs_of(app) and stored.locked_pairs == (("niels", "pim"),)
    assert not any({"marit", "roos"} <= set(unit.members) for unit in stored.pairs)
    assert ("marit", "roos") in stored.config.forbidden
    placed = {m for unit in stored.pairs for m in unit.members} | {u.person_id for u in stored.unmatched}
    assert "umar" not in placed

    again = act(hr, "resolve", {})
    assert again.status_code == 302
    assert ("niels", "pim") in pairs_of(app) and not any({"marit", "roos"} <= set(u) for u in pairs_of(app))
    assert act(hr, "lock", {"members": "pim,niels", "lock": "0"}).status_code == 302
    assert stored_round(app).locked_pairs == ()
    html = hr.get(review_url()).get_data(as_text=True)
    assert "locked</span>" not in html and "Forbidden pairs: Marit Bos &amp; Roos Visser" in html


def test_swapping_into_a_pair_that_breaks_a_rule_is_refused_and_changes_nothing(app, hr):
    propose(hr)
    before = stored_round(app)
    # Pim wants SQL only; Olga teaches neither SQL nor anything Pim wants.
    response = act(hr, "swap", {"swap-first": "pim", "swap-second": "tom"})
    assert response.status_code == 400
    assert "breaks these rules" in response.get_data(as_text=True)
    assert stored_round(app).pairs == before.pairs


def test_compare_shows_what_a_re_solve_changed(app, hr):
    propose(hr)
    act(hr, "swap", {"swap-first": "tom", "swap-second": "roos"})
    act(hr, "forbid", {"forbid-first": "olga", "forbid-second": "roos"})
    page = hr.get(f"{review_url()}/compare")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    jobs_made = [j for j in background.jobs_of(db_of(app), MENTORING) if j.status == DONE]
    before = jobs_made[-1].snapshot("before")
    after = jobs_made[-1].snapshot("proposal")
    assert before is not None and after is not None
    assert {u.members for u in before.units} != {u.members for u in after.units}
    assert "Only in A" in html and "Only in B" in html and "Total of their scores" in html
    only_a = re.search(r'id="only-a">.*?</ul>', html, re.S).group(0)
    assert "Olga Smit → Roos Visser" in only_a  # HR's swap, replaced by the re-solve
    chosen = hr.get(f"{review_url()}/compare", query_string={"a": f"job-{jobs_made[0].id}", "b": "current"})
    assert chosen.status_code == 200 and 'value="current" selected' in chosen.get_data(as_text=True)
    assert hr.get(f"{review_url()}/compare", query_string={"a": "job-999"}).status_code == 404


# -- publishing --------------------------------------------------------------------------------------


MEETINGS = {"first_day": "2026-11-23", "last_day": "2027-01-31", "every": "2", "minutes": "60"}


def publish(client: FlaskClient, name: str = MENTORING, **fields):
    return act(client, "publish", {**MEETINGS, **fields}, name=name)


def test_publishing_plans_meetings_queues_invites_and_offers_the_round_file(app, hr):
    propose(hr)
    response = publish(hr)
    assert response.status_code == 302
    stored = stored_round(app)
    assert stored.status == "published"
    events = scheduling.scheduled(db_of(app), kind="meeting", source=MENTORING)
    assert len(events) == 4 and all(e.rrule and "INTERVAL=2" in e.rrule for e in events)
    waiting = publishing.outbox_messages(db_of(app), source=MENTORING)
    assert len(waiting) == 8 and {(m.method, m.status) for m in waiting} == {("REQUEST", "queued")}
    html = hr.get(review_url()).get_data(as_text=True)
    assert "4 meetings planned" in html
    assert "Queued 8 invitations, 0 updates and 0 cancellations" in html
    assert "meeloop send" in html and "8 waiting in the outbox" in html
    assert "It keeps every rule on today" in html  # its own pairs in the history are no repeats

    ics = hr.get(f"{review_url()}/round.ics")
    assert ics.status_code == 200 and ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(ics.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 4
    assert {str(v["UID"]) for v in vevents} == {f"meeloop-event-{e.id}@localhost" for e in events}

    twice = publish(hr)
    assert twice.status_code == 400 and "already published" in twice.get_data(as_text=True)
    assert hr.get(f"{review_url()}/settings").status_code == 302


def test_publishing_with_bad_meeting_dates_is_refused_at_the_field(app, hr):
    propose(hr)
    response = publish(hr, first_day="2027-02-01", last_day="2027-01-01")
    assert response.status_code == 400
    assert "The round ends before its first meetings" in response.get_data(as_text=True)
    assert stored_round(app).status == "proposed"


def test_changes_after_publishing_plan_again_and_queue_updates_and_cancellations(app, hr):
    propose(hr)
    publish(hr)
    swapped = act(hr, "swap", {"swap-first": "tom", "swap-second": "roos"})
    assert swapped.status_code == 302
    html = hr.get(review_url()).get_data(as_text=True)
    assert "Queued 0 invitations, 4 updates and 2 cancellations" in html
    messages = publishing.outbox_messages(db_of(app), source=MENTORING)
    later = [(m.method, m.person_id, m.sequence) for m in messages if m.sequence == 1]
    assert sorted(later) == [
        ("CANCEL", "roos", 1),
        ("CANCEL", "tom", 1),
        ("REQUEST", "marit", 1),
        ("REQUEST", "olga", 1),
        ("REQUEST", "roos", 1),
        ("REQUEST", "tom", 1),
    ]
    # A meeting whose people stay keeps its time and sends nothing; the other two were planned again.
    events = {e.key: e for e in scheduling.scheduled(db_of(app), kind="meeting", source=MENTORING)}
    assert sorted(e.sequence for e in events.values()) == [0, 0, 1, 1]

    removed = act(hr, "exclude", {"exclude-person": "pim"})
    assert removed.status_code == 302
    html = hr.get(review_url()).get_data(as_text=True)
    assert "Queued 0 invitations, 0 updates and 2 cancellations" in html
    cancels = [m for m in publishing.outbox_messages(db_of(app), source=MENTORING) if m.method == "CANCEL"]
    assert {m.person_id for m in cancels} >= {"niels", "pim"}
    assert len(scheduling.scheduled(db_of(app), kind="meeting", source=MENTORING)) == 3
    assert not any("pim" in u.members for u in stored_round(app).pairs)


def test_publishing_delivers_the_invites_when_e_mail_is_set_up(sqlite_url, tmp_path):
    _import(sqlite_url, mentoring_org(), tmp_path)
    bag, port = Mailbag(), free_port()
    controller = Controller(bag, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example")
    app = _make(sqlite_url, SMTP=smtp)
    try:
        client = app.test_client()
        log_in(client, "hr@wadloo.example")
        propose(client)
        assert "invites are e-mailed at once" in client.get(review_url()).get_data(as_text=True)
        publish(client)
        html = client.get(review_url()).get_data(as_text=True)
        assert "E-mail: 8 sent, 0 failed, 0 waiting in the outbox" in html
        assert len(bag.received) == 8
        assert {m.status for m in publishing.outbox_messages(db_of(app), source=MENTORING)} == {"sent"}
        assert bag.received[0].get_content_type() == "multipart/mixed"
    finally:
        _close(app)
        controller.stop()


# -- group rounds ----------------------------------------------------------------------------------


def test_a_think_tank_end_to_end(app, hr):
    form = hr.get("/hr/rounds/new/think-tank").get_data(as_text=True)
    assert "Mixed: raising the weight puts more different" in form and 'name="goal_function"' in form
    bad = propose(hr, "think-tank", "denktank", size_min="4", size_max="3")
    assert bad.status_code == 400
    assert re.search(
        r'has-error[^"]*">\s*<label for="size_min".*?sizes must be at least 2',
        bad.get_data(as_text=True),
        re.S,
    )
    bad_weight = propose(hr, "think-tank", "denktank", weight_site="-1")
    assert bad_weight.status_code == 400 and "a number of 0 or more" in bad_weight.get_data(as_text=True)

    response = propose(hr, "think-tank", "denktank", size_min="3", size_max="4", time_limit="1")
    assert response.status_code == 302
    stored = stored_round(app, "denktank")
    assert stored.mode == "think-tank" and len(stored.pairs) == 2
    assert sorted(len(g.members) for g in stored.pairs) == [4, 4]
    html = hr.get(review_url("denktank")).get_data(as_text=True)
    assert "Groups" in html and "mixes" in html
    first = stored.pairs[0].members
    assert act(hr, "lock", {"members": ",".join(first), "lock": "1"}, name="denktank").status_code == 302
    act(hr, "resolve", {}, name="denktank")
    assert first in pairs_of(app, "denktank")

    assert publish(hr, "denktank").status_code == 302
    events = scheduling.scheduled(db_of(app), kind="meeting", source="denktank")
    assert len(events) == 2 and {len(e.members) for e in events} == {4}
    assert len(publishing.outbox_messages(db_of(app), source="denktank")) == 8
    calendar = icalendar.Calendar.from_ical(hr.get(f"{review_url('denktank')}/round.ics").data)
    assert len(calendar.walk("VEVENT")) == 2


def test_group_progress_reaches_the_caller_with_the_bound():
    from matcher.domain.talentmap import TalentMap
    from matcher.engines import groups

    tmap = TalentMap(mentoring_org(), today=dt.date(2026, 11, 21))
    config = groups.GroupConfig.for_kind("think-tank", size_min=3, size_max=4, time_limit=1.0)
    heard: list[tuple[float, float, float]] = []
    proposal = groups.propose(
        groups.build_problem(tmap, config, today=dt.date(2026, 11, 21)),
        on_progress=lambda *a: heard.append(a),
    )
    assert heard and heard[-1][0] == pytest.approx(proposal.objective, abs=0.01)
    assert all(bound == pytest.approx(proposal.bound, abs=0.01) for _, bound, _ in heard)
    assert [s for _, _, s in heard] == sorted(s for _, _, s in heard)


# -- lunch & learn and shadowing --------------------------------------------------------------------------


def time_org() -> Organisation:
    """The mentoring organisation, where Marit presents Wmo (three want it) and Niels hosts guests."""
    org = mentoring_org()
    people = tuple(
        dataclasses.replace(p, presenter=True)
        if p.id == "marit"
        else dataclasses.replace(p, host_capacity=2)
        if p.id == "niels"
        else p
        for p in org.people
    )
    return dataclasses.replace(org, people=people)


@pytest.fixture
def time_app(sqlite_url, tmp_path) -> Iterator[Flask]:
    _import(sqlite_url, time_org(), tmp_path)
    app = _make(sqlite_url)
    yield app
    _close(app)


def plan(client: FlaskClient, kind: str, name: str, **fields):
    page = f"/hr/rounds/new/{kind}"
    data = {**_defaults(client.get(page).get_data(as_text=True)), "name": name, **fields}
    return post_form(client, page, data, form_page=page)


def test_a_lunch_and_learn_plan_end_to_end(time_app):
    client = time_app.test_client()
    log_in(client, "hr@wadloo.example")
    bad = plan(client, "lunch", "lunch december", first_day="2026-12-18", last_day="2026-12-01")
    assert bad.status_code == 400 and "The last day comes before the first" in bad.get_data(as_text=True)
    response = plan(client, "lunch", "lunch december", first_day="2026-11-30", last_day="2026-12-18")
    assert response.status_code == 302
    followed = client.get(response.headers["Location"])
    assert followed.status_code == 302
    html = client.get("/hr/rounds/lunch december").get_data(as_text=True)
    assert "Sessions" in html and "Wmo-wetgeving" in html and "Marit Bos" in html
    assert scheduling.scheduled(time_app.extensions["meeloop"]["db"], kind="lunch") == []
    listing = client.get("/hr/rounds/").get_data(as_text=True)
    assert "lunch december" in listing and "1 session" in listing

    again_page = "/hr/rounds/lunch december/settings"
    form = client.get(again_page).get_data(as_text=True)
    assert 'value="2026-11-30"' in form and 'name="name"' not in form
    again = post_form(client, again_page, {**_defaults(form), "per_week": "2"}, form_page=again_page)
    assert again.status_code == 302
    assert [j.settings["per_week"] for j in background.jobs_of(db_of(time_app), "lunch december")] == [1, 2]

    published = post_form(
        client, "/hr/rounds/lunch december/publish", {}, form_page="/hr/rounds/lunch december"
    )
    assert published.status_code == 302
    db = db_of(time_app)
    events = scheduling.scheduled(db, kind="lunch")
    assert len(events) == 1 and events[0].members == ("marit",)
    messages = publishing.outbox_messages(db, source=events[0].source)
    assert {m.person_id for m in messages} >= {"marit"} and {m.method for m in messages} == {"REQUEST"}
    page = client.get("/hr/rounds/lunch december").get_data(as_text=True)
    assert "published" in page and "Download round.ics" in page
    calendar = icalendar.Calendar.from_ical(client.get("/hr/rounds/lunch december/round.ics").data)
    assert len(calendar.walk("VEVENT")) == 1
    again = post_form(client, "/hr/rounds/lunch december/publish", {}, form_page="/hr/rounds/lunch december")
    assert again.status_code == 400 and "already published" in again.get_data(as_text=True)


def test_a_shadowing_plan_places_open_requests_and_publishes_the_reviewed_slots(time_app):
    db = db_of(time_app)
    request = scheduling.add_shadow_request(
        db,
        guest_id="pim",
        skill="sql",
        host_id=None,
        length="hour",
        first_day=dt.date(2026, 11, 30),
        last_day=dt.date(2026, 12, 11),
        now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
    )
    client = time_app.test_client()
    log_in(client, "hr@wadloo.example")
    response = plan(
        client, "shadowing", "kijkstage", first_day="2026-11-30", last_day="2026-12-11", time_limit="2"
    )
    assert response.status_code == 302
    html = client.get("/hr/rounds/kijkstage").get_data(as_text=True)
    assert "Slots" in html and "Pim de Wit" in html and "Niels Kok" in html
    assert scheduling.shadow_requests(db, status="open")[0].id == request.id

    reviewed = background.jobs_of(db, "kijkstage")[-1].best["plan"]["slots"][0]
    assert (
        post_form(client, "/hr/rounds/kijkstage/publish", {}, form_page="/hr/rounds/kijkstage").status_code
        == 302
    )
    events = scheduling.scheduled(db, kind="shadowing")
    assert len(events) == 1 and events[0].start.isoformat().replace("+00:00", "Z") == reviewed["start"]
    assert scheduling.shadow_requests(db, status="planned")[0].id == request.id
    messages = publishing.outbox_messages(db, source=f"request:{request.id}")
    assert {m.person_id for m in messages} == {"pim", "niels"}


def test_a_shadowing_plan_that_no_longer_fits_is_not_published(time_app):
    db = db_of(time_app)
    request = scheduling.add_shadow_request(
        db,
        guest_id="pim",
        skill="sql",
        host_id=None,
        length="hour",
        first_day=dt.date(2026, 11, 30),
        last_day=dt.date(2026, 12, 11),
        now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
    )
    client = time_app.test_client()
    log_in(client, "hr@wadloo.example")
    plan(client, "shadowing", "kijkstage", first_day="2026-11-30", last_day="2026-12-11", time_limit="2")
    scheduling.cancel_shadow_request(db, request.id, now=dt.datetime(2026, 11, 22, tzinfo=dt.UTC))
    refused = post_form(client, "/hr/rounds/kijkstage/publish", {}, form_page="/hr/rounds/kijkstage")
    assert refused.status_code == 400
    assert f"request {request.id} is no longer open; plan again" in refused.get_data(as_text=True)
    assert scheduling.scheduled(db, kind="shadowing") == []


# -- jobs: failures, threads, a restarted server -------------------------------------------------------------


def test_a_job_that_fails_shows_the_domain_message_not_a_trace(sqlite_url, tmp_path):
    org = dataclasses.replace(
        mentoring_org(),
        history=(HistoryEntry("2026 mentor", "mentor", ("marit", "pim"), dt.date(2026, 1, 5), None),),
    )
    _import(sqlite_url, org, tmp_path)
    app = _make(sqlite_url)
    try:
        client = app.test_client()
        log_in(client, "hr@wadloo.example")
        response = propose(client, name="2026 mentor")
        assert response.status_code == 302
        job = background.job(db_of(app), job_id(response))
        assert job.status == "failed"
        page = client.get(response.headers["Location"])
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "This could not be worked out" in html
        assert "the history already holds a round named &#39;2026 mentor&#39;; use a new round name" in html
        assert "Traceback" not in html and 'http-equiv="refresh"' not in html
        assert "/hr/rounds/new/mentor" in html
    finally:
        _close(app)


def test_an_unexpected_error_in_a_job_is_logged_and_shown_without_details(app, hr, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(organisation, "propose_round", broken)
    response = propose(hr)
    job = background.job(db_of(app), job_id(response))
    assert job.status == "failed" and job.message == ""
    html = hr.get(f"/hr/rounds/jobs/{job.id}").get_data(as_text=True)
    assert "Something went wrong on our side" in html and "secret internals" not in html
    assert any("solve job" in r.getMessage() for r in caplog.records)


def test_a_threaded_job_returns_at_once_and_finishes_in_the_background(sqlite_url, tmp_path):
    _import(sqlite_url, demo_data_dir() / "organisation.json", tmp_path)
    app = _make(sqlite_url, JOBS_INLINE=False)
    try:
        client = app.test_client()
        log_in(client, "hr@wadloo.example")
        response = propose(client, name="demo mentoring", time_limit="3")
        assert response.status_code == 302
        number = job_id(response)
        first = background.job(db_of(app), number)
        assert first.status in ("queued", "running")
        page = client.get(f"/hr/rounds/jobs/{number}")
        assert page.status_code == 200 and '<meta http-equiv="refresh" content="2">' in page.get_data(
            as_text=True
        )
        deadline = time.monotonic() + 120
        while (job := background.job(db_of(app), number)).active:
            assert time.monotonic() < deadline, "the job did not finish"
            time.sleep(0.2)
        assert job.status == DONE, job.message
        assert job.best["units"] > 0 and job.best["objective"] > 0 and job.elapsed > 0
        assert client.get(f"/hr/rounds/jobs/{number}", query_string={"follow": 1}).status_code == 302
        assert len(stored_round(app, "demo mentoring").pairs) == job.best["units"]
    finally:
        _close(app)


def test_pairing_progress_reaches_the_caller_from_cp_sat(sqlite_url, tmp_path):
    """In a demo mentor round people could both teach and learn: CP-SAT searches and reports."""
    _import(sqlite_url, demo_data_dir() / "organisation.json", tmp_path)
    db = organisation.Database(sqlite_url)
    try:
        heard: list[tuple[float, float, float]] = []
        proposal = organisation.propose_round(
            db,
            round_name="progress",
            config=PairingConfig(mode="mentor", time_limit=2.0),
            today=dt.date(2026, 11, 21),
            now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
            save=False,
            on_progress=lambda *a: heard.append(a),
        )
        assert proposal.solver == "CP-SAT" and heard
        assert all(objective <= bound + 1e-6 for objective, bound, _ in heard)
        assert heard[-1][0] <= proposal.objective + 1e-6
    finally:
        db.dispose()


def test_jobs_left_running_by_a_stopped_server_are_failed_when_the_app_starts(app, sqlite_url):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(gone.stdout)
    db = db_of(app)
    now = dt.datetime.now(dt.UTC)

    def left(name: str, runner: dict) -> int:
        job = background.start_job(
            db,
            round_name=name,
            kind="mentor",
            settings={"config": {"mode": "mentor"}},
            limit=10.0,
            started_by="hr",
            runner=runner,
            now=now,
        )
        return job.id

    dead = left("dead", {"host": worker.HOST, "pid": dead_pid, "token": "old"})
    elsewhere = left("elsewhere", {"host": "another-server", "pid": 1, "token": "other"})
    ours = left("ours", worker.runner_of(app).identity)
    with db.transaction() as session:
        job_store.mark_running(session, dead, now=now)
    restarted = make_app(sqlite_url, JOBS_INLINE=True, SMTP=None)
    try:
        assert background.job(db, dead).status == "failed"
        assert background.job(db, dead).message == background.ABANDONED
        assert background.job(db, elsewhere).status == "queued"
        assert background.job(db, ours).status == "queued"  # this process is alive: its jobs may still run
    finally:
        _close(restarted)
    client = app.test_client()
    log_in(client, "hr@wadloo.example")
    html = client.get(f"/hr/rounds/jobs/{dead}").get_data(as_text=True)
    assert "the server stopped before this job finished" in html


def test_new_settings_for_a_proposed_round_propose_it_again_and_keep_its_locks(app, hr):
    propose(hr)
    act(hr, "lock", {"members": "niels,pim", "lock": "1"})
    page = f"{review_url()}/settings"
    html = hr.get(page).get_data(as_text=True)
    assert 'id="time_limit"' in html and 'value="2.0"' in html and 'name="name"' not in html
    data = {**_defaults(html), "weights__learning": "3", "exclude": "sara"}
    bad = post_form(hr, page, {**data, "weights__repeat_fade": "-0.5"}, form_page=page)
    assert bad.status_code == 400 and "must be between 0 and 1" in bad.get_data(as_text=True)
    response = post_form(hr, page, data, form_page=page)
    assert response.status_code == 302
    stored = stored_round(app)
    assert stored.config.weights.learning == 3.0 and stored.config.select.exclude == ("sara",)
    assert stored.locked_pairs == (("niels", "pim"),)
    assert "sara" not in {u.person_id for u in stored.unmatched}


# -- storage of jobs, on SQLite and PostgreSQL ------------------------------------------------------


def test_jobs_are_stored_run_once_and_abandoned_ones_fail(db, tmp_path):
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json")
    now = dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)
    runner = {"host": "h", "pid": 1, "token": "t"}
    queued = background.start_job(
        db,
        round_name="r1",
        kind="mentor",
        settings={"config": PairingConfig(mode="mentor", time_limit=2.0).as_dict()},
        limit=2.0,
        started_by="hr",
        runner=runner,
        now=now,
    )
    with pytest.raises(RoundError, match="already being worked out"):
        background.start_job(
            db, round_name="r1", kind="mentor", settings={}, limit=1, started_by="hr", runner=runner, now=now
        )
    done = background.run_job(db, queued.id, today=dt.date(2026, 11, 21), clock=lambda: now)
    assert done is not None and done.status == DONE and done.best["units"] == 4
    assert done.best["runner"] == runner and done.snapshot("proposal").objective == done.best["objective"]
    assert background.run_job(db, queued.id, today=dt.date(2026, 11, 21), clock=lambda: now) is None

    round_changes.forbid_pair(db, "r1", "marit", "roos", now=now)
    round_changes.exclude_person(db, "r1", "sara", today=dt.date(2026, 11, 21), now=now)
    stored = organisation.load_round(db, "r1")
    assert stored.config.forbidden == (("marit", "roos"),) and stored.config.select.exclude == ("sara",)
    assert [e.action for e in stored.events][-2:] == ["settings", "settings"]

    left = background.start_job(
        db, round_name="r2", kind="mentor", settings={}, limit=1, started_by="hr", runner=runner, now=now
    )
    assert background.fail_abandoned(db, lambda job: job.id != left.id, now=now) == [left.id]
    assert background.job(db, left.id).status == "failed"
