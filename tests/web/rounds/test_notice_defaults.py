"""The plan and meeting forms open on the first working day after the notice period: with the app's
day fixed at Saturday 21 November 2026 and two working days of notice (Monday and Tuesday), that
is Wednesday 25 November; a holiday on it moves it to the Thursday."""

from __future__ import annotations

import datetime as dt

from matcher.services import scheduling
from tests.web.rounds.support import db_of, form_defaults, propose, review_url
from tests.webtools import TODAY, log_in


def test_the_lunch_and_shadowing_forms_start_on_the_first_working_day_after_the_notice(time_app, monkeypatch):
    monkeypatch.delenv("MEELOOP_NOTICE_DAYS", raising=False)
    assert dt.date(2026, 11, 21) == TODAY
    client = time_app.test_client()
    log_in(client, "hr@wadloo.example")
    for kind in ("lunch", "shadowing"):
        shown = form_defaults(client.get(f"/hr/rounds/new/{kind}").get_data(as_text=True))
        assert (shown["first_day"], shown["last_day"]) == ("2026-11-25", "2026-12-23"), kind
    scheduling.set_holiday(db_of(time_app), dt.date(2026, 11, 25), "studiedag")
    shown = form_defaults(client.get("/hr/rounds/new/lunch").get_data(as_text=True))
    assert shown["first_day"] == "2026-11-26"


def test_first_meetings_from_defaults_to_the_first_working_day_after_the_notice(app, hr, monkeypatch):
    monkeypatch.setenv("MEELOOP_NOTICE_DAYS", "3")
    propose(hr)
    page = hr.get(review_url()).get_data(as_text=True)
    shown = form_defaults(page.split('action="' + review_url().replace(" ", "%20") + '/publish"', 1)[-1])
    # Monday, Tuesday and Wednesday are the notice.
    assert (shown["first_day"], shown["last_day"]) == ("2026-11-26", "2027-02-18")
