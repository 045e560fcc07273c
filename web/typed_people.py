"""A person typed into a field: an id, a name picked from the page's list ("Anna de Vries
(E00012)"), or a name only one person has. One reading for every such field: the round actions,
"why not?" and a person's manager."""

from __future__ import annotations

from collections.abc import Iterable


def listed(name: str, person_id: str) -> str:
    """How the page's list names someone: "Anna de Vries (E00012)"."""
    return f"{name} ({person_id})"


def matching(choices: Iterable[tuple[str, str]], typed: str | None) -> list[str]:
    """The ids ``typed`` can mean among ``choices`` (id and list label each): the one whose id or
    label it is, else everyone of that name (none, one or more)."""
    typed = (typed or "").strip()
    if not typed:
        return []
    folded = typed.casefold()
    named = []
    for person_id, label in choices:
        if typed == person_id or folded == label.casefold():
            return [person_id]
        if label.rsplit(" (", 1)[0].casefold() == folded:
            named.append(person_id)
    return named
