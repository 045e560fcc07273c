"""Links in feeds, downloads and invites point to the configured public address, else to where the
server was started; who invites come from and where people at different sites meet come from the
settings."""

from __future__ import annotations

import re
import shutil
import socket

import icalendar
import pytest

from matcher.io.ics import served_url
from tests.web.me.support import BRAM, bram_meeting, page_text, submit
from tests.webtools import log_in, make_app

SERVED = "http://127.0.0.1:8080"


@pytest.fixture
def app_with(prepared, tmp_path):
    """``app_with(**settings)``: the prepared organisation served by an app with these settings."""
    made = []

    def make(**settings):
        path = tmp_path / f"app{len(made)}.sqlite3"
        shutil.copyfile(prepared, path)
        made.append(make_app(f"sqlite:///{path}", **settings))
        return made[-1]

    yield make
    for app in made:
        app.extensions["meeloop"]["db"].dispose()


def bram_of(app):
    client = app.test_client()
    log_in(client, BRAM)
    return client


def feed_address(client) -> str:
    text = page_text(submit(client, "/me/plans", {}, action="/me/feed"))
    found = re.search(r'value="(https?://[^"]+/feed/[^"]+\.ics)"', text)
    assert found, "no feed address on the page"
    return found.group(1)


def bram_invite(app) -> icalendar.cal.Component:
    meeting = bram_meeting(app.extensions["meeloop"]["db"])
    response = bram_of(app).get(f"/me/plans/{meeting.id}.ics")
    assert response.status_code == 200
    (event,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    return event


def test_feed_addresses_and_invites_point_to_where_the_server_was_started(app_with, monkeypatch):
    monkeypatch.delenv("MEELOOP_BASE_URL", raising=False)
    app = app_with(SERVED_AT=SERVED)
    assert feed_address(bram_of(app)).startswith(f"{SERVED}/feed/")
    event = bram_invite(app)
    assert str(event["URL"]) == f"{SERVED}/me/plans"
    assert f"{SERVED}/me/plans" in str(event["DESCRIPTION"])


def test_the_configured_public_address_wins_over_where_the_server_was_started(app_with, monkeypatch):
    monkeypatch.setenv("MEELOOP_BASE_URL", "https://meeloop.wadloo.example/")
    from_environment = app_with(SERVED_AT=SERVED)
    assert feed_address(bram_of(from_environment)).startswith("https://meeloop.wadloo.example/feed/")
    configured = app_with(SERVED_AT=SERVED, MEELOOP_BASE_URL="https://leren.wadloo.example")
    assert feed_address(bram_of(configured)).startswith("https://leren.wadloo.example/feed/")


def test_the_organiser_and_the_online_meeting_place_come_from_the_settings(app_with):
    app = app_with(
        MEELOOP_ORGANIZER="leren@wadloo.example",
        MEELOOP_ORGANIZER_NAME="Leren bij Wadloo",
        MEELOOP_ONLINE_LINK="https://meet.wadloo.example/leren",
    )
    event = bram_invite(app)
    assert str(event["ORGANIZER"]) == "mailto:leren@wadloo.example"
    assert event["ORGANIZER"].params["CN"] == "Leren bij Wadloo"
    # The group works at the town hall and at the depot: it meets online.
    assert str(event["LOCATION"]) == "https://meet.wadloo.example/leren"
    assert "meeloop@localhost" not in bram_invite(app).to_ical().decode()


def test_a_server_on_every_address_is_named_by_this_machine():
    assert served_url("0.0.0.0", 8080) == f"http://{socket.getfqdn()}:8080"
    assert served_url("::", 80) == f"http://{socket.getfqdn()}:80"
    assert served_url("::1", 5001) == "http://[::1]:5001"
    assert served_url("meeloop.wadloo.example", 443) == "http://meeloop.wadloo.example:443"


def test_the_plans_page_says_where_each_meeting_is_with_the_online_link_when_there_is_one(app_with):
    linked = page_text(
        bram_of(app_with(MEELOOP_ONLINE_LINK="https://meet.wadloo.example/leren")).get("/me/plans")
    )
    assert '<a href="https://meet.wadloo.example/leren">online meeting</a>' in linked
    plain = page_text(bram_of(app_with(MEELOOP_ONLINE_LINK="")).get("/me/plans"))
    assert "Where: online" in plain and "meet.wadloo.example" not in plain
