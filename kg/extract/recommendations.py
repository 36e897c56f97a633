"""Recommendations and the responses to them.

Layouts recognised (patterns in ``kg/data/recommendations.json``):
- numbered lines: "Recommendation 3 - Children's Services to review ...", "R3:", "Rec 3.";
- a list after a "Recommendations" heading: "1. ...", "(a) ...", bullets;
- a run-on slide line: "Recommendations Review ... Establish ... Produce ...", split
  where an imperative verb starts a new item.
A line opening with "<Who> Response -" answers the recommendation before it, and the
paragraphs after it continue the response until the next recommendation or a footer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ..claims import Assessment, DocumentResponse, Organisation, Recommendation, Response, Span
from ..resources import load_json
from ..resolve import resolve_reference
from ..text import Segment, lines
from .dates import first_date


@cache
def _patterns() -> dict[str, re.Pattern]:
    data = load_json("recommendations.json")
    return {
        name: re.compile(data[name], re.IGNORECASE if name in ("numbered", "in_sentence", "announces_list") else 0)
        for name in ("numbered", "heading", "list_item", "response", "addressee_end", "document_response", "in_sentence", "announces_list")
    }


@cache
def _imperative_split() -> re.Pattern:
    verbs = "|".join(load_json("recommendations.json")["imperatives"])
    return re.compile(rf"(?:(?<=^)|(?<=[a-z)\d] ))(?:{verbs})\b(?= [a-z])")


@dataclass
class _Open:
    """The recommendation or response being read, with the span it has grown to."""

    recommendation: Recommendation
    awaiting_body: bool = False  # "Recommendation 1" alone on its line: the text is on the next
    response_start: int | None = None
    response_end: int | None = None
    response_who: tuple[int, int] | None = None
    lines: list[Segment] = field(default_factory=list)


def find_recommendations(
    clean: str,
    organisations: dict[str, Organisation],
    resolved: dict[Span, str],
    assessments: list[Assessment],
    publisher: str | None,
) -> list[Recommendation]:
    """Every recommendation in text order, with addressees, assessment and response."""
    found: list[Recommendation] = []
    current: _Open | None = None
    in_list = False
    for line in lines(clean):
        if line.boilerplate:
            continue
        numbered = _patterns()["numbered"].match(line.text)
        response = _patterns()["response"].match(line.text)
        item = _patterns()["list_item"].match(line.text) if in_list else None
        if item and _is_heading(line.text[item.end():]):
            item, in_list = None, False  # "6. Conclusion": the next section
        if item and _number(item) is None and current and current.response_start is not None:
            item = None  # a bullet inside a response continues the response
        if current and current.awaiting_body and not (numbered or item or response):
            _fill_body(clean, current, line, organisations, resolved)
            continue
        if current and current.response_start == -1 and not (numbered or item):
            current.response_start, current.response_end = line.start, line.end
            continue
        if numbered or item:
            current = _close(clean, current, organisations, resolved, publisher)
            number = _number(numbered or item)
            body = numbered.end() if numbered else item.end()
            current = _Open(_recommendation(clean, line, body, number, organisations, resolved, assessments))
            current.awaiting_body = len(line.text[body:].split()) < 3
            found.append(current.recommendation)
        elif response and current and current.response_start is None:
            who = response.span("named") if response.group("named") else response.span("who")
            current.response_start = line.start + response.end() if response.end() < len(line.text) else -1
            current.response_end = line.end
            current.response_who = (line.start + who[0], line.start + who[1])
        elif current and current.response_start is not None and _is_prose(line.text):
            current.response_end = line.end
        elif _patterns()["heading"].fullmatch(line.text) or _is_run_on_heading(line.text):
            current = _close(clean, current, organisations, resolved, publisher)
            in_list = True
            found.extend(_run_on_items(clean, line, organisations, resolved, assessments))
        else:
            current = _close(clean, current, organisations, resolved, publisher)
            in_list = False
    _close(clean, current, organisations, resolved, publisher)
    return found


def _number(match: re.Match) -> int | None:
    groups = match.groupdict()
    value = groups.get("number") or groups.get("number2")
    if not value:
        return None
    return int(value) if value.isdigit() else load_json("recommendations.json")["number_words"][value.lower()]


def find_sentence_recommendations(
    clean: str, sentences: list[Segment], organisations, resolved, assessments, taken: list[Span]
) -> list[Recommendation]:
    """Recommendations in running text: "The review recommends that X should ...", and an announced
    list ("makes three recommendations") continued by "First, ... Second, ..."."""
    ordinals = load_json("recommendations.json")["ordinals"]
    found: list[Recommendation] = []
    listing = False
    for sentence in sentences:
        if sentence.boilerplate or any(s.start <= sentence.start < s.end for s in taken):
            continue
        text = clean[sentence.start:sentence.end]
        first_word = re.match(r"(\w+),?\s+", text)
        ordinal = ordinals.get(first_word.group(1).lower()) if first_word else None
        if listing and ordinal:
            found.append(_recommendation(clean, sentence, first_word.end(), ordinal, organisations, resolved, assessments))
            continue
        listing = bool(_patterns()["announces_list"].search(text))
        cue = _patterns()["in_sentence"].search(text)
        if cue and not listing and not text.rstrip().endswith("?"):
            found.append(_recommendation(clean, sentence, cue.end(), None, organisations, resolved, assessments))
    return found


def _fill_body(clean: str, current: _Open, line: Segment, organisations, resolved) -> None:
    """Give a recommendation whose number stood alone the text of the line below it."""
    from .themes import themes_in

    recommendation = current.recommendation
    recommendation.statement = _tidy(clean[line.start:line.end])
    recommendation.span = Span(recommendation.span.start, line.end)
    recommendation.addressed_to = _addressees(clean, line.start, line.end, organisations, resolved)
    recommendation.themes = themes_in(recommendation.statement)
    current.awaiting_body = False


def _is_heading(text: str) -> bool:
    return 0 < len(text.split()) <= 4 and not text.rstrip().endswith((".", ";", ":", ","))


def _is_prose(text: str) -> bool:
    return len(text.split()) >= 8 or text.rstrip().endswith((".", ";", ":"))


def _is_run_on_heading(text: str) -> bool:
    heading = re.match(r"(?:Key |Our )?Recommendations\s+", text)
    return bool(heading and _imperative_split().match(text, heading.end()))


def _run_on_items(clean: str, line: Segment, organisations, resolved, assessments) -> list[Recommendation]:
    heading = re.match(r"(?:Key |Our )?Recommendations\s*[:.]?\s*", line.text)
    body_start = heading.end() if heading else len(line.text)
    starts = [m.start() for m in _imperative_split().finditer(line.text, body_start)]
    items = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(line.text)
        piece = Segment(line.start + start, line.start + len(line.text[:end].rstrip()), line.text[start:end].rstrip(), line.line_start)
        items.append(_recommendation(clean, piece, 0, None, organisations, resolved, assessments))
    return items


def _recommendation(clean: str, line: Segment, body_offset: int, number, organisations, resolved, assessments) -> Recommendation:
    from .themes import themes_in

    body_start = line.start + body_offset
    statement = _tidy(clean[body_start:line.end])
    return Recommendation(
        number=number,
        statement=statement,
        span=Span(line.start, line.end),
        addressed_to=_addressees(clean, body_start, line.end, organisations, resolved),
        themes=themes_in(statement),
        assessment=_assessment_before(line.start, assessments),
    )


def _addressees(clean: str, start: int, end: int, organisations, resolved) -> list[str]:
    """Organisations named before "to <verb>" or "should" in "X (and Y) to consider ...", or the one a
    reference there stands for ("The Board should ...")."""
    boundary = _patterns()["addressee_end"].search(clean, start, end)
    if boundary is None:
        opening = re.match(r"\s*(?:the\s+)?", clean[start:end], re.IGNORECASE).end()
        return [key for span, key in sorted(resolved.items()) if span.start == start + opening][:1]
    keys = [key for span, key in sorted(resolved.items()) if start <= span.start < boundary.start()]
    if not keys:
        reference = resolve_reference(clean[start:boundary.start()], organisations)
        keys = [reference] if reference else []
    return list(dict.fromkeys(keys))


def _assessment_before(offset: int, assessments: list[Assessment]) -> Assessment | None:
    """The nearest assessment named (at least twice) before ``offset``, else the main one."""
    before = [
        (max(s.start for s in a.spans if s.start <= offset), a)
        for a in assessments if len(a.spans) >= 2 and any(s.start <= offset for s in a.spans)
    ]
    if before:
        return max(before, key=lambda item: item[0])[1]
    return assessments[0] if assessments else None


def _close(clean, current: _Open | None, organisations, resolved, publisher) -> None:
    if current is None or current.response_start is None or current.response_start < 0:
        return None
    start, end = current.response_start, current.response_end
    respondent = _respondent(clean, current.response_who, organisations, resolved, publisher)
    current.recommendation.response = Response(_tidy(clean[start:end]), Span(start, end), respondent, first_date(clean, start, end))
    return None


def _respondent(clean, who: tuple[int, int] | None, organisations, resolved, publisher) -> str | None:
    if who and who[1] > who[0]:
        inside = [key for span, key in sorted(resolved.items()) if who[0] <= span.start < who[1]]
        if inside:
            return inside[0]
        return resolve_reference(clean[who[0]:who[1]], organisations) or publisher
    return publisher


def find_document_responses(
    clean: str,
    sentences: list[Segment],
    organisations: dict[str, Organisation],
    resolved: dict[Span, str],
    assessments: list[Assessment],
    publisher: str | None,
) -> list[DocumentResponse]:
    """Responses to a whole assessment: a partnership's statement, a government response."""
    found: dict[str | None, DocumentResponse] = {}
    conductors = {key for a in assessments for key in a.conducted_by}
    for sentence in sentences:
        if sentence.boilerplate or not _patterns()["document_response"].search(clean, sentence.start, sentence.end):
            continue
        inside = [key for span, key in sorted(resolved.items()) if sentence.start <= span.start < sentence.end and key not in conductors]
        respondent = inside[0] if inside else (resolve_reference(clean[sentence.start:sentence.end], organisations) or publisher)
        if respondent is None or respondent in found:
            continue
        response = Response(_tidy(clean[sentence.start:sentence.end]), Span(sentence.start, sentence.end), respondent,
                            first_date(clean, sentence.start, sentence.end))
        found[respondent] = DocumentResponse(response, _assessment_before(sentence.end, assessments))
    return list(found.values())


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" -:*")
    return text
