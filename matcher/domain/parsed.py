"""What an importer hands over: the file's content as domain data, and where each part came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from matcher.domain.model import Organisation
from matcher.domain.problems import Locator, Problems


@dataclass(frozen=True)
class Parsed:
    """The content of one import (one file, or a matrix with its skills file).

    ``covered_holdings`` and ``covered_wishes`` say which skills the file speaks
    for: the stored holdings (wishes) of the file's people for those skills are
    replaced by the file's, the others are kept. ``None`` means every skill
    (the JSON format lists a person's skills and wishes in full).
    ``has_people``, ``has_skills`` and ``has_history`` say whether the file
    carries those parts at all, so that ``--replace`` only replaces what the
    file describes.

    ``given_fields`` says, per person id, which fields the file gives (names
    of :class:`~matcher.domain.model.Person` fields, plus ``skills`` and ``wishes``):
    a stored person keeps the others. A person not in it gives every field.

    ``problems`` holds what was wrong in single fields. They are not raised
    at once, so that the checks on the whole organisation can add theirs and
    every problem is reported together.
    """

    organisation: Organisation
    locator: Locator = field(default_factory=Locator)
    covered_holdings: frozenset[str] | None = None
    covered_wishes: frozenset[str] | None = None
    has_people: bool = True
    has_skills: bool = True
    has_history: bool = False
    sources: tuple[str, ...] = ()
    problems: Problems = field(default_factory=Problems)
    given_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
