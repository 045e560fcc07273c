"""The table of changes to people: per import run and person, every field that changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.storage.base import Base


class PersonChangeRow(Base):
    """What one run (an import, a profile edit, an HR edit, a restore or an undo) changed about one
    person, field by field. When and from which files is on the run; history is only ever added to."""

    __tablename__ = "person_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"), index=True)
    #: No foreign key: the history of a person outlives their removal.
    person_id: Mapped[str] = mapped_column(String(120), index=True)
    #: added | changed | removed
    event: Mapped[str] = mapped_column(String(16))
    #: import | profile | hr | restore | undo
    kind: Mapped[str] = mapped_column(String(16))
    #: Who made the change: the login of an account, or none (a file imported on the command line).
    by: Mapped[str | None] = mapped_column(String(320))
    #: The run a restore or an undo went back before, for the record.
    reverts: Mapped[int | None] = mapped_column(Integer)
    #: ``[{"field": "department", "old": "Financiën", "new": "Inkoop"}, ...]``: person fields by
    #: their column name, a skill level as ``skills.<id>``, a wish's priority as ``wishes.<id>``;
    #: none is "not set" (a skill not held, a person not there yet).
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
