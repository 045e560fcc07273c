"""HR's page of personal access tokens for the API: make one (its secret is shown once, on the
page that answers the form), see them all, revoke one. Only HR reaches it; a token acts for the
HR account that made it (:mod:`web.api_auth`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.domain.tokens import MAX_DAYS, SCOPES, TokenError
from matcher.services import api_tokens as token_service
from web.api_auth import now
from web.api_errors import said
from web.auth import require_login, roles_required
from web.context import database
from web.hr_common import no_store

api_tokens = Blueprint("api_tokens", __name__)
api_tokens.before_request(require_login)

#: The expiry the form proposes: a quarter, so that a forgotten token does not live long.
PROPOSED_DAYS = 90


class TokenForm(FlaskForm):
    name = StringField(_l("Name"))
    scopes = SelectMultipleField(
        _l("What the token may do"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    expires = DateField(_l("Works until"))


def _form() -> TokenForm:
    form = TokenForm()
    # The page names each scope by what it opens; the API's description names the scopes' codes.
    form.scopes.choices = [(scope, said(means)) for scope, means in SCOPES.items()]
    if form.expires.data is None and not form.is_submitted():
        form.expires.data = now().date() + dt.timedelta(days=PROPOSED_DAYS)
    return form


@roles_required("hr")
def tokens() -> Any:
    form = _form()
    status, made = 200, None
    if form.validate_on_submit():
        try:
            made = token_service.make_token(
                database(),
                current_user.id,
                name=form.name.data or "",
                scopes=list(form.scopes.data or []),
                expires=form.expires.data,
                now=now(),
            )
        except TokenError as refused:
            getattr(form, refused.field, form.name).errors = [refused.message]
            status = 400
    elif form.is_submitted():
        status = 400
    today = now().date()
    response = render_template(
        "hr/tokens.html",
        form=form,
        made=made,
        listed=[(token, token.state(today)) for token in token_service.tokens(database())],
        latest=today + dt.timedelta(days=MAX_DAYS),
        max_days=MAX_DAYS,
        scope_words=SCOPES,
    )
    return no_store(response), status


@roles_required("hr")
def revoke(token_id: int) -> Any:
    try:
        token = token_service.revoke(database(), token_id, now=now())
    except TokenError as refused:
        flash(said(refused.message), "error")
    else:
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name), "info")
    return redirect(url_for("api_tokens.tokens"))


api_tokens.add_url_rule("", "tokens", tokens, methods=["GET", "POST"])
api_tokens.add_url_rule("/<int:token_id>/revoke", "revoke", revoke, methods=["POST"])
