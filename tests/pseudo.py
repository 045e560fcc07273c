"""A pseudo-language for the tests: every catalog entry visibly changed, so that text that did not
come through the catalog stands out.

:func:`write_catalogs` writes catalogs of the shipped shape in which the Dutch catalog says each
sentence as ``⟦Éñglísh⟧``: the English template with its letters accented and the whole in
brackets; placeholders (``{name}``, ``%(name)s``), markup and entities are kept as they are.
Pointed at by ``MEELOOP_CATALOGS``, the pages, commands, e-mails and invites in Dutch speak it, with
Dutch dates, numbers and lists (those come from CLDR, not from the catalog).

:class:`Untranslated` tells what is left of a text once every bracketed run and the given data are
taken out, and the words CLDR writes (months, weekdays) too: the text that escaped the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from matcher.io import catalogs

OPEN, CLOSE = "⟦", "⟧"
_ACCENTS = str.maketrans("aeiouycnAEIOUYCN", "áéíóúýçñÁÉÍÓÚÝÇÑ")
#: What the pseudo-language keeps: placeholders of both kinds, tags and entities.
_KEPT = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|<[^>]*>|&\w+;|&#\d+;")


def pseudo(text: str) -> str:
    """``text`` accented and bracketed, its placeholders, tags and entities untouched."""
    out, last = [], 0
    for kept in _KEPT.finditer(text):
        out.append(text[last : kept.start()].translate(_ACCENTS))
        out.append(kept.group(0))
        last = kept.end()
    out.append(text[last:].translate(_ACCENTS))
    return f"{OPEN}{''.join(out)}{CLOSE}"


def write_catalogs(folder: Path, language: str = "nl") -> Path:
    """Catalogs in ``folder`` in which ``language`` speaks the pseudo-language; ``folder``."""
    with (catalogs.DIRECTORY / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        shipped = read_po(source, locale=language)
    said = Catalog(locale=language)
    for message in shipped:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            said.add(message.id, tuple(pseudo(form) for form in message.id), flags=message.flags)
        else:
            said.add(message.id, pseudo(message.id), flags=message.flags)
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.mo").open("wb") as out:
        write_mo(out, said)
    return folder


def _without_brackets(text: str) -> str:
    """``text`` with every bracketed run (nested ones within it) replaced by a space."""
    out, depth = [], 0
    for char in text:
        if char == OPEN:
            depth += 1
        elif char == CLOSE and depth:
            depth -= 1
            if not depth:
                out.append(" ")
        elif not depth:
            out.append(char)
    return "".join(out)


def cldr_words(language: str = "nl") -> set[str]:
    """The words CLDR writes in dates and lists of ``language``: months, weekdays, "en"."""
    locale = Locale.parse(language)
    words: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated", "short"):
            words.update(locale.months[context].get(width, {}).values())
            words.update(locale.days[context].get(width, {}).values())
    for style in locale.list_patterns.values():
        for pattern in style.values():
            words.update(re.findall(r"[^\W\d_]+", pattern))
    return {w.strip(".") for w in words if w.strip(".")}


#: What may stand outside the catalog besides data: digits, clock times, dates and punctuation.
_PUNCTUATION = re.compile(r"[\s\d:;,.\-–—()\[\]'\"…/+×%#·|•→←↑↓▲▼✓✗*=<>?!@&€$_]*")


class Untranslated:
    """What of a text came neither through the catalog nor from ``data``: ``Untranslated(data)(text)``
    is empty when all of it did."""

    def __init__(self, data: Iterable[str], language: str = "nl") -> None:
        words = sorted({w for w in data if w.strip()} | cldr_words(language), key=len, reverse=True)
        self._data = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")

    def __call__(self, text: str) -> str:
        return self._rest(_without_brackets(text))

    def lines(self, text: str) -> list[str]:
        """The lines of ``text`` (a run may span several, as a sentence with markup in it does)
        that hold something that escaped the catalog, each as what is left of it."""
        return [rest for line in _without_brackets(text).splitlines() if (rest := self._rest(line))]

    def _rest(self, text: str) -> str:
        rest = " ".join(self._data.sub(" ", text).split())
        return "" if _PUNCTUATION.fullmatch(rest) else rest
