"""Logging in and out, roles, and the checks every route makes.

Passwords are hashed with werkzeug's scrypt. A session carries the account id and
its session version, so logging out, a password change or switching an account off
ends every session started before it. Login attempts are rate-limited per login and
per address. Sessions and the attempts' counts are kept where web/shared_state.py
says: in this process and a signed cookie, or in Redis for several processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from matcher.domain.accounts import MIN_PASSWORD, Account, normal_login, password_rule
from matcher.services import accounts
from web.context import database
from web.params import local_path
from web.shared_state import new_session, new_session_id

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"
auth = Blueprint("auth", __name__)


class User:
    """The logged-in account, as Flask-Login wants it."""

    is_anonymous = False

    def __init__(self, account: Account) -> None:
        self.account = account

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.account.active

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.session_version}"

    @property
    def id(self) -> int:
        return self.account.id

    @property
    def login(self) -> str:
        return self.account.login

    @property
    def role(self) -> str:
        return self.account.role

    @property
    def person_id(self) -> str | None:
        return self.account.person_id

    @property
    def is_hr(self) -> bool:
        return self.account.role == "hr"

    @property
    def is_manager(self) -> bool:
        return self.account.role == "manager"


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    if request.path.startswith("/api/"):
        abort(401, _("Log in first."))
    flash(_("Please log in to see this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def require_login() -> Any:
    """For a blueprint's before_request: every page in it needs a logged-in account."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    account_id, _sep, version = user_id.partition(":")
    if not account_id.isdigit() or not version.isdigit():
        return None
    account = accounts.account(database(), int(account_id))
    if account is None or not account.active or account.session_version != int(version):
        return None
    return User(account)


def password_problem(password: str, login: str) -> str | None:
    """Why a new password is not good enough, in the user's language; None when it is."""
    broken = password_rule(password, login)
    if broken == "length":
        return _("Use at least %(count)d characters.", count=MIN_PASSWORD)
    if broken == "login":
        return _("The password cannot be the same as the login.")
    if broken == "variety":
        return _("Use more different characters.")
    return None


def roles_required(*roles: str) -> Callable[[F], F]:
    """Logged in, and with one of the roles; anyone else gets 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def checked(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(
                    403, _("This page is for %(roles)s only.", roles=", ".join(role_name(r) for r in roles))
                )
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


def person_required() -> str:
    """The logged-in person's id; an account that is nobody on the map gets 404 for personal pages."""
    if current_user.person_id is None:
        abort(
            404, _("Your account is not linked to a person on the talent map, so it has no personal pages.")
        )
    return current_user.person_id


def role_name(role: str) -> str:
    return {"hr": _("HR"), "manager": _("managers"), "employee": _("employees")}.get(role, role)


def _login_key() -> str:
    return f"{normal_login(request.form.get('login', ''))}|{get_remote_address()}"


class LoginForm(FlaskForm):
    login = StringField(_l("E-mail or login"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    repeat = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )

    def validate_new(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", current_user.login)
        if problem:
            raise ValidationError(problem)


@auth.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        account = accounts.log_in(database(), form.login.data or "", form.password.data or "")
        if account is not None:
            new_session()
            login_user(User(account))
            if account.locale:
                session["locale"] = account.locale
            current_app.logger.info("login: account %s", account.id)
            return redirect(local_path(request.args.get("next")) or url_for("pages.index"))
        current_app.logger.warning("failed login from %s", get_remote_address())
        form.password.errors = [_("That login and password do not match an active account.")]
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@auth.post("/logout")
@login_required
def logout() -> Any:
    from web.oidc import logout_target

    # Logged in by single sign-on: the provider's session ends too, where it offers that.
    provider = logout_target()
    # A signed cookie stays valid: without a new session version a copy of it would still log in.
    accounts.end_sessions(database(), current_user.id)
    new_session_id()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(provider or url_for("auth.login"))


@auth.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        if not accounts.password_matches(current_user.account, form.current.data or ""):
            form.current.errors = [_("That is not your current password.")]
            status = 400
        else:
            account = accounts.set_password(
                database(), current_user.id, form.new.data or "", now=dt.datetime.now(dt.UTC)
            )
            # Other sessions end with the old version; this one carries on with the new, under a
            # new id: a copy of its cookie kept in Redis would otherwise carry on too.
            new_session_id()
            login_user(User(account))
            flash(_("Your password is changed. Other sessions with the old password have ended."), "info")
            return redirect(url_for("pages.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/password.html", form=form), status


def _failed(response: Any) -> bool:
    return bool(response.status_code != 302)


def limit_logins(app: Flask) -> Limiter:
    """Count the app's failed logins: per login and address (``LOGIN_LIMIT``), and per address for
    all logins together (``LOGIN_LIMIT_PER_ADDRESS``), in the storage ``RATELIMIT_STORAGE_URI``
    names. A limiter of its own for each app: flask-limiter keeps the storage on the limiter, so one
    shared by several apps would count in the storage of whichever app was made last."""
    limiter = Limiter(key_func=get_remote_address, default_limits=[])
    limiter.init_app(app)
    # The limits hold their limiter weakly, and a limiter switched off (RATELIMIT_ENABLED) is not
    # kept by the app otherwise.
    app.extensions["meeloop"]["limiter"] = limiter
    per_login = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT"],
        methods=["POST"],
        key_func=_login_key,
        deduct_when=_failed,
    )
    per_address = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed
    )
    app.view_functions["auth.login"] = per_login(per_address(app.view_functions["auth.login"]))
    return limiter
