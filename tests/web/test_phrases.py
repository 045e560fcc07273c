"""The domain's sentences: English as before, extractable, messages that come through the catalog."""

from __future__ import annotations

import datetime as dt
import doctest
from pathlib import Path

from babel.messages.extract import extract_from_dir
from flask import render_template_string

import matcher.domain.phrases
import matcher.io.catalogs
from matcher.domain.phrases import (
    JOIN,
    KEYWORDS,
    AsWritten,
    English,
    Message,
    counted,
    join_words,
    phrase,
    say,
    term,
)
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, build_problem, propose, validate
from tests.orgs import mentoring_org, small_org
from tests.templates import literal, marking_calls
from tests.webtools import make_app

TODAY = dt.date(2026, 11, 21)
MATCHER = Path(__file__).resolve().parents[2] / "matcher"

# -- English, exactly as before ---------------------------------------------------------------------


def test_phrase_fills_a_template_like_format() -> None:
    assert phrase("open to being shadowed") == "open to being shadowed"
    assert phrase("{name} is in {n} pairs", name="Anna", n=3) == "Anna is in 3 pairs"
    assert counted(1, "{n} place", "{n} places") == "1 place"
    assert counted(0, "{n} place", "{n} places") == "0 places"
    assert term("own manager") == "own manager"


def test_the_examples_in_the_docstrings_hold() -> None:
    for module in (matcher.domain.phrases, matcher.io.catalogs):
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
        "the only link between Sociaal Domein and Informatievoorziening, through 1 manager line",
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
        "capacity: Pim de Wit has 1 learner, capacity 0",
        "one role: Pim de Wit both teaches and learns",
    ]


class Pseudo(English):
    """A pseudo-language: every template of the catalog visibly changed, so text that did not come
    through the catalog stands out."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"«{singular if n == 1 else plural}»"


def test_every_domain_sentence_is_a_message_that_comes_through_the_catalog() -> None:
    """With each template 'translated' to itself in brackets, every sentence the domain writes on
    the test organisations comes back changed: no reason escapes the catalog."""
    tmap = TalentMap(small_org(), today=TODAY)
    sentences = [r for a in tmap.ask("Wmo", asker_id="eva").answers for r in a.reasons]
    sentences += [r for risk in tmap.risks() for r in (*risk.reasons, *(s.reason for s in risk.successors))]
    sentences += [r for bridge in tmap.bridges() for r in bridge.reasons]
    problem = build_problem(TalentMap(mentoring_org(), today=TODAY), PairingConfig(), today=TODAY)
    proposal = propose(problem)
    sentences += [r for pair in proposal.pairs for r in pair.reasons] + [u.reason for u in proposal.unmatched]
    sentences += [v.message for v in validate(problem, [("pim", "roos"), ("marit", "sara")])]
    assert len(sentences) > 30
    extracted = _extracted()
    for sentence in sentences:
        assert isinstance(sentence, Message), sentence
        assert sentence.template in extracted or (sentence.template, sentence.plural) in extracted, sentence
        said = say(sentence, Pseudo())
        assert said.startswith("«") and said.endswith("»"), said


# -- the Flask part ---------------------------------------------------------------------------------


def test_the_say_filter_renders_messages_for_the_reader_and_marks_text_kept_as_written(sqlite_url) -> None:
    app = make_app(sqlite_url)
    page = "{{ reason|say }} / {{ old|say }} / {{ name|say }}"
    reason = phrase("open to mentoring ({places})", places=counted(2, "{n} place", "{n} places"))
    values = {"reason": reason, "old": AsWritten("open to mentoring (2 places)"), "name": "Anna Jansen"}
    try:
        with app.test_request_context("/", headers={"Accept-Language": "nl"}):
            assert render_template_string(page, **values) == (
                "staat open voor mentorschap (2 plekken) / "
                '<span lang="en">open to mentoring (2 places)</span> / Anna Jansen'
            )
        with app.test_request_context("/", headers={"Accept-Language": "en"}):
            assert render_template_string(page, **values) == (
                "open to mentoring (2 places) / open to mentoring (2 places) / Anna Jansen"
            )
    finally:
        app.extensions["meeloop"]["db"].dispose()


# -- extraction -------------------------------------------------------------------------------------


def _extracted() -> set[str | tuple[str, str]]:
    found = extract_from_dir(str(MATCHER), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found}


def _written() -> set[str | tuple[str, str]]:
    """The templates in the source, read with Python's own parser."""
    found: set[str | tuple[str, str]] = set()
    for where, args in marking_calls(["matcher"], KEYWORDS):
        values = tuple(literal(a) for a in args)
        assert values and all(v is not None for v in values), where
        found.add(values[0] if len(values) == 1 else values)  # type: ignore[arg-type]
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
        "every possible {teacher} is ruled out: {detail}",
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
