"""HR's plans of other kinds in the web UI, end to end: a think tank, lunch & learn and shadowing.
Flask's test client against a real SQLite file."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from flask.testing import FlaskClient

from matcher.services import background, plans, publishing, scheduling
from tests.orgs import mentoring_org
from tests.web.rounds.support import (
    act,
    db_of,
    form_defaults,
    pairs_of,
    propose,
    publish,
    review_url,
    stored_round,
)
from tests.webtools import log_in, post_form

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


def plan(client: FlaskClient, kind: str, name: str, **fields):
    page = f"/hr/rounds/new/{kind}"
    data = {**form_defaults(client.get(page).get_data(as_text=True)), "name": name, **fields}
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
    proposed = plans.plan(db_of(time_app), "lunch december")
    assert proposed is not None and proposed.status == "proposed" and proposed.published is None
    assert [(s.skill_id, s.presenter_id) for s in proposed.plan.sessions] == [("wmo", "marit")]
    assert "1 session planned; at most 1 can be." in html
    listing = client.get("/hr/rounds/").get_data(as_text=True)
    assert "lunch december" in listing and "1 session" in listing

    again_page = "/hr/rounds/lunch december/settings"
    form = client.get(again_page).get_data(as_text=True)
    assert 'value="2026-11-30"' in form and 'name="name"' not in form
    again = post_form(client, again_page, {**form_defaults(form), "per_week": "2"}, form_page=again_page)
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


def _pim_asks_to_shadow_someone_in_sql(db):
    return scheduling.add_shadow_request(
        db,
        guest_id="pim",
        skill="sql",
        host_id=None,
        length="hour",
        first_day=dt.date(2026, 11, 30),
        last_day=dt.date(2026, 12, 11),
        now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
    )


def test_a_shadowing_plan_places_open_requests_and_publishes_the_reviewed_slots(time_app):
    db = db_of(time_app)
    request = _pim_asks_to_shadow_someone_in_sql(db)
    client = time_app.test_client()
    log_in(client, "hr@wadloo.example")
    response = plan(
        client, "shadowing", "kijkstage", first_day="2026-11-30", last_day="2026-12-11", time_limit="2"
    )
    assert response.status_code == 302
    html = client.get("/hr/rounds/kijkstage").get_data(as_text=True)
    assert "Slots" in html and "Pim de Wit" in html and "Niels Kok" in html
    assert scheduling.shadow_requests(db, status="open")[0].id == request.id

    proposed = plans.plan(db, "kijkstage")
    assert proposed is not None and proposed.status == "proposed" and proposed.kind == "shadowing"
    assert proposed.job_id == background.jobs_of(db, "kijkstage")[-1].id
    reviewed = proposed.plan.slots[0]
    assert (reviewed.guest_id, reviewed.host_id, reviewed.request_id) == ("pim", "niels", str(request.id))
    assert proposed.plan.objective == 1 and proposed.plan.bound == 1 and proposed.plan.status == "optimal"
    assert (
        post_form(client, "/hr/rounds/kijkstage/publish", {}, form_page="/hr/rounds/kijkstage").status_code
        == 302
    )
    events = scheduling.scheduled(db, kind="shadowing")
    assert len(events) == 1 and events[0].start == reviewed.start
    published = plans.plan(db, "kijkstage")
    assert published is not None and published.status == "published" and published.plan == proposed.plan
    assert scheduling.shadow_requests(db, status="planned")[0].id == request.id
    messages = publishing.outbox_messages(db, source=f"request:{request.id}")
    assert {m.person_id for m in messages} == {"pim", "niels"}


def test_a_shadowing_plan_that_no_longer_fits_is_not_published(time_app):
    db = db_of(time_app)
    request = _pim_asks_to_shadow_someone_in_sql(db)
    client = time_app.test_client()
    log_in(client, "hr@wadloo.example")
    plan(client, "shadowing", "kijkstage", first_day="2026-11-30", last_day="2026-12-11", time_limit="2")
    scheduling.cancel_shadow_request(db, request.id, now=dt.datetime(2026, 11, 22, tzinfo=dt.UTC))
    refused = post_form(client, "/hr/rounds/kijkstage/publish", {}, form_page="/hr/rounds/kijkstage")
    assert refused.status_code == 400
    assert f"request {request.id} is no longer open; plan again" in refused.get_data(as_text=True)
    assert scheduling.scheduled(db, kind="shadowing") == []
