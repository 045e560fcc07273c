"""Reports for HR and managers: plain data in, plain data out.

Knowledge at risk within a group of people, skill coverage per department, how
rounds went (participation and diversity), what reflections say per value level,
and a picture of the talent map with its layout. Nothing here reads a database
or knows the web; the web layer turns these numbers into pages and pictures.

Experience is tenure: years since a person's start date, never age.

>>> from matcher.domain.model import Holding, Organisation, Person, Skill
>>> ann = Person("ann", "Ann", "a@x.org", department="ICT")
>>> org = Organisation(
...     people=(ann, Person("bo", "Bo", "b@x.org", department="HR")),
...     skills=(Skill("py", "Python", "Digital"),),
...     holdings=(Holding("ann", "py", 4), Holding("bo", "py", 2)),
... )
>>> [row.values for row in coverage_heatmap(org, by="skill").rows]
[(0, 1)]
"""

from matcher.domain.reports.coverage import Heatmap, HeatRow, coverage_heatmap
from matcher.domain.reports.picture import MapNode, MapPicture, map_picture
from matcher.domain.reports.reflections import (
    VALUE_LEVELS,
    ReflectionFact,
    ValueCounts,
    quarter,
    reflections_per_quarter,
    value_counts,
)
from matcher.domain.reports.risks import Holder, RiskLine, Taker, knowledge_at_risk
from matcher.domain.reports.rounds import (
    REASON_KINDS,
    TENURE_BANDS,
    UNKNOWN_TENURE,
    DepartmentShare,
    RoundFacts,
    RoundStats,
    department_participation,
    reason_kind,
    round_stats,
    rounds_from_history,
    tenure_band,
)

__all__ = [
    "REASON_KINDS",
    "TENURE_BANDS",
    "UNKNOWN_TENURE",
    "VALUE_LEVELS",
    "DepartmentShare",
    "HeatRow",
    "Heatmap",
    "Holder",
    "MapNode",
    "MapPicture",
    "ReflectionFact",
    "RiskLine",
    "RoundFacts",
    "RoundStats",
    "Taker",
    "ValueCounts",
    "coverage_heatmap",
    "department_participation",
    "knowledge_at_risk",
    "map_picture",
    "quarter",
    "reason_kind",
    "reflections_per_quarter",
    "round_stats",
    "rounds_from_history",
    "tenure_band",
    "value_counts",
]
