"""Shadowing plans remember the slots hosts had in earlier plans: stored slots feed the next plan's
recent load, and HR can switch that off."""

from __future__ import annotations

import datetime as dt

from matcher.engines import shadowing
from matcher.services import background, scheduling
from tests.integration.test_scheduling import MONDAY, NOW, small  # noqa: F401  (the fixture)


def test_stored_slots_count_as_the_hosts_recent_load_in_the_next_plan(small):  # noqa: F811
    ask = {"host_id": None, "skill": "sql", "length": "hour", "now": NOW}
    last = MONDAY + dt.timedelta(days=4)
    scheduling.add_shadow_request(small, guest_id="bram", first_day=MONDAY, last_day=last, **ask)
    config = shadowing.ShadowConfig(time_limit=2)
    [slot] = scheduling.plan_shadowing(small, MONDAY, last, config, now=NOW, save=True).slots
    later = MONDAY + dt.timedelta(days=14)
    # Before the slot nothing was hosted; from the week after it counts for its host.
    assert scheduling.shadow_problem(small, MONDAY, last, config, now=NOW).recent_hosting == {}
    problem = scheduling.shadow_problem(small, later, later + dt.timedelta(days=4), config, now=NOW)
    assert problem.recent_hosting == {slot.host_id: 1}
    scheduling.add_shadow_request(
        small, guest_id="bram", first_day=later, last_day=later + dt.timedelta(days=4), **ask
    )
    [again] = scheduling.plan_shadowing(
        small, later, later + dt.timedelta(days=4), config, now=NOW, save=False
    ).slots
    # Chen is the only host of SQL: placed again, told why the score is lower.
    assert again.host_id == slot.host_id
    said = f"{problem.name(slot.host_id)} hosted 1 slot in recent plans (a small penalty, to spread the load)"
    assert said in again.reasons


def test_the_plan_settings_switch_the_recent_load_off():
    assert background.shadow_config({}).weights.recent_load == 1.0
    assert background.shadow_config({"spread_recent_hosting": True}).weights.recent_load == 1.0
    assert background.shadow_config({"spread_recent_hosting": False}).weights.recent_load == 0.0
