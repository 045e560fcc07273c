"""Answers to a proposed shadowing slot: the guest and the host each accept or decline it.

An answer is kept in the slot's details under ``answers`` (person id -> accepted or declined);
the slot's time and people stay, so its SEQUENCE does too and no invite changes. A declined slot
is cancelled (kept, its sequence one higher, so feeds and e-mail cancel it), which frees the time
in both calendars, and its request is open again with a note saying so. The next shadow plan
(:func:`matcher.services.scheduling.shadow_problem`) does not offer the declined time again to whoever
declined it (:func:`declined_times`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from matcher import storage
from matcher.domain.availability import Interval
from matcher.domain.phrases import phrase
from matcher.domain.problems import InvalidInput, Location, Problem
from matcher.domain.schedule import OPEN, StoredRequest
from matcher.storage import Database
from matcher.storage import schedule as store

ACCEPTED, DECLINED = "accepted", "declined"
KIND = "shadowing"


def source_of(request_id: int) -> str:
    """What a shadowing slot's event belongs to (as :func:`matcher.services.scheduling.request_source`)."""
    return f"request:{request_id}"


def declined_times(session, request_ids: set[int]) -> dict[str, list[Interval]]:
    """Person id -> the slots they declined for these requests, within the caller's transaction."""
    found: dict[str, list[Interval]] = {}
    for event in store.events(session, kind=KIND, planned_only=False):
        if event.details.get("request") in request_ids:
            for person_id, answer in event.details.get("answers", {}).items():
                if answer == DECLINED:
                    found.setdefault(person_id, []).extend(event.times())
    return found


def _bad(request_id: int, message: str) -> InvalidInput:
    return InvalidInput([Problem(Location("shadow request", request_id, "slot"), message)])


def answer_shadow_slot(
    db: Database, request_id: int, person_id: str, *, accept: bool, now: dt.datetime
) -> StoredRequest:
    """The guest or the host of the slot proposed for a request accepts or declines it.
    One transaction; a request without a planned slot, or someone not in it, is refused."""
    with db.transaction() as session:
        request = store.request(session, request_id)
        if request is None:
            raise _bad(request_id, phrase("there is no such request"))
        source = source_of(request_id)
        slot = next(iter(store.events(session, kind=KIND, source=source)), None)
        if slot is None:
            raise _bad(request_id, phrase("no slot is proposed for this request (any more)"))
        if person_id not in slot.members:
            raise _bad(
                request_id,
                phrase("{person} is neither the guest nor the host of this slot", person=person_id),
            )
        answers = {**slot.details.get("answers", {}), person_id: ACCEPTED if accept else DECLINED}
        answered = dataclasses.replace(slot, details={**slot.details, "answers": answers})
        store.reconcile_events(session, source, KIND, [answered], now=now)
        if not accept:
            store.cancel_events(session, source=source, kind=KIND, now=now)
            person = storage.load_person(session, person_id)
            local = slot.start.astimezone(ZoneInfo(slot.timezone))
            note = phrase(
                "the slot of {when:%Y-%m-%d %H:%M} ({zone}) was declined by {name}; "
                "the request waits for the next shadow plan",
                when=local,
                zone=slot.timezone,
                name=person.name if person else person_id,
            )
            store.set_request_status(session, request_id, OPEN, note=note)
        answered_request = store.request(session, request_id)
    assert answered_request is not None
    return answered_request
