"""The employee's own pages: profile, plans, shadowing, reflection and the data stored about them.

Every page needs a login and is about the logged-in person only (``person_required()``): an id
in a URL that is not theirs (an event, a shadow request, a session) is a 404.

The shadowing pages are in :mod:`web.me_shadowing`, on this module's blueprint.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from matcher.domain.model import Person
from matcher.domain.problems import InvalidInput
from matcher.io import catalogs, ics
from matcher.services import (
    history,
    personal,
    profiles,
    publishing,
    reflections,
    scheduling,
    transfer,
)
from web import history as history_words
from web import uploads, words
from web.auth import person_required, require_login
from web.context import database, talent_map
from web.phrases import language, say
from web.profile_form import ProfileForm, changes, profile_form, show_problems, skill_name_list

me = Blueprint("me", __name__)
me.before_request(require_login)


def _today() -> dt.date:
    return current_app.extensions["meeloop"]["maps"].today()


def _now() -> dt.datetime:
    """The current moment; on the app's own day when that is fixed (the tests fix it)."""
    now = dt.datetime.now(dt.UTC)
    today = _today()
    return now if now.date() == today else dt.datetime.combine(today, now.time(), dt.UTC)


def _invites() -> Any:
    return current_app.extensions["meeloop"]["invites"]


def _problem_text(error: InvalidInput) -> list[str]:
    """Each problem with its place, in the reader's language."""
    return [say(str(p)) for p in error.problems]


# -- profile ---------------------------------------------------------------------------------------


class CalendarForm(FlaskForm):
    calendar = FileField(
        _l("Calendar file (.ics)"), validators=[FileRequired(_l("Choose a calendar file (.ics) to upload."))]
    )

    def validate_calendar(self, field: FileField) -> None:
        name = (field.data.filename or "") if field.data else ""
        if name and not name.lower().endswith((".ics", ".ical", ".ifb")):
            raise ValidationError(
                _("'%(name)s' is not a calendar file; export your calendar as .ics.", name=name)
            )


def _profile_page(form: ProfileForm, calendar_form: CalendarForm, status: int = 200) -> tuple[str, int]:
    person_id = person_required()
    return (
        render_template(
            "me/profile.html",
            form=form,
            calendar_form=calendar_form,
            person=talent_map().person(person_id),
            levels=[w for w in words.LEVELS if w.value >= 1],
            skill_names=skill_name_list(talent_map()),
            calendar=personal.current_calendar(database(), person_id),
            hr_only=profiles.HR_ONLY,
            # the profile form was sent and refused (a refused upload marks only its own field)
            failed=status >= 400 and request.endpoint == "me.profile",
        ),
        status,
    )


@me.route("/profile", methods=["GET", "POST"])
def profile() -> Any:
    person_id = person_required()
    form = profile_form(talent_map(), person_id)
    if request.method == "GET":
        return _profile_page(form, CalendarForm(formdata=None))
    if not form.validate_on_submit():
        # Report the service's problems too, all at once, as an import does.
        try:
            profiles.check_person(
                database(), person_id, changes(form, leave_out_refused=True), allowed=profiles.SELF_EDITABLE
            )
        except InvalidInput as error:
            show_problems(form, error)
        return _profile_page(form, CalendarForm(formdata=None), 400)
    try:
        result = profiles.update_person(
            database(), person_id, changes(form), now=_now(), by=person_id, allowed=profiles.SELF_EDITABLE
        )
    except InvalidInput as error:
        show_problems(form, error)
        return _profile_page(form, CalendarForm(formdata=None), 400)
    if result.nothing:
        flash(_("Nothing changed."), "info")
    else:
        flash(_("Your profile is saved. Colleagues see the changes right away."), "info")
    return redirect(url_for("me.profile"))


@me.post("/profile/calendar")
def calendar() -> Any:
    person_id = person_required()
    calendar_form = CalendarForm()
    form = profile_form(talent_map(), person_id, submitted=False)
    if not calendar_form.validate_on_submit():
        return _profile_page(form, calendar_form, 400)
    upload = calendar_form.calendar.data
    with tempfile.TemporaryDirectory(prefix="meeloop-upload-") as folder:
        path = uploads.save(upload, Path(folder), "calendar.ics")
        try:
            busy = scheduling.import_calendar(database(), person_id, path, now=_now())
        except InvalidInput as error:
            calendar_form.calendar.errors = [*calendar_form.calendar.errors, *_problem_text(error)]
            return _profile_page(form, calendar_form, 400)
    flash(
        ngettext(
            "Your calendar %(name)s is stored: %(num)d busy time in the coming year is kept free.",
            "Your calendar %(name)s is stored: %(num)d busy times in the coming year are kept free.",
            busy,
            name=path.name,
        ),
        "info",
    )
    return redirect(url_for("me.profile") + "#calendar")


# -- plans -------------------------------------------------------------------------------------------


class FeedForm(FlaskForm):
    """Just the CSRF token, for the feed buttons."""


#: The sides of a pair round one takes part in only by offering to: mentor, guide or teach. The
#: learning side (mentee, learner, partner, newcomer, intern) is who the round is for.
OFFERED_SIDES = frozenset({"mentor", "reverse mentor", "buddy", "manager"})


def took_part(person: Person | None, left: personal.LeftOutOf) -> bool:
    """Whether a round that left the person out is theirs to hear about: on the learning side of
    a pair round, or on the teaching side having offered to mentor. Nobody offers to join a
    group round (HR chooses who), so being left out of one is not news to them."""
    if person is None or left.role == "member" or not left.role:
        return False
    return left.role not in OFFERED_SIDES or person.is_mentor


def _plans_page(new_feed: publishing.FeedAddress | None = None) -> str:
    person_id = person_required()
    db = database()
    rounds = personal.my_rounds(db, person_id)
    me_as_person = talent_map().person(person_id)
    left_out = [left for left in rounds.left_out if took_part(me_as_person, left)]
    events = personal.my_events(db, person_id, now=_now())
    return render_template(
        "me/plans.html",
        rounds=rounds,
        left_out=left_out,
        events=events,
        places=_places(events, me_as_person),
        tokens=personal.feed_tokens(db, person_id),
        new_feed=new_feed,
        feed_form=FeedForm(),
        kinds=words.by_value(words.ROUND_KINDS),
        now=_now(),
        transfer_plans=transfer.plans_for(db, person_id),
    )


def _places(events: list[personal.MyEvent], me_as_person: Person | None) -> dict[int | None, str]:
    """Where each event takes place, as its invite says: the site, or the online-meeting link."""
    words = catalogs.translator(language())
    found = {}
    for item in events:
        people = {p.id: p for p in item.others} | ({me_as_person.id: me_as_person} if me_as_person else {})
        found[item.event.id] = ics.location(item.event, people, _invites(), words)
    return found


@me.get("/plans")
def plans() -> str:
    return _plans_page()


def _calendar_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = publishing.CALENDAR_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@me.get("/plans.ics")
def plans_ics() -> Response:
    person_id = person_required()
    data = publishing.person_calendar(database(), _invites(), person_id, now=_now())
    return _calendar_response(data, "meeloop.ics")


@me.get("/plans/<int:event_id>.ics")
def event_ics(event_id: int) -> Response:
    person_id = person_required()
    if personal.event_for(database(), person_id, event_id) is None:
        abort(404, _("There is nothing here for you."))
    data = publishing.event_calendar(database(), _invites(), event_id, now=_now(), person_id=person_id)
    return _calendar_response(data, f"meeloop-{event_id}.ics")


@me.post("/feed")
def feed_new() -> Any:
    person_id = person_required()
    if not FeedForm().validate_on_submit():
        abort(400)
    address = publishing.new_feed_token(database(), _invites(), person_id, now=_now())
    return _plans_page(new_feed=address)


@me.post("/feed/revoke")
def feed_revoke() -> Any:
    person_id = person_required()
    if not FeedForm().validate_on_submit():
        abort(400)
    revoked = publishing.revoke_feed_token(database(), person_id, now=_now())
    if revoked:
        flash(
            _("Your calendar feed address no longer works. Calendars subscribed to it stop updating."), "info"
        )
    else:
        flash(_("You had no calendar feed address."), "info")
    return redirect(url_for("me.plans") + "#feed")


# -- reflection -------------------------------------------------------------------------------------


class ReflectionForm(FlaskForm):
    """The story; the value levels are checkboxes named ``levels`` (any number of them)."""

    story = TextAreaField(
        _l("In a few sentences"),
        validators=[
            Length(
                max=reflections.STORY_LENGTH,
                message=_l("Keep it to %(max)d characters.", max=reflections.STORY_LENGTH),
            )
        ],
        render_kw={"rows": 6, "maxlength": reflections.STORY_LENGTH},
    )


def _levels_chosen() -> list[str]:
    return request.form.getlist("levels")


@me.get("/reflections", endpoint="reflections")
def reflection_list() -> str:
    person_id = person_required()
    sessions = reflections.past_sessions(database(), person_id, today=_today())
    written = reflections.reflections_of(database(), person_id)
    titles = {s.event.id: s.event.title for s in sessions}
    return render_template(
        "me/reflections.html",
        sessions=sessions,
        written=written,
        titles=titles,
        counts=reflections.level_counts(r.levels for r in written),
        value_levels=words.by_value(words.VALUE_LEVELS),
    )


def _session_or_404(event_id: int, day: str) -> reflections.PastSession:
    try:
        session_day = dt.date.fromisoformat(day)
    except ValueError:
        abort(404, _("There is nothing here for you."))
    found = reflections.session_of(database(), person_required(), event_id, session_day, today=_today())
    if found is None:
        abort(404, _("There is nothing here for you."))
    return found


@me.route("/reflections/<int:event_id>/<day>", methods=["GET", "POST"])
def reflection(event_id: int, day: str) -> Any:
    past = _session_or_404(event_id, day)
    form = ReflectionForm()
    chosen = list(past.reflection.levels) if past.reflection else []
    status = 200
    errors: dict[str, list[str]] = {}
    if request.method == "GET":
        form.story.data = past.reflection.story if past.reflection else ""
    elif form.validate_on_submit():
        chosen = _levels_chosen()
        if not chosen and not (form.story.data or "").strip():
            errors["levels"] = [_("Choose at least one value level, or write a few sentences.")]
            status = 400
    else:
        chosen = _levels_chosen()
        status = 400
    if request.method == "POST" and status == 200:
        try:
            reflections.save_reflection(
                database(),
                person_required(),
                event_id,
                past.day,
                chosen,
                form.story.data or "",
                today=_today(),
                now=_now(),
            )
        except InvalidInput as error:
            for problem in error.problems:
                errors.setdefault(problem.where.field or "levels", []).append(say(problem.message))
            status = 400
        else:
            flash(_("Thank you: your reflection is saved."), "info")
            return redirect(url_for("me.reflections"))
    return (
        render_template(
            "me/reflection.html",
            past=past,
            form=form,
            chosen=chosen,
            errors=errors,
            value_levels=words.VALUE_LEVELS,
            story_length=reflections.STORY_LENGTH,
        ),
        status,
    )


# -- my data --------------------------------------------------------------------------------------


@me.get("/data")
def data() -> str:
    person_id = person_required()
    found = personal.person_data(database(), person_id, now=_now())
    if found is None:
        abort(404)
    org = talent_map().organisation
    names = {p.id: p.name for p in org.people}
    changes = history.changes_of(database(), person_id)
    return render_template(
        "me/data.html",
        data=found,
        changes=history_words.shown(changes, {s.id: s.name for s in org.skills}, own=True, names=names),
        names=names,
        self_editable=profiles.SELF_EDITABLE,
        hr_only=profiles.HR_ONLY,
        value_levels=words.by_value(words.VALUE_LEVELS),
        kinds=words.by_value(words.ROUND_KINDS),
    )


@me.get("/data.json")
def data_export() -> Response:
    person_id = person_required()
    found = personal.person_data(database(), person_id, now=_now())
    if found is None:
        abort(404)
    response = Response(json.dumps(found, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="meeloop-{secure_filename(person_id)}.json"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The shadowing pages register their routes on ``me``; imported last, as they use the helpers above.
from web import me_shadowing  # noqa: E402, F401
