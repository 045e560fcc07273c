"""Uploaded files: saved under a name that is safe and short, whatever the browser sent.

A name of hundreds of characters would exceed what the file system allows (255 bytes) and what
the database keeps, so it is shortened; the extension, which says how to read the file, stays.
"""

from __future__ import annotations

from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

#: Enough to recognise a file in a list; far below the file system's and the database's limits.
MAX_NAME = 100


def safe_name(name: str, fallback: str) -> str:
    """``name`` as a file name without path, odd characters or excess length; ``fallback`` when
    nothing is left. The extension as given is kept.

    >>> safe_name("../Zoë.CSV", "upload"), len(safe_name("a" * 300 + ".json", "upload"))
    ('Zoe.csv', 100)
    """
    suffix = Path(name).suffix.lower()
    suffix = suffix if len(suffix) <= 10 else ""
    # secure_filename may drop letters outside ASCII along with a dot; the extension must survive.
    safe = secure_filename(name) or fallback
    stem = Path(safe).stem if suffix else safe
    return (stem[: MAX_NAME - len(suffix)] or Path(fallback).stem) + suffix


def save(upload: FileStorage, folder: Path, fallback: str) -> Path:
    """Save ``upload`` in ``folder`` under its :func:`safe_name`; the path it was saved as."""
    path = folder / safe_name(upload.filename or fallback, fallback)
    folder.mkdir(parents=True, exist_ok=True)
    upload.save(path)
    return path
