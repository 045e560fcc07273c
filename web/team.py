"""(being built)"""

from __future__ import annotations

from flask import Blueprint

from web.auth import require_login

team = Blueprint("team", __name__)
team.before_request(require_login)
