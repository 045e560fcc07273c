"""Dutch is complete: every message the code marks is translated, with the same placeholders,
and the compiled catalog the app reads matches its source."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.templates import literal, marking_calls

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "matcher" / "translations" / "nl" / "LC_MESSAGES"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "phrase": None,
    "counted": (2, 3),
    "term": None,
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{[\w:]+\}")


def _marked() -> set[str]:
    found: set[str] = set()
    for folder, method in (
        ("web", "python"),
        ("matcher", "python"),
        ("cli", "python"),
        ("web/templates", "jinja2"),
    ):
        pattern = "**.html" if method == "jinja2" else "**.py"
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog():
    with open(CATALOG / "messages.po", "rb") as handle:
        return read_po(handle)


def test_every_marked_message_has_a_dutch_translation():
    catalog = _catalog()
    missing = sorted(
        message for message in _marked() if not catalog.get(message) or not catalog[message].string
    )
    assert len(_marked()) > 500
    assert missing == [], f"{len(missing)} messages without Dutch, e.g. {missing[:5]}"


def test_every_template_the_code_holds_has_its_dutch():
    """Read from the syntax tree, not by the extractor, which silently skips some calls (one holding
    a loop, for one): a template it skipped would never reach the catalog."""
    catalog = _catalog()
    templates = {
        (template, where)
        for where, args in marking_calls(["matcher", "cli", "web"], KEYWORDS)
        if args and (template := literal(args[0])) is not None
    }
    assert len(templates) > 1000
    missing = sorted(
        f"{where}: {t!r}" for t, where in templates if not (catalog.get(t) and catalog[t].string)
    )
    assert missing == [], "no Dutch for:\n" + "\n".join(missing)


def test_no_translation_is_fuzzy_or_empty_in_part():
    for message in _catalog():
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), message.id


def test_translations_keep_the_placeholders():
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, text in enumerate(strings):
            # the singular form translates the singular message, every other form the plural
            wanted = set(PLACEHOLDER.findall(ids[min(index, len(ids) - 1)]))
            got = set(PLACEHOLDER.findall(text))
            assert got <= wanted, (message.id, text)
            # a plural form may leave out the count ("one place" for "{n} place")
            assert wanted - got <= {"{n}", "%(num)d"}, (message.id, text)


def _plain(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalog_is_the_source_compiled():
    source = {_plain(m.id): _plain(m.string) for m in _catalog() if m.id}
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source, "run: pybabel compile -d matcher/translations"
