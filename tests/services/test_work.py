"""Background work besides solves (publishing, sending, imports) on a real SQLite file and a real
PostgreSQL server: the job record and its claim, and each handler run as a worker runs it, against
a real local SMTP server (aiosmtpd) where e-mail goes out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import subprocess
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pytest
from aiosmtpd.controller import Controller

from matcher.domain.invites import SENDING, SENT
from matcher.engines.meetings import MeetingConfig
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.plans.rounds import PUBLISHED, RoundError
from matcher.plans.work_jobs import DONE, FAILED, IMPORT, PUBLISH, QUEUED, RUNNING, SEND
from matcher.services import organisation, publishing, queue, rounds, work
from matcher.storage import Database
from matcher.storage import invites as outbox_store
from tests.job_workers import wait_until, worker_running
from tests.mailtools import free_port
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org

NOW = dt.datetime(2027, 2, 20, 9, 0, tzinfo=dt.UTC)
FIRST, LAST = dt.date(2027, 3, 1), dt.date(2027, 4, 30)
MEETING = MeetingConfig(first_day=FIRST, last_day=LAST, every_weeks=2)
SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example",
    organizer_name="Mentoring Wadloo",
    domain="wadloo.example",
    base_url="https://meeloop.wadloo.example",
    reminder_minutes=15,
    language="en",
)
RUNNER = {"host": "here", "pid": 1, "token": "first"}
OTHER = {"host": "there", "pid": 2, "token": "second"}


def context(db, smtp: SmtpSettings | None = None, put: list | None = None) -> queue.Context:
    """What a worker hands a handler; ``put`` collects the jobs it puts on the queue."""
    collected = put if put is not None else []
    return queue.Context(
        db=db,
        invites=SETTINGS,
        smtp=smtp,
        clock=lambda: NOW,
        today=lambda: NOW.date(),
        enqueue=lambda kind, key: collected.append((kind, key)),
    )


@pytest.fixture
def proposed(db, tmp_path):
    """A proposed mentor round of the mentoring organisation."""
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW)
    rounds.propose_round(
        db,
        round_name="mentor",
        config=PairingConfig(mode="mentor", time_limit=2),
        today=NOW.date(),
        now=NOW,
        save=True,
    )
    return db


# -- the record and its claim --------------------------------------------------------------------------


def test_the_same_work_cannot_start_twice_while_it_is_active_but_other_work_can(db):
    first = work.start(db, SEND, "mentor", {"sources": ["mentor"]}, started_by="hr", now=NOW)
    assert first.status == QUEUED and first.active and first.attempts == 0
    with pytest.raises(work.Busy) as refused:
        work.start(db, SEND, "mentor", {}, started_by="hr", now=NOW)
    assert refused.value.job.id == first.id
    assert str(refused.value) == "the e-mail of 'mentor' is being sent already"
    other = work.start(db, PUBLISH, "mentor", {}, started_by="hr", now=NOW)
    assert other.id != first.id

    claimed = work.claim(db, first.id, RUNNER, now=NOW)
    assert claimed is not None and work.finish(db, claimed, outcome={"sent": 3}, now=NOW)
    again = work.start(db, SEND, "mentor", {}, started_by="hr", now=NOW)
    assert again.id not in (first.id, other.id)
    done = work.job(db, first.id)
    assert done is not None and done.status == DONE and done.outcome == {"sent": 3} and done.finished == NOW


def test_a_job_is_claimed_only_while_queued_and_only_its_worker_reports_on_it(db):
    started = work.start(db, IMPORT, "org.json", {}, started_by="hr", now=NOW, upload=b"zip")
    claimed = work.claim(db, started.id, RUNNER, now=NOW)
    assert claimed is not None and claimed.status == RUNNING and claimed.runner == RUNNER
    assert claimed.attempts == 1 and claimed.started == NOW
    assert work.claim(db, started.id, OTHER, now=NOW) is None

    stranger = dataclasses.replace(claimed, runner=OTHER)
    work.progress(db, stranger, done=5, total=10)
    assert not work.finish(db, stranger, outcome={"people": 1}, now=NOW)
    work.progress(db, claimed, done=5, total=10)
    assert work.job(db, started.id).progress == {"done": 5, "total": 10}
    assert work.job(db, started.id).share == 0.5

    assert work.release(db, claimed, "the mail server did not answer")
    back = work.job(db, started.id)
    assert back.status == QUEUED and back.message == "the mail server did not answer"
    retried = work.claim(db, started.id, OTHER, now=NOW)
    assert retried is not None and retried.attempts == 2 and retried.runner == OTHER
    assert not work.finish(db, claimed, now=NOW)  # the first worker lost it
    assert work.finish(db, retried, message="no", failed=True, now=NOW)
    assert work.job(db, started.id).status == FAILED
    assert work.claim(db, started.id, RUNNER, now=NOW) is None


def at_once(*calls) -> list[object]:
    """Run the calls in threads of their own that start at the same moment; their answers."""
    gate = threading.Barrier(len(calls))
    answers: list[object] = []

    def run(call) -> None:
        gate.wait()
        answers.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == len(calls)
    return answers


def test_of_two_workers_claiming_the_same_job_at_once_exactly_one_gets_it(db):
    for attempt in range(4):
        started = work.start(db, SEND, f"round {attempt}", {}, started_by="hr", now=NOW)
        won = at_once(*(partial(work.claim, db, started.id, r, now=NOW) for r in (RUNNER, OTHER)))
        assert len([w for w in won if w is not None]) == 1
        assert work.job(db, started.id).attempts == 1


def test_work_of_a_stopped_worker_runs_again_and_after_three_tries_is_reported_failed(db):
    ended = subprocess.Popen(["true"])
    ended.wait()
    dead = {"host": queue.HOST, "pid": ended.pid, "token": "dead"}
    put: list = []
    started = work.start(db, SEND, "mentor", {}, started_by="hr", now=NOW)
    other = work.start(db, SEND, "lunch", {}, started_by="hr", now=NOW)
    work.claim(db, started.id, dead, now=NOW)
    work.claim(db, other.id, OTHER, now=NOW)  # on another host: judged by its age

    reaped = work.recover(db, now=NOW + dt.timedelta(minutes=1), enqueue=lambda *job: put.append(job))
    assert reaped == {"retried": [started.id], "failed": [], "requeued": []}
    assert put == [(SEND, str(started.id))]
    back = work.job(db, started.id)
    assert back.status == QUEUED and back.message == "its worker stopped; it is tried again"
    assert work.job(db, other.id).status == RUNNING

    later = NOW + dt.timedelta(hours=2)
    reaped = work.recover(db, now=later, enqueue=lambda *job: put.append(job))
    assert reaped == {"retried": [other.id], "failed": [], "requeued": [started.id]}

    for _ in range(2):
        work.claim(db, started.id, dead, now=later)
        work.recover(db, now=later, enqueue=lambda *job: put.append(job))
    failed = work.job(db, started.id)
    assert failed.status == FAILED and failed.attempts == 3
    assert failed.message == "its worker stopped 3 times; start it again"
    assert work.start(db, SEND, "mentor", {}, started_by="hr", now=later).active


# -- sending --------------------------------------------------------------------------------------------


class Moody:
    """An SMTP handler that answers 451 (try again later) while ``busy`` and to the first ``put_off``
    recipients, and keeps what it takes."""

    def __init__(self, put_off: int = 0) -> None:
        self.busy = put_off == 0
        self.put_off = put_off
        self.received: list[email.message.EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.busy or self.put_off > 0:
            self.put_off -= 1
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@contextmanager
def server_on(port: int, handler: Moody) -> Iterator[None]:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield
    finally:
        controller.stop()


def published(db) -> list[str]:
    """Publish the round and plan its meetings and invites as the publish job does, sending nothing;
    the people the invites are for."""
    put: list = []
    started = work.start_publish(db, "mentor", MEETING, started_by="hr", now=NOW)
    work.run_publish(context(db, put=put), str(started.id))
    assert work.job(db, started.id).status == DONE and not put  # no mail server: no send
    return [m.email for m in publishing.outbox_messages(db, source="mentor")]


def test_a_retried_send_delivers_every_message_exactly_once(proposed):
    db = proposed
    recipients = published(db)
    assert len(recipients) == 8
    port = free_port()
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example")
    ctx = context(db, smtp)
    started = work.start_send(db, "mentor", ["mentor"], started_by="hr", now=NOW)

    # Nobody listens yet: the connection is refused, and the queue is told to try again.
    with pytest.raises(queue.TryAgain):
        work.run_send(ctx, str(started.id))
    waiting = work.job(db, started.id)
    assert waiting.status == QUEUED and "tried again later" in waiting.message
    handler = Moody()
    with server_on(port, handler):
        with pytest.raises(queue.TryAgain):  # every mailbox answers 451
            work.run_send(ctx, str(started.id))
        assert not handler.received
        assert {m.status for m in publishing.outbox_messages(db, source="mentor")} == {"queued"}
        handler.busy = False
        work.run_send(ctx, str(started.id))
        work.run_send(ctx, str(started.id))  # delivered twice by the queue: it is not this run's any more

    assert Counter(m["To"].addresses[0].addr_spec for m in handler.received) == Counter(recipients)
    ids = [m["Message-ID"] for m in handler.received]
    assert len(ids) == len(set(ids)) == 8
    done = work.job(db, started.id)
    assert done.status == DONE and done.attempts == 3
    assert done.outcome["sent"] == 8 and done.outcome["failed"] == 0 and done.outcome["waiting"] == 0
    assert done.outcome["new"] == 0  # publishing queued them already
    assert {m.status for m in publishing.outbox_messages(db, source="mentor")} == {SENT}


def test_a_worker_process_retries_a_send_until_every_message_is_delivered_exactly_once(sqlite_url, tmp_path):
    db = Database(sqlite_url)
    try:
        orgjson.write_json(mentoring_org(), tmp_path / "org.json")
        import_with_opt_ins(db, tmp_path / "org.json", now=NOW)
        rounds.propose_round(
            db,
            round_name="mentor",
            config=PairingConfig(mode="mentor", time_limit=2),
            today=NOW.date(),
            now=NOW,
            save=True,
        )
        recipients = published(db)
        port = free_port()
        mail = {
            "MEELOOP_SMTP_HOST": "127.0.0.1",
            "MEELOOP_SMTP_PORT": str(port),
            "MEELOOP_SMTP_SECURITY": "none",
            "MEELOOP_SMTP_FROM": "mentoring@wadloo.example",
        }
        jobs = queue.Queue(queue.QueueSettings.of(sqlite_url), context(db))
        started = work.start_send(db, "mentor", ["mentor"], started_by="hr", now=NOW)
        handler = Moody(put_off=1)
        with worker_running(sqlite_url, env=mail):
            jobs.enqueue(SEND, str(started.id))
            # Nobody listens: refused, and tried again later by the queue.
            wait_until(
                lambda: work.job(db, started.id).attempts >= 1 and work.job(db, started.id).status == QUEUED,
                what="a first try",
            )
            with server_on(port, handler):
                # The next try delivers all but one (451), the one after that the last one.
                wait_until(lambda: work.job(db, started.id).status == DONE, timeout=180, what="the send")
        done = work.job(db, started.id)
        assert done.attempts >= 3 and done.outcome["sent"] == 8 and done.outcome["waiting"] == 0
        assert Counter(m["To"].addresses[0].addr_spec for m in handler.received) == Counter(recipients)
        assert {m.status for m in publishing.outbox_messages(db, source="mentor")} == {SENT}
    finally:
        db.dispose()


def test_a_message_a_dead_worker_claimed_is_never_sent_again_and_is_reported(proposed):
    db = proposed
    published(db)
    first = publishing.outbox_messages(db, source="mentor")[0]
    with db.transaction() as session:  # a run claimed it, and died before the server took it
        assert outbox_store.claim(session, first.id) is not None
    handler = Moody()
    handler.busy = False
    port = free_port()
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example")
    started = work.start_send(db, "mentor", ["mentor"], started_by="hr", now=NOW)
    with server_on(port, handler):
        work.run_send(context(db, smtp), str(started.id))
    assert len(handler.received) == 7
    assert first.email not in {m["To"].addresses[0].addr_spec for m in handler.received}
    done = work.job(db, started.id)
    assert done.outcome["sent"] == 7 and done.outcome["unsure"] == 1
    assert [m.status for m in publishing.outbox_messages(db, source="mentor") if m.id == first.id] == [
        SENDING
    ]


def test_of_two_runs_claiming_the_same_message_at_once_exactly_one_gets_it(proposed):
    db = proposed
    published(db)

    def claim(message_id: int) -> object:
        with db.transaction() as session:
            return outbox_store.claim(session, message_id)

    for message in publishing.outbox_messages(db, source="mentor")[:4]:
        won = at_once(partial(claim, message.id), partial(claim, message.id))
        assert len([w for w in won if w is not None]) == 1


# -- publishing ------------------------------------------------------------------------------------------


def test_publishing_plans_the_meetings_queues_the_invites_and_puts_a_send_on_the_queue(proposed):
    db = proposed
    put: list = []
    smtp = SmtpSettings(host="127.0.0.1", port=free_port(), security="none", sender="m@wadloo.example")
    started = work.start_publish(db, "mentor", MEETING, started_by="hr", now=NOW)
    work.run_publish(context(db, smtp, put), str(started.id))
    done = work.job(db, started.id)
    assert done.status == DONE and done.outcome["published"]
    assert done.outcome["meetings"] == 4 and done.outcome["unplaced"] == []
    assert (done.outcome["new"], done.outcome["updated"], done.outcome["cancelled"]) == (8, 0, 0)
    assert put == [(SEND, str(done.outcome["send"]))]
    sending = work.job(db, done.outcome["send"])
    assert sending.status == QUEUED and sending.params["sources"] == ["mentor"]
    assert rounds.load_round(db, "mentor").status == PUBLISHED
    with pytest.raises(RoundError, match="already published"):
        work.start_publish(db, "mentor", MEETING, started_by="hr", now=NOW)


def test_a_publish_run_again_after_a_worker_died_half_way_finishes_the_work_once(proposed):
    db = proposed
    started = work.start_publish(db, "mentor", MEETING, started_by="hr", now=NOW)
    # The first attempt published the round, then its worker died.
    rounds.publish_round(db, "mentor", today=NOW.date(), now=NOW)
    work.run_publish(context(db), str(started.id))
    done = work.job(db, started.id)
    assert done.status == DONE and "published" not in done.outcome and done.outcome["meetings"] == 4
    assert len(publishing.outbox_messages(db, source="mentor")) == 8


def test_a_publish_of_a_round_that_is_gone_fails_with_the_reason(db):
    params = {"meeting": work.meeting_params(MEETING), "again": False}
    started = work.start(db, PUBLISH, "nothing", params, started_by="hr", now=NOW)
    work.run_publish(context(db), str(started.id))
    failed = work.job(db, started.id)
    assert failed.status == FAILED and "nothing" in failed.message and failed.finished == NOW
    assert not failed.active and work.start(db, PUBLISH, "nothing", params, started_by="hr", now=NOW)


# -- imports ---------------------------------------------------------------------------------------------


def test_an_import_applies_the_upload_kept_with_its_job_all_of_it_or_nothing(db, tmp_path):
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    started = work.start_import(
        db, "org.json", work.pack(tmp_path / "org.json"), replace=False, takes=[], started_by="hr", now=NOW
    )
    work.run_import(context(db), str(started.id))
    done = work.job(db, started.id)
    assert done.status == DONE and done.outcome["people"] == len(mentoring_org().people)
    assert done.outcome["summary"] is not None and done.outcome["run"] is not None
    assert organisation.load_organisation(db).person("pim") is not None

    (tmp_path / "bad.json").write_text('{"people": [{"id": "x"}]}', encoding="utf-8")
    bad = work.start_import(
        db, "bad.json", work.pack(tmp_path / "bad.json"), replace=True, takes=[], started_by="hr", now=NOW
    )
    work.run_import(context(db), str(bad.id))
    failed = work.job(db, bad.id)
    assert failed.status == FAILED and "nothing was changed" in failed.message and failed.outcome["problems"]
    assert len(organisation.load_organisation(db).people) == len(mentoring_org().people)


def test_a_job_that_breaks_on_our_side_is_reported_failed_not_left_running(db):
    started = work.start_import(
        db, "org.json", b"not a zip", replace=False, takes=[], started_by="hr", now=NOW
    )
    with pytest.raises(zipfile.BadZipFile):  # the queue logs it
        work.run_import(context(db), str(started.id))
    failed = work.job(db, started.id)
    assert failed.status == FAILED and failed.message == "" and failed.finished == NOW
    work.run_import(context(db), str(started.id))  # delivered again: no longer queued, nothing happens
    assert work.job(db, started.id).attempts == 1


def test_retry_mail_starts_one_send_for_each_round_whose_e_mail_still_waits(proposed):
    db = proposed
    published(db)  # eight invitations wait: no mail server was set up when it was published
    smtp = SmtpSettings(
        host="127.0.0.1", port=free_port(), security="none", sender="mentoring@wadloo.example"
    )
    assert work.retry_mail(context(db), NOW) == []  # still no mail server: nothing to start
    put: list = []
    [started] = work.retry_mail(context(db, smtp, put), NOW)
    assert put == [("send", str(started))] and work.job(db, started).started_by == work.SCHEDULER
    # while that send is queued, a second look starts no other
    assert work.retry_mail(context(db, smtp, put), NOW) == [] and len(put) == 1
    handler = Moody()
    handler.busy = False
    with server_on(smtp.port, handler):
        work.run_send(context(db, smtp), str(started))
    assert len(handler.received) == 8 and work.job(db, started).status == DONE
    assert work.retry_mail(context(db, smtp, put), NOW) == []  # nothing waits any more
