"""Writers to one SQLite file take turns through a lock file beside it (matcher.storage.base.WriterQueue):
taken at a transaction's first write, let go when its connection goes back to the pool."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from matcher.storage.base import make_engine, session_factory, transaction


def _held(path: Path) -> bool:
    """Whether someone holds the lock on ``path`` (tried from a handle of its own)."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
    finally:
        os.close(handle)


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    yield session_factory(engine), tmp_path / "db.sqlite3.writers"
    engine.dispose()


def test_a_write_holds_the_queue_until_its_transaction_ends_and_a_read_never_takes_it(sessions):
    factory, lock = sessions
    with transaction(factory) as session:
        session.execute(text("SELECT count(*) FROM note")).scalar()
        assert not _held(lock)
        session.execute(text("INSERT INTO note (body) VALUES ('een')"))
        assert _held(lock)
    assert not _held(lock)
    with pytest.raises(RuntimeError), transaction(factory) as session:
        session.execute(text("UPDATE note SET body = 'twee'"))
        assert _held(lock)
        raise RuntimeError("rolled back")
    assert not _held(lock)
    with transaction(factory) as session:
        assert session.execute(text("SELECT body FROM note")).scalars().all() == ["een"]


def test_writers_in_several_threads_each_land_once(sessions):
    factory, lock = sessions

    def write(n: int) -> None:
        for i in range(20):
            with transaction(factory) as session:
                session.execute(text("INSERT INTO note (body) VALUES (:b)"), {"b": f"{n}-{i}"})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with transaction(factory) as session:
        bodies = session.execute(text("SELECT body FROM note")).scalars().all()
    assert sorted(bodies) == sorted(f"{n}-{i}" for n in range(6) for i in range(20))
    assert not _held(lock)


def test_a_read_beside_an_unfinished_write_neither_waits_nor_sees_it(sessions):
    factory, lock = sessions
    with transaction(factory) as first:
        first.execute(text("INSERT INTO note (body) VALUES ('een')"))
        # A second connection reads at once (WAL) what was committed before the write began.
        with transaction(factory) as second:
            assert second.execute(text("SELECT count(*) FROM note")).scalar() == 0
    assert not _held(lock)
