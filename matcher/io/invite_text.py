"""What an invite says, in its reader's language: the e-mail's subject and text and the calendar
item's DESCRIPTION. Every sentence is a message rendered with the reader's translator
(:func:`matcher.io.catalogs.translator`), so a Dutch colleague reads a Dutch invite and an English
one an English invite from the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time

from matcher.domain.model import Person
from matcher.domain.phrases import Translator, phrase, say, term

if TYPE_CHECKING:
    from matcher.domain.schedule import ScheduledEvent
    from matcher.io.ics import InviteSettings

CANCEL = "CANCEL"

#: What each role in an event is asked to bring along.
PREPARE = {
    "mentor": phrase("Think of one thing you learnt the hard way and one question to ask your mentee."),
    "mentee": phrase("Bring one question or piece of work you are stuck on, and what you hope to learn."),
    "host": phrase(
        "Pick a piece of real work your guest can watch, and ten minutes to explain why you do it so."
    ),
    "guest": phrase(
        "Write down what you want to see, and ask your host afterwards about what surprised you."
    ),
    "presenter": phrase("Prepare twenty minutes on one practical example and leave time for questions."),
    "audience": phrase("Bring your lunch and one question about the topic."),
    "member": phrase("Bring one current question from your work to share with the others."),
}

#: Each kind of event as a word, and each role in one.
KIND_WORDS = {
    "meeting": term("meeting"),
    "shadowing": term("shadowing slot"),
    "lunch": term("lunch & learn session"),
}
ROLE_WORDS = {
    "mentor": term("mentor"),
    "mentee": term("mentee"),
    "host": term("host"),
    "guest": term("guest"),
    "presenter": term("presenter"),
    "audience": term("audience"),
    "member": term("member"),
}


#: A shadowing slot of a knowledge transfer plan (its details name the plan) is called so.
TRANSFER_WORD = term("knowledge transfer session")


def kind_word(event: ScheduledEvent) -> str:
    if event.kind == "shadowing" and "transfer" in event.details:
        return TRANSFER_WORD
    return KIND_WORDS.get(event.kind, event.kind)


def description(
    event: ScheduledEvent,
    people: Mapping[str, Person],
    settings: InviteSettings,
    person_id: str | None,
    words: Translator,
    roles: Mapping[str, str],
) -> str:
    """Why this was proposed, who is in it, what to prepare, and the way back to meeloop.
    ``roles`` is everyone's role in the event (see :func:`matcher.io.ics.participants`)."""
    lines = [say(phrase("A {kind} planned by meeloop.", kind=kind_word(event)), words)]
    reasons = event.details.get("reasons", ())
    if reasons:
        lines += ["", say(phrase("Why:"), words), *(f"- {say(r, words)}" for r in reasons)]
    names = [
        f"- {people[m].name} ({say(ROLE_WORDS.get(event.roles.get(m, 'member'), term('member')), words)})"
        for m in event.members
        if m in people
    ]
    lines += ["", say(phrase("With:"), words), *names]
    role = roles.get(person_id) if person_id else None
    tip = PREPARE.get(role) if role else None
    if tip:
        lines += ["", say(phrase("To prepare: {tip}", tip=tip), words)]
    elif person_id is None:
        lines += [
            "",
            say(phrase("To prepare:"), words),
            *(
                f"- {say(ROLE_WORDS[r], words)}: {say(PREPARE[r], words)}"
                for r in sorted(set(event.roles.values()))
                if r in PREPARE
            ),
        ]
    if settings.online_link:
        lines += ["", say(phrase("Online: {link}", link=settings.online_link), words)]
    lines += ["", say(phrase("Your plans in meeloop: {url}", url=settings.plans_url), words)]
    return "\n".join(lines)


def subject(event: ScheduledEvent, method: str, words: Translator) -> str:
    if method == CANCEL:
        return say(phrase("Cancelled: {title}", title=event.title), words)
    if event.sequence:
        return say(phrase("Updated: {title}", title=event.title), words)
    return say(phrase("Invitation: {title}", title=event.title), words)


def letter(
    event: ScheduledEvent,
    person: Person,
    people: Mapping[str, Person],
    settings: InviteSettings,
    method: str,
    words: Translator,
    roles: Mapping[str, str],
) -> str:
    """The e-mail's text: a greeting, when (in the reader's own time zone and language), and the
    description."""
    zone = ZoneInfo(person.timezone)
    locale = getattr(words, "locale", "en")
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    when = phrase(
        "{start}–{end} ({timezone})",
        start=format_datetime(start, "EEEE d MMMM y, HH:mm", locale=locale),
        end=format_time(end, "HH:mm", locale=locale),
        timezone=person.timezone,
    )
    if event.rrule:
        when = phrase("{when}, repeating ({n} times)", when=when, n=len(event.times()))
    head = phrase("This has been cancelled.") if method == CANCEL else phrase("When: {when}", when=when)
    greeting = phrase("Dear {name},", name=person.name)
    body = description(event, people, settings, person.id, words, roles)
    return f"{say(greeting, words)}\n\n{say(head, words)}\n\n{body}\n"
