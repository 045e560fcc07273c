"""The translation catalogs, and a :class:`~matcher.domain.phrases.Translator` per language.

The catalogs (``matcher/translations/<lang>/LC_MESSAGES/messages.mo``) hold every sentence of
the pages and of the domain. The web app, the commands, e-mails and invites all render messages
with :func:`translator`, so a sentence reads the same wherever it is shown.

>>> from matcher.domain.phrases import counted, phrase, say
>>> speaks = phrase("speaks {languages:list} like you", languages=["Fries", "Duits", "Engels"])
>>> say(speaks, translator("nl_BE.UTF-8")), say(speaks, translator("en"))
('spreekt Fries, Duits en Engels, net als jij', 'speaks Fries, Duits and Engels like you')
>>> say(counted(1200, "{n} place", "{n} places"), translator("nl"))
'1.200 plekken'
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from matcher.domain.phrases import English

#: Where the catalogs are, unless ``MEELOOP_CATALOGS`` names another directory of the same shape
#: (an organisation's own wording, or the tests' pseudo-language).
DIRECTORY = Path(__file__).resolve().parent.parent / "translations"
#: The languages meeloop speaks; English is the language the sentences are written in.
LANGUAGES = ("en", "nl")
DEFAULT = "en"


def language_of(tag: str | None) -> str:
    """The language meeloop speaks closest to a locale tag ("nl_BE.UTF-8" -> "nl"), else English."""
    if not tag:
        return DEFAULT
    code = tag.replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT


class CatalogTranslator(English):
    """A language's catalog with its CLDR manners: lists ("a, b en c"), numbers and dates."""

    def __init__(self, language: str, translations: NullTranslations) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self.translations = translations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def join(self, items: list[str]) -> str:
        if self.language == DEFAULT:
            return super().join(items)  # the English of the sentences: "a, b and c", no serial comma
        return format_list(items, locale=self.locale) if items else ""

    def scalar(self, value: object) -> str:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, (int, float)):
            return format_decimal(value, locale=self.locale)
        if isinstance(value, dt.datetime):
            return format_datetime(value, "medium", locale=self.locale)
        if isinstance(value, dt.date):
            return format_date(value, "long", locale=self.locale)
        return str(value)


def directory() -> Path:
    """The catalogs in use: ``MEELOOP_CATALOGS``, else the ones meeloop ships."""
    configured = os.environ.get("MEELOOP_CATALOGS")
    return Path(configured) if configured else DIRECTORY


def translator(tag: str | None) -> CatalogTranslator:
    """The translator of the language closest to ``tag`` (English when meeloop does not speak it)."""
    return _translator(language_of(tag), directory())


@cache
def _translator(language: str, catalogs: Path) -> CatalogTranslator:
    try:
        Locale.parse(language)
    except (ValueError, UnknownLocaleError):  # pragma: no cover - LANGUAGES are all CLDR locales
        language = DEFAULT
    if language == DEFAULT:
        return CatalogTranslator(DEFAULT, NullTranslations())
    return CatalogTranslator(language, Translations.load(str(catalogs), [language]))
