"""Shared working time of a group: each person's working hours as a set of half hours of a usual
week in UTC (:func:`~matcher.domain.overlap.utc_week`), kept as the bits of one number, so that
what a group shares is the AND of its members' numbers. Calendars are not part of a group round:
this is working time, not free time in anyone's agenda.

>>> from matcher.domain.model import office_hours
>>> amsterdam = week_slots(office_hours(), "Europe/Amsterdam")
>>> new_york = week_slots(office_hours(), "America/New_York")
>>> shared_hours(common([amsterdam, new_york]))
10.0
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from matcher.domain.model import WorkingHours
from matcher.domain.overlap import WEEK_MINUTES, utc_week

#: Minutes in one slot, and slots in a week (336).
SLOT = 30
SLOTS = WEEK_MINUTES // SLOT


@cache
def week_slots(hours: WorkingHours, timezone: str) -> int:
    """The half hours of a usual week in UTC that lie wholly in someone's working hours, as bits:
    bit ``i`` is the slot from ``i`` x 30 minutes after Monday 00:00 UTC."""
    bits = 0
    for start, end in utc_week(hours, timezone):
        for slot in range(-(-start // SLOT), end // SLOT):
            bits |= 1 << slot
    return bits


def common(slots: Iterable[int]) -> int:
    """The slots everyone of a group works in (none for an empty group)."""
    found = None
    for bits in slots:
        found = bits if found is None else found & bits
    return found or 0


def shared_hours(bits: int) -> float:
    """Hours a week in a set of slots."""
    return bits.bit_count() * SLOT / 60
