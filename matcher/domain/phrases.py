"""Sentences for people: the message model.

Every reason, explanation and rule message the domain writes goes through :func:`phrase` (or
:func:`counted`, or :func:`term` for a word inside sentences) with a literal template, so that an
extractor can list the templates for a translator. The result is a :class:`Message`: the English
sentence as a ``str`` (JSON, logs and tests read it as before) that also keeps its template and
parameters. Storage keeps a message as data (:func:`to_data`, :func:`from_data`), never as
finished text, and :func:`say` renders it at the edge in the reader's language with a
:class:`Translator` (the catalog's gettext and ngettext, and the language's own way of joining
lists and writing numbers and dates). The domain knows nothing of catalogs or Flask.

Templates use ``str.format``'s named fields, nothing more: numbers and times are formatted
before they become parameters. One addition: ``{name:list}`` marks a list parameter, joined the
English way ("a, b and c"), so that a translation can join the items in its own language.

>>> phrase("open to mentoring ({places})", places=counted(2, "{n} place", "{n} places"))
'open to mentoring (2 places)'
>>> phrase("speaks {languages:list} like you", languages=["Dutch", "German", "English"])
'speaks Dutch, German and English like you'
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

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
        if ":" + LIST not in template:
            # Without a list the same as str.format, which is many times faster (pages decode
            # thousands of stored messages).
            return template.format_map(params)
        return self.vformat(template, (), params)


class Message(str):
    """An English sentence that keeps how it was made: its template (the catalog's msgid), for a
    counted sentence also the plural template, and its parameters (text, numbers, dates, lists
    and other messages).

    >>> m = counted(2, "{n} place", "{n} places")
    >>> m == "2 places", m.template, m.plural, dict(m.params)
    (True, '{n} place', '{n} places', {'n': 2})
    """

    __slots__ = ("params", "plural", "template")
    template: str
    plural: str | None
    params: Mapping[str, object]

    def __new__(
        cls, text: str, template: str, params: Mapping[str, object] | None = None, plural: str | None = None
    ) -> Message:
        made = super().__new__(cls, text)
        made.template, made.plural, made.params = template, plural, dict(params or {})
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (str(self), self.template, dict(self.params), self.plural))


class AsWritten(str):
    """Text kept as it was written (in English) where a message is expected: what was stored before
    messages were kept as data, or a sentence not yet made a message. Shown as it is."""

    __slots__ = ()


def phrase(template: str, /, **params: object) -> str:
    """The sentence ``template`` with its ``{named}`` fields filled in.

    ``template`` must be a literal string at the call, so that it can be extracted. The value is a
    :class:`Message`, typed as the ``str`` it also is, so that lists of reasons stay ``list[str]``.
    """
    return Message(_ENGLISH.fill(template, params), template, params)


def counted(n: int, singular: str, plural: str, /, **params: object) -> str:
    """A sentence about ``n`` things: ``singular`` when n is 1, else ``plural``; ``{n}`` is the number.

    >>> counted(1, "{n} place", "{n} places"), counted(3, "{n} place", "{n} places")
    ('1 place', '3 places')
    """
    params = {"n": n, **params}
    return Message(_ENGLISH.fill(singular if n == 1 else plural, params), singular, params, plural)


def term(word: str) -> str:
    """A word that shows up inside sentences (a rule's name, a role, a level): said in the reader's
    language like any message."""
    return Message(word, word)


def clauses(parts: Iterable[str]) -> str:
    """Clauses of one sentence, each a message of its own, joined by semicolons: "a; b; c".

    >>> clauses(["2 people want SQL", phrase("the rules struck out {n} more", n=1)])
    '2 people want SQL; the rules struck out 1 more'
    """
    parts = list(parts)
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return phrase("{first}; {rest}", first=parts[0], rest=clauses(parts[1:]))


def join_words(words: Iterable[str]) -> str:
    """Words in a sentence: "a", "a and b", "a, b and c"."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return phrase("{items} and {last}", items=", ".join(words[:-1]), last=words[-1])


# -- messages as data -------------------------------------------------------------------------------------


def to_data(value: object) -> Any:
    """A message (or a list or mapping holding messages, or plain text) as JSON data: ``{"msg":
    template, "params": {...}}`` with ``"plural"`` for a counted one; dates as ``{"$date":
    "2026-05-04"}``.

    >>> to_data(phrase("open ({places})", places=counted(2, "{n} place", "{n} places")))["params"]
    {'places': {'msg': '{n} place', 'params': {'n': 2}, 'plural': '{n} places'}}
    """
    if isinstance(value, Message):
        data: dict[str, Any] = {
            "msg": value.template,
            "params": {k: to_data(v) for k, v in value.params.items()},
        }
        if value.plural is not None:
            data["plural"] = value.plural
        return data
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_data(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, str):
        return str(value)
    return value


def from_data(data: Any) -> Any:
    """What :func:`to_data` wrote, back: messages as :class:`Message`, plain text as ``str``.

    >>> from_data(to_data(counted(3, "{n} place", "{n} places"))).plural
    '{n} places'
    """
    if isinstance(data, dict):
        if "msg" in data and "params" in data:
            params = {k: from_data(v) for k, v in (data.get("params") or {}).items()}
            plural = data.get("plural")
            english = plural if plural is not None and params.get("n") != 1 else data["msg"]
            try:
                text = _ENGLISH.fill(english, params)
            except (KeyError, IndexError, ValueError):
                text = english
            return Message(text, data["msg"], params, plural)
        if set(data) == {"$datetime"}:
            return dt.datetime.fromisoformat(data["$datetime"])
        if set(data) == {"$date"}:
            return dt.date.fromisoformat(data["$date"])
        return {k: from_data(v) for k, v in data.items()}
    if isinstance(data, list):
        return [from_data(v) for v in data]
    return data


# -- in the reader's language ---------------------------------------------------------------------------


class Translator(Protocol):
    """A language's catalog and manners: what :func:`say` renders a message with."""

    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
    def join(self, items: list[str]) -> str:
        """Items of a list the language's way: "a, b and c", "a, b en c"."""
        ...

    def scalar(self, value: object) -> str:
        """A number or a date the language's way."""
        ...


class English:
    """The messages as written: no catalog, English lists, ISO dates."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def join(self, items: list[str]) -> str:
        return join_words(items)

    def scalar(self, value: object) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


def say(value: object, translator: Translator) -> str:
    """A message in the translator's language; text that is no message comes back as it is.

    A translation that does not fit its parameters (a catalog error) falls back to the English.

    >>> class Dutch(English):
    ...     def gettext(self, message):
    ...         dutch = {"open to mentoring ({places})": "staat open voor mentorschap ({places})"}
    ...         return dutch.get(message, message)
    ...     def ngettext(self, singular, plural, n):
    ...         return "{n} plek" if n == 1 else "{n} plekken"
    >>> say(phrase("open to mentoring ({places})", places=counted(2, "{n} place", "{n} places")), Dutch())
    'staat open voor mentorschap (2 plekken)'
    """
    if not isinstance(value, Message):
        return value if isinstance(value, str) else translator.scalar(value)
    if value.plural is not None:
        n = value.params.get("n")
        template = translator.ngettext(value.template, value.plural, n if isinstance(n, int) else 2)
    else:
        template = translator.gettext(value.template)
    params = {k: _said(v, translator) for k, v in value.params.items()}
    try:
        return _Filler(translator.join, translator.scalar).fill(template, params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return str(value)


def _said(value: object, translator: Translator) -> object:
    if isinstance(value, Message):
        return say(value, translator)
    if isinstance(value, (list, tuple)):
        return [_said(v, translator) for v in value]
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return _Scalar(value, translator.scalar(value))
    return value


class _Scalar(str):
    """A number or date already said in the reader's language, that still takes a format spec."""

    __slots__ = ("value",)
    value: object

    def __new__(cls, value: object, text: str) -> _Scalar:
        made = super().__new__(cls, text)
        made.value = value
        return made


class _Filler(Wording):
    """Fills a translated template: lists joined the language's way (even where a msgstr lost its
    ``:list``), numbers and dates as the language writes them unless the template formats them."""

    def __init__(self, join: Callable[[list[str]], str], scalar: Callable[[object], str]) -> None:
        super().__init__(join)
        self.scalar = scalar

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, list) and not format_spec:
            format_spec = LIST
        if isinstance(value, _Scalar):
            return str(value) if not format_spec else format(value.value, format_spec)
        return super().format_field(value, format_spec)


_ENGLISH = Wording()
