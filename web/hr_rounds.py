"""(being built)"""

from __future__ import annotations

from flask import Blueprint

from web.auth import require_login

hr_rounds = Blueprint("hr_rounds", __name__)
hr_rounds.before_request(require_login)
