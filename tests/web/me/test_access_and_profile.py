"""The employee's own pages (/me): who reaches them, and the profile. Flask's test client on a real
SQLite file."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matcher import storage
from matcher.services import organisation, reflections
from matcher.storage import ImportRunRow
from tests.web.me.support import HR, bram_meeting, page_text, submit
from tests.webtools import csrf_token, log_in

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
    meeting = bram_meeting(app_db)
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
    meeting = bram_meeting(app_db)
    for page in [*POSTS, f"/me/reflections/{meeting.id}/2026-11-02"]:
        response = bram.post(page, data={"answer": "accept", "story": "x", "levels": "applied"})
        assert response.status_code == 400, page
    assert reflections.reflections_of(app_db, "bram") == []


def test_the_menu_leads_to_every_personal_page(bram):
    text = page_text(bram.get("/me/plans"))
    for page in ("/me/plans", "/me/profile", "/me/shadowing", "/me/reflections", "/me/data"):
        assert f'href="{page}"' in text


# -- profile -----------------------------------------------------------------------------------------


def test_the_profile_explains_the_levels_and_shows_what_is_stored(bram):
    text = page_text(bram.get("/me/profile"))
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
    assert response.status_code == 302, page_text(response)[:2000]
    assert "saved" in page_text(bram.get("/me/profile"))
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
    assert "Bram" in page_text(chen.get("/ask", query_string={"skill": "wmo"}))
    response = submit(bram, "/me/profile", {}, drop=("ask_me",))
    assert response.status_code == 302
    assert "Bram" not in page_text(chen.get("/ask", query_string={"skill": "wmo"}))


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
    text = page_text(response)
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
    text = page_text(response)
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
    assert "at least one day" in page_text(response)
    assert organisation.load_organisation(app_db) == before


def test_an_unchanged_profile_writes_nothing(bram, app_db):
    with app_db.transaction() as session:
        version = storage.data_version(session)
    response = submit(bram, "/me/profile", {})
    assert response.status_code == 302
    assert "Nothing changed" in page_text(bram.get("/me/profile"))
    with app_db.transaction() as session:
        assert storage.data_version(session) == version
