"""The talent map (talentenkaart): who knows what, who wants to learn what, who connects whom.

:class:`TalentMap` builds a networkx graph from an :class:`~matcher.domain.model.Organisation`
once, with the indexes its questions need (a change to a few people makes a new map from the old
one, :meth:`TalentMap.with_people`), and answers three questions:
who can I ask about X (:meth:`TalentMap.ask`), which knowledge is at risk
(:meth:`TalentMap.risks`), who are the bridge figures (:meth:`TalentMap.bridges`) and who is
the hub person of a skill (:meth:`TalentMap.hub`).
A holding at level 0 ("none") means no knowledge and is left out of the map.


:mod:`~matcher.domain.talentmap.build` reads the organisation into a graph and
indexes; :mod:`~matcher.domain.talentmap.ask`,
:mod:`~matcher.domain.talentmap.risks` and
:mod:`~matcher.domain.talentmap.bridges` each hold one question and what it
answers with.
"""

from __future__ import annotations

from collections.abc import Collection

from matcher.domain.model import Organisation
from matcher.domain.talentmap.ask import LANGUAGE_NAMES, Answer, AskQuestions, AskResult
from matcher.domain.talentmap.bridges import Bridge, BridgeLink, BridgeQuestions
from matcher.domain.talentmap.build import (
    DEFAULT_ASK_WEIGHTS,
    AskWeights,
    UnknownSkill,
    base_language,
    collaboration_graph,
    normalise,
    talent_graph,
)
from matcher.domain.talentmap.hubs import Hub, HubQuestions
from matcher.domain.talentmap.risks import KEY_LEVEL, Risk, RiskQuestions, Successor
from matcher.domain.talentmap.update import with_people


class TalentMap(AskQuestions, RiskQuestions, BridgeQuestions, HubQuestions):
    """The talent map of one organisation on one day; build once, ask often."""

    def with_people(self, part: Organisation, person_ids: Collection[str]) -> TalentMap:
        """This map with the people ``person_ids`` as ``part`` holds them (their record, skill
        levels and wishes; one missing from ``part`` is gone), without building it again. This
        map stays as it was. See :mod:`matcher.domain.talentmap.update`."""
        return with_people(self, part, person_ids)


__all__ = [
    "DEFAULT_ASK_WEIGHTS",
    "KEY_LEVEL",
    "LANGUAGE_NAMES",
    "Answer",
    "AskResult",
    "AskWeights",
    "Bridge",
    "BridgeLink",
    "Hub",
    "Risk",
    "Successor",
    "TalentMap",
    "UnknownSkill",
    "base_language",
    "collaboration_graph",
    "normalise",
    "talent_graph",
]
