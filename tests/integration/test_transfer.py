"""Knowledge transfer plans as stored: planned, published as invites, progress and coverage, on a real
SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from matcher.domain.notice import Notice
from matcher.domain.transfer import TransferError
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.plans.rounds import RoundError
from matcher.services import scheduling, transfer
from matcher.storage import CheckInRow
from matcher.storage import schedule as schedule_storage
from tests.optins import import_with_opt_ins
from tests.unit.test_transfer import LEAVING, NOW, org

SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example", domain="wadloo.example", base_url="https://m.example", language="en"
)
#: A working day's notice: the first sessions are the next day, so every invite goes out.
NOTICE = Notice(days=1)


@pytest.fixture
def wadloo(db, tmp_path: Path):
    orgjson.write_json(org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW - dt.timedelta(days=30))
    return db


def test_a_planned_transfer_is_stored_as_proposed_with_hrs_choice_and_every_session_before_leaving(wadloo):
    config = transfer.TransferConfig(sessions=3, sessions_per_week=3)
    stored = transfer.plan_transfer(wadloo, "lea", {"archief": ["chen"]}, config, now=NOW, notice=NOTICE)
    assert stored.status == "proposed" and stored.config == config
    assert [(i.skill_id, [c.person_id for c in i.chosen]) for i in stored.proposal.items] == [
        ("archief", ["chen"]),
        ("woo", ["chen"]),
    ]
    assert str(stored.proposal.items[0].chosen[0].reasons[0]) == "chosen by HR"
    assert len(stored.plan.sessions) == 6
    assert all(
        NOW + dt.timedelta(hours=12) <= s.start and s.end.date() < LEAVING for s in stored.plan.sessions
    )
    assert transfer.plans_of(wadloo, "lea") == [stored]
    assert scheduling.scheduled(wadloo, source=stored.source) == []  # nothing in calendars before publishing


def test_publishing_puts_the_sessions_in_the_calendars_and_queues_invites_once(wadloo):
    stored = transfer.plan_transfer(
        wadloo, "lea", None, transfer.TransferConfig(sessions=2), now=NOW, notice=NOTICE
    )
    published, invites = transfer.publish(wadloo, stored.id, SETTINGS, None, now=NOW, notice=NOTICE)
    assert published.status == "published" and published.published == NOW
    events = scheduling.scheduled(wadloo, source=stored.source)
    assert len(events) == len(stored.plan.sessions) == 4
    assert {e.kind for e in events} == {"shadowing"}
    assert all(e.roles["lea"] == "host" for e in events)
    assert str(events[0].title).startswith("Knowledge transfer from Lea: ")
    assert len(invites.queued) == 2 * len(events) and invites.too_late == 0  # the leaver and the successor
    with pytest.raises(RoundError, match="published already"):
        transfer.publish(wadloo, stored.id, SETTINGS, None, now=NOW, notice=NOTICE)


def test_a_plan_that_no_longer_fits_the_calendars_is_refused_and_nothing_is_published(wadloo, tmp_path):
    stored = transfer.plan_transfer(
        wadloo, "lea", None, transfer.TransferConfig(sessions=1), now=NOW, notice=NOTICE
    )
    first = stored.plan.sessions[0]
    calendar = tmp_path / "lea.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:x@t\r\n"
        f"DTSTAMP:20260501T000000Z\r\nDTSTART:{first.start:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{first.end:%Y%m%dT%H%M%SZ}\r\nSUMMARY:Busy\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    scheduling.import_calendar(wadloo, "lea", calendar, now=NOW)
    with pytest.raises(RoundError, match="no longer fits"):
        transfer.publish(wadloo, stored.id, SETTINGS, None, now=NOW, notice=NOTICE)
    assert transfer.plan(wadloo, stored.id).status == "proposed"
    assert scheduling.scheduled(wadloo, source=stored.source) == []


def test_progress_counts_held_sessions_and_records_both_levels_and_the_risk_report_sees_it(wadloo):
    stored = transfer.plan_transfer(
        wadloo, "lea", None, transfer.TransferConfig(sessions=2), now=NOW, notice=NOTICE
    )
    before = transfer.coverage(wadloo)[("lea", "archief")]
    assert not before.covered
    assert [str(s) for s in before.stays] == [
        "the plan is not published yet: its sessions are not in the calendars",
        "no successor's level 3 or higher is confirmed yet by the colleague passing it on",
    ]
    transfer.publish(wadloo, stored.id, SETTINGS, None, now=NOW, notice=NOTICE)
    held = next(e for e in scheduling.scheduled(wadloo, source=stored.source) if e.members[1] == "bram")
    with wadloo.transaction() as session:
        session.add(
            CheckInRow(
                event_id=held.id,
                session_day=held.start.date(),
                person_id="bram",
                token_hash="x" * 64,
                asked=NOW,
                answer="held",
                answered=NOW,
            )
        )
    transfer.set_own_level(wadloo, stored.id, "archief", "bram", 3, now=NOW)
    transfer.confirm_level(wadloo, stored.id, "archief", "bram", 3, now=NOW)
    with pytest.raises(TransferError, match="takes over no skill"):
        transfer.set_own_level(wadloo, stored.id, "archief", "dina", 3, now=NOW)
    with pytest.raises(TransferError, match="level"):
        transfer.confirm_level(wadloo, stored.id, "archief", "bram", 7, now=NOW)
    again = transfer.plan(wadloo, stored.id)
    (archief,) = [p for p in transfer.progress(wadloo, again) if p.skill_id == "archief"]
    assert (archief.planned, archief.held, archief.own_level, archief.confirmed_level) == (2, 1, 3, 3)
    after = transfer.coverage(wadloo)[("lea", "archief")]
    assert after.covered and after.stays == () and (after.planned, after.held) == (2, 1)
    assert after.successors == (("Bram", 3),)
    with wadloo.transaction() as session:
        assert schedule_storage.events(session, source=stored.source)


def _check_in(db, event, person_id: str, answer: str) -> None:
    with db.transaction() as session:
        session.add(
            CheckInRow(
                event_id=event.id,
                session_day=event.start.date(),
                person_id=person_id,
                token_hash=(person_id + str(event.id)).ljust(64, "x"),
                asked=NOW,
                answer=answer,
                answered=NOW,
            )
        )


def test_a_session_answered_moved_counts_as_neither_held_nor_missed(wadloo):
    stored = transfer.plan_transfer(
        wadloo, "lea", {"woo": []}, transfer.TransferConfig(sessions=3), now=NOW, notice=NOTICE
    )
    transfer.publish(wadloo, stored.id, SETTINGS, None, now=NOW, notice=NOTICE)
    first, second, third = sorted(scheduling.scheduled(wadloo, source=stored.source), key=lambda e: e.start)
    _check_in(wadloo, first, "bram", "moved")
    _check_in(wadloo, second, "bram", "not-held")
    _check_in(wadloo, second, "lea", "moved")  # one says moved, the other not held: moved
    _check_in(wadloo, third, "bram", "not-held")
    _check_in(wadloo, third, "lea", "held")  # someone says it took place: held
    (line,) = transfer.progress(wadloo, transfer.plan(wadloo, stored.id))
    assert (line.planned, line.held, line.moved, line.not_held) == (3, 1, 2, 0)


def test_a_skill_plan_has_both_holders_pass_it_on_before_the_deadline_and_shows_on_their_pages(wadloo):
    deadline = LEAVING
    with pytest.raises(TransferError, match="deadline: give a day after today"):
        transfer.plan_skill_transfer(
            wadloo, "gis", NOW.date(), None, transfer.TransferConfig(), now=NOW, notice=NOTICE
        )
    stored = transfer.plan_skill_transfer(
        wadloo, "gis", deadline, ["chen", "fay"], transfer.TransferConfig(sessions=2), now=NOW, notice=NOTICE
    )
    assert stored.proposal.givers == ("dina", "bram") and stored.proposal.successors() == ["chen", "fay"]
    assert stored.source == "transfer:skill:gis"
    assert len(stored.plan.sessions) == 4 and all(s.end.date() < deadline for s in stored.plan.sessions)
    assert transfer.plans_for(wadloo, "chen") == []  # not published yet
    transfer.publish(wadloo, stored.id, SETTINGS, None, now=NOW, notice=NOTICE)
    events = scheduling.scheduled(wadloo, source=stored.source)
    assert {str(e.title) for e in events} == {
        "Knowledge transfer from Dina: GIS",
        "Knowledge transfer from Bram: GIS",
    }
    assert {e.members[0] for e in events} == {"dina", "bram"}
    for person in ("dina", "bram", "chen", "fay"):
        assert [p.id for p in transfer.plans_for(wadloo, person)] == [stored.id]
    assert transfer.plans_for(wadloo, "lea") == []
    transfer.confirm_level(wadloo, stored.id, "gis", "fay", 3, now=NOW)
    cover = transfer.coverage(wadloo)[(None, "gis")]
    assert cover.plan_id == stored.id and cover.covered and cover.planned == 4
    assert ("lea", "gis") not in transfer.coverage(wadloo)


def test_publishing_the_same_plan_again_keeps_every_invite_as_it_was(wadloo):
    config = transfer.TransferConfig(sessions=2)
    first = transfer.plan_transfer(wadloo, "lea", None, config, now=NOW, notice=NOTICE)
    _, sent = transfer.publish(wadloo, first.id, SETTINGS, None, now=NOW, notice=NOTICE)
    assert len(sent.queued) == 2 * len(first.plan.sessions)
    before = {e.key: (e.id, e.sequence) for e in scheduling.scheduled(wadloo, source=first.source)}
    second = transfer.plan_transfer(wadloo, "lea", None, config, now=NOW, notice=NOTICE)
    assert second.plan.sessions == first.plan.sessions
    _, again = transfer.publish(wadloo, second.id, SETTINGS, None, now=NOW, notice=NOTICE)
    assert again.queued == ()
    assert {e.key: (e.id, e.sequence) for e in scheduling.scheduled(wadloo, source=second.source)} == before
    assert transfer.plan(wadloo, first.id).status == "replaced"


def test_republishing_a_changed_plan_cancels_only_dropped_sessions_updates_moved_ones_invites_new_ones(
    wadloo,
):
    config = transfer.TransferConfig(sessions=2)
    first = transfer.plan_transfer(wadloo, "lea", {"woo": ["chen"]}, config, now=NOW, notice=NOTICE)
    transfer.publish(wadloo, first.id, SETTINGS, None, now=NOW, notice=NOTICE)
    with wadloo.transaction() as session:
        old = {e.key: e for e in schedule_storage.events(session, source=first.source)}
    second = transfer.plan_transfer(wadloo, "lea", {"woo": ["dina"]}, config, now=NOW, notice=NOTICE)
    # The first plan's sessions are not busy time for the second: it may take the same times.
    assert {s.key for s in second.plan.sessions} >= {k for k in old if k.startswith("archief|")}
    _, invites = transfer.publish(wadloo, second.id, SETTINGS, None, now=NOW, notice=NOTICE)
    with wadloo.transaction() as session:
        now_events = {
            e.key: e for e in schedule_storage.events(session, source=second.source, planned_only=False)
        }
    sent = {(d.event.key, d.person_id): (d.method, d.sequence) for d in invites.queued}
    starts = {s.key: s.start for s in second.plan.sessions}
    for key, event in old.items():
        members = event.members
        if key not in starts:  # Chen's Woo sessions: cancelled, to both, as the same invite
            assert now_events[key].status != "planned" and now_events[key].id == event.id
            assert {sent[key, p] for p in members} == {("CANCEL", event.sequence + 1)}
        elif starts[key] == event.start:  # unchanged: no message at all
            assert now_events[key].sequence == event.sequence and all((key, p) not in sent for p in members)
        else:  # moved: the same invite, one sequence higher
            assert (now_events[key].id, now_events[key].sequence) == (event.id, event.sequence + 1)
            assert {sent[key, p][1] for p in members} == {event.sequence + 1}
    new = [k for k in starts if k not in old]
    assert new and all(k.startswith("woo|dina|") for k in new)
    assert all(sent[k, p] == ("REQUEST", 0) for k in new for p in now_events[k].members)
    assert transfer.coverage(wadloo)[("lea", "woo")].plan_id == second.id


def test_replanning_after_a_session_was_held_keeps_it_and_its_check_in_and_replans_only_the_rest(wadloo):
    config = transfer.TransferConfig(sessions=3)
    first = transfer.plan_transfer(wadloo, "lea", {"woo": []}, config, now=NOW, notice=NOTICE)
    transfer.publish(wadloo, first.id, SETTINGS, None, now=NOW, notice=NOTICE)
    held = min(scheduling.scheduled(wadloo, source=first.source), key=lambda e: e.start)
    _check_in(wadloo, held, "bram", "held")
    later = held.end + dt.timedelta(hours=1)
    second = transfer.plan_transfer(wadloo, "lea", {"woo": ["chen"]}, config, now=later, notice=NOTICE)
    assert second.plan.violations == () and second.plan.wanted == 6
    (kept,) = [s for s in second.plan.sessions if s.start < later]
    assert (kept.key, kept.start) == (held.key, held.start)
    assert all(s.start >= later for s in second.plan.sessions if s is not kept)
    _, invites = transfer.publish(wadloo, second.id, SETTINGS, None, now=later, notice=NOTICE)
    assert all(d.event.key != held.key for d in invites.queued)
    (again,) = [e for e in scheduling.scheduled(wadloo, source=second.source) if e.key == held.key]
    assert (again.id, again.start, again.sequence) == (held.id, held.start, held.sequence)
    archief = [
        p for p in transfer.progress(wadloo, transfer.plan(wadloo, second.id)) if p.skill_id == "archief"
    ]
    assert [(p.planned, p.held) for p in archief] == [(3, 1)]


def test_the_risk_report_follows_the_published_plan_and_names_a_newer_draft_apart(wadloo):
    config = transfer.TransferConfig(sessions=2)
    live = transfer.plan_transfer(wadloo, "lea", {"woo": []}, config, now=NOW, notice=NOTICE)
    transfer.publish(wadloo, live.id, SETTINGS, None, now=NOW, notice=NOTICE)
    transfer.confirm_level(wadloo, live.id, "archief", "bram", 3, now=NOW)
    draft = transfer.plan_transfer(wadloo, "lea", {"woo": ["chen"]}, config, now=NOW, notice=NOTICE)
    cover = transfer.coverage(wadloo)[("lea", "archief")]
    assert (cover.plan_id, cover.status, cover.draft_id) == (live.id, "published", draft.id)
    assert cover.covered and cover.stays == () and cover.planned == 2
    assert cover.successors == (("Bram", 3),)
    # Woo is not in the live plan's successors: nobody takes it over there, whatever the draft says.
    woo = transfer.coverage(wadloo)[("lea", "woo")]
    assert woo.plan_id == live.id and [str(s) for s in woo.stays] == ["nobody was found to take it over"]
    # Publishing the draft makes it the live plan; the level confirmed before comes along.
    transfer.publish(wadloo, draft.id, SETTINGS, None, now=NOW, notice=NOTICE)
    after = transfer.coverage(wadloo)[("lea", "archief")]
    assert (after.plan_id, after.draft_id, after.covered) == (draft.id, None, True)
    assert transfer.plan(wadloo, draft.id).level("archief", "bram").confirmed_level == 3


def test_a_draft_older_than_the_published_plan_is_not_named_as_waiting(wadloo):
    config = transfer.TransferConfig(sessions=1)
    old = transfer.plan_transfer(wadloo, "lea", None, config, now=NOW, notice=NOTICE)
    live = transfer.plan_transfer(
        wadloo, "lea", None, config, now=NOW + dt.timedelta(minutes=5), notice=NOTICE
    )
    transfer.publish(wadloo, live.id, SETTINGS, None, now=NOW + dt.timedelta(minutes=5), notice=NOTICE)
    cover = transfer.coverage(wadloo)[("lea", "archief")]
    assert (cover.plan_id, cover.draft_id) == (live.id, None)
    assert transfer.plan(wadloo, old.id).status == "proposed"


def test_replanning_a_week_later_keeps_every_published_session_that_still_fits_and_sends_nothing_for_them(
    wadloo,
):
    config = transfer.TransferConfig(sessions=3)
    first = transfer.plan_transfer(wadloo, "lea", {"woo": []}, config, now=NOW, notice=NOTICE)
    transfer.publish(wadloo, first.id, SETTINGS, None, now=NOW, notice=NOTICE)
    before = {e.key: (e.id, e.start, e.sequence) for e in scheduling.scheduled(wadloo, source=first.source)}
    later = NOW + dt.timedelta(days=7)
    ahead = {s.key for s in first.plan.sessions if s.start >= later}
    assert ahead  # some are still to come, some inside the new notice period
    second = transfer.plan_transfer(wadloo, "lea", {"woo": ["chen"]}, config, now=later, notice=NOTICE)
    assert second.plan.first_day == first.plan.first_day == NOW.date()
    starts = {s.key: s.start for s in second.plan.sessions}
    assert all(starts[k] == before[k][1] for k in ahead)
    _, invites = transfer.publish(wadloo, second.id, SETTINGS, None, now=later, notice=NOTICE)
    assert {d.event.key for d in invites.queued} == {k for k in starts if k.startswith("woo|chen|")}
    events = {e.key: (e.id, e.start, e.sequence) for e in scheduling.scheduled(wadloo, source=second.source)}
    assert all(events[k] == before[k] for k in ahead)
