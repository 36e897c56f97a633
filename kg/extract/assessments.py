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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from .. import datafiles, lexicon
from ..claims import Assessment, Judgement, Organisation, Span
from ..text import Segment
from ..vocab import COMMISSION, INSPECTION, INSPECTORATE, PRACTICE_REVIEW, SAFEGUARDING_PARTNERSHIP
from .dates import find_dates, inspection_dates, relative_dates
from .judgements import (
    FoundJudgement,
    dates_previous_grade,
    find_prose_judgements,
    find_table_judgements,
    grade_of,
    grade_regex,
    mentioned_aspects,
)


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
    aspect: str | None
    until: int | None


@cache
def assessment_kinds() -> tuple[AssessmentKind, ...]:
    return tuple(
        AssessmentKind(
            entry.kind,
            entry.cls,
            entry.label,
            tuple(re.compile(p, re.IGNORECASE) for p in entry.patterns),
            entry.conducted_by,
            entry.inspectorates_from_text,
            entry.commissioned_by_partnership,
            entry.assesses,
            entry.graded,
            entry.national,
            entry.aspect,
            entry.until,
        )
        for entry in datafiles.assessments().kinds
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
    return tuple(
        sorted(
            (
                (match.start(), order, kind, match)
                for (order, kind), matches in zip(owners, patterns.finditer_each(clean))
                for match in matches
            ),
            key=lambda item: item[:2],
        )
    )


def assessment_name_spans(clean: str) -> list[Span]:
    """Spans of assessment names, which are never organisation names ("Inspection of ... Services")."""
    return [Span(match.start(), match.end()) for _, _, _, match in _kind_mentions(clean)]


def find_assessments(
    clean: str, sentences: list[Segment], main_area: str | None, document_date: str | None
) -> list[Assessment]:
    """The assessments a document names, the document's own first; judgements attached to graded ones.

    Mentions of one kind and area are one assessment, unless the text dates them to different
    years: an earlier inspection or focused visit of the same area is an assessment of its own,
    and the earlier ones become the ``previous`` of the document's own. Sentences about an
    earlier inspection ("when last inspected, in 2017, services were judged ...") give that
    inspection's grade, not the document's."""
    inspected = inspection_dates(clean)
    own_date = inspected or document_date
    previous_spans = _previous_mentions(clean)
    found: dict[tuple[str, str | None, str | None, str | None], Assessment] = {}
    starts = [s.start for s in sentences]
    mentions = _without_echoes(
        clean, [(start, kind, match) for start, _, kind, match in _kind_mentions(clean)]
    )
    positions = [(match.start(), match.end()) for _, _, match in mentions]
    for start, kind, match in mentions:
        index = bisect_right(starts, start) - 1
        sentence = sentences[index] if index >= 0 else None
        if (
            sentence is None
            or match.end() > sentence.end
            or sentence.boilerplate
            or _names_framework(clean, match)
        ):
            continue
        others = [
            p
            for p in positions
            if sentence.start <= p[0] < sentence.end and p != (match.start(), match.end())
        ] + [
            # "the third monitoring visit since the council was judged inadequate in October
            # 2023": the date is the earlier inspection's, not this mention's
            (span.start, span.end)
            for span, _ in previous_spans
            if sentence.start <= span.start < sentence.end and not span.start <= match.start() < span.end
        ]
        _add_mention(found, kind, clean, sentence, match, main_area, own_date, document_date, others)
    assessments = sorted(
        found.values(),
        key=lambda a: (
            a.year is not None and own_date is not None and a.year != own_date[:4],
            -len(a.spans),
            a.spans[0].start,
        ),
    )
    skip = _previous_sentences(sentences, previous_spans, assessments, _own_assessment(assessments, own_date))
    replaced = _attach_judgements(
        clean,
        sentences,
        assessments,
        _own_assessment(assessments, own_date, graded=True),
        main_area,
        skip,
        own_date,
    )
    own = _own_assessment(assessments, own_date)
    # The inspection's own dates, or the document's for an assessment dated no closer than its
    # year; not the publication date over the month the text gives ("a visit in January").
    if (
        own is not None
        and own_date
        and (own.date is None or (own.year == own_date[:4] and (inspected or len(own.date) == 4)))
    ):
        own.date, own.year = own_date, own_date[:4]
    _attach_previous(clean, sentences, assessments, own, previous_spans)
    graded = _own_assessment(assessments, own_date, graded=True)
    if graded is not None:
        for judgement in replaced:
            previous = _previous_of(graded, assessments)
            previous.judgements.append(judgement)
            if previous.date is None:  # "up from inadequate in 2019"
                previous.date = _replaced_grade_date(clean, sentences, judgement.span.start, own_date)
                previous.year = previous.date[:4] if previous.date else None
    if own is not None:
        # Earlier assessments are reached through the own one's sg:previousAssessment; the
        # document reports on its own, which comes first.
        earlier = {id(a) for a in own.previous}
        assessments[:] = [own] + [a for a in assessments if a is not own and id(a) not in earlier]
    for assessment in assessments:
        if assessment.date is None and document_date:
            # Reported in this document without a date of its own: no later than the document.
            assessment.date = assessment.year = document_date[:4]
    return assessments


_ECHO_GAP = re.compile(r"\s*\(\s*")


def _without_echoes(
    clean: str, mentions: list[tuple[int, AssessmentKind, re.Match]]
) -> list[tuple[int, AssessmentKind, re.Match]]:
    """The mentions less each that only repeats the one before it in brackets ("a joint targeted
    area inspection (JTAI) ... in May 2023"): read as a second mention, it took the date as its
    own and made an undated assessment and a dated earlier one of the same event; and less each
    of another kind inside one before it ("review into the death of" in "a child safeguarding
    practice review into the death of"), which is part of that one's name."""
    kept: list[tuple[int, AssessmentKind, re.Match]] = []
    widest: tuple[int, AssessmentKind] | None = None  # the furthest end of a kept mention, and its kind
    for mention in mentions:
        if kept:
            _, kind, match = kept[-1]
            if kind is mention[1] and _ECHO_GAP.fullmatch(clean, match.end(), mention[2].start()):
                continue
        if widest and mention[2].start() < widest[0] and mention[1] is not widest[1]:
            continue
        kept.append(mention)
        if widest is None or mention[2].end() > widest[0]:
            widest = (mention[2].end(), mention[1])
    return kept


@cache
def _framework_res() -> tuple[re.Pattern, re.Pattern]:
    data = datafiles.assessments()
    return re.compile(data.framework, re.IGNORECASE), re.compile(data.framework_before, re.IGNORECASE)


def _names_framework(clean: str, match: re.Match) -> bool:
    """ "in line with the inspection of local authority children's services (ILACS) framework":
    the name of a framework, not an assessment."""
    after, before = _framework_res()
    return bool(
        after.match(clean, match.end()) or before.search(clean[max(0, match.start() - 30) : match.start()])
    )


def _own_assessment(
    assessments: list[Assessment], own_date: str | None, graded: bool = False
) -> Assessment | None:
    """The document's own assessment (``graded``: its own graded one): of the document's year
    (or undated), most mentioned; an inspection before a review named in passing."""
    year = own_date[:4] if own_date else None
    candidates = [
        a
        for a in assessments
        if a.kind != "lscb-review"
        and (a.year is None or a.year == year)
        and (_kind(a.kind).graded or not graded)
    ]
    return next((a for a in candidates if a.cls == INSPECTION), candidates[0] if candidates else None)


def _add_mention(
    found,
    kind: AssessmentKind,
    clean: str,
    sentence: Segment,
    match: re.Match,
    main_area,
    own_date,
    document_date: str | None,
    others: list[tuple[int, int]],
) -> None:
    conductor = _CONDUCTOR.match(clean, match.end(), sentence.end)
    area = main_area if kind.national else (_area_assessed(clean, sentence, conductor) or main_area)
    if area is None and not kind.national:
        return  # an ILACS "of England" is a kind named in passing, not an assessment
    date = _linked_date(clean, sentence, (match.start(), match.end()), document_date, others)
    if kind.until and (date is None or int(date[:4]) > kind.until):
        return  # a kind of assessment that ended: named with no date of its own, it cannot be placed
    year = date[:4] if date and not (own_date and date[:4] == own_date[:4]) else None
    child = (
        _review_subject(clean, match.end(), sentence.end)
        if kind.cls == PRACTICE_REVIEW and not kind.national
        else None
    )
    if child:
        # Reviews of different children are different reviews, whatever their dates; a review
        # named before without its child is this child's.
        same_kind = [a for (k, ar, _, _), a in found.items() if k == kind.kind and ar == area]
        assessment = next((a for a in same_kind if a.subject_child == child), None) or next(
            (a for a in same_kind if a.subject_child is None), None
        )
        if assessment is not None:
            assessment.subject_child = child
    elif year is None:
        # Undated, or dated in the document's own year: the one assessment of this kind there.
        assessment = found.get((kind.kind, area, None, None)) or next(
            (a for (k, ar, _, _), a in found.items() if k == kind.kind and ar == area), None
        )
    else:
        assessment = found.get((kind.kind, area, year, None))
    if assessment is None:
        name = match.group().strip() if kind.cls == COMMISSION else None
        if name:
            name = re.sub(r"^(?:the|The)\s+", "", name)
            area = lexicon.area_in(name) or area
        assessment = found[(kind.kind, area, year, child)] = Assessment(
            kind.kind, kind.cls, kind.label, area, name=name, subject_child=child
        )
    assessment.spans.append(Span(sentence.start, sentence.end))
    if assessment.date is None and date:
        assessment.date, assessment.year = date, date[:4]
    if conductor and conductor.group("name") not in assessment.conductor_names:
        assessment.conductor_names.append(conductor.group("name"))


# "a peer review by the Local Government Association", "... carried out by Essex County Council"
_CONDUCTOR = re.compile(
    r"\s+(?:(?:carried out|conducted|led|undertaken|commissioned)\s+)?(?:by|from)\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w'&-]*(?:\s+(?:(?:of|and|for|&)\s+)?[A-Z][\w'&-]*)*)"
)


def _area_assessed(clean: str, sentence: Segment, conductor: re.Match | None) -> str | None:
    """The first area the sentence names outside the name of the body that conducted the
    assessment ("a peer review by Essex County Council" is no review of Essex)."""
    for found in lexicon.area_regex().finditer(clean, sentence.start, sentence.end):
        if conductor is None or not conductor.start("name") <= found.start() < conductor.end("name"):
            return lexicon.canonical_area(found.group())
    return None


@cache
def _review_subject_re() -> re.Pattern:
    return re.compile(datafiles.assessments().review_subject)


def _review_subject(clean: str, start: int, end: int) -> str | None:
    """The child a review names right after it: "Child B" (also for "Baby B"), "the death of Jane
    Doe", "Baby Leo" (also for "a baby known as Leo"), "Ava" ("a child known as Ava")."""
    match = _review_subject_re().match(clean, start, end)
    if match is None:
        return None
    if match.group("code"):
        return f"Child {match.group('code')}"
    if match.group("baby"):
        return f"Baby {match.group('baby')}"
    if match.group("known"):
        return ("Baby " if match.group("noun") == "baby" else "") + match.group("known")
    return match.group("name")


_DATE_LINK = re.compile(
    r"\b(?:in|on|during|between|from|dated|of|took place|carried out|completed|published|dates?:?)\s*$",
    re.IGNORECASE,
)


def _linked_date(
    clean: str,
    sentence: Segment,
    mention: tuple[int, int],
    document_date: str | None = None,
    others: Sequence[tuple[int, int]] = (),
) -> str | None:
    """A date the sentence ties to the event ("took place during December 2016"), not any date in it;
    one after the mention ("the review ... in April 2023") before one ahead of it. A date
    relative to the document's ("last August", "today") counts as tied. A date nearer another
    assessment named in the sentence is that one's ("a rapid review was held in April 2024 and
    agreed that a practice review was needed")."""
    after = mention[1]
    dates = [
        (start, value)
        for start, _, value in find_dates(clean, sentence.start, sentence.end)
        if _DATE_LINK.search(clean[max(sentence.start, start - 30) : start])
    ]
    dates += [
        (start, value)
        for start, _, value in relative_dates(clean, document_date, sentence.start, sentence.end)
    ]
    linked = [
        (start < after, start, value)
        for start, value in dates
        if _distance(mention, start) <= min((_distance(o, start) for o in others), default=len(clean))
    ]
    return min(linked)[2] if linked else None


def _distance(mention: tuple[int, int], date_start: int) -> int:
    """How far a date lies from a mention; a date ahead of the mention counts double."""
    return date_start - mention[1] if date_start >= mention[1] else 2 * (mention[0] - date_start)


def _previous_mentions(clean: str) -> list[tuple[Span, str | None]]:
    pattern = re.compile(datafiles.assessments().previous, re.IGNORECASE)
    found = []
    for match in pattern.finditer(clean):
        dates = find_dates(clean, match.start("date"), match.end("date"))
        end = dates[0][1] if dates else match.start("date")
        found.append((Span(match.start(), end), dates[0][2] if dates else None))
    return found


def _previous_sentences(sentences, previous_spans, assessments, own) -> set[int]:
    """Starts of the sentences about an earlier assessment: their grades are not the document's own."""
    earlier = [
        span for a in assessments if a is not own and a.year and _kind(a.kind).graded for span in a.spans
    ]
    spans = [span for span, _ in previous_spans] + earlier
    starts = [sentence.start for sentence in sentences]  # in order, and sentences never overlap
    found = set()
    for span in spans:
        index = bisect_right(starts, span.start) - 1
        if index >= 0 and span.start < sentences[index].end:
            found.add(sentences[index].start)
    return found


def _attach_previous(
    clean: str, sentences: list[Segment], assessments: list[Assessment], own, previous_spans
) -> None:
    """Earlier assessments of the own one's area become its ``previous``, with the grades the
    sentences naming them give."""
    if own is None:
        return
    for assessment in assessments:
        if assessment is own or not assessment.year or (own.year and assessment.year >= own.year):
            continue
        if assessment.area == own.area and assessment.cls == INSPECTION:
            _grade_previous(clean, sentences, assessment)
            own.previous.append(assessment)
    for span, date in previous_spans:
        if not date or (own.year and date[:4] >= own.year):
            continue
        # A grade was given by a graded assessment, not a visit of that year
        earlier = next((a for a in own.previous if a.year == date[:4] and _kind(a.kind).graded), None)
        if earlier is None:
            kind = _kind(own.kind if own.kind in ("ilacs",) else datafiles.assessments().previous_kind)
            earlier = Assessment(kind.kind, kind.cls, kind.label, own.area, date[:4], date)
            own.previous.append(earlier)
        earlier.spans.append(span)
        _grade_previous(clean, sentences, earlier)


_JUDGED = re.compile(
    r"\b(?:(?:judged|rated|found|graded)\s+(?:(?:it|them|the service|the local authority|services)\s+)?(?:to\s+be\s+|as\s+)?(?:to\s+)?"
    r"|(?:judgements|grades)\s+(?:were|was)\s+)",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"[,;:(]|\b(?:with|and|while|whereas)\b", re.IGNORECASE)


def _grade_previous(clean: str, sentences: list[Segment], assessment: Assessment) -> None:
    """The grades the sentence naming an earlier assessment (or the next one) gives it: each to
    the aspect its clause names ("with adoption judged to be good"), else to the kind's own aspect."""
    if assessment.judgements or not _kind(assessment.kind).graded:
        return
    for span in list(assessment.spans):
        index = next((i for i, s in enumerate(sentences) if s.start <= span.start < s.end), None)
        if index is None:
            continue
        for sentence in sentences[index : index + 2]:
            if sentence is not sentences[index] and any(
                v[:4] != assessment.year for _, _, v in find_dates(clean, sentence.start, sentence.end)
            ):
                break
            judgeds = list(_JUDGED.finditer(clean, sentence.start, sentence.end))
            if sentence is sentences[index] and any(j.start() >= span.start for j in judgeds):
                # "rated good, two grades higher than at the last inspection in 2015, when
                # they were judged inadequate": the grade after the mention is the earlier one's
                judgeds = [j for j in judgeds if j.start() >= span.start]
            for judged in judgeds:
                grade = grade_regex().match(clean, judged.end())
                grade_id = grade_of(grade) if grade else None
                if grade_id:
                    aspect = (
                        _clause_aspect(clean, sentence.start, judged.start())
                        or _kind(assessment.kind).aspect
                        or "overall effectiveness"
                    )
                    if all(j.aspect != aspect for j in assessment.judgements):
                        assessment.judgements.append(
                            Judgement(aspect, grade_id, Span(sentence.start, sentence.end))
                        )
            if assessment.judgements:
                return


def _clause_aspect(clean: str, start: int, end: int) -> str | None:
    """The aspect named in the clause that ends at ``end`` ("..., with adoption" before "judged")."""
    clause_start = max([m.end() for m in _CLAUSE_START.finditer(clean, start, end)], default=start)
    named = mentioned_aspects(clean, clause_start, end)
    return named[-1][0].aspect if named else None


def _attach_judgements(clean, sentences, assessments, own, main_area, skip, own_date) -> list[Judgement]:
    """The document's judgement table and graded sentences: each judgement to the own
    assessment, or to the assessment of the kind its aspect belongs to (the review of a
    board); in a report with a judgement table the board's review is part of the report.
    Returns the grades the sentences say were replaced ("up from inadequate"), as judgements
    of an earlier assessment."""
    table = find_table_judgements(clean)
    framework = _framework_aspects(own_date)
    prose = find_prose_judgements(clean, sentences, skip, len(table) >= 2, framework)
    found: dict[tuple[str | None, str], FoundJudgement] = {}
    for item in table + prose:
        found.setdefault((item.target, item.judgement.aspect), item)
    if not found:
        return []
    if own is None and any(item.target is None for item in found.values()):
        kind = _kind("ilacs")
        own = Assessment(kind.kind, kind.cls, kind.label, main_area)
        own.spans.append(min(item.judgement.span for item in found.values()))
        said = _sentence_at(sentences, own.spans[0].start)
        dates = (
            [d for d in _dates_of(clean, said, own_date) if not dates_previous_grade(clean, said.start, d[0])]
            if said
            else []
        )
        if dates and (own_date is None or dates[0][2] < own_date):  # "... rated good by Ofsted in 2019."
            own.date, own.year = dates[0][2], dates[0][2][:4]
        assessments.insert(0, own)
    for item in sorted(found.values(), key=lambda item: item.judgement.span):
        target = own
        if item.target and (len(table) < 2 or own is None):
            area = own.area if own else main_area
            target = next((a for a in assessments if a.kind == item.target and a.area == area), None)
            if target is None:
                kind = _kind(item.target)
                target = Assessment(kind.kind, kind.cls, kind.label, area)
                target.spans.append(item.judgement.span)
                assessments.append(target)
        target.judgements.append(item.judgement)
    if len(table) >= 2:
        assessments[:] = [a for a in assessments if a.kind != "lscb-review" or a.judgements]
    return [
        Judgement(item.judgement.aspect, item.previous_grade, item.judgement.span)
        for item in sorted(found.values(), key=lambda item: item.judgement.span)
        if item.previous_grade
    ]


def _dates_of(clean: str, sentence: Segment, own_date: str | None) -> list[tuple[int, int, str]]:
    """The dates a sentence gives, in text order, those relative to the document's ("rated
    requires improvement in last year's inspection") included."""
    return sorted(
        find_dates(clean, sentence.start, sentence.end)
        + relative_dates(clean, own_date, sentence.start, sentence.end)
    )


def _replaced_grade_date(
    clean: str, sentences: list[Segment], offset: int, own_date: str | None
) -> str | None:
    """The date the sentence at ``offset`` gives right after a grade it says was replaced."""
    sentence = _sentence_at(sentences, offset)
    if sentence is None:
        return None
    return next(
        (
            value
            for start, _, value in _dates_of(clean, sentence, own_date)
            if dates_previous_grade(clean, sentence.start, start)
        ),
        None,
    )


def _sentence_at(sentences: list[Segment], offset: int) -> Segment | None:
    index = bisect_right([s.start for s in sentences], offset) - 1
    return sentences[index] if index >= 0 and offset < sentences[index].end else None


def _previous_of(own: Assessment, assessments: list[Assessment]) -> Assessment:
    """The earlier assessment a grade "up from inadequate" was given by: the latest earlier one named."""
    earlier = sorted((a for a in own.previous if a.year and _kind(a.kind).graded), key=lambda a: a.year or "")
    if earlier:
        return earlier[-1]
    previous = Assessment(own.kind, own.cls, own.label, own.area)
    previous.spans.extend(own.spans[:1])
    own.previous.append(previous)
    return previous


def _framework_aspects(own_date: str | None) -> tuple[str, ...]:
    """The aspects the framework of the document's year judges ("inadequate across the board");
    none when the document gives no year (which framework is unknown: the overall grade only)."""
    if own_date is None:
        return ()
    year = int(own_date[:4])
    for framework in datafiles.judgements().frameworks:
        low, high = framework.years
        if low <= year <= high:
            return framework.aspects
    return ()


def link_assessments(
    assessments: list[Assessment], organisations: dict[str, Organisation], subject_child: str | None
) -> list[Organisation]:
    """Fill who conducted and what was assessed; returns national bodies added by definition of a kind."""
    added: list[Organisation] = []
    for assessment in assessments:
        kind = _kind(assessment.kind)
        conducted_by = []
        for label in kind.conducted_by:
            if label not in organisations:
                body = next(b for b in lexicon.national_bodies() if b.label == label)
                organisations[label] = Organisation(body.label, body.cls, None, set(body.acronyms))
                added.append(organisations[label])
            conducted_by.append(label)
        if kind.inspectorates_from_text:
            conducted_by.extend(k for k, o in organisations.items() if o.cls == INSPECTORATE and o.spans)
        conducted_by.extend(_named_conductors(assessment.conductor_names, organisations))
        if kind.commissioned_by_partnership:
            conducted_by.extend(
                k
                for k, o in organisations.items()
                if o.cls == SAFEGUARDING_PARTNERSHIP and o.area == assessment.area
            )
        assessment.conducted_by = list(dict.fromkeys(assessment.conducted_by + conducted_by))
        assessment.assesses = [
            key
            for key, o in organisations.items()
            if o.cls in kind.assesses and o.area is not None and o.area == assessment.area and o.spans
        ]
        if assessment.cls == PRACTICE_REVIEW and not kind.national:
            assessment.subject_child = assessment.subject_child or subject_child
        for previous in assessment.previous:
            if not previous.conducted_by:
                previous.conducted_by = list(assessment.conducted_by)
            if not previous.assesses:
                previous.assesses = list(assessment.assesses)
    return added


def _named_conductors(names: list[str], organisations: dict[str, Organisation]) -> list[str]:
    """The organisations the text names as having conducted an assessment, by label, other name or acronym."""
    folded = {lexicon.fold(name) for name in names}
    return [
        key
        for key, o in organisations.items()
        if {lexicon.fold(label) for label in (o.label, *o.alt_labels)} & folded
    ]


def find_subject_child(clean: str) -> tuple[str | None, Span | None]:
    """The pseudonymised child a document is about ("Child T"), the most mentioned one."""
    pattern = re.compile(datafiles.assessments().subject_child)
    counts: dict[str, list[Span]] = {}
    for match in pattern.finditer(clean):
        counts.setdefault(f"Child {match.group(1).strip()}", []).append(Span(match.start(), match.end()))
    if not counts:
        return None, None
    name = max(sorted(counts), key=lambda n: len(counts[n]))
    return name, counts[name][0]
