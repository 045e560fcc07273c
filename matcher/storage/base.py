"""The database itself: the declarative base, the engine and its sessions, units of work and migrations.

SQLite (a file) is the embedded default, PostgreSQL the server option. The
schema is managed by Alembic (``matcher/storage/migrations``).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import JSON, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from matcher.domain.phrases import AsWritten, Message, from_data, to_data

if os.name == "posix":
    import fcntl

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


def database_url(explicit: str | None = None) -> str:
    """``explicit`` (the ``--db`` option), else ``MEELOOP_DATABASE_URL``, else the default SQLite file."""
    url = explicit or os.environ.get(ENV_URL)
    if url:
        return url
    return f"sqlite:///{DEFAULT_DATABASE}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            if os.name == "posix":
                WriterQueue(Path(f"{database}.writers")).attach(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


#: The first word of a statement that writes.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class WriterQueue:
    """Writers to one SQLite file take turns through a lock file, across threads and processes.

    SQLite lets one writer in at a time; the others retry on a timer that sleeps up to 100 ms
    between tries, so under load a waiting writer can lose to newcomers again and again (seconds
    in a row, with several server processes). Here a connection takes an exclusive lock on a file
    beside the database before its first write, and lets go when it goes back to the pool after
    its commit or rollback: a waiting writer sleeps in the kernel and wakes as soon as the one
    before it is done. Readers never wait for it (the database is in WAL mode). A thread that
    already writes through one connection and writes through a second is left to SQLite's own
    timer, as without the queue, instead of waiting for itself."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writing: set[int] = set()

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before_statement)
        event.listen(engine, "checkin", self._let_go)
        event.listen(engine, "close", self._let_go)

    def _before_statement(self, connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        info = connection.connection.info
        if "writer_lock" in info or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        thread = threading.get_ident()
        if thread in self._writing:
            return
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except BaseException:
            os.close(handle)
            raise
        info["writer_lock"] = (handle, thread)
        self._writing.add(thread)

    def _let_go(self, _dbapi_connection: Any, record: Any) -> None:
        held = record.info.pop("writer_lock", None) if record is not None else None
        if held is not None:
            handle, thread = held
            self._writing.discard(thread)
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)


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


def utc(moment: dt.datetime) -> dt.datetime:
    """A moment read back from the database, aware: SQLite hands back naive datetimes, written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Messages(TypeDecorator[Any]):
    """JSON that holds the domain's messages as data (:func:`matcher.domain.phrases.to_data`), never
    as finished text: a reason, a list of them, or a mapping with some inside. Plain text stays text."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return to_data(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return _as_written(from_data(value))


def _as_written(value: Any) -> Any:
    """Plain text where a message was expected (a reason, an item of a list) marked as written."""
    if isinstance(value, str) and not isinstance(value, Message):
        return AsWritten(value)
    if isinstance(value, list):
        return [_as_written(v) for v in value]
    if isinstance(value, dict) and isinstance(value.get("reasons"), list):
        return {**value, "reasons": _as_written(value["reasons"])}
    return value
