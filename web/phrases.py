"""The domain's messages in the reader's language: the Jinja filter ``say``.

A :class:`~matcher.domain.phrases.Message` keeps its template and parameters, so it is rendered
with the catalog of the request's language (:func:`matcher.io.catalogs.translator`). Text kept
as it was written (stored before messages were data, see
:class:`~matcher.domain.phrases.AsWritten`) is English: on a page in another language it is
shown as it is, marked ``lang="en"`` so that a screen reader reads it as English.
"""

from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup

from matcher.domain.phrases import AsWritten, Message
from matcher.domain.phrases import say as render
from matcher.io import catalogs


def language() -> str:
    """The request's language, as the catalogs know it."""
    return catalogs.language_of(str(get_locale() or catalogs.DEFAULT))


def say(text: object) -> object:
    """A message in the reader's language (the Jinja filter ``|say``); other values as they are."""
    if isinstance(text, Message):
        return render(text, catalogs.translator(language()))
    if isinstance(text, AsWritten) and text and language() != "en":
        return Markup('<span lang="en">{}</span>').format(text)
    return text
