"""The employee's own pages (/me): profile, calendar upload, plans and invites, feeds, shadowing,
reflection and the data stored about them. Flask's test client on a real SQLite file; the storage
behind editing and reflections also on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from matcher import storage
from matcher.domain.problems import InvalidInput
from matcher.engines import groups, meetings
from matcher.engines.shadowing import ShadowConfig
from matcher.io import orgjson
from matcher.io.ics import participants
from matcher.services import organisation, personal, profiles, reflections, scheduling
from matcher.storage import FeedTokenRow, ImportRunRow, ReflectionRow
from matcher.storage import schedule as schedule_store
from tests.orgs import small_org
from tests.webtools import TODAY, add_account, csrf_token, log_in, make_app

SETUP = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
CALENDARS = Path(__file__).resolve().parents[2] / "data" / "calendars"
BRAM, CHEN, HR = "bram@wadloo.example", "chen@wadloo.example", "hr@wadloo.example"


# -- the organisation, built once and copied for every test -------------------------------------------


def _prepare(app_db: organisation.Database, folder: Path) -> None:
    """Gemeente Wadloo with a published intervision round of everyone and its meetings every two
    weeks from 2 November, a think tank still proposed, and a shadowing slot of Dirk's with 王芳."""
    orgjson.write_json(small_org(), folder / "org.json")
    organisation.import_file(app_db, folder / "org.json", now=SETUP)
    intervision = groups.GroupConfig.for_kind("intervision", size_min=2, size_max=6, time_limit=1)
    organisation.propose_group_round(
        app_db, round_name="intervisie najaar", config=intervision, today=SETUP.date(), now=SETUP, save=True
    )
    organisation.publish_round(app_db, "intervisie najaar", today=SETUP.date(), now=SETUP)
    think_tank = groups.GroupConfig.for_kind("think-tank", size_min=2, size_max=6, time_limit=1)
    organisation.propose_group_round(
        app_db, round_name="denktank concept", config=think_tank, today=SETUP.date(), now=SETUP, save=True
    )
    series = meetings.MeetingConfig(
        first_day=dt.date(2026, 11, 2), last_day=dt.date(2026, 12, 31), every_weeks=2
    )
    assert scheduling.plan_round_meetings(app_db, "intervisie najaar", series, now=SETUP, save=True).meetings
    scheduling.add_shadow_request(
        app_db,
        guest_id="dirk",
        skill="sql",
        host_id="chen",
        length="hour",
        first_day=dt.date(2026, 11, 9),
        last_day=dt.date(2026, 11, 13),
        now=SETUP,
    )
    plan = scheduling.plan_shadowing(
        app_db, dt.date(2026, 11, 9), dt.date(2026, 11, 13), ShadowConfig(time_limit=5), now=SETUP, save=True
    )
    assert len(plan.slots) == 1


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, sqlite_copy) -> Path:
    folder = tmp_path_factory.mktemp("me-org")
    path = folder / "meeloop.sqlite3"
    app = make_app(sqlite_copy(folder))
    _prepare(app.extensions["meeloop"]["db"], folder)
    add_account(app, BRAM, "employee", "bram")
    add_account(app, CHEN, "employee", "chen")
    add_account(app, HR, "hr", None)
    app.extensions["meeloop"]["db"].dispose()
    return path


@pytest.fixture
def app(prepared, tmp_path):
    path = tmp_path / "meeloop.sqlite3"
    shutil.copyfile(prepared, path)
    app = make_app(f"sqlite:///{path}")
    yield app
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def app_db(app):
    """The app's own database: an SQLite file."""
    return app.extensions["meeloop"]["db"]


@pytest.fixture
def bram(app):
    client = app.test_client()
    log_in(client, BRAM)
    return client


@pytest.fixture
def chen(app):
    client = app.test_client()
    log_in(client, CHEN)
    return client


def _event_of(app_db, person_id: str, kind: str):
    return next(e for e in scheduling.scheduled(app_db, kind=kind) if person_id in e.members)


def _dirk_slot(app_db):
    return _event_of(app_db, "dirk", "shadowing")


def _meeting(app_db):
    return _event_of(app_db, "bram", "meeting")


# -- a form as the browser sends it ------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of one form on a page, with the values a browser would send unchanged."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._first_option: str | None = None
        self._chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.values.setdefault(a["name"], []).append(a.get("value", "y") or "")
        elif tag == "select":
            self._select, self._first_option, self._chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.values[self._select] = [a.get("value", "")]
                self._chosen = True
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._chosen:
                self.values[self._select] = [self._first_option or ""]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_values(client, page: str, action: str | None = None) -> dict[str, list[str]]:
    reader = _FormReader(action or page)
    reader.feed(client.get(page).get_data(as_text=True))
    assert reader.values, f"no form posting to {action or page} on {page}"
    return reader.values


def submit(client, page: str, changes: dict[str, object], action: str | None = None, drop: tuple = ()):
    """Post the form on ``page`` with its current values, some changed (a list for several values)."""
    values = form_values(client, page, action)
    for name in drop:
        values.pop(name, None)
    for name, value in changes.items():
        values[name] = value if isinstance(value, list) else [str(value)]
    return client.post(action or page, data=values)


def _text(response) -> str:
    """The page as a person reads it: entities such as &#39; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


# -- access ------------------------------------------------------------------------------------------

PAGES = [
    "/me/profile",
    "/me/plans",
    "/me/plans.ics",
    "/me/shadowing",
    "/me/reflections",
    "/me/data",
    "/me/data.json",
]
POSTS = [
    "/me/profile",
    "/me/profile/calendar",
    "/me/feed",
    "/me/feed/revoke",
    "/me/shadowing",
    "/me/shadowing/1/answer",
    "/me/shadowing/1/withdraw",
]


def test_every_personal_page_sends_an_anonymous_visitor_to_the_login(app, app_db):
    client = app.test_client()
    meeting = _meeting(app_db)
    pages = [*PAGES, f"/me/plans/{meeting.id}.ics", f"/me/reflections/{meeting.id}/2026-11-02"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/login"), page
    token = csrf_token(client, "/login")
    for page in [*POSTS, f"/me/reflections/{meeting.id}/2026-11-02"]:
        response = client.post(page, data={"csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), page


def test_an_account_that_is_nobody_on_the_map_has_no_personal_pages(app):
    client = app.test_client()
    log_in(client, HR)
    for page in PAGES:
        assert client.get(page).status_code == 404, page


def test_every_form_refuses_a_post_without_its_csrf_token(bram, app_db):
    meeting = _meeting(app_db)
    for page in [*POSTS, f"/me/reflections/{meeting.id}/2026-11-02"]:
        response = bram.post(page, data={"answer": "accept", "story": "x", "levels": "applied"})
        assert response.status_code == 400, page
    assert reflections.reflections_of(app_db, "bram") == []


def test_the_menu_leads_to_every_personal_page(bram):
    text = _text(bram.get("/me/plans"))
    for page in ("/me/plans", "/me/profile", "/me/shadowing", "/me/reflections", "/me/data"):
        assert f'href="{page}"' in text


# -- profile -----------------------------------------------------------------------------------------


def test_the_profile_explains_the_levels_and_shows_what_is_stored(bram):
    text = _text(bram.get("/me/profile"))
    assert "proficient" in text and "can explain it to others" in text
    assert "Wmo-wetgeving" in text and 'name="skills-0-level"' in text
    assert 'name="wishes-0-priority"' in text and "SQL" in text
    assert 'value="09:00-17:00"' in text and 'name="hours_sat"' in text
    assert 'value="Europe/Amsterdam"' in text
    assert 'enctype="multipart/form-data"' in text


def test_a_saved_profile_is_on_the_talent_map_and_in_who_to_ask(app, bram, chen, app_db):
    response = submit(
        bram,
        "/me/profile",
        {
            "skills-0-level": "4",
            "new_skill": "python",
            "new_level": "3",
            "wishes-0-priority": "1",
            "new_wish": "archief",
            "new_priority": "3",
            "host": "y",
            "host_capacity": "2",
            "presenter": "y",
            "hours_fri": "",
            "hours_mon": "08:30-12:30, 13:00-17:00",
            "languages": "nl, en",
            "timezone": "Europe/Brussels",
        },
    )
    assert response.status_code == 302, _text(response)[:2000]
    assert "saved" in _text(bram.get("/me/profile"))
    talent = app.extensions["meeloop"]["maps"].get()
    person = talent.person("bram")
    assert (person.host_capacity, person.presenter, person.languages) == (2, True, ("nl", "en"))
    assert person.timezone == "Europe/Brussels"
    assert person.working_hours.as_dict()["mon"] == ["08:30-12:30", "13:00-17:00"]
    assert "fri" not in person.working_hours.as_dict()
    assert dict((s.id, int(level)) for s, level in talent.holdings_of("bram")) == {"wmo": 4, "python": 3}
    assert dict((s.id, p) for s, p in talent.wishes_of("bram")) == {"sql": 1, "archief": 3}
    answers = chen.get("/api/ask", query_string={"skill": "python"}).get_json()["answers"]
    assert any(a["person_id"] == "bram" and a["level"] == 3 for a in answers)
    with app_db.transaction() as session:
        runs = session.scalars(select(ImportRunRow).order_by(ImportRunRow.id)).all()
    assert runs[-1].sources == ["profile of bram"] and "1 updated" in runs[-1].summary


def test_switching_off_ask_me_takes_me_out_of_who_to_ask(bram, chen):
    assert "Bram" in _text(chen.get("/ask", query_string={"skill": "wmo"}))
    response = submit(bram, "/me/profile", {}, drop=("ask_me",))
    assert response.status_code == 302
    assert "Bram" not in _text(chen.get("/ask", query_string={"skill": "wmo"}))


def test_removing_a_skill_and_a_wish(app, bram):
    response = submit(bram, "/me/profile", {"skills-0-remove": "y", "wishes-0-remove": "y"})
    assert response.status_code == 302
    talent = app.extensions["meeloop"]["maps"].get()
    assert talent.holdings_of("bram") == [] and talent.wishes_of("bram") == []


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"hours_tue": "9-17"}, "hours_tue", "'9-17' is not a time range; write it as 09:00-17:00"),
        ({"hours_wed": "09:00-12:00, 11:00-13:00"}, "hours_wed", "overlap"),
        ({"hours_thu": "25:00-26:00"}, "hours_thu", "is not a time of day"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "'Mars/Olympus_Mons' is not a known time zone"),
        ({"skills-0-level": "7"}, "skills-0-level", "7 is outside the allowed range"),
        ({"new_skill": "python", "new_level": "-1"}, "new_level", "-1 is outside the allowed range"),
        ({"skills-0-level": "abc"}, "skills-0-level", '"abc" should be a whole number'),
        ({"wishes-0-priority": "5"}, "wishes-0-priority", "5 is outside the allowed range"),
        ({"new_skill": "no-such-skill"}, "new_level", "unknown skill 'no-such-skill'"),
        ({"languages": "nl, e n"}, "languages", "'e n' is not in the expected form"),
        ({"host": "y", "host_capacity": "500"}, "host_capacity", "between 1 and 100"),
    ],
)
def test_bad_profile_input_is_shown_at_its_field_and_nothing_is_stored(
    app, bram, app_db, changes, field, says
):
    before = organisation.load_organisation(app_db)
    response = submit(bram, "/me/profile", changes)
    text = _text(response)
    assert response.status_code == 400
    assert "Nothing was saved" in text, text[text.find("<main>") :][:1500]
    # The message sits in the same field block as the input it is about.
    block = re.search(
        rf'<(?:div|td) class="field[^"]*">(?:(?!</(?:div|td)>).)*name="{field}"(.*?)</(?:div|td)>', text, re.S
    )
    assert block and says in block.group(0), text[:4000]
    assert organisation.load_organisation(app_db) == before


def test_every_problem_of_a_profile_is_shown_at_once(bram, app_db):
    before = organisation.load_organisation(app_db)
    response = submit(
        bram, "/me/profile", {"hours_tue": "9-17", "timezone": "Mars/Base", "wishes-0-priority": "9"}
    )
    text = _text(response)
    assert response.status_code == 400
    assert "'9-17' is not a time range" in text
    assert "'Mars/Base' is not a known time zone" in text
    assert "9 is outside the allowed range" in text
    assert organisation.load_organisation(app_db) == before


def test_a_profile_with_no_working_day_is_refused(bram, app_db):
    before = organisation.load_organisation(app_db)
    days = {f"hours_{d}": "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    response = submit(bram, "/me/profile", days)
    assert response.status_code == 400
    assert "at least one day" in _text(response)
    assert organisation.load_organisation(app_db) == before


def test_an_unchanged_profile_writes_nothing(bram, app_db):
    with app_db.transaction() as session:
        version = storage.data_version(session)
    response = submit(bram, "/me/profile", {})
    assert response.status_code == 302
    assert "Nothing changed" in _text(bram.get("/me/profile"))
    with app_db.transaction() as session:
        assert storage.data_version(session) == version


# -- calendar upload ---------------------------------------------------------------------------------


def _upload(client, name: str, data: bytes):
    token = csrf_token(client, "/me/profile")
    return client.post(
        "/me/profile/calendar",
        data={"csrf_token": token, "calendar": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_uploaded_calendar_is_stored_as_busy_time(bram, app_db):
    response = _upload(bram, "outlook-team-wmo.ics", (CALENDARS / "outlook-team-wmo.ics").read_bytes())
    assert response.status_code == 302
    stored = personal.current_calendar(app_db, "bram")
    assert stored is not None and stored.filename == "outlook-team-wmo.ics" and stored.busy_count > 0
    assert "outlook-team-wmo.ics" in _text(bram.get("/me/profile"))


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        (
            "agenda.ics",
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:2026-11-30 9 uur\r\n"
            b"DTEND:20261130T100000Z\r\nSUMMARY:Overleg\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "agenda.ics, line 5, event 'Overleg' (UID 1), field 'DTSTART': cannot be read",
        ),
        ("agenda.ics", b"hello", "agenda.ics, line 1: is not an iCalendar file"),
        ("agenda.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "is never closed; is the file cut off?"),
        ("agenda.txt", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "'agenda.txt' is not a calendar file"),
    ],
)
def test_a_bad_calendar_file_is_refused_with_where_it_is_wrong(bram, app_db, name, data, says):
    response = _upload(bram, name, data)
    assert response.status_code == 400
    assert says in _text(response)
    assert personal.current_calendar(app_db, "bram") is None


def test_an_upload_without_a_file_is_refused(bram):
    token = csrf_token(bram, "/me/profile")
    response = bram.post(
        "/me/profile/calendar", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Choose a calendar file" in _text(response)


# -- plans and invites ---------------------------------------------------------------------------------


def test_my_plans_show_published_rounds_and_my_meetings_with_why_and_whom(bram, app_db):
    text = _text(bram.get("/me/plans"))
    assert "intervisie najaar" in text and "Intervision" in text
    assert "denktank concept" not in text  # proposed, not published
    assert "mailto:chen@wadloo.example" in text and "王芳" in text
    assert "Why this group" in text and "Why this was proposed" in text
    assert "are all free then" in text  # the meeting's reasons
    assert "Shadowing 王芳" not in text  # Dirk's slot is not Bram's
    upcoming = _meeting(app_db).occurrences[2][0].astimezone(ZoneInfo("Europe/Amsterdam"))
    assert upcoming.date() == dt.date(2026, 11, 30) and upcoming.utcoffset() == dt.timedelta(hours=1)
    assert f"Mon 30 Nov 2026, {upcoming:%H:%M}" in text  # the next session, in Bram's own time zone


def test_my_calendar_file_holds_only_my_events(bram, app_db):
    response = bram.get("/me/plans.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.data)
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    mine = {
        f"meeloop-event-{e.id}@localhost" for e in scheduling.scheduled(app_db) if "bram" in participants(e)
    }
    assert uids == mine and len(mine) == 1
    assert f"meeloop-event-{_dirk_slot(app_db).id}@localhost" not in uids


def test_one_event_downloads_for_its_people_only(bram, chen, app_db):
    meeting, slot = _meeting(app_db), _dirk_slot(app_db)
    response = bram.get(f"/me/plans/{meeting.id}.ics")
    assert response.status_code == 200
    (event,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["UID"]) == f"meeloop-event-{meeting.id}@localhost" and "RRULE" in event
    assert bram.get(f"/me/plans/{slot.id}.ics").status_code == 404  # Dirk's and 王芳's
    assert chen.get(f"/me/plans/{slot.id}.ics").status_code == 200
    assert bram.get("/me/plans/99999.ics").status_code == 404


def test_a_feed_address_is_shown_once_and_ends_when_revoked(app, bram):
    response = submit(bram, "/me/plans", {}, action="/me/feed")
    text = _text(response)
    assert response.status_code == 200 and "shown only this once" in text
    https = re.search(r'value="(http://localhost:5000/feed/([^"]+)\.ics)"', text)
    assert https and f"webcal://localhost:5000/feed/{https.group(2)}.ics" in text
    token = https.group(2)
    feed = app.test_client().get(f"/feed/{token}.ics")
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.data
    assert token not in _text(bram.get("/me/plans"))  # only right after it was made
    response = submit(bram, "/me/plans", {}, action="/me/feed")
    newer = re.search(r"/feed/([^\"]+)\.ics", _text(response)).group(1)
    assert app.test_client().get(f"/feed/{token}.ics").status_code == 404
    response = submit(bram, "/me/plans", {}, action="/me/feed/revoke")
    assert response.status_code == 302
    assert app.test_client().get(f"/feed/{newer}.ics").status_code == 404
    assert "no longer works" in _text(bram.get("/me/plans"))


# -- shadowing ----------------------------------------------------------------------------------------

WINDOW = {"first_day": "2026-11-23", "last_day": "2026-11-27", "length": "hour"}


def _ask_to_shadow(client, **changes):
    return submit(client, "/me/shadowing", {**WINDOW, **changes})


def _plan(app_db, now=SETUP):
    return scheduling.plan_shadowing(
        app_db, dt.date(2026, 11, 23), dt.date(2026, 11, 27), ShadowConfig(time_limit=5), now=now, save=True
    )


def test_asking_to_shadow_on_a_misspelt_skill_and_the_slot_that_follows(bram, chen, app_db):
    response = _ask_to_shadow(bram, skill="SQLL")
    assert response.status_code == 302
    (request,) = [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]
    assert (request.skill_id, request.minutes, request.status) == ("sql", 60, "open")
    assert "waiting for a slot" in _text(bram.get("/me/shadowing"))
    assert len(_plan(app_db).slots) == 1
    text = _text(bram.get("/me/shadowing"))
    assert "Proposed:" in text and "mailto:chen@wadloo.example" in text and "Why this slot" in text
    host_view = _text(chen.get("/me/shadowing"))
    assert "Guests for me" in host_view and "Bram Çelik" in host_view and "Proposed:" in host_view


def test_guest_and_host_accept_a_slot(bram, chen, app_db):
    _ask_to_shadow(bram, skill="sql")
    _plan(app_db)
    (request,) = [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]
    for client in (bram, chen):
        response = submit(
            client, "/me/shadowing", {"answer": "accept"}, action=f"/me/shadowing/{request.id}/answer"
        )
        assert response.status_code == 302
        if client is bram:
            text = _text(bram.get("/me/shadowing"))
            assert "Your answer: accepted." in text and "王芳: no answer yet." in text
    slot = personal.shadow_item(app_db, "bram", request.id).slot
    assert slot.details["answers"] == {"bram": "accepted", "chen": "accepted"} and slot.sequence == 0


def test_a_declined_slot_is_freed_and_not_offered_again(bram, chen, app_db):
    _ask_to_shadow(bram, skill="sql")
    _plan(app_db)
    (request,) = [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]
    declined = personal.shadow_item(app_db, "bram", request.id).slot
    response = submit(
        chen, "/me/shadowing", {"answer": "decline"}, action=f"/me/shadowing/{request.id}/answer"
    )
    assert response.status_code == 302
    again = personal.shadow_item(app_db, "bram", request.id)
    assert again.slot is None and again.request.status == "open" and "declined by 王芳" in again.request.note
    assert declined.id not in {e.id for e in scheduling.scheduled(app_db, kind="shadowing")}
    assert "declined by 王芳" in _text(bram.get("/me/shadowing"))
    (slot,) = _plan(app_db).slots
    assert slot.start != declined.start


def test_someone_else_s_request_is_not_found(bram, app_db):
    (dirk_request,) = [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "dirk"]
    token = csrf_token(bram, "/me/shadowing")
    for action in ("answer", "withdraw"):
        response = bram.post(
            f"/me/shadowing/{dirk_request.id}/{action}", data={"csrf_token": token, "answer": "accept"}
        )
        assert response.status_code == 404, action
    assert "Dirk" not in _text(bram.get("/me/shadowing"))
    assert _dirk_slot(app_db).details.get("answers") is None


def test_a_guest_withdraws_a_request_and_its_slot_is_cancelled(bram, app_db):
    _ask_to_shadow(bram, skill="sql")
    _plan(app_db)
    (request,) = [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]
    response = submit(bram, "/me/shadowing", {}, action=f"/me/shadowing/{request.id}/withdraw")
    assert response.status_code == 302
    assert personal.shadow_item(app_db, "bram", request.id).request.status == "cancelled"
    assert not [e for e in scheduling.scheduled(app_db, kind="shadowing") if "bram" in e.members]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"skill": "", "host": ""}, "Name a skill, a colleague, or both."),
        ({"skill": "zzzqqq xyzzy"}, "no skill matches"),
        ({"skill": "sql", "first_day": "2026-11-27", "last_day": "2026-11-23"}, "before it starts"),
        ({"skill": "sql", "first_day": "2026-11-02"}, "cannot start in the past"),
        ({"skill": "", "host": "anna"}, "has not offered to host guests"),
    ],
)
def test_a_bad_shadow_request_is_refused_with_a_reason(bram, app_db, changes, says):
    response = _ask_to_shadow(bram, **changes)
    assert response.status_code == 400
    assert says in _text(response)
    assert not [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]


# -- reflection ---------------------------------------------------------------------------------------


def test_past_sessions_wait_for_a_reflection_and_future_ones_do_not(bram, app_db):
    meeting = _meeting(app_db)
    text = _text(bram.get("/me/reflections"))
    assert f"/me/reflections/{meeting.id}/2026-11-02" in text
    assert f"/me/reflections/{meeting.id}/2026-11-16" in text
    assert f"/me/reflections/{meeting.id}/2026-11-30" not in text
    assert bram.get(f"/me/reflections/{meeting.id}/2026-11-30").status_code == 404
    assert bram.get(f"/me/reflections/{meeting.id}/2026-11-03").status_code == 404
    assert bram.get(f"/me/reflections/{meeting.id}/not-a-day").status_code == 404
    form = _text(bram.get(f"/me/reflections/{meeting.id}/2026-11-02"))
    assert "Reframing value" in form and "it changed how I look at my work" in form


def test_a_reflection_is_saved_edited_and_shown_back_with_counts(bram, app_db):
    meeting = _meeting(app_db)
    page = f"/me/reflections/{meeting.id}/2026-11-02"
    response = submit(
        bram, page, {"levels": ["potential", "applied"], "story": "Ik leerde hoe 王芳 data leest."}
    )
    assert response.status_code == 302
    response = submit(bram, f"/me/reflections/{meeting.id}/2026-11-16", {"levels": ["potential"]})
    assert response.status_code == 302
    text = _text(bram.get("/me/reflections"))
    assert "Ik leerde hoe 王芳 data leest." in text and text.count('class="count-bar"') == 5
    assert (
        reflections.level_counts(r.levels for r in reflections.reflections_of(app_db, "bram"))["potential"]
        == 2
    )
    edit = _text(bram.get(page))
    assert 'value="applied" checked' in edit and "Ik leerde" in edit
    response = submit(bram, page, {"levels": ["reframing"], "story": "Anders."}, drop=("levels",))
    assert response.status_code == 302
    with app_db.transaction() as session:
        rows = session.scalars(
            select(ReflectionRow).where(
                ReflectionRow.person_id == "bram", ReflectionRow.session_day == dt.date(2026, 11, 2)
            )
        ).all()
    assert [(r.levels, r.story) for r in rows] == [(["reframing"], "Anders.")]
    assert reflections.reflection_counts(app_db) == {
        "immediate": 0,
        "potential": 1,
        "applied": 0,
        "realised": 0,
        "reframing": 1,
    }


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"story": ""}, "Choose at least one value level, or write a few sentences."),
        ({"story": "x" * 2001, "levels": ["applied"]}, "Keep it to 2000 characters."),
        ({"levels": ["everything"]}, "unknown value level everything"),
    ],
)
def test_a_reflection_needs_a_level_or_a_short_story(bram, app_db, changes, says):
    meeting = _meeting(app_db)
    response = submit(bram, f"/me/reflections/{meeting.id}/2026-11-02", changes, drop=("levels",))
    assert response.status_code == 400
    assert says in _text(response)
    assert reflections.reflections_of(app_db, "bram") == []


def test_nobody_reflects_on_someone_else_s_session(bram, chen, app_db):
    slot = _dirk_slot(app_db)
    day = slot.start.date().isoformat()
    assert bram.get(f"/me/reflections/{slot.id}/{day}").status_code == 404
    response = submit(chen, f"/me/reflections/{slot.id}/{day}", {"levels": ["applied"]})
    assert response.status_code == 302  # 王芳 hosted it
    assert (
        bram.post(
            f"/me/reflections/{slot.id}/{day}",
            data={"csrf_token": csrf_token(bram, "/me/reflections"), "levels": "applied"},
        ).status_code
        == 404
    )
    assert reflections.reflections_of(app_db, "bram") == []
    assert f"/me/reflections/{slot.id}/" not in _text(bram.get("/me/reflections"))


# -- my data ------------------------------------------------------------------------------------------


def test_my_data_page_lists_what_is_stored_and_how_to_correct_it(bram):
    text = _text(bram.get("/me/data"))
    assert "Bram Çelik" in text and "Sociaal Domein" in text and "HR corrects this" in text
    assert 'href="/me/profile"' in text and "intervisie najaar" in text and "2025-Q4 mentor" in text
    assert "employee" in text and BRAM in text


def test_the_export_holds_everything_about_me_and_no_secret(app, bram, app_db):
    submit(bram, "/me/plans", {}, action="/me/feed")
    submit(
        bram, f"/me/reflections/{_meeting(app_db).id}/2026-11-02", {"levels": ["applied"], "story": "Goed."}
    )
    _ask_to_shadow(bram, skill="sql")
    response = bram.get("/me/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["person"]["id"] == "bram" and data["person"]["manager"]["name"] == "Anna de Vries"
    assert {s["skill"]: s["level"] for s in data["skills"]} == {"wmo": 2}
    assert {w["skill"]: w["priority"] for w in data["wishes"]} == {"sql": 3}
    assert [h["round"] for h in data["history"]] == ["2025-Q4 mentor", "intervisie najaar"]
    assert [r["round"] for r in data["rounds"]] == ["intervisie najaar"]
    assert [e["kind"] for e in data["events"]] == ["meeting"]
    assert data["reflections"][0]["levels"] == ["applied"] and data["reflections"][0]["story"] == "Goed."
    assert data["shadow_requests"][0]["skill"] == "sql" and data["shadow_requests"][0]["role"] == "guest"
    assert data["account"]["login"] == BRAM and data["account"]["role"] == "employee"
    assert data["feed_tokens"] == {"active": 1, "revoked": 0}
    text = response.get_data(as_text=True)
    assert "scrypt" not in text and "password_hash" not in text and "token_hash" not in text
    assert "denktank concept" not in text
    with app_db.transaction() as session:
        hashes = list(session.scalars(select(FeedTokenRow.token_hash)))
    assert hashes and not any(h in text for h in hashes)


def test_the_export_is_mine_only(chen):
    data = chen.get("/me/data.json").get_json()
    assert data["person"]["id"] == "chen" and "bram" not in [s.get("guest") for s in data["shadow_requests"]]


# -- the services on SQLite and PostgreSQL --------------------------------------------------------------


@pytest.fixture
def stored(db, tmp_path):
    """The small organisation on SQLite and on PostgreSQL (conftest's ``db``)."""
    orgjson.write_json(small_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=SETUP)
    return db


def test_editing_a_person_keeps_the_record_and_bumps_the_version(stored):
    with stored.transaction() as session:
        version = storage.data_version(session)
    result = profiles.update_person(
        stored,
        "chen",
        {"skills": {"sql": 4, "archief": 2}, "working_hours": "mon-thu 08:00-16:00"},
        now=SETUP,
        by="hr",
    )
    assert result.run_id is not None and result.changes.people_updated == ("chen",)
    org = organisation.load_organisation(stored)
    assert {(h.skill_id, int(h.level)) for h in org.holdings if h.person_id == "chen"} == {
        ("sql", 4),
        ("archief", 2),
    }
    assert org.person("chen").working_hours.as_dict() == {
        d: ["08:00-16:00"] for d in ("mon", "tue", "wed", "thu")
    }
    with stored.transaction() as session:
        assert storage.data_version(session) == version + 1
        run = session.get(ImportRunRow, result.run_id)
        assert run.sources == ["profile of chen, changed by hr"]
    assert len(org.history) == 1


def test_editing_refuses_bad_fields_all_at_once_and_changes_nothing(stored):
    before = organisation.load_organisation(stored)
    with pytest.raises(InvalidInput) as caught:
        profiles.update_person(
            stored,
            "chen",
            {"timezone": "Nowhere/City", "wishes": {"sql": 9}, "manager": "ghost"},
            now=SETUP,
        )
    fields = sorted(p.where.field for p in caught.value.problems)
    assert fields == ["manager", "timezone", "wishes.sql"]
    assert all(p.where.row == "chen" for p in caught.value.problems)
    with pytest.raises(InvalidInput, match="1 problem"):
        profiles.update_person(stored, "chen", {"department": "X"}, now=SETUP, allowed=profiles.SELF_EDITABLE)
    assert organisation.load_organisation(stored) == before


def test_reflections_are_kept_once_per_session_and_counted(stored):
    event = schedule_store.ScheduledEvent(
        kind="lunch",
        source="lunch & learn 2026-11",
        title="Lunch & learn: SQL",
        start=dt.datetime(2026, 11, 10, 11, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC),
        timezone="Europe/Amsterdam",
        members=("chen",),
        roles={"chen": "presenter"},
        details={"audience": ["bram", "eva"], "reasons": ["3 colleagues want SQL"]},
    )
    with stored.transaction() as session:
        (event_id,) = schedule_store.add_events(session, [event], now=SETUP)
    day = dt.date(2026, 11, 10)
    (past,) = reflections.past_sessions(stored, "bram", today=TODAY)
    assert (past.event.id, past.day, past.role) == (event_id, day, "audience")
    reflections.save_reflection(stored, "bram", event_id, day, ["potential"], "", today=TODAY, now=SETUP)
    reflections.save_reflection(
        stored, "bram", event_id, day, ["applied", "potential"], "Nu weet ik het.", today=TODAY, now=SETUP
    )
    reflections.save_reflection(stored, "chen", event_id, day, ["immediate"], "", today=TODAY, now=SETUP)
    (mine,) = reflections.reflections_of(stored, "bram")
    assert mine.levels == ("potential", "applied") and mine.story == "Nu weet ik het."
    assert reflections.reflection_counts(stored) == {
        "immediate": 1,
        "potential": 1,
        "applied": 1,
        "realised": 0,
        "reframing": 0,
    }
    tallies = reflections.reflection_tallies(stored, by="round_kind")
    assert list(tallies) == ["lunch"] and tallies["lunch"].reflections == 2
    assert reflections.reflection_tallies(stored, by="source")["lunch & learn 2026-11"].levels["applied"] == 1
    for who, today in (("anna", TODAY), ("bram", day - dt.timedelta(days=1))):
        with pytest.raises(InvalidInput) as caught:
            reflections.save_reflection(stored, who, event_id, day, ["applied"], "", today=today, now=SETUP)
        assert [(p.where.field, p.message) for p in caught.value.problems] == [
            ("session", "there is no session of yours to reflect on then")
        ]
