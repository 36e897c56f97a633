"""Text -> claims: every organisation, person, assessment, judgement, finding,
recommendation, response and theme one document states, each with its span.

``extract`` is the stage's one public function; it reads like the order of work.
All matching happens on ``kg.text.clean_view`` of the document, which has the same
offsets as the original text.
"""

from __future__ import annotations

import re

from .. import lexicon
from ..claims import Extraction, Organisation, Span
from ..ingest import SourceDocument
from ..resolve import area_of_file_name, areas_about, main_area, resolve_organisations
from ..spans import SpansInOrder
from ..text import Segment, clean_view, is_colophon, lines, segment
from ..vocab import HEALTH_BODY, INSPECTORATE, LOCAL_AUTHORITY, POLICE_FORCE, SAFEGUARDING_PARTNERSHIP
from .assessments import assessment_name_spans, find_assessments, find_subject_child, link_assessments
from .dates import find_dates
from .findings import find_findings
from .organisations import find_organisation_mentions
from .people import find_people
from .recommendations import (
    answer_unanswered,
    find_document_responses,
    find_recommendations,
    find_sentence_recommendations,
)
from .themes import document_themes

_TITLE_MIN_WORDS = 5
_TITLE_SEARCH_LINES = 10


def extract(document: SourceDocument) -> Extraction:
    """All claims of one document. Never raises on odd text: what it cannot read, it leaves out."""
    clean = clean_view(document.text)
    sentences = segment(clean)
    result = Extraction(title=document.title or _title(clean), date=document.date or _date(clean))
    colophon = [
        Span(line.start, line.end) for line in lines(clean) if line.boilerplate and is_colophon(line.text)
    ]
    mentions = find_organisation_mentions(clean, assessment_name_spans(clean) + colophon)
    result.main_area = main_area(clean)
    if result.main_area is None:
        result.main_area = area_of_file_name(document.path)
        result.main_area_named = False
    result.organisations, resolved = resolve_organisations(clean, mentions, result.main_area, result.date)
    result.assessments = find_assessments(clean, sentences, result.main_area, result.date)
    child, _ = find_subject_child(clean)
    link_assessments(result.assessments, result.organisations, child)
    result.areas = areas_about(result.main_area, result.organisations, result.assessments)
    assessed = {key for assessment in result.assessments for key in assessment.assesses}
    result.publisher = _publisher(clean, sentences, resolved, result.organisations, assessed)
    result.partners = sorted(
        set(_partners(result.organisations))
        | set(_stated_partners(clean, sentences, result.organisations, resolved))
    )
    result.memberships, result.people = find_people(
        clean, sentences, result.organisations, resolved, result.publisher
    )
    result.recommendations = find_recommendations(
        clean, result.organisations, resolved, result.assessments, result.publisher, result.main_area
    )
    taken = [r.span for r in result.recommendations] + [
        r.response.span for r in result.recommendations if r.response
    ]
    result.recommendations += find_sentence_recommendations(
        clean, sentences, result.organisations, resolved, result.assessments, taken
    )
    if not all(r.response for r in result.recommendations) or not result.recommendations:
        # Point-by-point responses answer the whole review; else look for a response to all of it.
        responses = find_document_responses(
            clean,
            sentences,
            result.organisations,
            resolved,
            result.assessments,
            result.publisher,
            result.memberships,
        )
        result.document_responses = answer_unanswered(clean, result.recommendations, responses)
    result.findings = find_findings(
        clean, sentences, result.assessments, result.organisations, resolved, _claimed_spans(result)
    )
    result.themes = document_themes(
        clean,
        sentences,
        result.title,
        [f.themes for f in result.findings] + [r.themes for r in result.recommendations],
    )
    return result


def _title(clean: str) -> str | None:
    for line in lines(clean)[:_TITLE_SEARCH_LINES]:
        if not line.boilerplate and len(line.text.split()) >= _TITLE_MIN_WORDS:
            return re.sub(r"\s+", " ", line.text)[:300]
    return None


_PUBLISHED = re.compile(
    r"^\s*(?:Published|Publication date|Date of publication|Dated?|Last updated)\s*:?\s*",
    re.IGNORECASE | re.MULTILINE,
)


def _date(clean: str) -> str | None:
    """A "Published: ..." date, else the first date given to the day (most often the document's own)."""
    for label in _PUBLISHED.finditer(clean):
        dates = find_dates(clean, label.end(), clean.find("\n", label.end()) % (len(clean) + 1))
        if dates and dates[0][0] == label.end():
            return dates[0][2]
    # Read a window at a time: the first date of a long document is near its top. A date that
    # starts in a window ends in its margin, and is read as a scan of the whole text reads it.
    for start in range(0, len(clean), _DATE_WINDOW):
        stop = start + _DATE_WINDOW
        dates = find_dates(clean, start, min(len(clean), stop + _DATE_MARGIN))
        value = next((value for at, _, value in dates if len(value) == 10 and at < stop), None)
        if value:
            return value
    return None


_DATE_WINDOW = 20_000
_DATE_MARGIN = 100  # more than the longest date ("Wednesday 31st of September, 2025")


_HEADING_FROM = re.compile(
    r"\s*(?:[Jj]oint )?(?:[Ss]tatement|[Pp]ress [Rr]elease|[Rr]esponse|[Nn]ews release) (?:from|by|of) (?:the )?"
)


def _publisher(
    clean: str, sentences: list[Segment], resolved: dict[Span, str], organisations, assessed: set[str]
) -> str | None:
    """Who speaks in the document: "on behalf of X" early on, "X Response to ..." as title, "X statement" heading."""
    for sentence in sentences[:8]:
        behalf = re.search(r"\bon behalf of (?:the )?", clean[sentence.start : sentence.end])
        if behalf:
            key = _organisation_at(resolved, sentence.start + behalf.end())
            if key:
                return key
    for line in lines(clean):
        if line.boilerplate:
            continue
        heading = re.search(
            r"\s+(?:[Rr]esponse to|[Ss]tatement|[Pp]ress [Rr]elease|[Aa]nnual [Rr]eport|responds to|welcomes|reacts to)\b",
            line.text,
        )
        if heading and len(line.text.split()) <= 16:
            key = _organisation_at(resolved, line.start)
            if key and organisations[key].cls != INSPECTORATE:
                return key
        source = _HEADING_FROM.match(line.text)
        if source and len(line.text.split()) <= 16:  # "Statement from Bolton Council on ..."
            key = _organisation_at(resolved, line.start + source.end())
            if key and organisations[key].cls != INSPECTORATE:
                return key
    return _masthead(lines(clean), resolved, organisations, assessed)


def _masthead(
    document_lines: list[Segment], resolved: dict[Span, str], organisations, assessed: set[str]
) -> str | None:
    """An organisation named alone on one of the first lines: the page's or letter's owner
    (not a body the document's inspection assessed: its name heads the report too)."""
    for line in [line for line in document_lines if not line.boilerplate][:3]:
        key = _organisation_at(resolved, line.start)
        if key and key not in assessed and len(organisations[key].label) >= len(line.text) - 2:
            return key
    return None


def _organisation_at(resolved: dict[Span, str], offset: int) -> str | None:
    return next((key for span, key in resolved.items() if span.start == offset), None)


def _partners(organisations: dict[str, Organisation]) -> list[tuple[str, str]]:
    """Statutory partners of each partnership named: the council, police and NHS commissioners of its area."""
    pairs = []
    for partnership in (o for o in organisations.values() if o.cls == SAFEGUARDING_PARTNERSHIP and o.area):
        for organisation in organisations.values():
            if (
                organisation.area == partnership.area
                and organisation.unit_of is None
                and organisation.spans
                and _is_statutory(organisation)
            ):
                pairs.append((partnership.key, organisation.key))
    return sorted(pairs)


def _stated_partners(clean: str, sentences: list[Segment], organisations, resolved) -> list[tuple[str, str]]:
    """Members the text names: "The X Partnership brings together A, B and C", or a list after
    "... shared by the three safeguarding partners:"."""
    cue = re.compile(lexicon.organisation_rules().partner_cues, re.IGNORECASE)
    partnerships = [k for k, o in organisations.items() if o.cls == SAFEGUARDING_PARTNERSHIP]
    in_order = SpansInOrder(resolved)
    pairs = []
    for index, sentence in enumerate(sentences):
        if (
            sentence.boilerplate
            or not lexicon.may_match(cue, sentence.text)
            or not cue.search(clean, sentence.start, sentence.end)
        ):
            continue
        end = sentence.end
        if sentence.text.rstrip().endswith(":"):  # the members follow as list lines
            for following in sentences[index + 1 : index + 8]:
                if not _MEMBER_LINE.match(clean, following.line_start):
                    break
                end = following.end
        named = [key for _, key in in_order.starting(sentence.start, end)]
        owner = next(
            (k for k in named if k in partnerships), partnerships[0] if len(partnerships) == 1 else None
        )
        for key in named:
            if (
                owner
                and key != owner
                and organisations[key].cls in (LOCAL_AUTHORITY, POLICE_FORCE, HEALTH_BODY)
            ):
                pairs.append((owner, key))
    return pairs


_MEMBER_LINE = re.compile(r"\s*(?:[-*\u2022]|\d+[.)])?\s*(?:the\s+)?[A-Z]")


def _is_statutory(organisation: Organisation) -> bool:
    if organisation.cls in (LOCAL_AUTHORITY, POLICE_FORCE):
        return True
    return organisation.cls == HEALTH_BODY and bool(
        re.search(r"Clinical Commissioning|Integrated Care", organisation.label)
    )


def _claimed_spans(result: Extraction) -> list[Span]:
    spans = [j.span for a in result.assessments for j in a.judgements]
    for recommendation in result.recommendations:
        spans.append(recommendation.span)
        if recommendation.response:
            spans.append(recommendation.response.span)
    spans.extend(r.response.span for r in result.document_responses)
    return spans
