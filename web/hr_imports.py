"""HR imports the organisation (JSON, or a skills matrix as CSV or Excel) and exports it.

An upload is saved in a temporary folder under its own name (made safe and short), so that the
problem report names the file HR chose, and imported through the same service as
``meeloop import``: one transaction, every problem at once, nothing stored when one
is found. A previewed upload is imported by a worker (:mod:`matcher.services.work`): the request
keeps the file with the job and shows the job's page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from flask import flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField

from matcher.domain import ownership
from matcher.domain.model import Level
from matcher.domain.ownership import PersonReview
from matcher.domain.problems import InvalidInput
from matcher.services import organisation, work
from web import params, uploads, work_pages
from web.context import database

EXPORTS = {"json": "organisation.json", "csv": "skills-matrix.csv", "xlsx": "skills-matrix.xlsx"}
SHOWN_IDS = 20


class ImportForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(["json", "csv", "xlsx"], _l("Use a .json, .csv or .xlsx file.")),
        ],
    )
    skills_file = FileField(
        _l("Skills file (for a CSV matrix)"),
        validators=[FileAllowed(["csv"], _l("The skills file is a .csv file."))],
    )
    replace = BooleanField(_l("Replace: the file is the whole truth for what it carries"))
    dry_run = BooleanField(_l("Preview only: check and show what would change, store nothing"))


class ConfirmForm(FlaskForm):
    """The import of a previewed file, with the conflicts HR takes (the ``take`` checkboxes)."""

    token = HiddenField()


#: A previewed upload waits this long for HR to import it.
PREVIEW_KEPT = dt.timedelta(hours=12)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,80}")


def _previews() -> Path:
    folder = Path(tempfile.gettempdir()) / "meeloop-import-previews"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _hold(tmp: Path) -> str:
    """Keep a previewed upload until HR imports it (or for :data:`PREVIEW_KEPT`); its token, which
    this login's session remembers."""
    folder = _previews()
    expired = dt.datetime.now(dt.UTC).timestamp() - PREVIEW_KEPT.total_seconds()
    for old in folder.iterdir():
        if old.stat().st_mtime < expired:
            shutil.rmtree(old, ignore_errors=True)
    token = secrets.token_urlsafe(24)
    shutil.copytree(tmp, folder / token)
    session["import_preview"] = token
    return token


def _held(token: str) -> Path | None:
    """The folder of a previewed upload this login's session holds, if it is still there."""
    if not _TOKEN.fullmatch(token or "") or session.get("import_preview") != token:
        return None
    folder = _previews() / token
    return folder if folder.is_dir() else None


def _files(folder: Path) -> tuple[Path, Path | None]:
    upload = next(p for p in sorted(folder.iterdir()) if p.is_file() and p.name != REPLACE_MARK)
    skills = folder / "skills"
    return upload, next(iter(sorted(skills.iterdir())), None) if skills.is_dir() else None


#: Kept beside a previewed upload when the preview replaced: the import does as the preview did.
REPLACE_MARK = ".replace"


def imports() -> Any:
    form = ImportForm()
    confirm = ConfirmForm(prefix="confirm")
    status, result, report, token = 200, None, None, None
    dry_run = bool(form.dry_run.data)
    if confirm.validate_on_submit() and confirm.token.data:
        folder = _held(confirm.token.data)
        if folder is None:
            flash(_("That preview is no longer kept; upload the file again."), "error")
            return redirect(url_for("hr_people.imports"))
        path, skills_path = _files(folder)
        # The import itself is a job for a worker: it has the upload, and the preview is used up.
        try:
            started = work.start_import(
                database(),
                path.name,
                work.pack(path, skills_path),
                replace=(folder / REPLACE_MARK).exists(),
                takes=request.form.getlist("take"),
                started_by=current_user.login,
                now=dt.datetime.now(dt.UTC),
            )
        except work.Busy as refused:
            return work_pages.busy(refused)
        shutil.rmtree(folder, ignore_errors=True)
        session.pop("import_preview", None)
        return work_pages.start(started)
    elif form.validate_on_submit():
        with tempfile.TemporaryDirectory(prefix="meeloop-import-") as tmp:
            path = uploads.save(form.file.data, Path(tmp), "upload")
            skills = form.skills_file.data
            skills_path = uploads.save(skills, Path(tmp) / "skills", "skills.csv") if skills else None
            try:
                result = organisation.import_file(
                    database(),
                    path,
                    skills_path=skills_path,
                    replace=form.replace.data,
                    dry_run=dry_run,
                    now=dt.datetime.now(dt.UTC),
                    by=current_user.login,
                )
                if dry_run:
                    if form.replace.data:
                        (Path(tmp) / REPLACE_MARK).touch()
                    token = _hold(Path(tmp))
                    confirm.token.data = token
            except InvalidInput as exc:
                status, report = 400, exc
    elif form.is_submitted() or confirm.is_submitted():
        status = 400
    runs = organisation.recent_imports(database(), limit=10)
    return render_template(
        "hr/people/imports.html",
        form=form,
        confirm=confirm,
        token=token,
        result=result,
        report=report,
        dry_run=dry_run,
        runs=runs,
        shown=SHOWN_IDS,
        groups=_groups(result) if result else [],
        levels={int(level): level.label for level in Level},
        field_words=ownership.said_key,
    ), status


#: More people than this in a group: the group starts folded (a <details> element).
FOLDED_FROM = 10


def _groups(result: organisation.ImportResult) -> list[dict[str, Any]]:
    """The people of a preview or an import by what happens to them, each group a table."""
    by_status: dict[str, list[PersonReview]] = {}
    for review in result.reviews:
        if review.status == ownership.ADDED:
            continue
        key = review.status
        if any(c.takeable for c in review.open_conflicts):
            key = "conflicts"
        elif review.status == ownership.KEPT:
            key = "not_on"
        by_status.setdefault(key, []).append(review)
    added = [r for r in result.reviews if r.status == ownership.ADDED]
    titles = {
        "conflicts": _("Conflicts with what people entered themselves"),
        ownership.UPDATED: _("Updated"),
        ownership.REMOVED: _("Removed (archived)"),
        "not_on": _("Opt-ins the file would switch on: only colleagues opt in themselves"),
    }
    groups = [
        {"key": key, "title": titles[key], "people": people, "folded": len(people) > FOLDED_FROM}
        for key in titles
        if (people := by_status.get(key))
    ]
    if added:
        groups.append(
            {
                "key": ownership.ADDED,
                "title": _("Added"),
                "people": added,
                "folded": len(added) > FOLDED_FROM,
                "not_on": [r for r in added if r.conflicts],
            }
        )
    return groups


def export() -> Any:
    chosen = params.text("format") or "json"
    if chosen not in EXPORTS:
        raise params.BadParameter("format", _("Choose json, csv or xlsx."))
    stamp = dt.date.today().isoformat()
    with tempfile.TemporaryDirectory(prefix="meeloop-export-") as tmp:
        written = organisation.export_file(database(), Path(tmp) / EXPORTS[chosen])
        if len(written) == 1:
            content = written[0].read_bytes()
            name = f"{written[0].stem}-{stamp}{written[0].suffix}"
        else:
            # A CSV matrix travels with its skills file: both in one zip.
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in written:
                    archive.write(path, path.name)
            content, name = buffer.getvalue(), f"skills-matrix-{stamp}.zip"
    response = send_file(io.BytesIO(content), as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
