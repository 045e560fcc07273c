"""The meeloop command as a user runs it: a real process, without the caller's MEELOOP_ settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MEELOOP = str(Path(sys.executable).parent / "meeloop")


def run(
    *args: str,
    db: str,
    cwd: Path,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """``meeloop --db DB ARGS`` in ``cwd``; ``env`` adds settings to a clean environment (English,
    whatever the caller's locale, unless ``env`` says otherwise)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MEELOOP_") and k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
    }
    clean["LANG"] = "C.UTF-8"
    return subprocess.run(
        [MEELOOP, "--db", db, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **(env or {})},
        input=stdin,
        timeout=timeout,
    )
