"""Work that outlives a request, besides solves: publishing a round, sending the outbox, applying an
import. A request records the job (:func:`start_publish`, :func:`start_send`, :func:`start_import`)
and puts it on the queue; a worker runs its handler, which claims the job first (only a queued one,
atomically: two workers never both do it), reports progress, and ends it with its outcome as data,
what the pages used to flash.

What makes a job safe to run again (the queue may deliver it twice, a retry runs it again, a worker
may die half-way):

* publishing is steps that each see what is done already: a round published by an earlier attempt
  is not published again, planning its meetings again keeps the meetings planned, and only the
  invites not queued yet are queued;
* sending claims each message before it goes out (committed, atomic across processes) and marks it
  sent right after, so a retried send never sends a message twice; when the mail server cannot be
  reached it says :class:`~matcher.services.queue.TryAgain`, and the queue runs it again later;
* an import is one transaction: all of it or nothing, as ever.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import partial, wraps
from pathlib import Path
from typing import Any

from matcher.domain.invites import FAILED, SENDING
from matcher.domain.phrases import counted, phrase
from matcher.domain.problems import InvalidInput
from matcher.engines.meetings import MeetingConfig
from matcher.plans.rounds import PUBLISHED, RoundError
from matcher.plans.work_jobs import IMPORT, PUBLISH, QUEUED, RUNNING, SEND, WorkJob
from matcher.services import organisation, publishing, queue, round_changes, rounds
from matcher.storage import Database
from matcher.storage import rounds as round_storage
from matcher.storage import work as store


class Busy(RoundError):
    """The same work is queued or running already: its job, to show instead."""

    def __init__(self, message: str, job: WorkJob) -> None:
        super().__init__(message)
        self.job = job


def job(db: Database, job_id: int) -> WorkJob | None:
    with db.transaction() as session:
        return store.get(session, job_id)


def jobs_of(db: Database, subject: str, *, limit: int = 20) -> list[WorkJob]:
    """The jobs about a round, plan or file, newest first."""
    with db.transaction() as session:
        return store.of_subject(session, subject, limit=limit)


def start(
    db: Database,
    kind: str,
    subject: str,
    params: dict[str, Any],
    *,
    started_by: str,
    now: dt.datetime,
    upload: bytes | None = None,
) -> WorkJob:
    """Record a queued job; :class:`Busy` while the same kind of work on ``subject`` is active."""
    with db.transaction() as session:
        added = store.add(
            session, kind=kind, subject=subject, params=params, started_by=started_by, now=now, upload=upload
        )
        if added is not None:
            return added
        running = store.active(session, kind, subject)
    assert running is not None, "a job that is refused as active is there"
    raise Busy(_busy_words(kind, subject), running)


def _busy_words(kind: str, subject: str) -> str:
    if kind == PUBLISH:
        return phrase("'{name}' is being published already", name=subject)
    if kind == SEND:
        return phrase("the e-mail of '{name}' is being sent already", name=subject)
    return phrase("'{name}' is being imported already", name=subject)


def claim(db: Database, job_id: int, runner: dict[str, Any], *, now: dt.datetime) -> WorkJob | None:
    """The job, now running for ``runner``; None when it is not queued (another worker has it, or
    it ended)."""
    with db.transaction() as session:
        return store.claim(session, job_id, runner, now=now)


def progress(db: Database, claimed: WorkJob, **values: Any) -> None:
    """Add to the running job's progress (``done``, ``total``, ``step`` as a message, counts)."""
    with db.transaction() as session:
        current = store.get(session, claimed.id)
        merged = {**(current.progress if current else {}), **values}
        store.set_progress(session, claimed.id, claimed.runner.get("token", ""), merged)


def finish(
    db: Database,
    claimed: WorkJob,
    *,
    outcome: dict[str, Any] | None = None,
    message: str = "",
    failed: bool = False,
    now: dt.datetime,
) -> bool:
    """End the job with its outcome (or why it failed), in one transaction; False when the job is
    no longer this worker's."""
    with db.transaction() as session:
        return store.finish(
            session,
            claimed.id,
            claimed.runner.get("token", ""),
            outcome=outcome,
            message=message,
            failed=failed,
            now=now,
        )


def release(db: Database, claimed: WorkJob, why: str) -> bool:
    """Put the job back in the queue, saying why it waits; the queue runs it again later."""
    with db.transaction() as session:
        return store.release(session, claimed.id, claimed.runner.get("token", ""), why)


#: A job claimed this many times by workers that stopped is failed with a reason, not run again.
ATTEMPTS = 3
#: A running job this much older than its last claim is taken for abandoned, also on another host.
STALE_AFTER = dt.timedelta(hours=1)
#: A job queued this long since it was last started (or made) is put on the queue again: a copy
#: that finds it claimed does nothing.
LOST_AFTER = dt.timedelta(minutes=30)


def recover(db: Database, *, now: dt.datetime, enqueue: Any) -> dict[str, list[int]]:
    """Work left behind: a running job whose worker stopped (its process is gone on this host, or
    its claim is older than :data:`STALE_AFTER`) is queued again and, after :data:`ATTEMPTS` claims,
    failed with a reason; a job queued for long is put on the queue again. ``enqueue(kind, key)``
    puts a job on the queue. Every step of a job sees what an earlier attempt did, so running it
    again finishes the work without doing any of it twice."""
    reaped: dict[str, list[int]] = {"retried": [], "failed": [], "requeued": []}
    again: list[WorkJob] = []
    with db.transaction() as session:
        for found in store.active_jobs(session):
            since = found.started or found.created
            token = found.runner.get("token", "")
            if found.status == RUNNING and (queue.gone(found.runner) or now - since > STALE_AFTER):
                if found.attempts < ATTEMPTS:
                    store.release(session, found.id, token, phrase("its worker stopped; it is tried again"))
                    reaped["retried"].append(found.id)
                    again.append(found)
                else:
                    store.finish(
                        session, found.id, None, message=_given_up(found.attempts), failed=True, now=now
                    )
                    reaped["failed"].append(found.id)
            elif found.status == QUEUED and now - since > LOST_AFTER:
                reaped["requeued"].append(found.id)
                again.append(found)
    for found in again:
        enqueue(found.kind, str(found.id))
    return reaped


def _given_up(attempts: int) -> str:
    return counted(
        attempts,
        "its worker stopped {n} time; start it again",
        "its worker stopped {n} times; start it again",
    )


@queue.scheduled(
    "reap-work",
    cron="* * * * *",
    summary=phrase("publishing, sending and imports of stopped workers: run again or reported failed"),
)
def reap(ctx: queue.Context, now: dt.datetime) -> dict[str, list[int]]:
    return recover(ctx.db, now=now, enqueue=ctx.put)


def _handler(kind: str) -> Callable[[Callable[[queue.Context, WorkJob], None]], queue.Handler]:
    """Register ``work(context, job)`` as the handler of ``kind``: it runs with the job claimed for
    this worker, and not at all when the job is not queued (another worker has it, or it ended). An
    error that is not :class:`~matcher.services.queue.TryAgain` fails the job (the page says
    something went wrong on our side) before the queue logs it."""

    def register(work: Callable[[queue.Context, WorkJob], None]) -> queue.Handler:
        @wraps(work)
        def run(ctx: queue.Context, key: str) -> None:
            claimed = claim(ctx.db, int(key), queue.identity(), now=ctx.clock())
            if claimed is None:
                return
            try:
                work(ctx, claimed)
            except queue.TryAgain:
                raise
            except Exception:
                finish(ctx.db, claimed, failed=True, now=ctx.clock())
                raise

        return queue.handler(kind)(run)

    return register


# -- publishing ---------------------------------------------------------------------------------------


def meeting_params(meeting: MeetingConfig) -> dict[str, Any]:
    return {
        "first_day": meeting.first_day.isoformat(),
        "last_day": meeting.last_day.isoformat(),
        "minutes": meeting.minutes,
        "every_weeks": meeting.every_weeks,
    }


def _meeting(params: dict[str, Any]) -> MeetingConfig:
    return MeetingConfig(
        first_day=dt.date.fromisoformat(params["first_day"]),
        last_day=dt.date.fromisoformat(params["last_day"]),
        minutes=int(params["minutes"]),
        every_weeks=params.get("every_weeks"),
    )


def start_publish(
    db: Database,
    name: str,
    meeting: MeetingConfig,
    *,
    again: bool = False,
    started_by: str,
    now: dt.datetime,
) -> WorkJob:
    """Record the publication of a proposed round with its meetings (``again``: plan a published
    round's meetings again); RoundError when the round is not there or published already (not yet,
    ``again``)."""
    with db.transaction() as session:
        stored = round_storage.load_round(session, name)
    if stored is None:
        raise RoundError(rounds.no_round(name))
    if again and stored.status != PUBLISHED:
        raise RoundError(
            phrase("round '{name}' is not published yet; publish it before planning meetings", name=name)
        )
    if not again and stored.status == PUBLISHED:
        assert stored.published is not None
        raise RoundError(
            phrase("round '{name}' was already published on {day}", name=name, day=stored.published.date())
        )
    params = {"meeting": meeting_params(meeting), "again": again}
    return start(db, PUBLISH, name, params, started_by=started_by, now=now)


@_handler(PUBLISH)
def run_publish(ctx: queue.Context, claimed: WorkJob) -> None:
    """Publish the round (unless an earlier attempt did), plan its meetings, queue the invites;
    then start a send of them when e-mail is set up."""
    db, name = ctx.db, claimed.subject
    outcome: dict[str, Any] = {"again": bool(claimed.params.get("again"))}
    try:
        with db.transaction() as session:
            stored = round_storage.load_round(session, name)
        if not outcome["again"] and (stored is None or stored.status != PUBLISHED):
            progress(db, claimed, step=phrase("publishing the round"))
            rounds.publish_round(db, name, today=ctx.today(), now=ctx.clock())
            outcome["published"] = True
        progress(db, claimed, step=phrase("planning the meetings"))
        invites = round_changes.plan_and_send(
            db, name, _meeting(claimed.params["meeting"]), ctx.invites, None, now=ctx.clock()
        )
    except (RoundError, ValueError) as exc:
        finish(db, claimed, message=_said(exc), failed=True, now=ctx.clock())
        return
    outcome |= _invites_outcome(invites)
    sending = None
    if ctx.smtp is not None and not invites.problem and _waiting(db, [name]):
        sending = _start_or_join_send(db, name, [name], claimed.started_by, now=ctx.clock())
        outcome["send"] = sending.id
    outcome["smtp"] = ctx.smtp is not None
    if finish(db, claimed, outcome=outcome, now=ctx.clock()) and sending is not None:
        ctx.put(SEND, str(sending.id))


def _said(exc: Exception) -> str:
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) else str(exc.args[0] if exc.args else exc)


def _invites_outcome(invites: round_changes.Invites) -> dict[str, Any]:
    counts = invites.count()
    found: dict[str, Any] = {
        "new": counts["new"],
        "updated": counts["updated"],
        "cancelled": counts["cancelled"],
        "too_late": invites.too_late,
        "problem": invites.problem,
    }
    if invites.meetings is not None:
        found["meetings"] = len(invites.meetings.meetings)
        found["unplaced"] = [[unit, why] for unit, why in invites.meetings.unplaced]
    return found


def _waiting(db: Database, sources: Iterable[str]) -> int:
    return round_changes.outbox_counts(db, list(sources)).get("queued", 0)


def _start_or_join_send(
    db: Database, subject: str, sources: Sequence[str], started_by: str, *, now: dt.datetime
) -> WorkJob:
    """A send of what waits, or the one already queued or running (it sends this too)."""
    try:
        return start(
            db, SEND, subject, {"sources": list(sources), "queue": False}, started_by=started_by, now=now
        )
    except Busy as busy:
        return busy.job


# -- sending ------------------------------------------------------------------------------------------

#: Who starts the sends of the scheduled ``retry-mail`` (the job page says so).
SCHEDULER = "meeloop"


@queue.scheduled(
    "retry-mail",
    cron="17 * * * *",
    summary=phrase("e-mail still waiting in the outbox after a passing failure: sent again"),
)
def retry_mail(ctx: queue.Context, now: dt.datetime) -> list[int]:
    """A send for each round or plan whose e-mail waits in the outbox: a mail server that was away
    longer than a send's own retries, or e-mail queued while none was set up. A send already queued
    or running for it is left to do the work. The numbers of the sends started."""
    if ctx.smtp is None:
        return []
    started = []
    for source in publishing.waiting_sources(ctx.db):
        try:
            sending = start(
                ctx.db, SEND, source, {"sources": [source], "queue": False}, started_by=SCHEDULER, now=now
            )
        except Busy:
            continue
        ctx.put(SEND, str(sending.id))
        started.append(sending.id)
    return started


def start_send(
    db: Database,
    subject: str,
    sources: Sequence[str],
    *,
    queue_first: bool = True,
    retry_failed: bool = False,
    strict: bool = True,
    started_by: str,
    now: dt.datetime,
) -> WorkJob:
    """Record a send for a round or plan: queue what its plan calls for since the last send
    (``queue_first``), write its failed e-mails again (``retry_failed``), and deliver the outbox of
    its ``sources``. ``strict``: a source with nothing planned is a problem (a round), else it is
    passed over (a plan's withdrawn request)."""
    params = {"sources": list(sources), "queue": queue_first, "retry_failed": retry_failed, "strict": strict}
    return start(db, SEND, subject, params, started_by=started_by, now=now)


@_handler(SEND)
def run_send(ctx: queue.Context, claimed: WorkJob) -> None:
    db, sources = ctx.db, list(claimed.params.get("sources", []))
    if not claimed.progress.get("prepared"):
        # Once: a retry finds nothing new to queue or to write again, and keeps the first counts.
        _prepare(ctx, claimed, sources)
    seen = (job(db, claimed.id) or claimed).progress
    if seen.get("problem"):
        finish(db, claimed, outcome=_send_outcome(seen, ctx), now=ctx.clock())
        return
    if ctx.smtp is None:
        finish(db, claimed, outcome=_send_outcome(seen, ctx), now=ctx.clock())
        return
    sent, failed, reasons = int(seen.get("sent", 0)), int(seen.get("failed", 0)), []
    for source in sources:
        progress(db, claimed, step=phrase("sending the e-mail of {source}", source=source))
        delivery = publishing.deliver(
            db,
            ctx.smtp,
            ctx.invites,
            now=ctx.clock(),
            source=source,
            progress=partial(_every_tenth, db, claimed),
        )
        sent += delivery.sent
        for message_id, why in delivery.failed:
            if message_id is None or _status(db, source, message_id) != FAILED:
                reasons.append(why)
            else:
                failed += 1
    progress(db, claimed, sent=sent, failed=failed)
    waiting = _waiting(db, sources)
    if waiting and reasons:
        # The server was not reached, or said "not now": the rest waits for the queue's next try.
        why = phrase(
            "the mail server did not take every e-mail; it is tried again later: {why}", why=reasons[-1]
        )
        release(db, claimed, why)
        raise queue.TryAgain(reasons[-1])
    # A message a worker claimed and then died with: never sent again, so said to be unsure.
    unsure = round_changes.outbox_counts(db, sources).get(SENDING, 0)
    outcome = _send_outcome({**seen, "sent": sent, "failed": failed}, ctx) | {
        "waiting": waiting,
        "unsure": unsure,
    }
    finish(db, claimed, outcome=outcome, now=ctx.clock())


def _every_tenth(db: Database, claimed: WorkJob, done: int, total: int) -> None:
    if done % 10 == 0:
        progress(db, claimed, done=done, total=total)


def _prepare(ctx: queue.Context, claimed: WorkJob, sources: list[str]) -> None:
    """The first attempt's part: write failed e-mails again and queue what the plans call for."""
    db, params = ctx.db, claimed.params
    again = 0
    if params.get("retry_failed"):
        for source in sources:
            again += publishing.retry_failed(db, ctx.invites, now=ctx.clock(), source=source)
    counts: Counter[str] = Counter()
    late, problem = 0, None
    if params.get("queue"):
        progress(db, claimed, step=phrase("queueing the invitations"))
        for source in sources:
            try:
                queued = publishing.queue_invites(db, ctx.invites, source=source, now=ctx.clock())
            except RoundError as exc:
                if params.get("strict", True):
                    problem = exc.message
                    break
                continue
            counts.update(round_changes.Invites(queued=tuple(queued)).count())
            late += len(publishing.too_late(db, source=source, now=ctx.clock()))
    progress(
        db,
        claimed,
        again=again,
        new=counts["new"],
        updated=counts["updated"],
        cancelled=counts["cancelled"],
        too_late=late,
        problem=problem,
        prepared=True,
    )


def _status(db: Database, source: str, message_id: int) -> str | None:
    return next((m.status for m in publishing.outbox_messages(db, source=source) if m.id == message_id), None)


def _send_outcome(seen: dict[str, Any], ctx: queue.Context) -> dict[str, Any]:
    keys = ("again", "new", "updated", "cancelled", "too_late", "problem", "sent", "failed")
    return {k: seen[k] for k in keys if k in seen} | {"smtp": ctx.smtp is not None}


# -- imports ------------------------------------------------------------------------------------------


def pack(main: Path, skills: Path | None = None) -> bytes:
    """The uploaded file (and a CSV matrix's skills file) as one zip, kept with the job."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(main, f"file/{main.name}")
        if skills is not None:
            archive.write(skills, f"skills/{skills.name}")
    return buffer.getvalue()


def _unpack(data: bytes, folder: Path) -> tuple[Path, Path | None]:
    main, skills = None, None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for item in archive.infolist():
            part, _, name = item.filename.partition("/")
            if part not in ("file", "skills") or not name or "/" in name or name.startswith("."):
                continue
            (folder / part).mkdir(exist_ok=True)
            path = folder / part / name
            path.write_bytes(archive.read(item))
            if part == "file":
                main = path
            else:
                skills = path
    if main is None:
        raise RoundError(phrase("the upload of this import is missing; upload the file again"))
    return main, skills


def start_import(
    db: Database,
    file_name: str,
    upload: bytes,
    *,
    replace: bool,
    takes: Sequence[str],
    started_by: str,
    now: dt.datetime,
) -> WorkJob:
    """Record the import of a previewed upload (see :func:`pack`), with the fields HR takes."""
    params = {"replace": replace, "takes": list(takes)}
    return start(db, IMPORT, file_name, params, started_by=started_by, now=now, upload=upload)


@_handler(IMPORT)
def run_import(ctx: queue.Context, claimed: WorkJob) -> None:
    """Apply the upload: one transaction, all of it or nothing; the outcome counts what changed."""
    db = ctx.db
    with db.transaction() as session:
        data = store.upload(session, claimed.id)
    try:
        if data is None:
            raise RoundError(phrase("the upload of this import is missing; upload the file again"))
        with tempfile.TemporaryDirectory(prefix="meeloop-import-") as tmp:
            path, skills = _unpack(data, Path(tmp))
            result = organisation.import_file(
                db,
                path,
                skills_path=skills,
                replace=bool(claimed.params.get("replace")),
                takes=claimed.params.get("takes", []),
                now=ctx.clock(),
                by=claimed.started_by,
                progress=lambda step: progress(db, claimed, step=step),
            )
    except InvalidInput as exc:
        problems = [str(p) for p in exc.problems] + ([exc.hidden()] if exc.hidden() else [])
        finish(
            db, claimed, outcome={"problems": problems}, message=exc.summary(), failed=True, now=ctx.clock()
        )
        return
    except RoundError as exc:
        finish(db, claimed, message=exc.message, failed=True, now=ctx.clock())
        return
    outcome = {
        "summary": None if result.changes.nothing else result.changes.summary(),
        "people": result.people,
        "skills": result.skills,
        "conflicts": result.conflicts,
        "run": result.run_id,
    }
    finish(db, claimed, outcome=outcome, now=ctx.clock())
