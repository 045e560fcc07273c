"""(being built)"""

from __future__ import annotations

from flask import Blueprint

from web.auth import require_login

hr_people = Blueprint("hr_people", __name__)
hr_people.before_request(require_login)
