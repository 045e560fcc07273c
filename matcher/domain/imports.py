"""The record of changes to the organisation: imports and edits on HR's pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ImportRun:
    """One recorded change of the organisation: an import, or an edit made on HR's pages."""

    id: int
    at: dt.datetime
    sources: tuple[str, ...]
    replace: bool
    summary: str
