"""Findings: sentences that report a failing or a strength of the services assessed.

Cue words come from ``kg/data/findings.json``. A sentence is a finding when the
document reports on an assessment, the sentence is not furniture, a question, a
first-person commitment or quoted praise by someone other than the assessors, and
it has a cue: a failing cue (or a strength cue under a negator) makes a failing;
strength cues alone make a strength. The organisations it implicates are those it
names, else those its wording points to ("police officers" -> the police force),
else what the assessment assessed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from .. import datafiles, lexicon
from ..claims import Assessment, Finding, Organisation, Span
from ..spans import LastNamed, SpanSet
from ..text import Segment
from ..vocab import FAILING, INSPECTORATE, STRENGTH
from .judgements import grade_of, grade_regex
from .themes import themes_in

_MIN_WORDS = 4
_LIST_MARKER = re.compile(r"(?:\d+(?:\.\d+)*\.?|[-*]|\(?[a-z]\))\s+")


@dataclass(frozen=True)
class _Rules:
    """The rules of ``kg/data/findings.json``, compiled."""

    cues: lexicon.CueIndex
    negated: re.Pattern[str]
    not_findings: list[re.Pattern[str]]
    implicate: list[tuple[re.Pattern[str], str]]
    response_lead_in: re.Pattern[str]
    section: re.Pattern[str]
    section_negation: re.Pattern[str]
    service: lexicon.CueIndex
    earlier_grade: re.Pattern[str]
    quoted_speech: re.Pattern[str]  # the words before a quote: "the director said:"


@cache
def _rules() -> _Rules:
    data = datafiles.findings()
    return _Rules(
        cues=lexicon.CueIndex([(c, FAILING) for c in data.failing] + [(c, STRENGTH) for c in data.strength]),
        negated=re.compile(
            r"\b(?:"
            + "|".join(re.escape(n) for n in data.negators)
            + r")\s+(?:\w+\s+){0,3}?"
            + lexicon.alternation(data.strength),
            re.IGNORECASE,
        ),
        not_findings=[re.compile(p, re.IGNORECASE) for p in data.not_findings],
        implicate=[(re.compile(rule.pattern, re.IGNORECASE), rule.cls) for rule in data.implicate_cues],
        response_lead_in=re.compile(data.response_lead_ins, re.IGNORECASE),
        section=re.compile(data.finding_sections, re.IGNORECASE),
        section_negation=re.compile(data.section_negation, re.IGNORECASE),
        service=lexicon.CueIndex([(word, "service") for word in data.service_words]),
        earlier_grade=re.compile(data.earlier_grade, re.IGNORECASE),
        quoted_speech=re.compile(r"\b(?:" + "|".join(map(re.escape, data.speech_verbs)) + r")\s*:?\s*$"),
    )


def find_findings(
    clean: str,
    sentences: list[Segment],
    assessments: list[Assessment],
    organisations: dict[str, Organisation],
    resolved: dict[Span, str],
    excluded: list[Span],
) -> list[Finding]:
    """Failings and strengths, in text order. ``excluded`` spans (judgements, recommendations) are skipped."""
    if not assessments:
        return []
    findings = []
    speech_paragraphs = _quoted_speech(clean, sentences) | _announced_items(clean, sentences)
    sections = _sections(clean, sentences)
    resolved_in_order = sorted(resolved.items())
    claimed = SpanSet(excluded)
    named = LastNamed([assessment.spans for assessment in assessments])
    for sentence in sentences:
        if _skip(sentence, claimed, speech_paragraphs):
            continue
        kind = _kind(sentence.text, sections.get(sentence.line_start))
        if kind is None:
            continue
        assessment = _assessment_for(sentence, assessments, named)
        marker = _LIST_MARKER.match(sentence.text)
        start = sentence.start + (marker.end() if marker else 0)
        findings.append(
            Finding(
                kind=kind,
                statement=re.sub(r"\s+", " ", clean[start : sentence.end]).strip(),
                span=Span(start, sentence.end),
                themes=themes_in(sentence.text),
                implicates=_implicated(sentence, organisations, resolved_in_order, assessment),
                assessment=assessment,
            )
        )
    return findings


def _skip(sentence: Segment, claimed: SpanSet, speech_paragraphs: set[int]) -> bool:
    if (
        sentence.boilerplate
        or len(sentence.text.split()) < _MIN_WORDS
        or sentence.line_start in speech_paragraphs
    ):
        return True
    if claimed.covers(sentence.start) or claimed.starts_in(sentence.start, sentence.end):
        return True
    return _grades_services(sentence.text) or any(
        lexicon.may_match(pattern, sentence.text) and pattern.search(sentence.text)
        for pattern in _rules().not_findings
    )


def _kind(text: str, section: str | None) -> str | None:
    """Failing, Strength or None; ``section`` is the heading the sentence stands under, if a findings one."""
    rules = _rules()
    kinds = rules.cues.tags(_without_earlier_grades(text))
    if FAILING in kinds or (STRENGTH in kinds and (rules.negated.search(text) or _grade_below_good(text))):
        return FAILING
    if section is not None:
        improving = re.search(r"improve|development|learning", section, re.IGNORECASE)
        return FAILING if improving or rules.section_negation.search(text) else STRENGTH
    if STRENGTH in kinds and rules.service.tags(text):
        return STRENGTH
    return None


_BELOW_GOOD = frozenset({"requires-improvement", "inadequate"})


_GRADED = re.compile(r"\b(?:rated|judged|graded)\s+", re.IGNORECASE)
_GRADE_LEAD = re.compile(r"(?:as\s+|to\s+be\s+)?['\"‘]?")
_SUBJECT_WORD = re.compile(r"[\w'’-]+\s+")
_SUBJECT_WORDS = 8  # "rated Essex County Council's children's services good"


def _grades_services(text: str) -> bool:
    """ "Children's services rated good": a judgement, not a finding (unless the grade is an
    earlier inspection's, told beside what changed since)."""
    graded = any(_grade_after(text, verb.end()) for verb in _GRADED.finditer(text))
    return graded and not _rules().earlier_grade.search(text)


def _grade_after(text: str, position: int) -> bool:
    """A grade of the present scale right after ``position`` or a few words (the subject) on."""
    for _ in range(_SUBJECT_WORDS + 1):
        lead = _GRADE_LEAD.match(text, position)
        grade = grade_regex().match(text, lead.end() if lead else position)
        if grade and grade_of(grade):
            return True
        word = _SUBJECT_WORD.match(text, position)
        if word is None:
            return False
        position = word.end()
    return False


def _without_earlier_grades(text: str) -> str:
    """The text without the grades it gives an earlier inspection ("the third visit since the
    council was judged inadequate"): they judge what was, not the practice the sentence finds."""
    if not _rules().earlier_grade.search(text):
        return text
    return _graded_as().sub(" ", text)


@cache
def _graded_as() -> re.Pattern:
    return re.compile(_GRADED.pattern + _GRADE_LEAD.pattern + f"(?:{grade_regex().pattern})", re.IGNORECASE)


def _grade_below_good(text: str) -> bool:
    """ "Services require improvement to be good", not an earlier inspection's grade."""
    below = any(grade_of(match) in _BELOW_GOOD for match in grade_regex().finditer(text))
    return below and not _rules().earlier_grade.search(text)


def _sections(clean: str, sentences: list[Segment]) -> dict[int, str]:
    """For each line under a findings heading, that heading; other headings close the section."""
    under: dict[int, str] = {}
    heading: str | None = None
    for line_start in sorted({s.line_start for s in sentences}):
        line_end = clean.find("\n", line_start)
        line = clean[line_start : line_end if line_end >= 0 else len(clean)].strip()
        if _rules().section.match(line):
            heading = line
            continue
        if _is_heading(line):
            heading = None
            continue
        if heading is not None:
            under[line_start] = heading
    return under


def _is_heading(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 8 and not line.endswith((".", ";", ",", '"'))


def _quoted_speech(clean: str, sentences: list[Segment]) -> set[int]:
    """Line starts of paragraphs quoting someone who is not an assessor ("X said:" then a quote)."""
    speech: set[int] = set()
    quoting = False
    previous_line = None
    for sentence in sentences:
        if sentence.line_start == previous_line:
            if quoting:
                speech.add(sentence.line_start)
            continue
        previous_line = sentence.line_start
        line_end = clean.find("\n", sentence.line_start)
        line = clean[sentence.line_start : line_end if line_end >= 0 else len(clean)]
        opens_quote = line.lstrip().startswith('"')
        quoting = opens_quote and (quoting or _follows_attribution(clean, sentence.line_start))
        if quoting or (
            _rules().quoted_speech.search(line.split('"')[0])
            and '"' in line
            and not re.match(r"\s*Inspectors?\b", line)
        ):
            speech.add(sentence.line_start)
    return speech


def _announced_items(clean: str, sentences: list[Segment]) -> set[int]:
    """Line starts of list items under a lead-in that announces a response ("... announced 5 priorities:")."""
    items: set[int] = set()
    lead_in_open = False
    seen_lines: list[int] = sorted({s.line_start for s in sentences})
    for line_start in seen_lines:
        line_end = clean.find("\n", line_start)
        line = clean[line_start : line_end if line_end >= 0 else len(clean)]
        if lead_in_open and len(line.split()) <= 60 and not line.rstrip().endswith(":"):
            items.add(line_start)
            continue
        lead_in_open = bool(_rules().response_lead_in.search(line))
    return items


def _follows_attribution(clean: str, line_start: int) -> bool:
    before = clean[:line_start].rstrip()
    last_line = before[before.rfind("\n") + 1 :]
    return (
        bool(_rules().quoted_speech.search(last_line)) or last_line.endswith('"') or last_line.endswith('."')
    )


def _assessment_for(sentence: Segment, assessments: list[Assessment], named: LastNamed) -> Assessment:
    """The assessment named last at or before the sentence's start (the first listed of those
    named there), else the first."""
    index = named.at(sentence.start)
    return assessments[index] if index is not None else assessments[0]


def _implicated(
    sentence: Segment, organisations, resolved_in_order: list[tuple[Span, str]], assessment: Assessment
) -> list[str]:
    """The organisations a finding implicates; ``resolved_in_order`` is every (span, key) resolved, sorted."""
    first = bisect_left(resolved_in_order, sentence.start, key=_span_start)
    stop = bisect_left(resolved_in_order, sentence.end, lo=first, key=_span_start)
    named = [
        key
        for _, key in resolved_in_order[first:stop]
        if organisations[key].cls not in (INSPECTORATE,) and key not in assessment.conducted_by
    ]
    if named:
        return list(dict.fromkeys(named))
    pointed = []
    for pattern, cls in _rules().implicate:
        if pattern.search(sentence.text):
            candidates = [k for k in assessment.assesses if organisations[k].cls == cls] or [
                k for k, o in organisations.items() if o.cls == cls and o.spans and o.area == assessment.area
            ]
            if len(candidates) >= 1:
                pointed.append(sorted(candidates, key=lambda k: (organisations[k].unit_of is not None, k))[0])
    if pointed:
        return list(dict.fromkeys(pointed))
    return [k for k in assessment.assesses if organisations[k].unit_of is None][:1]


def _span_start(item: tuple[Span, str]) -> int:
    return item[0].start
