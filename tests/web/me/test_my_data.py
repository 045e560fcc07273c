"""The data stored about an employee and its export (/me), and the services behind editing and
reflections on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from matcher import storage
from matcher.domain.problems import InvalidInput
from matcher.domain.schedule import ScheduledEvent
from matcher.io import orgjson
from matcher.services import organisation, profiles, reflections
from matcher.storage import FeedTokenRow, ImportRunRow
from matcher.storage import notices as notice_store
from matcher.storage import schedule as schedule_store
from tests.orgs import small_org
from tests.web.me.support import BRAM, SETUP, ask_to_shadow, bram_meeting, page_text, submit
from tests.webtools import TODAY

# -- my data ------------------------------------------------------------------------------------------


def test_my_data_page_lists_what_is_stored_and_how_to_correct_it(bram):
    text = page_text(bram.get("/me/data"))
    assert "Bram Çelik" in text and "Sociaal Domein" in text and "HR corrects this" in text
    assert 'href="/me/profile"' in text and "intervisie najaar" in text and "2025-Q4 mentor" in text
    assert "Employee" in text and BRAM in text  # the role as a word of the page


def test_the_export_holds_everything_about_me_and_no_secret(app, bram, app_db):
    submit(bram, "/me/plans", {}, action="/me/feed")
    submit(
        bram,
        f"/me/reflections/{bram_meeting(app_db).id}/2026-11-02",
        {"levels": ["applied"], "story": "Goed."},
    )
    ask_to_shadow(bram, skill="sql")
    meeting = bram_meeting(app_db)
    asked = dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC)
    with app_db.transaction() as session:
        notice_store.ask(session, meeting.id, dt.date(2026, 11, 2), "bram", "a-secret-token", now=asked)
        found = notice_store.by_token(session, "a-secret-token")
        notice_store.answer(session, found.id, "held", now=asked + dt.timedelta(hours=1))
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
    [check_in] = data["check_ins"]
    assert check_in["session"] == "2026-11-02" and check_in["answer"] == "held"
    assert check_in["event"] == meeting.title and check_in["answered"].startswith("2026-11-02T16:00")
    assert data["notices"] == []  # no e-mail went out in this test
    text = response.get_data(as_text=True)
    assert "a-secret-token" not in text
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
    event = ScheduledEvent(
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
