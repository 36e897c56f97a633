"""Extraction on small texts of our own writing: one layout or rule per test, plus properties."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import lexicon
from kg.extract import extract
from kg.extract.names import LabelWords
from kg.ingest import SourceDocument
from kg.text import clean_view
from kg.vocab import mint, slugify

ROOT = Path(__file__).resolve().parent.parent


def _extract(text: str):
    return extract(SourceDocument("t", Path("t.txt"), text, "0"))


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_clean_view_never_moves_an_offset(text):
    assert len(clean_view(text)) == len(text)


@given(st.text(min_size=1, max_size=60).filter(lambda t: re.search(r"[A-Za-z0-9]", t)))
def test_the_same_name_always_mints_the_same_iri(name):
    assert mint("organisation", name) == mint("organisation", name)
    assert slugify(name) == slugify(name.lower())
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slugify(name))


@given(st.text(max_size=300))
@settings(max_examples=100, deadline=None)
def test_extract_never_fails_on_arbitrary_text(text):
    _extract(text)


def _each_both_ways(patterns: list[re.Pattern], text: str) -> list[list[re.Match]]:
    """``PatternSet.finditer_each``, as for a short text and as for a long one (scanned only for
    the patterns whose literals it holds); the two must agree."""
    pattern_set = lexicon.PatternSet(patterns)
    short = pattern_set.finditer_each(text)
    with mock.patch.object(lexicon, "SUBSET_MIN_CHARACTERS", 0):
        long = pattern_set.finditer_each(text)
    assert [[m.span() for m in matches] for matches in long] == [
        [m.span() for m in matches] for matches in short
    ]
    return short


_PATTERN_SET_ALPHABET = "aAbB sS\u017f'\n."


@given(st.text(alphabet=_PATTERN_SET_ALPHABET, max_size=80))
@settings(max_examples=300, deadline=None)
def test_a_pattern_set_finds_what_each_pattern_finds_alone(text):
    """Overlaps, lookbehinds, boundaries, case folding and empty matches: each pattern's matches are its own."""
    patterns = [
        re.compile(p, re.IGNORECASE)
        for p in (r"\ba+b", r"ab|b a", r"(?<!s )b+\b", r"s[^.\n]*?(?=\.|$)", r"(?:a|s)'?b?", r"a*")
    ]
    found = _each_both_ways(patterns, text)
    assert [[m.span() for m in matches] for matches in found] == [
        [m.span() for m in p.finditer(text)] for p in patterns
    ]


@given(st.text(alphabet=_PATTERN_SET_ALPHABET, max_size=80))
@settings(max_examples=300, deadline=None)
def test_a_pattern_set_of_patterns_that_start_at_a_boundary_finds_each_patterns_matches(text):
    """Patterns that all open with a word boundary are scanned from boundaries only."""
    patterns = [re.compile(p, re.IGNORECASE) for p in (r"\ba+b", r"\b(?:b a|s)'?", r"\bb*", r"\b(?=a)")]
    found = _each_both_ways(patterns, text)
    assert [[m.span() for m in matches] for matches in found] == [
        [m.span() for m in p.finditer(text)] for p in patterns
    ]


_FIRST_CHARACTERS_ALPHABET = "aAbBkKsS\u017f\u212a'\n. 1"


@given(st.text(alphabet=_FIRST_CHARACTERS_ALPHABET, max_size=80))
@settings(max_examples=300, deadline=None)
def test_a_pattern_set_of_patterns_that_never_match_empty_still_finds_each_patterns_matches(text):
    """The lookahead on the characters the patterns start with (``lexicon.first_characters``)
    turns down no position a pattern matches at: optional and alternative starts, lookbehinds,
    boundaries, case folding in part of a pattern ("\u017f" is an "s", the Kelvin sign a "k")."""
    for flags in (0, re.IGNORECASE):
        patterns = [
            re.compile(p, flags)
            for p in (r"\bk+a", r"(?:s )?b|(?i:a)'?B", r"(?<![\w'])(?:(?i:sa)|K)(?!\w)", r"[0-9A-B]+\.?")
        ]
        assert lexicon.first_characters(patterns)
        found = _each_both_ways(patterns, text)
        assert [[m.span() for m in matches] for matches in found] == [
            [m.span() for m in p.finditer(text)] for p in patterns
        ]


@given(st.text(alphabet="aAbBcCsS\u017fkK\u212a -'\u00e9", max_size=40))
@settings(max_examples=500, deadline=None)
def test_a_text_without_a_patterns_required_literals_holds_no_match_of_it(text):
    """``lexicon.may_match``: optional parts, alternatives (a literal for each), groups, repeats
    and case folding in part of a pattern, and the characters IGNORECASE takes for ASCII letters
    ("\u017f" for "s", the Kelvin sign for "k"): a text that may hold no match holds none."""
    sources = (
        r"\b(?:a )?(?P<x>bc+a)(?:-b|c)",
        r"(?i:Ab)'?c",
        r"a(?:b|c)B{2}",
        r"(?<=a)cc(?!b)",
        r"\b(?:sk|ks)\b|\bcab",
        r"(?:a|b)?(?:ck|s(?:a|c))",
        r"x*|ab",
    )
    for flags in (0, re.IGNORECASE):
        for source in sources:
            pattern = re.compile(source, flags)
            if pattern.search(text):
                assert lexicon.may_match(pattern, text)
                assert lexicon.may_match(pattern, text, lexicon.ascii_folded(text))


def test_required_literals_are_the_most_telling_and_none_where_a_match_may_hold_none():
    assert lexicon.required_literals(re.compile(r"a(?:bc|de)")) == (("bc", False), ("de", False))
    # re's parser takes the shared "we " out of the alternation; the three verbs tell more.
    assert lexicon.required_literals(re.compile(r"(?i)we (?:will|shall)|we have")) == (
        ("have", True),
        ("shall", True),
        ("will", True),
    )
    assert lexicon.required_literals(re.compile(r"x*|ab")) is None
    assert not lexicon.may_match(re.compile(r"\bapologi[sz]e\b|\bsorry\b", re.I), "The plan was agreed.")


_LABEL_WORDS = st.text(alphabet="AaBb -'\u00e9", max_size=12)


@given(st.lists(_LABEL_WORDS, max_size=6), _LABEL_WORDS.filter(str.strip))
@settings(max_examples=300, deadline=None)
def test_label_words_hold_a_name_exactly_when_a_label_holds_it_as_whole_words(labels, name):
    """``LabelWords`` searches only the labels holding the name's first word: the same answer as
    a search of every label."""
    assert LabelWords(labels).hold(name) == any(
        re.search(rf"(?<!\w){re.escape(name)}(?!\w)", label) for label in labels
    )


def test_first_characters_gives_up_where_it_cannot_tell():
    """An empty match, a class of a category, a back reference or a dot: no lookahead, the plain scan."""
    for pattern in (r"a*", r"\w+b", r"(a)?\1b", r"(?s:.)a"):
        assert lexicon.first_characters([re.compile(pattern)]) is None


def test_first_letter_lookaheads_admit_what_the_letters_admit():
    """What ``lexicon.alternation`` rests on, over every code point: under IGNORECASE a class of an
    ASCII letter or digit admits what the character itself does, and no character is admitted
    by two of them ("\u017f" is an "s", the Kelvin sign a "k", and nothing else)."""
    every_character = "\n".join(chr(code) for code in range(sys.maxunicode + 1))
    owners: dict[int, str] = {}
    for initial in string.ascii_lowercase + string.digits:
        admitted = {m.start() for m in re.finditer(f"(?i:{initial})", every_character)}
        assert admitted == {
            m.start() for m in re.finditer(f"(?i:[{initial}{initial.upper()}])", every_character)
        }
        assert not admitted & owners.keys(), initial
        owners.update(dict.fromkeys(admitted, initial))


@given(
    st.lists(st.text(alphabet="aAbBs\u017f' ", min_size=1, max_size=6), min_size=1, max_size=6),
    st.text(alphabet="aAbBs\u017f' x", max_size=60),
)
@settings(max_examples=300, deadline=None)
def test_an_alternation_matches_as_the_plain_one(phrases, text):
    """Grouped behind first-letter lookaheads or not, with or without IGNORECASE, the same matches."""
    phrases = [p for p in phrases if p[0].isalnum()] or ["a"]
    grouped = lexicon.alternation(phrases, plural=True)
    body = "|".join(
        re.escape(p).replace(r"\ ", r"\s+").replace("'", "'?")
        for p in sorted(set(phrases), key=lambda p: (-len(p), p))
    )
    plain = r"(?<![\w'])(?:" + body + r")s?(?![\w'])"
    for flags in (0, re.IGNORECASE):
        assert [m.span() for m in re.finditer(grouped, text, flags)] == [
            m.span() for m in re.finditer(plain, text, flags)
        ]


def test_lost_apostrophes_are_restored_in_the_clean_view():
    assert clean_view("Children s services It s We ll") == "Children's services It's We'll"


def test_table_layout_judgements():
    text = (
        "Ofsted\nBarnsley Council\nInspection of local authority children's services\n\n"
        "Overall effectiveness                         Requires improvement to be good\n"
        "The experiences and progress of care leavers  Outstanding\n"
    )
    [inspection] = [a for a in _extract(text).assessments if a.kind == "ilacs"]
    assert {(j.aspect, j.grade) for j in inspection.judgements} == {
        ("overall effectiveness", "requires-improvement"),
        ("the experiences and progress of care leavers", "outstanding"),
    }
    assert inspection.conducted_by == ["Ofsted"]


def test_role_before_and_after_names():
    text = (
        "Wigan Safeguarding Children Partnership annual report\n"
        "Independent Scrutineer: Dr Priya Natarajan\n"
        "Detective Chief Superintendent Gareth Lloyd, Head of Public Protection at Greater Manchester Police, said the work had helped.\n"
    )
    memberships = {(m.person, m.role, m.organisation) for m in _extract(text).memberships}
    assert (
        "Priya Natarajan",
        "Independent Scrutineer",
        "Wigan Safeguarding Children Partnership",
    ) in memberships


def test_a_minister_named_in_brackets_after_the_office_as_parliament_records_them():
    text = (
        "Written statement to Parliament\n\n"
        "The Secretary of State for Education (Gavin Hartwell): Today I publish the commissioner's report.\n\n"
        "The Parliamentary Under-Secretary of State for Children and Families (Mrs Ivy Fordham): "
        "The Government accepts the recommendations.\n\n"
        "The Director (Children's Services) agreed.\n"
    )
    memberships = {(m.person, m.role, m.organisation) for m in _extract(text).memberships}
    assert memberships == {
        ("Gavin Hartwell", "Secretary of State for Education", "Department for Education"),
        (
            "Ivy Fordham",
            "Parliamentary Under-Secretary of State for Children and Families",
            "Department for Education",
        ),
    }


@pytest.mark.parametrize(
    "sentence",
    [
        "His Majesty's Inspectors Priya Anand and Tom Kelsall carried out this visit.",
        "The visit was carried out by His Majesty's Inspectors Priya Anand and Tom Kelsall.",
        "His Majesty's Inspectors for children's social care, Priya Anand and Tom Kelsall, carried out this visit.",
    ],
)
def test_inspectors_listed_after_their_plural_title_are_ofsteds_though_ofsted_is_never_named(sentence):
    text = f"Monitoring visit to Rochdale children's services\n\nThis letter gives the findings of the visit. {sentence}\n"
    memberships = {(m.person, m.organisation) for m in _extract(text).memberships}
    assert memberships == {("Priya Anand", "Ofsted"), ("Tom Kelsall", "Ofsted")}


def test_another_inspectorates_inspector_is_not_ofsteds():
    text = "Joint inspection of Rochdale\n\nPriya Anand, His Majesty's Inspector of Constabulary, joined the visit.\n"
    assert all(m.organisation != "Ofsted" for m in _extract(text).memberships)


@pytest.mark.parametrize("offset", [19_980, 19_990, 19_995, 19_999, 20_000, 20_001, 39_995])
def test_the_first_full_date_of_a_long_text_wherever_it_falls(offset):
    """The document's date when no "Published:" line gives it: the first date given to the day,
    read a window at a time (a date across a window's end is still read whole)."""
    text = (
        "Notes of the partnership meeting\n"
        + ("word " * 10_000)[: offset - 33]
        + " 12 March 2024, then 5 May 2023."
    )
    assert text.index("12 March") == offset + 1
    assert _extract(text).date == "2024-03-12"


def test_a_role_starts_a_word():
    # The modifier "Vice" is not read inside "Service".
    roles = [
        m.group() for m in lexicon.role_regex().finditer("The Youth Service Chair and the Vice Chair met.")
    ]
    assert roles == ["Chair", "Vice Chair"]


def test_numbered_recommendations_with_responses_in_brackets():
    text = (
        "Rapid review and local child safeguarding practice review: Child T (Luton)\n"
        "R1. Luton Council to audit pre-birth assessments.\n"
        "Response (Luton Council): Agreed. The audit will report by June 2025.\n"
        "R2. Bedfordshire Police to share domestic abuse notifications with midwives.\n"
        "Response (Bedfordshire Police): Agreed.\n"
    )
    result = _extract(text)
    recommendations = {r.number: r for r in result.recommendations}
    assert set(recommendations) == {1, 2}
    assert recommendations[1].addressed_to == ["Luton Council"]
    assert recommendations[2].addressed_to == ["Bedfordshire Police"]
    assert recommendations[1].response.respondent == "Luton Council"
    assert recommendations[1].response.date == "2025-06"
    assert result.assessments[0].subject_child == "Child T"


def test_an_acronym_resolves_only_to_an_organisation_of_its_document():
    text = "Leeds Safeguarding Children Partnership met today. The LSCP agreed its plan."
    [partnership] = _extract(text).organisations.values()
    assert "LSCP" in partnership.alt_labels


def test_generic_names_take_the_document_area():
    text = "In Kent the Health and Wellbeing Board and Children's Services agreed the plan."
    labels = set(_extract(text).organisations)
    assert {"Kent Health and Wellbeing Board", "Kent Children's Services"} <= labels


def test_generic_names_without_an_area_name_nothing():
    assert _extract("The Health and Wellbeing Board met.").organisations == {}


def test_quoted_praise_by_officials_is_not_a_finding():
    text = (
        "Joint targeted area inspection of Devon\n"
        "Inspectors found that strategy meetings were too often delayed.\n"
        "The council leader said:\n"
        '"We are proud of our strong and effective services."\n'
    )
    findings = _extract(text).findings
    assert [f.kind for f in findings] == ["Failing"]


RUNNING_TEXT_ROLES = [
    (
        "Medway Safeguarding Children Partnership\nOur Chief Executive, Dr Amira Khan, said the findings were sobering.",
        ("Amira Khan", "Chief Executive", "Medway Safeguarding Children Partnership"),
    ),
    (
        "The Bristol Safeguarding Children Partnership is chaired by Joan Whitfield.",
        ("Joan Whitfield", "Chair", "Bristol Safeguarding Children Partnership"),
    ),
    (
        '"We accept the findings," said Lynn Perry, chief executive of Barnardo\'s.',
        ("Lynn Perry", "Chief Executive", "Barnardo's"),
    ),
    (
        "According to Sarah Jones, director of children's services at Medway Council, the plan is working.",
        ("Sarah Jones", "Director of Children's Services", "Medway Council"),
    ),
    (
        "Kate Wilson (Independent Chair, Torbay Safeguarding Children Partnership) welcomed the report.",
        ("Kate Wilson", "Independent Chair", "Torbay Safeguarding Children Partnership"),
    ),
    (
        "Said Fatima Begum, the partnership's business manager at Luton Safeguarding Children Partnership.",
        ("Fatima Begum", "Business Manager", "Luton Safeguarding Children Partnership"),
    ),
]


@pytest.mark.parametrize("text, expected", RUNNING_TEXT_ROLES, ids=[e[0] for _, e in RUNNING_TEXT_ROLES])
def test_people_in_running_text(text, expected):
    assert expected in {(m.person, m.role, m.organisation) for m in _extract(text).memberships}


def test_recommendation_list_under_a_numbered_heading():
    text = (
        "Serious case review: Child M\nTorbay Safeguarding Children Board\n5. Recommendations\n"
        "The review makes three recommendations:\n"
        "1. Torbay Council should ensure that pre-birth assessments consider fathers.\n"
        "2. Devon and Cornwall Police to share notifications with health visitors within 24 hours.\n"
        "Response: Accepted. In place since June 2017.\n"
        "3. The Board should audit the use of the neglect toolkit.\n"
        "6. Conclusion\nThe review found that practitioners did not share information.\n"
    )
    recommendations = {r.number: r for r in _extract(text).recommendations}
    assert set(recommendations) == {1, 2, 3}
    assert recommendations[1].addressed_to == ["Torbay Council"]
    assert recommendations[3].addressed_to == ["Torbay Safeguarding Children Board"]
    assert recommendations[2].response.statement == "Accepted. In place since June 2017."
    assert recommendations[3].response is None


def test_a_byte_order_mark_is_not_part_of_the_title():
    """The text reader keeps a UTF-8 BOM as U+FEFF at offset 0 (offsets stay true to the file)."""
    result = _extract("\ufeffStatement from the Leeds Safeguarding Children Partnership on the review")
    assert result.title == "Statement from the Leeds Safeguarding Children Partnership on the review"


def test_partners_the_text_names_across_areas():
    text = (
        "The Derby and Derbyshire Safeguarding Children Partnership is led by three safeguarding partners:\n"
        "- Derby City Council and Derbyshire County Council\n- Derbyshire Constabulary\n"
        "- NHS Derby and Derbyshire Integrated Care Board\n"
        "Research in Practice supported the partnership's learning programme.\n"
    )
    members = {member for _, member in _extract(text).partners}
    assert members == {
        "Derby City Council",
        "Derbyshire County Council",
        "Derbyshire Constabulary",
        "NHS Derby and Derbyshire Integrated Care Board",
    }
