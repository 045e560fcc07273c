"""The employee's own pages (/me): asking to shadow, accepting and declining slots, and reflections on
past sessions. Flask's test client on a real SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.engines.shadowing import ShadowConfig
from matcher.services import personal, reflections, scheduling
from matcher.storage import ReflectionRow
from tests.web.me.support import SETUP, ask_to_shadow, bram_meeting, dirk_slot, page_text, submit
from tests.webtools import csrf_token

# -- shadowing ----------------------------------------------------------------------------------------


def _plan(app_db, now=SETUP):
    return scheduling.plan_shadowing(
        app_db, dt.date(2026, 11, 23), dt.date(2026, 11, 27), ShadowConfig(time_limit=5), now=now, save=True
    )


def test_asking_to_shadow_on_a_misspelt_skill_and_the_slot_that_follows(bram, chen, app_db):
    response = ask_to_shadow(bram, skill="SQLL")
    assert response.status_code == 302
    (request,) = [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]
    assert (request.skill_id, request.minutes, request.status) == ("sql", 60, "open")
    assert "waiting for a slot" in page_text(bram.get("/me/shadowing"))
    assert len(_plan(app_db).slots) == 1
    text = page_text(bram.get("/me/shadowing"))
    assert "Proposed:" in text and "mailto:chen@wadloo.example" in text and "Why this slot" in text
    host_view = page_text(chen.get("/me/shadowing"))
    assert "Guests for me" in host_view and "Bram Çelik" in host_view and "Proposed:" in host_view


def test_guest_and_host_accept_a_slot(bram, chen, app_db):
    ask_to_shadow(bram, skill="sql")
    _plan(app_db)
    (request,) = [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]
    for client in (bram, chen):
        response = submit(
            client, "/me/shadowing", {"answer": "accept"}, action=f"/me/shadowing/{request.id}/answer"
        )
        assert response.status_code == 302
        if client is bram:
            text = page_text(bram.get("/me/shadowing"))
            assert "Your answer: accepted." in text and "王芳: no answer yet." in text
    slot = personal.shadow_item(app_db, "bram", request.id).slot
    assert slot.details["answers"] == {"bram": "accepted", "chen": "accepted"} and slot.sequence == 0


def test_a_declined_slot_is_freed_and_not_offered_again(bram, chen, app_db):
    ask_to_shadow(bram, skill="sql")
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
    assert "declined by 王芳" in page_text(bram.get("/me/shadowing"))
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
    assert "Dirk" not in page_text(bram.get("/me/shadowing"))
    assert dirk_slot(app_db).details.get("answers") is None


def test_a_guest_withdraws_a_request_and_its_slot_is_cancelled(bram, app_db):
    ask_to_shadow(bram, skill="sql")
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
    response = ask_to_shadow(bram, **changes)
    assert response.status_code == 400
    assert says in page_text(response)
    assert not [r for r in scheduling.shadow_requests(app_db) if r.guest_id == "bram"]


# -- reflection ---------------------------------------------------------------------------------------


def test_past_sessions_wait_for_a_reflection_and_future_ones_do_not(bram, app_db):
    meeting = bram_meeting(app_db)
    text = page_text(bram.get("/me/reflections"))
    assert f"/me/reflections/{meeting.id}/2026-11-02" in text
    assert f"/me/reflections/{meeting.id}/2026-11-16" in text
    assert f"/me/reflections/{meeting.id}/2026-11-30" not in text
    assert bram.get(f"/me/reflections/{meeting.id}/2026-11-30").status_code == 404
    assert bram.get(f"/me/reflections/{meeting.id}/2026-11-03").status_code == 404
    assert bram.get(f"/me/reflections/{meeting.id}/not-a-day").status_code == 404
    form = page_text(bram.get(f"/me/reflections/{meeting.id}/2026-11-02"))
    assert "Reframing value" in form and "it changed how I look at my work" in form


def test_a_reflection_is_saved_edited_and_shown_back_with_counts(bram, app_db):
    meeting = bram_meeting(app_db)
    page = f"/me/reflections/{meeting.id}/2026-11-02"
    response = submit(
        bram, page, {"levels": ["potential", "applied"], "story": "Ik leerde hoe 王芳 data leest."}
    )
    assert response.status_code == 302
    response = submit(bram, f"/me/reflections/{meeting.id}/2026-11-16", {"levels": ["potential"]})
    assert response.status_code == 302
    text = page_text(bram.get("/me/reflections"))
    assert "Ik leerde hoe 王芳 data leest." in text and text.count('class="count-bar"') == 5
    assert (
        reflections.level_counts(r.levels for r in reflections.reflections_of(app_db, "bram"))["potential"]
        == 2
    )
    edit = page_text(bram.get(page))
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
    meeting = bram_meeting(app_db)
    response = submit(bram, f"/me/reflections/{meeting.id}/2026-11-02", changes, drop=("levels",))
    assert response.status_code == 400
    assert says in page_text(response)
    assert reflections.reflections_of(app_db, "bram") == []


def test_nobody_reflects_on_someone_else_s_session(bram, chen, app_db):
    slot = dirk_slot(app_db)
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
    assert f"/me/reflections/{slot.id}/" not in page_text(bram.get("/me/reflections"))
