"""Knowledge transfer (borgen) as HR works on it: propose successors for a leaver's skills at risk
(or for a skill only one or two people hold), plan their sessions with the leaver (or the holders)
before the leaving date (or HR's deadline), publish them as invites, and follow progress (sessions
held or moved, the successor's own level and the leaver's confirmation).

The sessions are shadowing slots (kind ``shadowing``, source ``transfer:leaver:<id>`` or
``transfer:skill:<id>``, one per start): they land in the calendars, feeds and check-ins like any
slot. Publishing stores the plan HR reviewed, checked first against today's calendars; a plan that
no longer fits is refused, so HR plans again. Publishing a later plan of the same start reconciles
its sessions with those published before, by key: an unchanged session keeps its invite, a moved
one gets an update of the same invite, a dropped one is cancelled and only a new one is invited.
Planning again keeps the published plan's windows and every session of it that still fits (see
:func:`matcher.plans.transfer.plan_sessions`), and publishing carries the levels recorded over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher import storage
from matcher.domain.availability import Agenda
from matcher.domain.notice import Notice
from matcher.domain.phrases import counted, phrase
from matcher.domain.schedule import ScheduledEvent
from matcher.domain.talentmap import KEY_LEVEL, TalentMap
from matcher.domain.transfer import Proposal, TransferError, propose, propose_for_skill
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.plans import transfer as plans
from matcher.plans.rounds import RoundError
from matcher.plans.transfer import PROPOSED, PUBLISHED, REPLACED, StoredTransferPlan, TransferConfig
from matcher.services import publishing, scheduling
from matcher.services.round_changes import Invites
from matcher.storage import Database
from matcher.storage import schedule as schedule_store
from matcher.storage import transfer as store
from matcher.storage.notices import HELD, MOVED, NOT_HELD

__all__ = ["Proposal", "TransferConfig", "TransferError"]


def proposal(tmap: TalentMap, leaver_id: str, choices: Mapping[str, Sequence[str]] | None = None) -> Proposal:
    """Successors for each of the leaver's skills at risk, or whom HR chose."""
    return propose(tmap, leaver_id, choices=choices)


def skill_proposal(
    tmap: TalentMap, skill_id: str, deadline: dt.date, choices: Sequence[str] | None = None
) -> Proposal:
    """Successors for a skill only one or two people hold, who pass it on before ``deadline``."""
    return propose_for_skill(tmap, skill_id, deadline, choices=choices)


def _agenda_and_tmap(
    db: Database, leaving: dt.date, *, now: dt.datetime, besides: str | None, notice: Notice | None
) -> tuple[TalentMap, Agenda]:
    window = scheduling.days_window(now.date(), leaving)
    with db.transaction() as session:
        org = storage.load_organisation(session)
        busy = schedule_store.agenda(session, org, window, besides=besides)
    return TalentMap(org, today=now.date()), scheduling.notice_agenda(busy, now=now, notice=notice)


def plan_transfer(
    db: Database,
    leaver_id: str,
    choices: Mapping[str, Sequence[str]] | None,
    config: TransferConfig,
    *,
    now: dt.datetime,
    notice: Notice | None = None,
) -> StoredTransferPlan:
    """Propose the successors (HR's choices kept), plan their sessions in everyone's free time
    after the notice period and before the leaving date, and store the plan as a proposal."""
    _check(config)
    with db.transaction() as session:
        org = storage.load_organisation(session)
    found = proposal(TalentMap(org, today=now.date()), leaver_id, choices)
    return _plan_and_store(db, found, config, now=now, notice=notice)


def plan_skill_transfer(
    db: Database,
    skill_id: str,
    deadline: dt.date,
    choices: Sequence[str] | None,
    config: TransferConfig,
    *,
    now: dt.datetime,
    notice: Notice | None = None,
) -> StoredTransferPlan:
    """As :func:`plan_transfer`, for a skill only one or two people hold: they pass it on to the
    successors (HR's choices kept) in sessions before ``deadline``."""
    _check(config)
    if deadline <= now.date():
        raise TransferError(phrase("deadline: give a day after today"))
    with db.transaction() as session:
        org = storage.load_organisation(session)
    found = skill_proposal(TalentMap(org, today=now.date()), skill_id, deadline, choices)
    return _plan_and_store(db, found, config, now=now, notice=notice)


def _check(config: TransferConfig) -> None:
    problems = config.problems()
    if problems:
        raise TransferError(problems[0])


def _plan_and_store(
    db: Database, found: Proposal, config: TransferConfig, *, now: dt.datetime, notice: Notice | None
) -> StoredTransferPlan:
    """The sessions of a proposal, stored as a plan to review. The sessions published for the same
    start are not busy time: the new plan replaces them."""
    tmap, agenda = _agenda_and_tmap(
        db, found.leaving_date, now=now, besides=plans.source_of(found), notice=notice
    )
    earlier = [p for p in plans_of(db) if p.status == PUBLISHED and p.proposal.start == found.start]
    # The windows count from the first plan's day, so that a later plan keeps the sessions in place.
    sessions = plans.plan_sessions(
        tmap,
        found,
        agenda,
        config,
        now=now,
        first_day=_first_day(earlier[0]) if earlier else now.date(),
        earlier=earlier[0].plan.sessions if earlier else (),
    )
    if sessions.violations:
        raise TransferError(phrase("the planned sessions break the rules; plan again"))
    with db.transaction() as session:
        plan_id = store.add_plan(session, config, found, sessions, now=now)
    stored = plan(db, plan_id)
    assert stored is not None
    return stored


def _first_day(stored: StoredTransferPlan) -> dt.date:
    """The day the plan's windows count from."""
    return stored.plan.first_day or stored.created.date()


def _replaced(db: Database, stored: StoredTransferPlan) -> list[StoredTransferPlan]:
    """The published plans of the same start that publishing ``stored`` replaces."""
    return [
        p
        for p in plans_of(db)
        if p.status == PUBLISHED and p.id != stored.id and p.proposal.start == stored.proposal.start
    ]


def plan(db: Database, plan_id: int) -> StoredTransferPlan | None:
    with db.transaction() as session:
        return store.load_plan(session, plan_id)


def plans_of(db: Database, leaver_id: str | None = None) -> list[StoredTransferPlan]:
    """The plans (of one leaver), newest first."""
    with db.transaction() as session:
        return store.plans(session, leaver_id=leaver_id)


def plans_for(db: Database, person_id: str) -> list[StoredTransferPlan]:
    """The published plans someone passes knowledge on in or takes it over in, newest first."""
    return [
        p
        for p in plans_of(db)
        if p.status == PUBLISHED and (person_id in p.proposal.givers or person_id in p.proposal.successors())
    ]


def session_title(leaver: str, skill: str) -> str:
    return phrase("Knowledge transfer from {leaver}: {skill}", leaver=leaver, skill=skill)


def publish(
    db: Database,
    plan_id: int,
    settings: InviteSettings,
    smtp: SmtpSettings | None,
    *,
    now: dt.datetime,
    notice: Notice | None = None,
) -> tuple[StoredTransferPlan, Invites]:
    """Put the reviewed sessions in the calendars and queue their invites; refused when the plan was
    published already or no longer fits today's calendars and rules."""
    stored = plan(db, plan_id)
    if stored is None:
        raise RoundError(phrase("there is no transfer plan {id}", id=plan_id))
    if stored.status == PUBLISHED:
        raise RoundError(phrase("transfer plan {id} was published already", id=plan_id))
    replaced = _replaced(db, stored)
    tmap, agenda = _agenda_and_tmap(
        db, stored.proposal.leaving_date, now=now, besides=stored.source, notice=notice
    )
    # Sessions that began under the plan published before stay as they were: history, not checked.
    # Those it keeps at their time are in the calendars already: the notice period does not apply.
    before = frozenset((s.key, s.start) for p in replaced for s in p.plan.sessions)
    done = frozenset(s.key for s in stored.plan.sessions if s.start < now and (s.key, s.start) in before)
    notice_ends = agenda.not_before.moment if agenda.not_before is not None else None
    problem = plans.problem_for(
        tmap,
        stored.proposal,
        dataclasses.replace(agenda, not_before=None),
        stored.config,
        now=now,
        first_day=_first_day(stored),
        done=done,
    )
    broken = plans.validate(
        problem,
        stored.proposal,
        stored.plan.sessions,
        now=now,
        done=done,
        not_before=notice_ends,
        published=before,
    )
    if broken:
        raise RoundError(
            phrase(
                "transfer plan {id} no longer fits today's calendars and rules (plan it again):", id=plan_id
            ),
            broken,
        )
    names = {i.skill_id: i.skill_name for i in stored.proposal.items}
    givers = {g: (p.name if (p := tmap.person(g)) else g) for g in stored.proposal.givers}
    events = [
        ScheduledEvent(
            kind="shadowing",
            source=stored.source,
            key=s.key,
            title=session_title(givers.get(s.leaver_id, s.leaver_id), names.get(s.skill_id, s.skill_id)),
            start=s.start,
            end=s.end,
            timezone=s.timezone,
            members=(s.leaver_id, s.successor_id),
            roles={s.leaver_id: "host", s.successor_id: "guest"},
            details={"skill": s.skill_id, "transfer": plan_id},
        )
        for s in stored.plan.sessions
    ]
    with db.transaction() as session:
        # One source per start: sessions kept as they were get no new message.
        schedule_store.reconcile_events(session, stored.source, "shadowing", events, now=now)
        for earlier in replaced:
            store.mark_status(session, earlier.id, REPLACED)
            store.copy_levels(session, earlier.id, plan_id)
        store.mark_published(session, plan_id, now)
    published = plan(db, plan_id)
    assert published is not None
    try:
        queued = publishing.queue_invites(db, settings, source=stored.source, now=now)
    except RoundError:
        queued = []  # nothing planned under it (no session could be placed)
    delivery = publishing.deliver(db, smtp, settings, now=now) if smtp is not None and queued else None
    late = len(publishing.too_late(db, source=stored.source, now=now))
    return published, Invites(queued=tuple(queued), delivery=delivery, too_late=late)


# -- levels --------------------------------------------------------------------------------------


def _successor_of(stored: StoredTransferPlan, skill_id: str, successor_id: str) -> None:
    for item in stored.proposal.items:
        if item.skill_id == skill_id and any(c.person_id == successor_id for c in item.chosen):
            return
    raise TransferError(
        phrase("{person} takes over no skill '{skill}' in this plan", person=successor_id, skill=skill_id)
    )


def _check_level(level: int) -> None:
    if not 0 <= level <= 4:
        raise TransferError(phrase("level: give a level from 0 to 4"))


def set_own_level(
    db: Database, plan_id: int, skill_id: str, successor_id: str, level: int, *, now: dt.datetime
) -> None:
    """The successor says how well they hold the skill now."""
    stored = plan(db, plan_id)
    if stored is None:
        raise TransferError(phrase("there is no transfer plan {id}", id=plan_id))
    _successor_of(stored, skill_id, successor_id)
    _check_level(level)
    with db.transaction() as session:
        store.set_level(session, plan_id, skill_id, successor_id, own=level, now=now)


def confirm_level(
    db: Database, plan_id: int, skill_id: str, successor_id: str, level: int, *, now: dt.datetime
) -> None:
    """The colleague passing it on (the leaver, or a holder) confirms or corrects the successor's level."""
    stored = plan(db, plan_id)
    if stored is None:
        raise TransferError(phrase("there is no transfer plan {id}", id=plan_id))
    _successor_of(stored, skill_id, successor_id)
    _check_level(level)
    with db.transaction() as session:
        store.set_level(session, plan_id, skill_id, successor_id, confirmed=level, now=now)


# -- progress and coverage -----------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far one successor is with one skill."""

    skill_id: str
    skill_name: str
    successor_id: str
    name: str
    planned: int
    held: int
    not_held: int
    #: Sessions answered "moved": neither held nor missed (yet).
    moved: int
    own_level: int | None
    confirmed_level: int | None
    #: Sessions missing from the plan, and why (None when all were planned).
    missing: int
    missing_reason: str | None


def progress(db: Database, stored: StoredTransferPlan) -> list[Progress]:
    """Per skill and successor: sessions planned, held, moved and not held, and the levels recorded."""
    with db.transaction() as session:
        answers = store.held(session, stored.source) if stored.status == PUBLISHED else {}
    lines = []
    for item in stored.proposal.items:
        for c in item.chosen:
            keys = [
                s.key
                for s in stored.plan.sessions
                if (s.skill_id, s.successor_id) == (item.skill_id, c.person_id)
            ]
            record = stored.level(item.skill_id, c.person_id)
            gap = next(
                (
                    u
                    for u in stored.plan.unserved
                    if (u.skill_id, u.successor_id) == (item.skill_id, c.person_id)
                ),
                None,
            )
            lines.append(
                Progress(
                    item.skill_id,
                    item.skill_name,
                    c.person_id,
                    c.name,
                    planned=len(keys),
                    held=sum(1 for k in keys if answers.get(k) == HELD),
                    not_held=sum(1 for k in keys if answers.get(k) == NOT_HELD),
                    moved=sum(1 for k in keys if answers.get(k) == MOVED),
                    own_level=record.own_level,
                    confirmed_level=record.confirmed_level,
                    missing=gap.missing if gap else 0,
                    missing_reason=gap.reason if gap else None,
                )
            )
    return lines


@dataclass(frozen=True)
class Coverage:
    """What the live transfer plan of a start covers of one skill, and what stays at risk and why:
    the published plan's, or while none is, the latest draft's."""

    plan_id: int
    status: str
    planned: int
    held: int
    #: Successors with the level confirmed by whoever passes it on (None when not yet).
    successors: tuple[tuple[str, int | None], ...]
    covered: bool
    stays: tuple[str, ...]
    #: A plan made after the published one that waits to be published (None: there is none).
    draft_id: int | None = None


def coverage(db: Database) -> dict[tuple[str | None, str], Coverage]:
    """(leaver id, skill id) to what the leaver's live plan covers of it, and (None, skill id) to
    what the live plan opened from the skill covers. The live plan is the published one, with a
    newer draft named beside it; while none is published, the latest draft."""
    found: dict[tuple[str | None, str], Coverage] = {}
    starts: dict[str, list[StoredTransferPlan]] = {}
    for stored in plans_of(db):  # newest first
        starts.setdefault(stored.proposal.start, []).append(stored)
    for mine in starts.values():
        live = next((p for p in mine if p.status == PUBLISHED), None)
        draft = next((p for p in mine if p.status == PROPOSED), None)
        if live is None:
            live, draft = draft, None
        if live is None:
            continue  # only replaced plans: cannot happen, a replaced plan has a published successor
        newer = draft.id if draft is not None and draft.created >= live.created else None
        lines = progress(db, live)
        for item in live.proposal.items:
            key = (None if live.proposal.skill_id else live.proposal.leaver_id, item.skill_id)
            mine_lines = [line for line in lines if line.skill_id == item.skill_id]
            found[key] = dataclasses.replace(_coverage(live, mine_lines), draft_id=newer)
    return found


def _coverage(stored: StoredTransferPlan, lines: list[Progress]) -> Coverage:
    confirmed = [line.name for line in lines if (line.confirmed_level or 0) >= KEY_LEVEL]
    stays = []
    if not lines:
        stays.append(phrase("nobody was found to take it over"))
    if stored.status != PUBLISHED:
        stays.append(phrase("the plan is not published yet: its sessions are not in the calendars"))
    for line in lines:
        if line.missing:
            stays.append(
                counted(
                    line.missing,
                    "{name} misses {n} session: {reason}",
                    "{name} misses {n} sessions: {reason}",
                    name=line.name,
                    reason=line.missing_reason or "",
                )
            )
    if lines and not confirmed:
        stays.append(
            phrase("no successor's level 3 or higher is confirmed yet by the colleague passing it on")
        )
    return Coverage(
        stored.id,
        stored.status,
        planned=sum(line.planned for line in lines),
        held=sum(line.held for line in lines),
        successors=tuple((line.name, line.confirmed_level) for line in lines),
        covered=bool(confirmed),
        stays=tuple(stays),
    )
