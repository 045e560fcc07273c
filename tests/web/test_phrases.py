"""The domain's sentences: English as before, extractable, and translated back from plain stored text."""

from __future__ import annotations

import ast
import datetime as dt
import doctest
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from flask import render_template_string

import matcher.domain.phrases
import web.phrases
from matcher.domain.phrases import JOIN, KEYWORDS, counted, join_words, phrase, term
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, build_problem, propose, validate
from tests.orgs import mentoring_org, small_org
from tests.webtools import make_app
from web.phrases import Phrasebook, matchable, split_list

TODAY = dt.date(2026, 11, 21)
MATCHER = Path(__file__).resolve().parents[2] / "matcher"

#: A little Dutch, as a translator would write it.
DUTCH = {
    JOIN: "{items} en {last}",
    "open to mentoring ({places})": "staat open voor mentorschap ({places})",
    ("{n} place", "{n} places"): ("{n} plek", "{n} plekken"),
    "speaks {languages:list} like you": "spreekt {languages:list}, net als jij",
    "Dutch": "Nederlands",
    "English": "Engels",
    "German": "Duits",
    "open to being shadowed": "staat open voor meelopen",
    (
        "only {names:list} holds {skill} at level 3 or higher",
        "only {names:list} hold {skill} at level 3 or higher",
    ): (
        "alleen {names:list} beheerst {skill} op niveau 3 of hoger",
        "alleen {names:list} beheersen {skill} op niveau 3 of hoger",
    ),
    "holds {skill} at level {level} and wants to learn more (priority {priority})": (
        "beheerst {skill} op niveau {level} en wil meer leren (prioriteit {priority})"
    ),
    "holds {skill} at level {level}": "beheerst {skill} op niveau {level}",
    ("{n} person wants {skill}", "{n} people want {skill}"): (
        "{n} persoon wil {skill}",
        "{n} mensen willen {skill}",
    ),
    (
        "the only {n} {teacher} who can teach it ({names}) has {places}, given to pairs that score higher",
        "the only {n} {teachers} who can teach it ({names}) have {places} in all, "
        "given to pairs that score higher",
    ): (
        "de enige {n} {teacher} die het kan leren ({names}) heeft {places}, "
        "gegeven aan paren die hoger scoren",
        "de enige {n} {teachers} die het kunnen leren ({names}) hebben samen {places}, gegeven aan paren "
        "die hoger scoren",
    ),
    "mentor": "mentor",
}


@pytest.fixture
def dutch() -> Phrasebook:
    return Phrasebook(DUTCH)


# -- English, exactly as before ---------------------------------------------------------------------


def test_phrase_fills_a_template_like_format() -> None:
    assert phrase("open to being shadowed") == "open to being shadowed"
    assert phrase("{name} is in {n} pairs", name="Anna", n=3) == "Anna is in 3 pairs"
    assert counted(1, "{n} place", "{n} places") == "1 place"
    assert counted(0, "{n} place", "{n} places") == "0 places"
    assert term("own manager") == "own manager"


def test_the_examples_in_the_docstrings_hold() -> None:
    for module in (matcher.domain.phrases, web.phrases):
        assert doctest.testmod(module).failed == 0


def test_a_list_parameter_is_joined_the_english_way() -> None:
    template = "speaks {languages:list} like you"
    assert phrase(template, languages=["Dutch"]) == "speaks Dutch like you"
    assert phrase(template, languages=["Dutch", "English"]) == "speaks Dutch and English like you"
    assert (
        phrase(template, languages=("Dutch", "German", "English"))
        == "speaks Dutch, German and English like you"
    )
    assert phrase(template, languages="Dutch") == "speaks Dutch like you"
    assert join_words(["a", "b", "c"]) == JOIN.format(items="a, b", last="c") == "a, b and c"


def test_ask_answers_say_what_they_said_before() -> None:
    tmap = TalentMap(small_org(), today=TODAY)
    anna, bram = tmap.ask("Wmo", asker_id="eva").answers
    assert anna.reasons == (
        "expert in Wmo-wetgeving (level 4)",
        "open to mentoring (2 places)",
        "speaks Dutch like you",
        "works at Stadhuis like you",
        "about 40 hours a week of shared working time",
    )
    assert bram.reasons[0] == "works with Wmo-wetgeving day to day (level 2)"


def test_risks_and_bridges_say_what_they_said_before() -> None:
    tmap = TalentMap(small_org(), today=TODAY)
    risks = {risk.skill_id: risk for risk in tmap.risks()}
    assert risks["archief"].reasons == (
        "only Dirk Zoë Ахмед holds Archiefwet at level 3 or higher",
        "Dirk Zoë Ахмед leaves on 2026-12-31, in 40 days",
        "after that nobody at level 3 or higher would remain",
    )
    assert risks["sql"].reasons == ("only 王芳 holds SQL at level 3 or higher", "1 person wants to learn it")
    assert [s.reason for s in risks["sql"].successors] == [
        "wants to learn SQL (priority 3)",
        "holds the related skill Python (level 1)",
    ]
    anna = next(b for b in tmap.bridges() if b.person_id == "anna")
    assert anna.reasons == (
        "connects Sociaal Domein with Informatievoorziening",
        "knows 1 person in Informatievoorziening through manager lines and earlier pairings or groups",
        "sits on the shortest paths between many colleagues (betweenness 0.833)",
    )


def test_pair_reasons_left_out_and_rule_messages_say_what_they_said_before() -> None:
    problem = build_problem(TalentMap(mentoring_org(), today=TODAY), PairingConfig(), today=TODAY)
    proposal = propose(problem)
    marit = next(p for p in proposal.pairs if p.members == ("marit", "umar"))
    assert marit.reasons == (
        "Marit Bos (expert) can teach Wmo-wetgeving to Umar Aziz (none), who wants it with priority 2",
        "Marit Bos (proficient) can teach SQL to Umar Aziz (none), who wants it with priority 2",
        "mixes departments (Sociaal Domein and Publiekszaken)",
        "21 years apart in experience",
        # Neither has a team: no claim about teams (it used to say "brings two teams together").
        "Marit Bos takes 2 learners this round",
    )
    [left] = proposal.unmatched
    assert (left.person_id, left.role, left.reason) == (
        "sara",
        "mentee",
        "1 person wants Python; the only 1 mentor who can teach it (Niels Kok) has 1 place, "
        "given to pairs that score higher",
    )
    broken = validate(problem, [("pim", "roos"), ("marit", "pim"), ("marit", "sara"), ("marit", "tom")])
    assert [str(v) for v in broken] == [
        "eligible: Pim de Wit does not take part as a teacher",
        "eligible: Marit Bos has nothing to teach that Sara Yılmaz wants",
        "capacity: Marit Bos has 3 learners, capacity 2",
        "capacity: Pim de Wit has 1 learners, capacity 0",
        "one role: Pim de Wit both teaches and learns",
    ]


# -- translated back from plain text ----------------------------------------------------------------


def test_a_constant_sentence_is_looked_up(dutch: Phrasebook) -> None:
    assert dutch.say("open to being shadowed") == "staat open voor meelopen"


def test_a_nested_counted_phrase_is_translated_with_its_sentence(dutch: Phrasebook) -> None:
    assert dutch.say("open to mentoring (2 places)") == "staat open voor mentorschap (2 plekken)"
    assert dutch.say("open to mentoring (1 place)") == "staat open voor mentorschap (1 plek)"


def test_a_list_is_translated_item_by_item_and_joined_in_the_language(dutch: Phrasebook) -> None:
    assert dutch.say("speaks Dutch like you") == "spreekt Nederlands, net als jij"
    assert dutch.say("speaks Dutch and English like you") == "spreekt Nederlands en Engels, net als jij"
    assert (
        dutch.say("speaks Dutch, German and Papiamento like you")
        == "spreekt Nederlands, Duits en Papiamento, net als jij"
    )


def test_the_plural_form_follows_the_english_form_when_there_is_no_number(dutch: Phrasebook) -> None:
    assert (
        dutch.say("only Anna holds SQL at level 3 or higher")
        == "alleen Anna beheerst SQL op niveau 3 of hoger"
    )
    assert (
        dutch.say("only Anna and Bram hold SQL at level 3 or higher")
        == "alleen Anna en Bram beheersen SQL op niveau 3 of hoger"
    )


def test_text_no_template_made_comes_back_unchanged(dutch: Phrasebook) -> None:
    for text in ("Anna Jansen", "something new (3 places)", "", "Research and Development", "a; b"):
        assert dutch.say(text) == text


def test_a_parameter_with_regex_characters_is_taken_as_it_is(dutch: Phrasebook) -> None:
    skill = "C++ (advanced). Why? [a-z]*"
    english = f"holds {skill} at level 3 and wants to learn more (priority 2)"
    assert dutch.say(english) == f"beheerst {skill} op niveau 3 en wil meer leren (prioriteit 2)"


def test_literal_regex_characters_in_a_template_match_only_themselves() -> None:
    book = Phrasebook({"is {name} free? (really.)": "is {name} vrij? (echt.)"})
    assert book.say("is Anna free? (really.)") == "is Anna vrij? (echt.)"
    assert book.say("is Anna free! (reallyX)") == "is Anna free! (reallyX)"
    assert book.say("is Anna freeX (really.)") == "is Anna freeX (really.)"


def test_the_template_with_most_literal_text_wins() -> None:
    book = Phrasebook(
        {
            "{what} at level 3 or higher": "{what} op niveau 3 of hoger",
            "nobody holds {skill} at level 3 or higher": "niemand beheerst {skill} op niveau 3 of hoger",
        }
    )
    assert book.say("nobody holds SQL at level 3 or higher") == "niemand beheerst SQL op niveau 3 of hoger"
    assert book.say("Anna at level 3 or higher") == "Anna op niveau 3 of hoger"


def test_clauses_of_one_reason_are_translated_each(dutch: Phrasebook) -> None:
    english = (
        "1 person wants Python; the only 1 mentor who can teach it (Niels Kok) has 1 place, "
        "given to pairs that score higher"
    )
    assert dutch.say(english) == (
        "1 persoon wil Python; de enige 1 mentor die het kan leren (Niels Kok) heeft 1 plek, "
        "gegeven aan paren die hoger scoren"
    )


def test_a_translation_that_does_not_fit_leaves_the_english() -> None:
    book = Phrasebook({"works at {site} like you": "werkt op {plaats}, net als jij"})
    assert book.say("works at Stadhuis like you") == "works at Stadhuis like you"


def test_a_list_splits_only_outside_brackets_and_at_the_last_and() -> None:
    assert split_list("Anna") == ["Anna"]
    assert split_list("Anna and Bram") == ["Anna", "Bram"]
    assert split_list("Anna, Bram and Chen") == ["Anna", "Bram", "Chen"]
    assert split_list("Anna and any host of SQL (Bram, Chen and 2 more)") == [
        "Anna",
        "any host of SQL (Bram, Chen and 2 more)",
    ]
    assert split_list("Research and Development and Finance") == ["Research and Development", "Finance"]


def test_every_domain_sentence_matches_a_template() -> None:
    """With each extracted template 'translated' to itself in brackets, every sentence the domain
    writes on the test organisations comes back changed: no reason escapes the catalog."""
    book = Phrasebook({msgid: _bracketed(msgid) for msgid in _extracted()})
    tmap = TalentMap(small_org(), today=TODAY)
    sentences = [r for a in tmap.ask("Wmo", asker_id="eva").answers for r in a.reasons]
    sentences += [r for risk in tmap.risks() for r in (*risk.reasons, *(s.reason for s in risk.successors))]
    sentences += [r for bridge in tmap.bridges() for r in bridge.reasons]
    problem = build_problem(TalentMap(mentoring_org(), today=TODAY), PairingConfig(), today=TODAY)
    proposal = propose(problem)
    sentences += [r for pair in proposal.pairs for r in pair.reasons] + [u.reason for u in proposal.unmatched]
    sentences += [v.message for v in validate(problem, [("pim", "roos"), ("marit", "sara")])]
    assert len(sentences) > 30
    for sentence in sentences:
        said = book.say(sentence)
        assert said.startswith("«") and said.endswith("»"), sentence


def _bracketed(msgid: str | tuple[str, str]) -> str | tuple[str, str]:
    if isinstance(msgid, tuple):
        return (f"«{msgid[0]}»", f"«{msgid[1]}»")
    return "{items} and {last}" if msgid == JOIN else f"«{msgid}»"


# -- the Flask part ---------------------------------------------------------------------------------


@pytest.fixture
def translated_app(tmp_path: Path, sqlite_url: str):
    catalog = Catalog(locale="nl", domain="messages")
    for msgid, msgstr in DUTCH.items():
        catalog.add(msgid, msgstr)
    (tmp_path / "nl" / "LC_MESSAGES").mkdir(parents=True)
    with open(tmp_path / "nl" / "LC_MESSAGES" / "messages.mo", "wb") as out:
        write_mo(out, catalog)
    app = make_app(sqlite_url, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    yield app
    app.extensions["meeloop"]["db"].dispose()


def test_the_say_filter_translates_for_a_dutch_reader(translated_app) -> None:
    page = "{{ reason|say }} / {{ other|say }}"
    reason, other = "open to mentoring (2 places)", "only Anna and Bram hold SQL at level 3 or higher"
    with translated_app.test_request_context("/", headers={"Accept-Language": "nl"}):
        assert render_template_string(page, reason=reason, other=other) == (
            "staat open voor mentorschap (2 plekken) / alleen Anna en Bram beheersen SQL op niveau 3 of hoger"
        )
    with translated_app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(page, reason=reason, other=other) == f"{reason} / {other}"


# -- extraction -------------------------------------------------------------------------------------


def _extracted() -> set[str | tuple[str, str]]:
    found = extract_from_dir(str(MATCHER), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found}


def _written() -> set[str | tuple[str, str]]:
    """The templates in the source, read with Python's own parser."""
    found: set[str | tuple[str, str]] = set()
    for path in MATCHER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in KEYWORDS:
                continue
            wanted = KEYWORDS[name] or (1,)
            args = [node.args[i - 1] for i in wanted]
            where = f"{path.relative_to(MATCHER.parent)}:{node.lineno}"
            assert all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args), where
            values = tuple(a.value for a in args)
            found.add(values[0] if len(values) == 1 else values)
    return found


def test_every_template_in_the_domain_is_a_literal_the_extractor_finds() -> None:
    extracted, written = _extracted(), _written()
    assert extracted == written
    assert len(extracted) > 250
    for known in (
        "open to mentoring ({places})",
        ("{n} place", "{n} places"),
        "speaks {languages:list} like you",
        "{teacher} is not more experienced than {learner}",
        "every possible {teacher} is ruled out: {n} by the rules {detail}",
        "{name} is the only one of their {attribute} here",
        "no common free time of {people:list} {window} for {length}",
        (
            "{n} colleague wants to learn {skill} (priority sum {weight})",
            "{n} colleagues want to learn {skill} (priority sum {weight})",
        ),
        "every common free time of {names:list} between {first} and {last} would, in a later week "
        "of the series, meet at the same time as another meeting of {taken:list}",
        JOIN,
        "own manager",
        "Dutch",
    ):
        assert known in extracted, known


def test_every_template_with_fields_can_be_matched() -> None:
    for msgid in _extracted():
        for english in msgid if isinstance(msgid, tuple) else (msgid,):
            if "{" in english and english != JOIN:
                assert matchable(english), english
