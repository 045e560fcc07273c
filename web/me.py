"""(being built)"""

from __future__ import annotations

from flask import Blueprint

from web.auth import require_login

me = Blueprint("me", __name__)
me.before_request(require_login)
