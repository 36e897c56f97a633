"""Assessments (inspections, reviews, peer reviews, commissions) and their judgements.

Kinds, cue patterns, who conducts each kind and what it assesses come from
``kg/data/assessments.json``; graded aspects and grade words from
``kg/data/judgements.json``. One assessment per kind and area per document; the
earlier one it is compared with ("since the last inspection in June 2018") becomes
its ``previous`` assessment.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache

from .. import lexicon
from ..claims import Assessment, Judgement, Organisation, Span
from ..resources import load_json
from ..text import Segment
from .dates import find_dates, first_date


@dataclass(frozen=True)
class AssessmentKind:
    kind: str
    cls: str
    label: str
    patterns: tuple[re.Pattern, ...]
    conducted_by: tuple[str, ...]
    inspectorates_from_text: bool
    commissioned_by_partnership: bool
    assesses: tuple[str, ...]
    graded: bool
    national: bool


@cache
def assessment_kinds() -> tuple[AssessmentKind, ...]:
    return tuple(
        AssessmentKind(
            entry["kind"], entry["class"], entry["label"],
            tuple(re.compile(p, re.IGNORECASE) for p in entry["patterns"]),
            tuple(entry["conducted_by"]), entry.get("inspectorates_from_text", False),
            entry.get("commissioned_by_partnership", False), tuple(entry["assesses"]),
            entry["graded"], entry.get("national", False),
        )
        for entry in load_json("assessments.json")["kinds"]
    )


def _kind(kind: str) -> AssessmentKind:
    return next(k for k in assessment_kinds() if k.kind == kind)


@cache
def _kind_patterns() -> tuple[lexicon.PatternSet, tuple[tuple[int, AssessmentKind], ...]]:
    """Every kind's patterns as one set, and the (data order, kind) each pattern belongs to."""
    owners = tuple((order, kind) for order, kind in enumerate(assessment_kinds()) for _ in kind.patterns)
    return lexicon.PatternSet([pattern for kind in assessment_kinds() for pattern in kind.patterns]), owners


@lru_cache(maxsize=4)
def _kind_mentions(clean: str) -> tuple[tuple[int, int, AssessmentKind, re.Match], ...]:
    """Every match of every kind's patterns, in text order (kinds in data order on ties)."""
    patterns, owners = _kind_patterns()
    return tuple(sorted(
        ((match.start(), order, kind, match) for (order, kind), matches in zip(owners, patterns.finditer_each(clean))
         for match in matches),
        key=lambda item: item[:2],
    ))


def assessment_name_spans(clean: str) -> list[Span]:
    """Spans of assessment names, which are never organisation names ("Inspection of ... Services")."""
    return [Span(match.start(), match.end()) for _, _, _, match in _kind_mentions(clean)]


def find_assessments(
    clean: str, sentences: list[Segment], main_area: str | None, document_date: str | None
) -> list[Assessment]:
    """The assessments a document names, most mentioned first; judgements attached to graded ones."""
    previous_spans = _previous_mentions(clean)
    found: dict[tuple[str, str | None], Assessment] = {}
    starts = [s.start for s in sentences]
    for start, _, kind, match in _kind_mentions(clean):
        index = bisect_right(starts, start) - 1
        sentence = sentences[index] if index >= 0 else None
        if sentence is None or match.end() > sentence.end or sentence.boilerplate:
            continue
        if any(s.start <= start < s.end for s, _ in previous_spans):
            continue
        _add_mention(found, kind, clean, sentence, match, main_area)
    assessments = sorted(found.values(), key=lambda a: (-len(a.spans), a.spans[0].start))
    _attach_judgements(clean, sentences, assessments, main_area, previous_spans)
    _attach_previous(clean, sentences, assessments, previous_spans)
    for assessment in assessments:
        if assessment.date is None and document_date:
            # Reported in this document without a date of its own: no later than the document.
            assessment.date = assessment.year = document_date[:4]
    return assessments


def _add_mention(found, kind: AssessmentKind, clean: str, sentence: Segment, match: re.Match, main_area) -> None:
    area = main_area if kind.national else (lexicon.area_in(clean, sentence.start, sentence.end) or main_area)
    if area is None and not kind.national:
        return  # an ILACS "of England" is a kind named in passing, not an assessment
    assessment = found.get((kind.kind, area))
    if assessment is None:
        name = match.group().strip() if kind.cls == "Commission" else None
        if name:
            name = re.sub(r"^(?:the|The)\s+", "", name)
            area = lexicon.area_in(name) or area
        assessment = found[(kind.kind, area)] = Assessment(kind.kind, kind.cls, kind.label, area, name=name)
    assessment.spans.append(Span(sentence.start, sentence.end))
    if assessment.date is None:
        date = _linked_date(clean, sentence, match.end())
        if date:
            assessment.date, assessment.year = date, date[:4]


_DATE_LINK = re.compile(r"\b(?:in|on|during|between|from|dated|of|took place|carried out|completed|published|dates?:?)\s*$", re.IGNORECASE)


def _linked_date(clean: str, sentence: Segment, after: int) -> str | None:
    """A date the sentence ties to the event ("took place during December 2016"), not any date in it;
    one after the mention ("the review ... in April 2023") before one ahead of it."""
    linked = [
        (start < after, start, value) for start, _, value in find_dates(clean, sentence.start, sentence.end)
        if _DATE_LINK.search(clean[max(sentence.start, start - 30):start])
    ]
    return min(linked)[2] if linked else None


def _previous_mentions(clean: str) -> list[tuple[Span, str | None]]:
    pattern = re.compile(load_json("assessments.json")["previous"], re.IGNORECASE)
    return [(Span(m.start(), m.end()), first_date(m.group("date"))) for m in pattern.finditer(clean)]


def _attach_previous(clean: str, sentences: list[Segment], assessments: list[Assessment], previous_spans) -> None:
    graded = next((a for a in assessments if _kind(a.kind).graded), assessments[0] if assessments else None)
    if graded is None:
        return
    for span, date in previous_spans:
        if graded.previous is None:
            graded.previous = Assessment(graded.kind, graded.cls, graded.label, graded.area, date and date[:4], date)
        graded.previous.spans.append(span)
        sentence = next((s for s in sentences if s.start <= span.start < s.end), None)
        grade = _previous_grade(clean, sentence) if sentence else None
        if grade and not graded.previous.judgements and _kind(graded.kind).graded:
            graded.previous.judgements.append(Judgement("overall effectiveness", grade[0], Span(sentence.start, sentence.end)))


def _previous_grade(clean: str, sentence: Segment) -> tuple[str, Span] | None:
    """ "... when the services were judged to require improvement to be good": the earlier grade."""
    match = re.search(r"\b(?:judged|rated|found) (?:to be |as )?(?:to )?", clean[sentence.start:sentence.end])
    if match is None:
        return None
    grade = _grade_regex().match(clean, sentence.start + match.end())
    if grade is None:
        return None
    return _grade_of(grade), Span(sentence.start, sentence.end)


@cache
def _grade_regex() -> re.Pattern:
    grades = load_json("judgements.json")["grades"]
    return re.compile("|".join(f"(?P<g_{g['id'].replace('-', '_')}>{g['pattern']})" for g in grades), re.IGNORECASE)


@cache
def _judgement_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    link = r"(?:[^.:\n]{0,40}?(?:\s*[:\-]\s*|\s+(?:is|are|was|were|remains?|has been|have been)\s+)(?:judged\s+|rated\s+|found\s+)?(?:to\s+be\s+|as\s+)?| {2,})"
    grades = _grade_regex().pattern
    patterns = []
    for aspect in load_json("judgements.json")["aspects"]:
        for phrase in aspect["patterns"]:
            patterns.append((aspect["aspect"], re.compile(rf"\b(?:{phrase}){link}(?:{grades})\b", re.IGNORECASE)))
    return tuple(patterns)


def _attach_judgements(clean: str, sentences: list[Segment], assessments: list[Assessment], main_area, previous_spans) -> None:
    judgements: dict[str, Judgement] = {}
    about_previous = {s.start for s in sentences if any(s.start <= span.start < s.end for span, _ in previous_spans)}
    for index, sentence in enumerate(sentences):
        if sentence.start in about_previous:
            continue
        found = _judgement_in(clean, sentence) or _judgement_below(clean, sentence, sentences[index + 1: index + 2])
        if found and found.aspect not in judgements:
            judgements[found.aspect] = found
    if not judgements:
        return
    graded = next((a for a in assessments if _kind(a.kind).graded), None)
    if graded is None:
        kind = next(k for k in assessment_kinds() if k.graded)
        graded = Assessment(kind.kind, kind.cls, kind.label, main_area)
        graded.spans.append(min(j.span for j in judgements.values()))
        assessments.insert(0, graded)
    graded.judgements = sorted(judgements.values(), key=lambda j: j.span)


def _judgement_in(clean: str, sentence: Segment) -> Judgement | None:
    """ "<aspect>: <grade>", "<aspect> is judged <grade>", "<aspect>    <grade>" within one sentence."""
    if not _grade_regex().search(clean, sentence.start, sentence.end):
        return None
    for aspect, pattern in _judgement_patterns():
        match = pattern.search(clean, sentence.start, sentence.end)
        if match:
            return Judgement(aspect, _grade_of(match), Span(match.start(), match.end()))
    return None


def _judgement_below(clean: str, sentence: Segment, following: list[Segment]) -> Judgement | None:
    """An aspect alone on its line with the grade alone on the next (a flattened table)."""
    if not following or following[0].line_start == sentence.line_start:
        return None
    grade = _grade_regex().fullmatch(following[0].text.strip())
    if grade is None:
        return None
    for aspect, pattern in _aspect_patterns():
        if pattern.fullmatch(sentence.text.strip()):
            return Judgement(aspect, _grade_of(grade), Span(sentence.start, following[0].end))
    return None


def _grade_of(match: re.Match) -> str:
    return next(name[2:].replace("_", "-") for name, value in match.groupdict().items() if value and name.startswith("g_"))


@cache
def _aspect_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple(
        (aspect["aspect"], re.compile(rf"(?:{phrase})", re.IGNORECASE))
        for aspect in load_json("judgements.json")["aspects"] for phrase in aspect["patterns"]
    )


def link_assessments(
    assessments: list[Assessment], organisations: dict[str, Organisation], subject_child: str | None
) -> list[Organisation]:
    """Fill who conducted and what was assessed; returns national bodies added by definition of a kind."""
    added: list[Organisation] = []
    for assessment in assessments:
        kind = _kind(assessment.kind)
        for label in kind.conducted_by:
            if label not in organisations:
                body = next(b for b in lexicon.national_bodies() if b.label == label)
                organisations[label] = Organisation(body.label, body.cls, None, set(body.acronyms))
                added.append(organisations[label])
            assessment.conducted_by.append(label)
        if kind.inspectorates_from_text:
            assessment.conducted_by.extend(k for k, o in organisations.items() if o.cls == "Inspectorate" and o.spans)
        if kind.commissioned_by_partnership:
            assessment.conducted_by.extend(
                k for k, o in organisations.items() if o.cls == "SafeguardingPartnership" and o.area == assessment.area
            )
        assessment.assesses = [
            key for key, o in organisations.items()
            if o.cls in kind.assesses and o.area is not None and o.area == assessment.area and o.spans
        ]
        if assessment.cls == "PracticeReview" and not kind.national:
            assessment.subject_child = subject_child
        for previous in [assessment.previous] if assessment.previous else []:
            previous.conducted_by = list(assessment.conducted_by)
            previous.assesses = list(assessment.assesses)
    return added


def find_subject_child(clean: str) -> tuple[str | None, Span | None]:
    """The pseudonymised child a document is about ("Child T"), the most mentioned one."""
    pattern = re.compile(load_json("assessments.json")["subject_child"])
    counts: dict[str, list[Span]] = {}
    for match in pattern.finditer(clean):
        counts.setdefault(f"Child {match.group(1).strip()}", []).append(Span(match.start(), match.end()))
    if not counts:
        return None, None
    name = max(sorted(counts), key=lambda n: len(counts[n]))
    return name, counts[name][0]
