"""The talent map of the stored organisation, kept per process and brought up to date by data version.

Every write bumps the data version and records which people it changed
(:func:`matcher.storage.changes.record_change`). :meth:`MapCache.get` compares the stored version with
the one its map was made at: when only people changed since, it loads just those people and makes
the next map from the last one (:meth:`~matcher.domain.talentmap.TalentMap.with_people`); when more
changed (skills, history, many people at once) or the day changed, it builds the map again from the
whole organisation. A map handed out is never changed afterwards: a request keeps the map it started
with, while the next one gets the newer map.

A map built from the whole organisation is then moved out of the garbage collector's way
(:func:`_settle`): at 20,000 people it is about a million objects, and each full collection went
through all of them (0.35 to 1 s) while every thread of the process waited.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable

from matcher import storage
from matcher.domain.talentmap import TalentMap
from matcher.storage import Database
from matcher.storage.changes import changes_since
from matcher.storage.people import load_part

__all__ = ["MapCache"]

#: From how many people a map built anew is moved out of the garbage collector's way; a smaller one
#: costs a full collection little, less than the full collection that moving it takes.
SETTLE_FROM = 2000


class MapCache:
    """The talent map, built once, then changed person by person as the stored data changes, and
    built again when the data changed more than people or the day changed."""

    def __init__(self, db: Database, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.db = db
        self.today = today
        self._lock = threading.Lock()
        #: The map with the data version and the day it was made for, replaced as one.
        self._made: tuple[int, dt.date, TalentMap] | None = None
        #: How often the map was built from the whole organisation, and how often changed.
        self.builds = 0
        self.updates = 0
        self._large_build = False

    def get(self) -> TalentMap:
        with self.db.sessions() as session:
            version = storage.data_version(session)
        day = self.today()
        made = self._made
        if made is not None and made[:2] == (version, day):
            return made[2]
        with self._lock:
            # Another request may have brought the map past the version read above while this one
            # waited: a newer map is as good.
            made = self._made
            self._large_build = False
            if made is None or made[1] != day:
                made = self._build(day)
            elif made[0] < version:
                made = self._update(*made)
            self._made = made
            if self._large_build:
                _settle()
            return made[2]

    def _build(self, day: dt.date) -> tuple[int, dt.date, TalentMap]:
        with self.db.transaction() as session:
            # The version first: the data loaded after it is at least as new, and a change made in
            # between is taken in again at the next look, which does no harm.
            version = storage.data_version(session)
            organisation = storage.load_organisation(session)
        self.builds += 1
        self._large_build = len(organisation.people) >= SETTLE_FROM
        return version, day, TalentMap(organisation, today=day)

    def _update(self, since: int, day: dt.date, talent: TalentMap) -> tuple[int, dt.date, TalentMap]:
        with self.db.transaction() as session:
            version, changed = changes_since(session, since)
            part = load_part(session, changed) if changed is not None else None
        if changed is None or part is None:
            return self._build(day)
        self.updates += 1
        return version, day, talent.with_people(part, changed)


def _settle() -> None:
    """Keep what the process holds now, above all the map just built, out of the garbage collector's
    full collections: they go through every object that is not frozen, and a map is long-lived.
    Unfrozen first, so that a map built before and no longer used is collected instead of kept."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
