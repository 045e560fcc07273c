"""The domain's English sentences in the user's language.

The domain writes reasons and explanations in English through ``matcher.domain.phrases.phrase`` and
``counted``; rounds store them as plain text. Here such a text is read back: the template it
was made from is found among the catalog's msgids, its parameters are translated in turn (a
parameter may be a phrase itself, such as "2 places", or a list, such as "Dutch and English")
and the translated template is filled in. Text that matches nothing comes back unchanged, so
names and free text are safe.

:class:`Phrasebook` is the matching, a pure function of a catalog; :func:`say` is the thin
Flask part that picks the catalog of the request's locale.

Limits, because the stored text is all there is: a name that happens to equal a msgid is
translated too, and a list item with " and " in it (a one-item list of "Research and
Development") is taken for two items.
"""

from __future__ import annotations

import re
import string
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from babel.messages.mofile import read_mo
from flask_babel import get_locale, get_translations

from matcher.domain.phrases import JOIN, LIST, Wording

#: msgid -> msgstr; a plural entry is (singular, plural) -> (form 0, form 1, ...).
Messages = Mapping[str | tuple[str, str], str | Sequence[str]]

#: Translations kept per phrasebook before the cache starts over.
CACHE_SIZE = 20_000

_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class _Template:
    msgid: str
    pattern: re.Pattern[str]
    fields: tuple[tuple[str, str], ...]  # (name, spec) in order, each name once
    anchor: str  # the longest literal: a quick test before the regex
    literal: int  # how many literal characters: more is more specific
    target: str | Sequence[str]  # the msgstr, or the plural forms
    form: int  # for a plural entry: which English form this pattern is (0 singular, 1 plural)


class Phrasebook:
    """Translates the domain's English sentences with one catalog.

    >>> book = Phrasebook({"open to mentoring ({places})": "staat open voor mentorschap ({places})",
    ...                    ("{n} place", "{n} places"): ("{n} plek", "{n} plekken")})
    >>> book.say("open to mentoring (2 places)")
    'staat open voor mentorschap (2 plekken)'
    >>> book.say("Anna Jansen")
    'Anna Jansen'
    """

    def __init__(self, messages: Messages, plural: Callable[[int], int] | None = None) -> None:
        self.plural = plural or (lambda n: int(n != 1))
        self._exact: dict[str, str] = {}
        templates: list[_Template] = []
        for msgid, msgstr in messages.items():
            if not msgid or not msgstr:
                continue
            if isinstance(msgid, tuple):
                if any(msgstr):
                    forms = tuple(msgstr) if not isinstance(msgstr, str) else (msgstr,)
                    for form, english in enumerate(msgid[:2]):
                        template = _compile(english, forms, form)
                        templates += [template] if template else []
            elif isinstance(msgstr, str):
                template = _compile(msgid, msgstr, 0) if msgid != JOIN else None
                if template is None:
                    self._exact[msgid] = msgstr
                else:
                    templates.append(template)
        self._templates = sorted(templates, key=lambda t: (-t.literal, -len(t.fields), t.msgid, t.form))
        joined = messages.get(JOIN)
        self._join_target = joined if isinstance(joined, str) and joined else JOIN
        self._wording = _Lenient(join=self._join)
        self._cache: dict[str, str] = {}

    def say(self, text: str) -> str:
        """``text`` translated, or unchanged when no template of the catalog made it."""
        if not text:
            return text
        found = self._cache.get(text)
        if found is None:
            found = self._translate(text)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[text] = found
        return found

    def _translate(self, text: str) -> str:
        exact = self._exact.get(text)
        if exact:
            return exact
        for template in self._templates:
            if template.anchor not in text:
                continue
            match = template.pattern.fullmatch(text)
            if match is not None:
                filled = self._fill(template, match)
                if filled is not None:
                    return filled
        if "; " in text:  # clauses of one reason, each a phrase of its own
            parts = text.split("; ")
            said = [self.say(part) for part in parts]
            if said != parts:
                return "; ".join(said)
        return text

    def _fill(self, template: _Template, match: re.Match[str]) -> str | None:
        params: dict[str, object] = {}
        for name, spec in template.fields:
            value = match.group(name)
            params[name] = [self.say(item) for item in split_list(value)] if spec == LIST else self.say(value)
        target = template.target
        if not isinstance(target, str):
            number = match.groupdict().get("n")
            index = self.plural(int(number)) if number is not None and number.isdigit() else template.form
            target = target[min(index, len(target) - 1)] or ""
            if not target:
                return None
        try:
            return self._wording.fill(target, params)
        except (KeyError, IndexError, ValueError, AttributeError):  # a msgstr that does not fit
            return None

    def _join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        try:
            return self._join_target.format(items=", ".join(items[:-1]), last=items[-1])
        except (KeyError, IndexError, ValueError):
            return JOIN.format(items=", ".join(items[:-1]), last=items[-1])

    @classmethod
    def from_translations(cls, translations: object) -> Phrasebook:
        """The phrasebook of a babel ``Translations`` (what Flask-Babel loads).

        The English plural of a plural entry is not kept by Python's gettext, so the compiled
        catalogs the translations were read from are read again; without files, the loaded
        catalog is used as it is (plural entries then match their singular English only).
        """
        messages: dict[str | tuple[str, str], str | Sequence[str]] = {}
        files = getattr(translations, "files", None) or []
        for path in files:
            with open(path, "rb") as fileobj:
                for message in read_mo(fileobj):
                    if message.id and message.string:
                        key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
                        messages[key] = message.string
        if not files:
            plural: dict[str, dict[int, str]] = {}
            for key, value in getattr(translations, "_catalog", {}).items():
                if isinstance(key, tuple):
                    plural.setdefault(key[0], {})[key[1]] = value
                else:
                    messages[key] = value
            for singular, forms in plural.items():
                messages[(singular, singular)] = tuple(forms[i] for i in sorted(forms))
        return cls(messages, getattr(translations, "plural", None))


class _Lenient(Wording):
    """Fills a translation in: a list parameter is joined even where the msgstr lost its ``:list``."""

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, list) and not format_spec:
            format_spec = LIST
        return super().format_field(value, format_spec)


def split_list(text: str) -> list[str]:
    """The items of a list joined the English way: "a, b and c" -> ["a", "b", "c"].

    Only separators outside brackets count, and the last " and " ends the list, so
    "Anna and any host of X (B, C and 2 more)" is two items.
    """
    separators = _outside_brackets(text)
    ands = [i for i in separators if text.startswith(" and ", i)]
    if not ands:
        return [text]
    last = ands[-1]
    head, items, start = text[:last], [], 0
    for i in separators:
        if i >= last:
            break
        if head.startswith(", ", i):
            items.append(head[start:i])
            start = i + 2
    items.append(head[start:])
    return [*items, text[last + 5 :]]


def _outside_brackets(text: str) -> list[int]:
    """Where a space or comma stands outside any brackets."""
    depth, found = 0, []
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and char in ", ":
            found.append(i)
    return found


def _compile(msgid: str, target: str | Sequence[str], form: int) -> _Template | None:
    """A template to match, or None for a msgid that is matched exactly (no fields, or nothing
    but fields and punctuation, which would match almost any text)."""
    try:
        parsed = list(string.Formatter().parse(msgid))
    except ValueError:
        return None
    pieces, fields, seen, literals = [], [], set(), []
    for literal, name, spec, conversion in parsed:
        if literal:
            pieces.append(re.escape(literal))
            literals.append(literal)
        if name is None:
            continue
        if not name.isidentifier() or conversion:
            return None
        if name in seen:
            pieces.append(f"(?P={name})")
        else:
            seen.add(name)
            fields.append((name, spec or ""))
            pieces.append(f"(?P<{name}>.*?)")
    text = "".join(literals)
    if not fields and isinstance(target, str):
        return None
    if not _WORD.search(text):
        return None
    return _Template(
        msgid,
        re.compile("".join(pieces), re.DOTALL),
        tuple(fields),
        max(literals, key=len),
        len(text),
        target,
        form,
    )


def matchable(template: str) -> bool:
    """Whether a template with fields can be found again in a text: it needs some words of its own."""
    return _compile(template, "", 0) is not None


_books: weakref.WeakKeyDictionary[object, Phrasebook] = weakref.WeakKeyDictionary()


def phrasebook() -> Phrasebook | None:
    """The phrasebook of this request's locale, or None for English (the domain's own language)."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return None
    translations = get_translations()
    book = _books.get(translations)
    if book is None:
        book = _books[translations] = Phrasebook.from_translations(translations)
    return book


def say(text: str) -> str:
    """A sentence the domain wrote, in the user's language (the Jinja filter ``|say``)."""
    if not isinstance(text, str):
        return text
    book = phrasebook()
    return text if book is None else book.say(text)


def say_all(texts: Iterable[str]) -> list[str]:
    """Each sentence in the user's language: reasons, left-out reasons, rule messages."""
    book = phrasebook()
    return list(texts) if book is None else [book.say(text) for text in texts]
