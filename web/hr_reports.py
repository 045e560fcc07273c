"""(being built)"""

from __future__ import annotations

from flask import Blueprint

from web.auth import require_login

hr_reports = Blueprint("hr_reports", __name__)
hr_reports.before_request(require_login)
