"""Every write the clients saw succeed, looked up in the database afterwards."""

from __future__ import annotations

from typing import Any

from bench.mixed.clients import Written
from bench.mixed.preparation import Setup
from matcher.services import organisation, reflections, scheduling


def lost_writes(url: str, setup: Setup, written: dict[str, Written]) -> dict[str, Any]:
    """Each write the clients saw succeed, looked up in the database."""
    database = organisation.Database(url)
    checked, lost, problems = 0, 0, []
    try:
        org = organisation.load_organisation(database)
        requests = scheduling.shadow_requests(database)
        for me in setup.clients:
            mine = written.get(me.person_id, Written())
            if mine.profile is not None:
                checked += 1
                person = org.person(me.person_id)
                levels = {h.skill_id: int(h.level) for h in org.holdings if h.person_id == me.person_id}
                wishes = {w.skill_id: w.priority for w in org.wishes if w.person_id == me.person_id}
                stored = {
                    "levels": levels,
                    "wishes": wishes,
                    "host_capacity": person.host_capacity if person else None,
                }
                if stored != mine.profile and stored not in mine.unanswered_profiles:
                    lost += 1
                    problems.append(f"{me.person_id}: profile {stored} != {mine.profile}")
            # A request whose answer never came may still have landed: more found than sent is no loss.
            found = sum(1 for r in requests if r.guest_id == me.person_id)
            checked += mine.shadow_requests
            if found < mine.shadow_requests:
                lost += mine.shadow_requests - found
                problems.append(f"{me.person_id}: {found} shadow requests, {mine.shadow_requests} sent")
            stories = {r.session_day: r.story for r in reflections.reflections_of(database, me.person_id)}
            for day, story in mine.stories.items():
                checked += 1
                if stories.get(day) != story and stories.get(day) not in mine.unanswered_stories.get(day, []):
                    lost += 1
                    problems.append(f"{me.person_id}: reflection on {day}: {stories.get(day)!r} != {story!r}")
    finally:
        database.dispose()
    return {"checked": checked, "lost": lost, "problems": problems[:10]}
