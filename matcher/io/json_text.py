"""JSON text as meeloop reads it: strictly, with the line and column of what it refuses.

Besides what JSON itself forbids, a text is refused where it holds what no field can take: a NUL
character or half a character pair (``\\u0000``, ``\\ud800``), a whole number of more than
:data:`~matcher.io.limits.MAX_DIGITS` digits, ``NaN`` or ``Infinity`` (which Python's reader
allows), or lists and objects nested deeper than Python can read. None of these may reach a
database, a page or a terminal, which cannot hold them or fail on them without saying where.
"""

from __future__ import annotations

import json
import re
from itertools import chain
from pathlib import Path
from typing import Any

from matcher.domain.phrases import AsWritten, phrase, term
from matcher.domain.problems import Grouped, InvalidInput, Location, Problem
from matcher.io.limits import MAX_DEPTH, MAX_DIGITS, MAX_FILE_BYTES


def load(path: Path) -> Any:
    """A JSON file's content, or InvalidInput saying where and why it is refused."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        message = phrase(
            "the file is {size} MB; at most {limit} MB is read; split it into smaller files",
            size=Grouped(-(-size // 2**20)),
            limit=Grouped(MAX_FILE_BYTES // 2**20),
        )
        raise InvalidInput([Problem(Location(path.name), message)])
    raw = path.read_bytes()
    if not raw.strip():
        raise InvalidInput([Problem(Location(path.name), phrase("the file is empty"))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = Location(path.name, phrase("byte {offset}", offset=exc.start))
        raise InvalidInput([Problem(where, phrase("the file is not UTF-8 text; save it as UTF-8"))]) from None
    return _loads(text, path.name)


class _Refused(ValueError):
    """A value JSON allows but no field can take; raised from inside the decoder."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(kind, text)
        self.kind, self.text = kind, text


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused("digits", text)
    return int(text)


def _constant(name: str) -> Any:
    raise _Refused("constant", name)


def _loads(text: str, file: str) -> Any:
    _check_escapes(text, file)
    try:
        return json.loads(text, parse_int=_whole_number, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        said = _DECODER_SAYS.get(exc.msg)
        problem = phrase("not valid JSON: {error}", error=said or AsWritten(exc.msg))
        raise InvalidInput([Problem(Location(file, _place(text, exc.pos)), problem)]) from None
    except _Refused as exc:
        if exc.kind == "digits":
            position = _outside_strings(text, re.compile(rf"-?\d{{{MAX_DIGITS + 1},}}"))
            problem = phrase(
                "a number of {digits} digits; no field takes a whole number of more than {limit} digits",
                digits=Grouped(len(exc.text.lstrip("-"))),
                limit=MAX_DIGITS,
            )
        else:
            position = _outside_strings(text, re.compile(re.escape(exc.text)))
            problem = phrase("{name} is not a number a field can take; write a number", name=exc.text)
        raise InvalidInput([Problem(Location(file, _place(text, position)), problem)]) from None
    except RecursionError:
        raise InvalidInput([Problem(Location(file, _place(text, _too_deep(text))), too_deep())]) from None


# What Python's JSON reader says, in words a person who edits the file can act on.
_DECODER_SAYS = {
    "Expecting value": term("a value is missing here, or a comma stands before a closing bracket"),
    "Expecting ':' delimiter": term("a colon (:) is missing after the key"),
    "Expecting ',' delimiter": term("a comma (,) is missing between two values"),
    "Expecting property name enclosed in double quotes": term(
        "a key in double quotes is expected here; is there a comma before a closing brace?"
    ),
    "Unterminated string starting at": term("a text starts here and is never closed; is the file cut off?"),
    "Invalid control character at": term(
        "a control character (such as a line break or a tab) stands inside a text; write it as \\n or \\t"
    ),
    "Invalid \\escape": term("a backslash starts an escape JSON does not know; write a backslash as \\\\"),
    "Invalid \\uXXXX escape": term("\\u needs four hexadecimal digits after it"),
    "Extra data": term("there is more after the end of the data; is a bracket or brace closed too early?"),
}


def _place(text: str, position: int | None) -> str | None:
    """``line 3, column 7`` for a position in the text."""
    if position is None:
        return None
    line = text.count("\n", 0, position) + 1
    return phrase("line {line}, column {column}", line=line, column=position - text.rfind("\n", 0, position))


# Strings in a JSON text, and escapes inside them (a pair of backslashes is one escape).
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)
_SUSPECT = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _check_escapes(text: str, file: str) -> None:
    """Refuse ``\\u0000`` and a lone half of a surrogate pair: no database or page can hold them."""
    if not _SUSPECT.search(text):
        return
    pending: re.Match[str] | None = None  # a high surrogate waiting for its low half
    for match in _ESCAPE.finditer(text):
        code = int(match[1], 16) if match[1] else -1
        low = 0xDC00 <= code <= 0xDFFF
        if pending is not None and not (low and match.start() == pending.end()):
            _refuse_escape(text, file, pending)
        if code == 0:
            position = match.start()
            problem = phrase("'\\u0000' is a NUL character, which no text can hold; remove it")
            raise InvalidInput([Problem(Location(file, _place(text, position)), problem)])
        if pending is not None:  # the low half of the pair just seen
            pending = None
        elif 0xD800 <= code <= 0xDBFF:
            pending = match
        elif low:
            _refuse_escape(text, file, match)
    if pending is not None:
        _refuse_escape(text, file, pending)


def _refuse_escape(text: str, file: str, match: re.Match[str]) -> None:
    problem = phrase(
        "'{escape}' is half of a character (a lone surrogate), which no text can hold; write the "
        "character again or remove it",
        escape=match[0],
    )
    raise InvalidInput([Problem(Location(file, _place(text, match.start())), problem)])


def _outside_strings(text: str, pattern: re.Pattern[str]) -> int | None:
    """Where ``pattern`` first matches outside the strings of a JSON text."""
    at = 0
    for string in chain(_STRING.finditer(text), [None]):
        end = string.start() if string else len(text)
        found = pattern.search(text, at, end)
        if found:
            return found.start()
        at = string.end() if string else end
    return None


def _too_deep(text: str) -> int | None:
    """Where lists and objects first nest more than :data:`MAX_DEPTH` levels deep."""
    depth, at = 0, 0
    for string in chain(_STRING.finditer(text), [None]):
        end = string.start() if string else len(text)
        for bracket in re.finditer(r"[\[\]{}]", text[at:end]):
            depth += 1 if bracket[0] in "[{" else -1
            if depth > MAX_DEPTH:
                return at + bracket.start()
        at = string.end() if string else end
    return None


def depth_path(value: Any, path: list[str | int]) -> list[str | int] | None:
    """The path to a value nested more than :data:`MAX_DEPTH` levels deep, if there is one."""
    stack: list[tuple[Any, list[str | int]]] = [(value, path)]
    while stack:
        item, at = stack.pop()
        if len(at) - len(path) >= MAX_DEPTH:
            return at
        if isinstance(item, dict):
            stack += [(v, [*at, k]) for k, v in item.items()]
        elif isinstance(item, list):
            stack += [(v, [*at, i]) for i, v in enumerate(item)]
    return None


def too_deep() -> str:
    return phrase(
        "lists and objects are nested more than {limit} levels deep here; an organisation needs "
        "no more than five",
        limit=MAX_DEPTH,
    )
