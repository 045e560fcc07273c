"""HR sets fairness over rounds on a pairing round's settings page; bad values are refused at
their field and the settings reach the stored round. Flask's test client against a real SQLite file."""

from __future__ import annotations

import re

import pytest

from matcher.services import background, rounds
from tests.web.rounds.support import db_of, form_defaults, propose, stored_round
from tests.webtools import log_in, post_form


def test_the_settings_page_has_a_section_on_fairness_over_rounds(hr):
    mentor = hr.get("/hr/rounds/new/mentor").get_data(as_text=True)
    assert "Fairness over rounds" in mentor
    for name in ("window", "unplaced", "max_unplaced_rounds", "guarantee", "recent_load"):
        assert f'name="fairness__{name}"' in mentor, name
    # No repeat until everyone has been met is for exchange rounds; load is for rounds with a direction.
    assert 'name="fairness__fresh_partners"' not in mentor
    exchange = hr.get("/hr/rounds/new/exchange").get_data(as_text=True)
    assert 'name="fairness__fresh_partners"' in exchange
    assert 'name="fairness__recent_load"' not in exchange


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"fairness__window": "-1"}, "fairness__window", "must not be negative"),
        (
            {"fairness__max_unplaced_rounds": "9"},
            "fairness__max_unplaced_rounds",
            "must not be more than the rounds looked back on (4)",
        ),
        ({"fairness__guarantee": "much"}, "fairness__guarantee", "Give a number, such as 2 or 2.5."),
    ],
)
def test_bad_fairness_settings_are_refused_at_their_field(app, hr, fields, field, message):
    response = propose(hr, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    block = re.search(rf'<div class="field[^"]*has-error[^"]*">\s*<label for="{field}".*?</div>', html, re.S)
    assert block, f"no error at {field}"
    assert message in block.group(0)
    assert rounds.list_rounds(db_of(app)) == []


def test_the_fairness_settings_reach_the_round(app, hr):
    response = propose(hr, fairness__max_unplaced_rounds="3", fairness__recent_load="2.5")
    assert response.status_code == 302
    fairness = stored_round(app).config.fairness
    assert (fairness.max_unplaced_rounds, fairness.recent_load, fairness.window) == (3, 2.5, 4)


def test_a_group_round_can_ask_for_no_repeat_until_everyone_has_been_met(app, hr):
    page = hr.get("/hr/rounds/new/think-tank").get_data(as_text=True)
    assert 'name="fresh_groupmates"' in page and "No repeat until everyone has been met" in page
    response = propose(
        hr, "think-tank", "denktank", size_min="3", size_max="4", time_limit="1", fresh_groupmates="y"
    )
    assert response.status_code == 302
    assert stored_round(app, "denktank").config.fresh_groupmates is True


def test_a_group_round_places_who_was_left_out_first_unless_switched_off(app, hr):
    page = "/hr/rounds/new/think-tank"
    html = hr.get(page).get_data(as_text=True)
    assert "Left out last time, placed first" in html
    data = {**form_defaults(html), "who": "all", "size_min": "3", "size_max": "4", "time_limit": "1"}
    assert data.get("left_out_first") == "y"  # on by default
    assert post_form(hr, page, {**data, "name": "denktank aan"}, form_page=page).status_code == 302
    data.pop("left_out_first")
    assert post_form(hr, page, {**data, "name": "denktank uit"}, form_page=page).status_code == 302
    assert stored_round(app, "denktank aan").config.left_out_first is True
    assert stored_round(app, "denktank uit").config.left_out_first is False


def test_a_shadowing_plan_spreads_hosts_load_unless_switched_off(time_app):
    client = time_app.test_client()
    log_in(client, "hr@wadloo.example")
    page = "/hr/rounds/new/shadowing"
    html = client.get(page).get_data(as_text=True)
    assert (
        "Spread hosts&#39; load over recent plans" in html or "Spread hosts' load over recent plans" in html
    )
    data = {**form_defaults(html), "first_day": "2026-11-30", "last_day": "2026-12-11", "time_limit": "1"}
    assert data.get("spread_recent_hosting") == "y"  # on by default
    assert post_form(client, page, {**data, "name": "kijkstage aan"}, form_page=page).status_code == 302
    data.pop("spread_recent_hosting")
    assert post_form(client, page, {**data, "name": "kijkstage uit"}, form_page=page).status_code == 302
    db = db_of(time_app)
    settings = {n: background.jobs_of(db, n)[-1].settings for n in ("kijkstage aan", "kijkstage uit")}
    assert settings["kijkstage aan"]["spread_recent_hosting"] is True
    assert settings["kijkstage uit"]["spread_recent_hosting"] is False
    assert background.shadow_config(settings["kijkstage uit"]).weights.recent_load == 0
