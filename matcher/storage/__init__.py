"""Storage: SQLAlchemy models and the conversion to and from the domain.

This package (with :mod:`matcher.storage.rounds` for pairing rounds) is the only
part of ``matcher`` that knows SQLAlchemy. The rest of the code works on the
frozen dataclasses of :mod:`matcher.domain.model`; here they are loaded from rows and
their differences are written back as rows.

SQLite (a file) is the embedded default, PostgreSQL the server option. The
schema is managed by Alembic (``matcher/storage/migrations``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from matcher.domain.merge import Changes
from matcher.domain.model import (
    HistoryEntry,
    Holding,
    Level,
    Organisation,
    Person,
    RelatedSkill,
    Skill,
    Wish,
    office_hours,
)
from matcher.io import fields

DEFAULT_DATABASE = Path("instance") / "meeloop.sqlite3"
ENV_URL = "MEELOOP_DATABASE_URL"


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class MetaRow(Base):
    """Small facts about the stored organisation: its name and a data version
    that goes up with every change, so caches know when to rebuild."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PersonRow(Base):
    __tablename__ = "person"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    department: Mapped[str] = mapped_column(String(200), default="")
    function: Mapped[str] = mapped_column(String(200), default="")
    site: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[str] = mapped_column(String(200), default="")
    # No foreign key: a file may name a manager further down, and the whole
    # organisation is checked for unknown managers and loops before writing.
    manager_id: Mapped[str | None] = mapped_column(String(120), index=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    years_experience: Mapped[float] = mapped_column(Float, default=0.0)
    languages: Mapped[list[str]] = mapped_column(default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    working_hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    leaving_date: Mapped[dt.date | None] = mapped_column(Date)
    intern: Mapped[bool] = mapped_column(Boolean, default=False)
    newcomer: Mapped[bool] = mapped_column(Boolean, default=False)
    ask_me: Mapped[bool] = mapped_column(Boolean, default=True)
    mentor_capacity: Mapped[int] = mapped_column(Integer, default=0)
    host_capacity: Mapped[int] = mapped_column(Integer, default=0)
    presenter: Mapped[bool] = mapped_column(Boolean, default=False)


class SkillRow(Base):
    __tablename__ = "skill"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(200), default="")
    aliases: Mapped[list[str]] = mapped_column(default=list)
    parent_id: Mapped[str | None] = mapped_column(String(120), index=True)


class SkillRelationRow(Base):
    """A relation between two skills, stored once with ``skill_a < skill_b``."""

    __tablename__ = "skill_relation"
    skill_a: Mapped[str] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    skill_b: Mapped[str] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    strength: Mapped[float] = mapped_column(Float)


class HoldingRow(Base):
    __tablename__ = "holding"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_holding_skill_level", "skill_id", "level"),)


class WishRow(Base):
    __tablename__ = "wish"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_wish_skill", "skill_id"),)


class HistoryRow(Base):
    """An earlier pairing or group. Members stay as written even when a person
    leaves the organisation later: history is not rewritten."""

    __tablename__ = "history_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    members: Mapped[list[str]] = mapped_column()
    started: Mapped[dt.date] = mapped_column(Date)
    ended: Mapped[dt.date | None] = mapped_column(Date)


class ImportRunRow(Base):
    """One import: when, from which files, and what it changed."""

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sources: Mapped[list[str]] = mapped_column()
    replace: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text)


class ArchivedPersonRow(Base):
    """A person removed by an import, kept with their skills and wishes as they were."""

    __tablename__ = "archived_person"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(120), index=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"))
    removed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column()


class RoundRow(Base):
    """A pairing or group round: the proposal HR works on, then the published plan.

    ``mode`` is a pairing mode or a group kind. Pairs or groups (``round_pair``
    rows), the people left out and the event log hang off it; a published
    round's pairs and groups are also written to the history, where the
    cooldown reads them.
    """

    __tablename__ = "pairing_round"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    mode: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # proposed | published
    config: Mapped[dict[str, Any]] = mapped_column()
    objective: Mapped[float] = mapped_column(Float)
    bound: Mapped[float] = mapped_column(Float)
    gap: Mapped[float] = mapped_column(Float)
    solver_status: Mapped[str] = mapped_column(String(16))
    solver: Mapped[str] = mapped_column(String(64))
    conflicts: Mapped[list[str]] = mapped_column()
    notes: Mapped[list[str]] = mapped_column()
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RoundPairRow(Base):
    __tablename__ = "round_pair"
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pairing_round.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Person ids in order: a pair (in directed modes the first teaches or guides) or a group.
    members: Mapped[list[str]] = mapped_column()
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column()
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


class RoundLeftOutRow(Base):
    """Someone taking part in a round who is in no pair, with the reason."""

    __tablename__ = "round_left_out"
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pairing_round.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)


class RoundEventRow(Base):
    """What happened to a round and when: proposed, re-proposed, a pair locked, published."""

    __tablename__ = "round_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pairing_round.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)


class CalendarUploadRow(Base):
    """A person's uploaded calendar file. A new upload replaces the current one; old ones are kept."""

    __tablename__ = "calendar_upload"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    uploaded: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    replaced: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Busy stretches found in the year after the upload, as a check for the person.
    busy_count: Mapped[int] = mapped_column(Integer, default=0)


class HolidayRow(Base):
    """A day nobody in the organisation works (a local date in each person's own time zone)."""

    __tablename__ = "holiday"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class ShadowRequestRow(Base):
    """An employee's wish to shadow a colleague: on a skill, or a named host, in a window of dates."""

    __tablename__ = "shadow_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guest_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[str | None] = mapped_column(String(120))
    host_id: Mapped[str | None] = mapped_column(String(120))
    minutes: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # open | planned | cancelled
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")


class ScheduledEventRow(Base):
    """Something meeloop put in people's calendars: a pair or group meeting (or series),
    a shadowing slot, a lunch & learn session. Cancelled ones are kept with their history."""

    __tablename__ = "scheduled_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: meeting | shadowing | lunch
    kind: Mapped[str] = mapped_column(String(32), index=True)
    #: What it belongs to: a round's name, a shadow request ("request:12"), a lunch plan.
    source: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The time zone the event is shown in to the people in it.
    timezone: Mapped[str] = mapped_column(String(64))
    #: For a series: the repeat rule, and every occurrence as [start, end] in UTC ISO-8601.
    rrule: Mapped[str | None] = mapped_column(String(200))
    occurrences: Mapped[list[Any]] = mapped_column(JSON, default=list)
    members: Mapped[list[str]] = mapped_column()
    #: Person id -> role in the event: host, guest, presenter, member ...
    roles: Mapped[dict[str, Any]] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))  # planned | cancelled
    #: The iCalendar SEQUENCE: 0 when first planned, one more each time its time, place or
    #: people change and when it is cancelled.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: What it is within its source, the same through re-planning: the unit of a round,
    #: the slot of a request, the topic of a lunch plan.
    key: Mapped[str] = mapped_column(String(200), default="")
    #: Earlier versions, oldest first: when they changed and what they were.
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    """An invite or cancellation e-mailed to one person: queued in the transaction that decides
    it, marked sent once the mail server took it. Sent ones are kept as the record of what went out."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("event_id", "person_id", "sequence"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("scheduled_event.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    #: REQUEST or CANCEL
    method: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    calendar: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class FeedTokenRow(Base):
    """A person's secret calendar feed address. Only the token's SHA-256 is stored."""

    __tablename__ = "feed_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AccountRow(Base):
    """A login to the web UI: a role, and for most accounts the person it belongs to.
    Only a salted hash of the password is stored."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: What is typed at login, case-folded: usually the work e-mail address.
    login: Mapped[str] = mapped_column(String(320), unique=True)
    #: The person this account is; none for an HR account that is nobody on the map.
    #: No foreign key: an account outlives a re-import that drops and returns a person.
    person_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    #: hr | manager | employee
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: The interface language chosen by the person; none means the browser's.
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: One more at each password change, so sessions started before it end.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    password_changed: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReflectionRow(Base):
    """What a session brought one participant: the value levels reached and a short story."""

    __tablename__ = "reflection"
    __table_args__ = (UniqueConstraint("person_id", "event_id", "session_day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("scheduled_event.id", ondelete="CASCADE"), index=True)
    #: Which occurrence of a series (its day in the event's time zone).
    session_day: Mapped[dt.date] = mapped_column(Date)
    #: The value levels reached: immediate, potential, applied, realised, reframing.
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    story: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SolveJobRow(Base):
    """A proposal being worked out in the background, with its progress and best plan so far."""

    __tablename__ = "solve_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: queued | running | done | failed
    status: Mapped[str] = mapped_column(String(16), index=True)
    #: The settings it was started with, as the form gave them.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Seconds searched so far and the search's limit, for the progress bar.
    elapsed: Mapped[float] = mapped_column(Float, default=0.0)
    limit: Mapped[float] = mapped_column(Float, default=0.0)
    #: The best plan so far: its objective, how many units and who is left out.
    best: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[str] = mapped_column(String(320), default="")
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# -- engine and sessions -------------------------------------------------------


def database_url(explicit: str | None = None) -> str:
    """``explicit`` (the ``--db`` option), else ``MEELOOP_DATABASE_URL``, else the default SQLite file."""
    url = explicit or os.environ.get(ENV_URL)
    if url:
        return url
    return f"sqlite:///{DEFAULT_DATABASE}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        yield session


# -- rows <-> domain ------------------------------------------------------------


def person_from_row(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        name=row.name,
        email=row.email,
        department=row.department,
        function=row.function,
        site=row.site,
        team=row.team,
        manager_id=row.manager_id,
        start_date=row.start_date,
        years_experience=row.years_experience,
        languages=tuple(row.languages),
        timezone=row.timezone,
        working_hours=fields.parse_working_hours(row.working_hours) or office_hours(),
        leaving_date=row.leaving_date,
        intern=row.intern,
        newcomer=row.newcomer,
        ask_me=row.ask_me,
        mentor_capacity=row.mentor_capacity,
        host_capacity=row.host_capacity,
        presenter=row.presenter,
    )


def person_values(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "department": person.department,
        "function": person.function,
        "site": person.site,
        "team": person.team,
        "manager_id": person.manager_id,
        "start_date": person.start_date,
        "years_experience": person.years_experience,
        "languages": list(person.languages),
        "timezone": person.timezone,
        "working_hours": person.working_hours.as_dict(),
        "leaving_date": person.leaving_date,
        "intern": person.intern,
        "newcomer": person.newcomer,
        "ask_me": person.ask_me,
        "mentor_capacity": person.mentor_capacity,
        "host_capacity": person.host_capacity,
        "presenter": person.presenter,
    }


def skill_values(skill: Skill) -> dict[str, Any]:
    return {
        "id": skill.id,
        "name": skill.name,
        "category": skill.category,
        "aliases": list(skill.aliases),
        "parent_id": skill.parent_id,
    }


def load_organisation(session: Session) -> Organisation:
    relations: dict[str, list[RelatedSkill]] = {}
    for rel in session.scalars(select(SkillRelationRow)):
        relations.setdefault(rel.skill_a, []).append(RelatedSkill(rel.skill_b, rel.strength))
    skills = tuple(
        Skill(r.id, r.name, r.category, tuple(r.aliases), r.parent_id, tuple(sorted(relations.get(r.id, ()))))
        for r in session.scalars(select(SkillRow).order_by(SkillRow.id))
    )
    people = tuple(person_from_row(r) for r in session.scalars(select(PersonRow).order_by(PersonRow.id)))
    holdings = tuple(
        Holding(p, s, Level(level))
        for p, s, level in session.execute(
            select(HoldingRow.person_id, HoldingRow.skill_id, HoldingRow.level)
        )
    )
    wishes = tuple(
        Wish(p, s, priority)
        for p, s, priority in session.execute(select(WishRow.person_id, WishRow.skill_id, WishRow.priority))
    )
    history = tuple(
        HistoryEntry(r.round, r.kind, tuple(r.members), r.started, r.ended)
        for r in session.scalars(select(HistoryRow).order_by(HistoryRow.id))
    )
    return Organisation(get_meta(session, "name", ""), people, skills, holdings, wishes, history)


def load_person(session: Session, person_id: str) -> Person | None:
    row = session.get(PersonRow, person_id)
    return person_from_row(row) if row is not None else None


def load_people(session: Session, person_ids: Iterable[str]) -> dict[str, Person]:
    """The people with these ids (those that exist), by id."""
    wanted = sorted(set(person_ids))
    rows = session.scalars(select(PersonRow).where(PersonRow.id.in_(wanted))) if wanted else ()
    return {row.id: person_from_row(row) for row in rows}


def person_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(PersonRow.id, PersonRow.name)).tuples().all())


def get_meta(session: Session, key: str, default: str = "") -> str:
    value = session.get(MetaRow, key)
    return value.value if value is not None else default


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(MetaRow, key)
    if row is None:
        session.add(MetaRow(key=key, value=value))
    else:
        row.value = value


def data_version(session: Session) -> int:
    return int(get_meta(session, "data_version", "0"))


def bump_data_version(session: Session) -> int:
    version = data_version(session) + 1
    set_meta(session, "data_version", str(version))
    return version


# -- writing the difference -------------------------------------------------------

_CHUNK = 5000


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _by_id(items: tuple[Any, ...]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _write_entities(
    session: Session, entity: Any, values: Any, before: dict[str, Any], after: dict[str, Any]
) -> None:
    added = [values(after[i]) for i in after if i not in before]
    changed = [values(after[i]) for i in after if i in before and before[i] != after[i]]
    for chunk in _chunks(added):
        session.execute(insert(entity), chunk)
    for chunk in _chunks(changed):
        session.execute(update(entity), chunk)  # an ORM bulk update by primary key


def _keyed(items: tuple[Any, ...], value: str) -> dict[tuple[str, str], int]:
    return {(i.person_id, i.skill_id): int(getattr(i, value)) for i in items}


def _write_keyed(
    session: Session,
    table: Any,
    keys: tuple[str, str],
    column: str,
    before: dict[tuple[str, str], Any],
    after: dict[tuple[str, str], Any],
) -> None:
    """Rows keyed by two columns holding one value: delete, update and insert only what differs."""
    first, second = keys
    removed = [{"k0": x, "k1": y} for (x, y) in before.keys() - after.keys()]
    changed = [
        {"k0": x, "k1": y, "v": v} for (x, y), v in after.items() if (x, y) in before and before[(x, y)] != v
    ]
    added = [{first: x, second: y, column: v} for (x, y), v in after.items() if (x, y) not in before]
    key = (table.c[first] == bindparam("k0")) & (table.c[second] == bindparam("k1"))
    for chunk in _chunks(removed):
        session.execute(delete(table).where(key), chunk)
    for chunk in _chunks(changed):
        session.execute(update(table).where(key).values({column: bindparam("v")}), chunk)
    for chunk in _chunks(added):
        session.execute(insert(table), chunk)


def _relations(skills: tuple[Skill, ...]) -> dict[tuple[str, str], float]:
    return {tuple(sorted((s.id, r.skill_id))): r.strength for s in skills for r in s.related}  # type: ignore[misc]


def write_changes(
    session: Session,
    before: Organisation,
    after: Organisation,
    *,
    sources: list[str],
    replace: bool,
    changes: Changes,
    now: dt.datetime,
) -> int:
    """Write what differs between ``before`` (as loaded) and ``after``, record
    the import run, archive removed people and bump the data version.
    Runs inside the caller's transaction; returns the import run id."""
    run = ImportRunRow(at=now, sources=sources, replace=replace, summary=changes.summary())
    session.add(run)
    session.flush()

    skills_before, skills_after = _by_id(before.skills), _by_id(after.skills)
    people_before, people_after = _by_id(before.people), _by_id(after.people)
    # Removed people go first, so that a new person may take over a removed person's e-mail address.
    removed_people = [i for i in people_before if i not in people_after]
    _archive(session, before, removed_people, run.id, now)
    for chunk in _chunks(removed_people):
        session.execute(delete(PersonRow).where(PersonRow.id.in_(chunk)))
    _free_changed_emails(session, people_before, people_after)
    _write_entities(session, SkillRow, skill_values, skills_before, skills_after)
    _write_entities(session, PersonRow, person_values, people_before, people_after)

    by_person = ("person_id", "skill_id")
    levels = _keyed(before.holdings, "level"), _keyed(after.holdings, "level")
    priorities = _keyed(before.wishes, "priority"), _keyed(after.wishes, "priority")
    _write_keyed(session, HoldingRow.__table__, by_person, "level", *levels)
    _write_keyed(session, WishRow.__table__, by_person, "priority", *priorities)
    relations = _relations(before.skills), _relations(after.skills)
    _write_keyed(session, SkillRelationRow.__table__, ("skill_a", "skill_b"), "strength", *relations)

    removed_skills = [i for i in skills_before if i not in skills_after]
    for chunk in _chunks(removed_skills):
        session.execute(delete(SkillRow).where(SkillRow.id.in_(chunk)))

    _write_history(session, before, after)
    if after.name != before.name:
        set_meta(session, "name", after.name)
    bump_data_version(session)
    return run.id


def _free_changed_emails(session: Session, before: dict[str, Person], after: dict[str, Person]) -> None:
    """Park changed e-mail addresses on a value no address can have (it holds a space), so that
    two people may swap addresses without tripping the unique constraint half-way."""
    moving = [
        {"id": i, "email": f"moving {i}"} for i in after if i in before and before[i].email != after[i].email
    ]
    for chunk in _chunks(moving):
        session.execute(update(PersonRow), chunk)


def _archive(
    session: Session, before: Organisation, person_ids: list[str], run_id: int, now: dt.datetime
) -> None:
    if not person_ids:
        return
    wanted = set(person_ids)
    people = {p.id: p for p in before.people if p.id in wanted}
    skills: dict[str, dict[str, int]] = {i: {} for i in wanted}
    wishes: dict[str, dict[str, int]] = {i: {} for i in wanted}
    for h in before.holdings:
        if h.person_id in wanted:
            skills[h.person_id][h.skill_id] = int(h.level)
    for w in before.wishes:
        if w.person_id in wanted:
            wishes[w.person_id][w.skill_id] = w.priority
    rows = []
    for person_id in person_ids:
        data = json.loads(json.dumps(person_values(people[person_id]), default=str))  # dates as ISO text
        data |= {"skills": skills[person_id], "wishes": wishes[person_id]}
        rows.append({"person_id": person_id, "import_run_id": run_id, "removed_at": now, "data": data})
    session.execute(insert(ArchivedPersonRow.__table__), rows)


def _write_history(session: Session, before: Organisation, after: Organisation) -> None:
    if before.history == after.history:
        return
    kept = len(before.history)
    if after.history[:kept] != before.history:
        # A replacing import: the stored history is the file's from now on.
        session.execute(delete(HistoryRow.__table__))
        kept = 0
    rows = [
        {"round": h.round, "kind": h.kind, "members": list(h.members), "started": h.started, "ended": h.ended}
        for h in after.history[kept:]
    ]
    for chunk in _chunks(rows):
        session.execute(insert(HistoryRow.__table__), chunk)


# -- schema migrations ------------------------------------------------------------


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "matcher.storage:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it in an empty database)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_is_current(engine: Engine) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == script.get_current_head()


class Database:
    """An engine and its sessions, with the schema brought up to date on opening."""

    def __init__(self, url: str | None = None, *, upgrade_schema: bool = True) -> None:
        self.url = database_url(url)
        self.engine: Engine = make_engine(self.url)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        if upgrade_schema:
            migrate(self.engine)

    def transaction(self) -> AbstractContextManager[Session]:
        return transaction(self.sessions)

    def dispose(self) -> None:
        self.engine.dispose()
