"""Sentences for people, written in English and kept translatable.

Every reason, explanation and rule message the domain writes goes through :func:`phrase` (or
:func:`counted`) with a literal template, so that an extractor can list the templates for a
translator. The result is a plain English ``str``, exactly what an f-string gave: rounds store
it, JSON shows it and tests compare it as before. The web layer (``web/phrases.py``) reads such a
sentence back: it finds the template it came from in the translation catalog, translates the
parameters (which may be phrases themselves) and fills in the translated template. The domain
knows nothing of languages or Flask.

Templates use ``str.format``'s named fields, nothing more: numbers and times are formatted
before they become parameters. One addition: ``{name:list}`` marks a list parameter, joined the
English way ("a, b and c"), so that a translation can join the items in its own language.

>>> phrase("open to mentoring ({places})", places=counted(2, "{n} place", "{n} places"))
'open to mentoring (2 places)'
>>> phrase("speaks {languages:list} like you", languages=["Dutch", "German", "English"])
'speaks Dutch, German and English like you'
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: The format spec that marks a list parameter: ``{departments:list}``.
LIST = "list"

#: The template :func:`join_words` joins two or more words with (a translation joins by its own).
JOIN = "{items} and {last}"

#: How an extractor finds the templates: babel's keyword specs (``pybabel extract -k ...``).
KEYWORDS: dict[str, tuple[int, ...] | None] = {"phrase": None, "counted": (2, 3), "term": None}


class Wording(string.Formatter):
    """``str.format`` plus ``{name:list}``, joined by ``join`` (English unless told otherwise)."""

    def __init__(self, join: Callable[[list[str]], str] | None = None) -> None:
        self.join = join or join_words

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == LIST:
            return value if isinstance(value, str) else self.join([str(v) for v in value])
        return super().format_field(value, format_spec)

    def fill(self, template: str, params: Mapping[str, object]) -> str:
        return self.vformat(template, (), params)


def phrase(template: str, /, **params: object) -> str:
    """The English sentence ``template`` with its ``{named}`` fields filled in.

    ``template`` must be a literal string at the call, so that it can be extracted.
    """
    return _ENGLISH.fill(template, params)


def counted(n: int, singular: str, plural: str, /, **params: object) -> str:
    """A sentence about ``n`` things: ``singular`` when n is 1, else ``plural``; ``{n}`` is the number.

    >>> counted(1, "{n} place", "{n} places"), counted(3, "{n} place", "{n} places")
    ('1 place', '3 places')
    """
    return _ENGLISH.fill(singular if n == 1 else plural, {"n": n, **params})


def term(word: str) -> str:
    """A word that shows up inside sentences (a rule's name, a role): marked for translation, unchanged."""
    return word


def join_words(words: Iterable[str]) -> str:
    """Words in a sentence: "a", "a and b", "a, b and c"."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return phrase("{items} and {last}", items=", ".join(words[:-1]), last=words[-1])


_ENGLISH = Wording()
