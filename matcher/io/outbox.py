"""Which e-mails a change of plan calls for: updates for what changed, cancellations for what was
removed, and nothing for what stayed the same.

Each person's last message about an event (its SEQUENCE and method) is the record. An event
whose sequence went up since then gets a new REQUEST to everyone still in it, and a CANCEL to
everyone who had an invite but is no longer in it (or all of them, when it was cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matcher.io.ics import CANCEL, REQUEST, participants

if TYPE_CHECKING:
    from matcher.domain.schedule import ScheduledEvent


@dataclass(frozen=True)
class Due:
    """One e-mail to send: ``method`` for ``event`` to ``person_id``."""

    event: ScheduledEvent
    person_id: str
    method: str

    @property
    def sequence(self) -> int:
        return self.event.sequence


def due(events: Iterable[ScheduledEvent], last: Mapping[tuple[int, str], tuple[int, str]]) -> list[Due]:
    """The messages these events call for, given ``last``: (event id, person id) -> (sequence,
    method) of the last message queued or sent to that person about that event."""
    found = []
    for event in events:
        assert event.id is not None, "only stored events are sent"
        now_in = participants(event) if event.status == "planned" else {}
        for person_id in now_in:
            before = last.get((event.id, person_id))
            if before is None or before[0] < event.sequence:
                found.append(Due(event, person_id, REQUEST))
        for (event_id, person_id), (sequence, method) in sorted(last.items()):
            if event_id != event.id or person_id in now_in:
                continue
            if method == REQUEST and sequence < event.sequence:
                found.append(Due(event, person_id, CANCEL))
    return found
