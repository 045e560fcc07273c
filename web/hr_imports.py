"""HR imports the organisation (JSON, or a skills matrix as CSV or Excel) and exports it.

An upload is saved in a temporary folder under its own name (made safe and short), so that the
problem report names the file HR chose, and imported through the same service as
``meeloop import``: one transaction, every problem at once, nothing stored when one
is found.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from flask import render_template, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from matcher.domain.problems import InvalidInput
from matcher.services import organisation
from web import params, uploads
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


def imports() -> Any:
    form = ImportForm()
    status, result, report = 200, None, None
    if form.validate_on_submit():
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
                    dry_run=form.dry_run.data,
                    now=dt.datetime.now(dt.UTC),
                )
            except InvalidInput as exc:
                status, report = 400, exc
    elif form.is_submitted():
        status = 400
    runs = organisation.recent_imports(database(), limit=10)
    return render_template(
        "hr/people/imports.html",
        form=form,
        result=result,
        report=report,
        dry_run=bool(form.dry_run.data),
        runs=runs,
        shown=SHOWN_IDS,
    ), status


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
