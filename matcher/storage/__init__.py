"""Storage: SQLAlchemy models and the conversion to and from the domain.

This package is the only part of ``matcher`` that knows SQLAlchemy. The rest of the code works on the
frozen dataclasses of :mod:`matcher.domain.model`; here they are loaded from rows and
their differences are written back as rows.

The tables are in :mod:`matcher.storage.rows`, one module per area; the database, its
sessions and migrations in :mod:`matcher.storage.base`; the talent map's loading and writing in
:mod:`matcher.storage.talentmap`; each other area's in a module of its own (rounds, schedule,
invites, ...). This module gathers what callers use.
"""

from matcher.storage.base import (
    DEFAULT_DATABASE,
    ENV_URL,
    Base,
    Database,
    alembic_config,
    database_url,
    make_engine,
    migrate,
    schema_is_current,
    session_factory,
    transaction,
)
from matcher.storage.rows.accounts import AccountRow
from matcher.storage.rows.api_tokens import ApiTokenRow
from matcher.storage.rows.calendars import LinkedBusyRow, LinkedCalendarRow, LinkedPushRow
from matcher.storage.rows.history import PersonChangeRow
from matcher.storage.rows.invites import FeedTokenRow, OutboxRow
from matcher.storage.rows.notices import CheckInRow, NoticeRow
from matcher.storage.rows.reflections import ReflectionRow
from matcher.storage.rows.replies import InviteReplyRow, ReplyMailRow
from matcher.storage.rows.rounds import RoundEventRow, RoundLeftOutRow, RoundPairRow, RoundRow, SolveJobRow
from matcher.storage.rows.schedule import CalendarUploadRow, HolidayRow, ScheduledEventRow, ShadowRequestRow
from matcher.storage.rows.surveys import ClimateAnswerRow, ValueCheckRow
from matcher.storage.rows.talentmap import (
    ArchivedPersonRow,
    HistoryRow,
    HoldingRow,
    ImportRunRow,
    MetaRow,
    PersonRow,
    SkillRelationRow,
    SkillRow,
    WishRow,
)
from matcher.storage.rows.time_plans import TimePlanItemRow, TimePlanLeftOutRow, TimePlanRow
from matcher.storage.rows.transfer import TransferLevelRow, TransferPlanRow
from matcher.storage.rows.work import WorkJobRow
from matcher.storage.talentmap import (
    bump_data_version,
    data_version,
    get_meta,
    load_organisation,
    load_people,
    load_person,
    person_from_row,
    person_names,
    person_values,
    set_meta,
    skill_values,
    write_changes,
)

__all__ = [
    "DEFAULT_DATABASE",
    "ENV_URL",
    "AccountRow",
    "ApiTokenRow",
    "ArchivedPersonRow",
    "Base",
    "CalendarUploadRow",
    "CheckInRow",
    "ClimateAnswerRow",
    "Database",
    "FeedTokenRow",
    "HistoryRow",
    "HoldingRow",
    "HolidayRow",
    "ImportRunRow",
    "InviteReplyRow",
    "LinkedBusyRow",
    "LinkedCalendarRow",
    "LinkedPushRow",
    "MetaRow",
    "NoticeRow",
    "OutboxRow",
    "PersonChangeRow",
    "PersonRow",
    "ReflectionRow",
    "ReplyMailRow",
    "RoundEventRow",
    "RoundLeftOutRow",
    "RoundPairRow",
    "RoundRow",
    "ScheduledEventRow",
    "ShadowRequestRow",
    "SkillRelationRow",
    "SkillRow",
    "SolveJobRow",
    "TimePlanItemRow",
    "TimePlanLeftOutRow",
    "TimePlanRow",
    "TransferLevelRow",
    "TransferPlanRow",
    "ValueCheckRow",
    "WishRow",
    "WorkJobRow",
    "alembic_config",
    "bump_data_version",
    "data_version",
    "database_url",
    "get_meta",
    "load_organisation",
    "load_people",
    "load_person",
    "make_engine",
    "migrate",
    "person_from_row",
    "person_names",
    "person_values",
    "schema_is_current",
    "session_factory",
    "set_meta",
    "skill_values",
    "transaction",
    "write_changes",
]
