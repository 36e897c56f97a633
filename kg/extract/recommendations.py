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
from dataclasses import dataclass, field, replace
from functools import cache

from .. import datafiles, lexicon
from ..claims import Assessment, DocumentResponse, Membership, Organisation, Recommendation, Response, Span
from ..resolve import resolve_reference
from ..spans import LastNamed, SpanSet, SpansInOrder
from ..text import Segment, lines
from .dates import first_date
from .recommendation_lists import find_announced_items, find_list_recommendations
from .responses import Speakers, find_reactions


@cache
def _patterns() -> dict[str, re.Pattern]:
    data = datafiles.recommendations()
    case_blind = {
        "numbered": data.numbered,
        "in_sentence": data.in_sentence,
        "announces_list": data.announces_list,
        "blanket_acceptance": data.blanket_acceptance,
    }
    exact = {
        "heading": data.heading,
        "list_item": data.list_item,
        "response": data.response,
        "addressee_end": data.addressee_end,
        "document_response": data.document_response,
    }
    return {name: re.compile(pattern, re.IGNORECASE) for name, pattern in case_blind.items()} | {
        name: re.compile(pattern) for name, pattern in exact.items()
    }


@cache
def _imperative_split() -> re.Pattern:
    verbs = "|".join(datafiles.recommendations().imperatives)
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
    main_area: str | None = None,
) -> list[Recommendation]:
    """Every recommendation laid out line by line, in text order, with addressees, assessment and response:
    the lists of inspection reports first (``recommendation_lists``), then the other layouts outside them."""
    resolved, assessments = SpansInOrder(resolved), _Assessments(assessments)
    listed, sections = find_list_recommendations(clean, organisations, resolved, assessments, main_area)
    reader = _LineReader(clean, organisations, resolved, assessments, publisher)
    for line in lines(clean):
        if not line.boilerplate and not any(s.start <= line.start < s.end for s in sections):
            reader.read(line)
    reader.close()
    taken = sections + [r.span for r in listed + reader.found]
    announced = find_announced_items(clean, organisations, resolved, assessments, taken)
    return sorted(listed + reader.found + announced, key=lambda r: r.span.start)


_OPENING_THE = re.compile(r"\s*(?:the\s+)?", re.IGNORECASE)
_MODAL = re.compile(r"\b(?:should|must|needs? to|are asked to|is asked to)\b")
_TABLE_COLUMNS = (
    ("number", re.compile(r"^(?:no\.?|#|number|ref\.?|rec\.?)$", re.IGNORECASE)),
    ("recommendation", re.compile(r"recommendation", re.IGNORECASE)),
    ("agency", re.compile(r"agency|lead|owner|responsib|addressed|organisation|partner", re.IGNORECASE)),
    ("response", re.compile(r"response|progress|action|update|status", re.IGNORECASE)),
)


class _LineReader:
    """Reads a document's lines in order; the layouts are those of the module docstring."""

    def __init__(self, clean, organisations, resolved, assessments, publisher):
        self.clean, self.organisations, self.resolved = clean, organisations, resolved
        self.assessments, self.publisher = assessments, publisher
        self.found: list[Recommendation] = []
        self.current: _Open | None = None
        self.in_list = False
        self.list_addressees: list[str] = []
        self.columns: dict[str, int] | None = None

    def read(self, line: Segment) -> None:
        text = line.text
        if self.columns is not None and "|" in text:
            self._table_row(line, self.columns)
            return
        self.columns = None
        if (
            "|" in text
            and _patterns()["heading"].search(text.replace("|", " ")) is None
            and re.search(r"recommendation", text, re.IGNORECASE)
        ):
            self._table_header(line)
            return
        numbered = _patterns()["numbered"].match(text)
        response = _patterns()["response"].match(text)
        item = _patterns()["list_item"].match(text) if self.in_list else None
        if item and _is_heading(text[item.end() :]):
            item, self.in_list = None, False  # "6. Conclusion": the next section
        if item and _number(item) is None and self.current and self.current.response_start is not None:
            item = None  # a bullet inside a response continues the response
        if self.current and self.current.awaiting_body and not (numbered or item or response):
            _fill_body(self.clean, self.current, line, self.organisations, self.resolved)
        elif self.current and self.current.response_start == -1 and not (numbered or item):
            self.current.response_start, self.current.response_end = line.start, line.end
        elif numbered or item:
            self._open(line, numbered or item)
        elif response and self.current and self.current.response_start is None:
            self._response(self.current, line, response)
        elif self.current and self.current.response_start is not None and _is_prose(text):
            self.current.response_end = line.end
        elif _patterns()["heading"].fullmatch(text) or _is_run_on_heading(text):
            self._heading(line)
        elif self.in_list and _is_prose(text) and _MODAL.search(text):
            self._open(line, None)  # a paragraph under "Areas for improvement"
        elif not (self.in_list and _is_footer(text)):
            self.close()
            self.in_list = False

    def close(self) -> None:
        _close(self.clean, self.current, self.organisations, self.resolved, self.publisher)
        self.current = None

    def _open(self, line: Segment, marker: re.Match | None) -> None:
        self.close()
        body = marker.end() if marker else 0
        number = _number(marker) if marker else None
        recommendation = _recommendation(
            self.clean, line, body, number, self.organisations, self.resolved, self.assessments
        )
        if not recommendation.addressed_to and self.in_list:
            recommendation.addressed_to = list(self.list_addressees)
        self.current = _Open(recommendation)
        self.current.awaiting_body = len(line.text[body:].split()) < 3
        self.found.append(recommendation)

    def _response(self, current: _Open, line: Segment, response: re.Match) -> None:
        who = response.span("named") if response.group("named") else response.span("who")
        current.response_start = line.start + response.end() if response.end() < len(line.text) else -1
        current.response_end = line.end
        current.response_who = (line.start + who[0], line.start + who[1])

    def _heading(self, line: Segment) -> None:
        """A list of recommendations follows; "I recommend that the partnership:" names whom for all."""
        self.close()
        self.in_list = True
        self.list_addressees = _addressees(
            self.clean, line.start, line.end, self.organisations, self.resolved, lead_in=True
        )
        self.found.extend(
            _run_on_items(self.clean, line, self.organisations, self.resolved, self.assessments)
        )

    def _table_header(self, line: Segment) -> None:
        self.close()
        cells = [cell.strip() for cell in line.text.strip().strip("|").split("|")]
        self.columns = {}
        for index, cell in enumerate(cells):
            for role, pattern in _TABLE_COLUMNS:
                if role not in self.columns and pattern.search(cell):
                    self.columns[role] = index
                    break
        if "recommendation" not in self.columns:
            self.columns = None

    def _table_row(self, line: Segment, column: dict[str, int]) -> None:
        """One recommendation a row: number, text, the agencies that lead, their response."""
        cells = _cells(line)
        if len(cells) <= column["recommendation"]:
            return
        start, end = cells[column["recommendation"]]
        number_cell = self.clean[slice(*cells[column["number"]])].strip() if "number" in column else ""
        number = int(number_cell) if number_cell.isdigit() else None
        recommendation = _recommendation(
            self.clean,
            Segment(start, end, self.clean[start:end], line.line_start),
            0,
            number,
            self.organisations,
            self.resolved,
            self.assessments,
        )
        if "agency" in column and column["agency"] < len(cells):
            a_start, a_end = cells[column["agency"]]
            named = [key for _, key in self.resolved.starting(a_start, a_end)]
            recommendation.addressed_to = list(dict.fromkeys(named)) or recommendation.addressed_to
        if "response" in column and column["response"] < len(cells):
            r_start, r_end = cells[column["response"]]
            if r_end > r_start:
                respondent = recommendation.addressed_to[0] if recommendation.addressed_to else self.publisher
                recommendation.response = Response(
                    _tidy(self.clean[r_start:r_end]),
                    Span(r_start, r_end),
                    respondent,
                    first_date(self.clean, r_start, r_end),
                )
        self.found.append(recommendation)


def _cells(line: Segment) -> list[tuple[int, int]]:
    """The (start, end) of each cell's text in a row written "a | b | c", stripped of spaces."""
    cells = []
    position = line.start
    for part in line.text.split("|"):
        stripped = part.strip()
        offset = part.find(stripped) if stripped else 0
        cells.append((position + offset, position + offset + len(stripped)))
        position += len(part) + 1
    if line.text.startswith("|"):
        cells = cells[1:]
    if line.text.rstrip().endswith("|"):
        cells = cells[:-1]
    return cells


def _is_footer(text: str) -> bool:
    return bool(re.search(r"\bpage \d+(?: of \d+)?\s*$", text, re.IGNORECASE))


def _number(match: re.Match) -> int | None:
    groups = match.groupdict()
    value = groups.get("number") or groups.get("number2")
    if not value:
        return None
    return int(value) if value.isdigit() else datafiles.recommendations().number_words[value.lower()]


def find_sentence_recommendations(
    clean: str, sentences: list[Segment], organisations, resolved, assessments, taken: list[Span]
) -> list[Recommendation]:
    """Recommendations in running text: "The review recommends that X should ...", and an announced
    list ("makes three recommendations") continued by "First, ... Second, ..."."""
    ordinals = datafiles.recommendations().ordinals
    found: list[Recommendation] = []
    listing = False
    claimed = SpanSet(taken)
    resolved, assessments = SpansInOrder(resolved), _Assessments(assessments)
    for sentence in sentences:
        if sentence.boilerplate or claimed.covers(sentence.start):
            continue
        text = clean[sentence.start : sentence.end]
        first_word = re.match(r"(\w+),?\s+", text)
        ordinal = ordinals.get(first_word.group(1).lower()) if first_word else None
        if listing and ordinal and first_word:
            found.append(
                _recommendation(
                    clean, sentence, first_word.end(), ordinal, organisations, resolved, assessments
                )
            )
            continue
        announces, in_sentence = _patterns()["announces_list"], _patterns()["in_sentence"]
        announced = announces.search(text) if lexicon.may_match(announces, text) else None
        listing = announced is not None
        cue = in_sentence.search(text) if lexicon.may_match(in_sentence, text) else None
        # "makes eight recommendations, including that X should ...": one given with the count
        given = cue is not None and (announced is None or cue.end() > announced.end())
        if cue and given and not text.rstrip().endswith(("?", ":")):
            recommendation = _recommendation(
                clean, sentence, cue.end(), None, organisations, resolved, assessments
            )
            recommendation.statement = _tidy(
                re.sub(r"^\(?\d{1,3}[.)]\s+", "", text)
            )  # the whole sentence, its subject too
            found.append(recommendation)
    return found


def _fill_body(clean: str, current: _Open, line: Segment, organisations, resolved) -> None:
    """Give a recommendation whose number stood alone the text of the line below it."""
    from .themes import themes_in

    recommendation = current.recommendation
    recommendation.statement = _tidy(clean[line.start : line.end])
    recommendation.span = Span(recommendation.span.start, line.end)
    recommendation.addressed_to = _addressees(clean, line.start, line.end, organisations, resolved)
    recommendation.themes = themes_in(recommendation.statement)
    current.awaiting_body = False


def _is_section_heading(text: str) -> bool:
    return 0 < len(text.split()) <= 8 and not text.rstrip().endswith((".", ";", ":", ",", '"'))


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
        piece = Segment(
            line.start + start,
            line.start + len(line.text[:end].rstrip()),
            line.text[start:end].rstrip(),
            line.line_start,
        )
        items.append(_recommendation(clean, piece, 0, None, organisations, resolved, assessments))
    return items


def _recommendation(
    clean: str, line: Segment, body_offset: int, number, organisations, resolved, assessments
) -> Recommendation:
    from .themes import themes_in

    body_start = line.start + body_offset
    statement = _tidy(clean[body_start : line.end])
    return Recommendation(
        number=number,
        statement=statement,
        span=Span(line.start, line.end),
        addressed_to=_addressees(clean, body_start, line.end, organisations, resolved),
        themes=themes_in(statement),
        assessment=_assessment_before(line.start, assessments),
    )


def _addressees(
    clean: str, start: int, end: int, organisations, resolved, lead_in: bool = False
) -> list[str]:
    """Organisations named before "to <verb>" or "should" in "X (and Y) to consider ...", or the one a
    reference there stands for ("The Board should ..."); in a lead-in, those before its colon
    ("I recommend that the partnership:")."""
    if lead_in:
        colon = clean.rfind(":", start, end)
        if colon < 0:
            return []
        keys = [key for _, key in resolved.starting(start, colon)]
        reference = None if keys else resolve_reference(clean[start:colon], organisations)
        return list(dict.fromkeys(keys)) or ([reference] if reference else [])
    boundary = _patterns()["addressee_end"].search(clean, start, end)
    if boundary is None:
        opening = _OPENING_THE.match(clean, start, end)  # always matches, perhaps nothing
        skip = opening.end() - start if opening else 0
        return [key for _, key in resolved.starting(start + skip, start + skip + 1)][:1]
    keys = [key for _, key in resolved.starting(start, boundary.start())]
    if not keys:
        reference = resolve_reference(clean[start : boundary.start()], organisations)
        keys = [reference] if reference else []
    return list(dict.fromkeys(keys))


class _Assessments(list):
    """The document's assessments, with those named at least twice ready to be found by
    position (a scan of every span for each recommendation took time quadratic in the text)."""

    def __init__(self, assessments: list[Assessment]) -> None:
        super().__init__(assessments)
        self.named_twice = LastNamed([a.spans if len(a.spans) >= 2 else [] for a in assessments])
        self.named = LastNamed([a.spans for a in assessments])


def _assessment_before(offset: int, assessments: _Assessments) -> Assessment | None:
    """The nearest assessment named (at least twice) before ``offset``, else the nearest named
    once before it (a statement answers what it has just named), else the main one."""
    index = assessments.named_twice.at(offset)
    if index is None:
        index = assessments.named.at(offset)
    if index is not None:
        return assessments[index]
    return assessments[0] if assessments else None


def _close(clean, current: _Open | None, organisations, resolved, publisher) -> None:
    if current is None or current.response_start is None or current.response_start < 0:
        return None
    assert current.response_end is not None  # set with the start
    start, end = current.response_start, current.response_end
    respondent = _respondent(clean, current.response_who, organisations, resolved, publisher)
    current.recommendation.response = Response(
        _tidy(clean[start:end]), Span(start, end), respondent, first_date(clean, start, end)
    )
    return None


def _respondent(clean, who: tuple[int, int] | None, organisations, resolved, publisher) -> str | None:
    if who and who[1] > who[0]:
        inside = [key for _, key in resolved.starting(who[0], who[1])]
        if inside:
            return inside[0]
        return resolve_reference(clean[who[0] : who[1]], organisations) or publisher
    return publisher


def find_document_responses(
    clean: str,
    sentences: list[Segment],
    organisations: dict[str, Organisation],
    resolved: dict[Span, str],
    assessments: list[Assessment],
    publisher: str | None,
    memberships: list[Membership],
) -> list[DocumentResponse]:
    """Responses to a whole assessment: a partnership's statement, a government response (one per
    respondent), then the apologies, commitments and directions of ``responses.find_reactions``.
    A response that names no organisation is its speaker's ("Role Name said: 'We accept ...'"),
    else the one a reference names, else the publisher's."""
    found: dict[str | None, DocumentResponse] = {}
    conductors = {key for a in assessments for key in a.conducted_by}
    resolved, assessments = SpansInOrder(resolved), _Assessments(assessments)
    speakers = Speakers(memberships, organisations)
    response_cue = _patterns()["document_response"]
    for sentence in sentences:
        if (
            sentence.boilerplate
            or not lexicon.may_match(response_cue, sentence.text)
            or not response_cue.search(clean, sentence.start, sentence.end)
        ):
            continue
        inside = [key for _, key in resolved.starting(sentence.start, sentence.end) if key not in conductors]
        respondent = (
            inside[0]
            if inside
            else speakers.organisation(sentence)
            or resolve_reference(clean[sentence.start : sentence.end], organisations)
            or publisher
        )
        if respondent is None or respondent in found:
            continue
        response = Response(
            _tidy(clean[sentence.start : sentence.end]),
            Span(sentence.start, sentence.end),
            respondent,
            first_date(clean, sentence.start, sentence.end),
        )
        found[respondent] = DocumentResponse(response, _assessment_before(sentence.end, assessments))
    taken = [r.response.span for r in found.values()]
    reactions = find_reactions(
        clean, sentences, organisations, resolved, assessments, publisher, speakers, taken
    )
    return sorted([*found.values(), *reactions], key=lambda r: r.response.span.start)


def answer_unanswered(
    clean: str, recommendations: list[Recommendation], responses: list[DocumentResponse]
) -> list[DocumentResponse]:
    """ "The partners have accepted all three recommendations" right after the list: a response to the
    whole assessment and, citing the same words, the response to each recommendation still without
    one. Under a heading of its own ("Response of the Board") it answers only the whole assessment."""
    for document_response in responses:
        response = document_response.response
        if not _patterns()["blanket_acceptance"].search(response.statement):
            continue
        unanswered = [r for r in recommendations if r.response is None and r.span.start < response.span.start]
        if unanswered and any(
            _is_section_heading(line.text)
            for line in lines(clean[: response.span.start])
            if line.start >= max(r.span.end for r in unanswered)
        ):
            continue
        for index, recommendation in enumerate(unanswered, start=1):
            recommendation.response = replace(response, answers=index)
    return responses


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" -:*")
    return text
