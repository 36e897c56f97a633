"""Responses to a whole assessment in the language of statements and news (ONTOLOGY.md,
sg:Response answering an assessment by sg:hasResponse): an apology ("the council has
apologised for ..."), a commitment ("said it was determined to improve", "has pledged to"), a
disappointment ("said it was 'disappointed'"), steps already taken or work already under way,
recommendations taken forward ("have continued to progress the recommendations"), action taken
before a review ended, a quote about the report attributed after it ("'... this report ...,' a
council spokesperson said"), a minister's statement to the House or statutory direction ("order
a statutory inspection"), an official's quoted reaction to the report ("X said: 'The report
acknowledges ...'"), and the quote announced by "Following the publication of the review, X has
stated that ...:".

Patterns are in ``kg/data/recommendations.json`` (key ``reactions``). Each sentence gives at most
one response; its respondent is the first organisation it names that did not conduct the
assessment, else the organisation of the person it names with a role (there or earlier: "Ms Bell
said ..."), else the one its words refer to ("the council"), else the document's publisher, else none.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .. import datafiles, lexicon
from ..claims import DocumentResponse, Membership, Organisation, Response, Span
from ..resolve import resolve_reference
from ..spans import SpanSet, SpansInOrder
from ..text import Segment, lines
from ..vocab import INSPECTORATE
from .dates import first_date
from .quotes import national_body

if TYPE_CHECKING:
    from .recommendations import _Assessments  # for annotations only: recommendations imports this module


@cache
def _rules() -> dict[str, re.Pattern]:
    data = datafiles.recommendations().reactions
    return {
        "reaction": re.compile(data.reaction, re.IGNORECASE),
        "announces_quote": re.compile(data.announces_quote, re.IGNORECASE),
    }


def find_reactions(
    clean: str,
    sentences: list[Segment],
    organisations: dict[str, Organisation],
    resolved: SpansInOrder,
    assessments: _Assessments,
    publisher: str | None,
    speakers: Speakers,
    taken: list[Span],
) -> list[DocumentResponse]:
    """Responses to the assessment stated in running text, in text order, outside the ``taken``
    spans and those of the responses found before (``sentences`` in text order)."""
    from .recommendations import _assessment_before, _tidy

    conductors = {key for a in assessments for key in a.conducted_by}
    found: list[DocumentResponse] = []
    apologies: set[str | None] = set()
    claimed = SpanSet(taken)
    reaching: list[tuple[int, int]] = []  # (end, start) of the responses found, that may cover what follows
    for sentence in sentences:
        while reaching and reaching[0][0] <= sentence.start:
            heapq.heappop(reaching)
        if (
            sentence.boilerplate
            or claimed.covers(sentence.start)
            or any(start <= sentence.start for _, start in reaching)
            or _is_headline(clean, sentence)
        ):
            continue
        span = _reaction_span(clean, sentence)
        if span is None:
            continue
        named = [
            key
            for _, key in resolved.starting(sentence.start, sentence.end)
            if key not in conductors and organisations[key].cls != INSPECTORATE
        ]
        respondent = (
            _national_subject(clean, sentence, organisations)
            or (named[0] if named else None)
            or speakers.organisation(sentence)
            or resolve_reference(sentence.text, organisations)
            or publisher
        )
        if re.search(r"apolog", clean[span.start : span.end], re.IGNORECASE):
            if respondent in apologies:
                continue  # the council's apology, then its director's words "we apologise"
            apologies.add(respondent)
        response = Response(
            _tidy(clean[span.start : span.end]), span, respondent, first_date(clean, span.start, span.end)
        )
        found.append(DocumentResponse(response, _assessment_before(sentence.end, assessments)))
        heapq.heappush(reaching, (span.end, span.start))
    return found


def _national_subject(clean: str, sentence: Segment, organisations: dict[str, Organisation]) -> str | None:
    """The national body of a minister who is the sentence's subject ("The Secretary of State for
    Education has issued a statutory direction to X Council": the department, not the council)."""
    match = _national_title_at_start().match(clean, sentence.start, sentence.end)
    return national_body(match.group("title"), organisations) if match else None


@cache
def _national_title_at_start() -> re.Pattern:
    titles = sorted(
        (t for body in datafiles.roles().national_bodies for t in body.titles), key=len, reverse=True
    )
    return re.compile(
        r"\s*(?:the\s+)?(?P<title>"
        + "|".join(re.escape(title) for title in titles)
        + r"|(?:Secretary of State|Minister) (?:for|of) [A-Z][\w,' ]+?)"
        + r"(?:,\s*[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)+,?)?"  # "The Education Secretary, Name, has ..."
        + r"\s+(?:has|have|had|is|was|will|today|announced|issued|ordered|appointed|directed|wrote|said)\b",
        re.IGNORECASE,
    )


class Speakers:
    """Who speaks for which organisation in one document: its memberships in text order, asked
    sentence by sentence (built once, so a long text naming hundreds of people is not scanned
    again for each sentence that responds)."""

    def __init__(self, memberships: list[Membership], organisations: dict[str, Organisation]) -> None:
        self._answering = [
            m
            for m in sorted(memberships, key=lambda m: m.span.start)
            if m.organisation in organisations and organisations[m.organisation].cls != INSPECTORATE
        ]
        self._starts = [m.span.start for m in self._answering]
        self._named_again: dict[str, re.Pattern] = {}

    def organisation(self, sentence: Segment) -> str | None:
        """The organisation of the first person the sentence names with a role ("Education
        Secretary Name has appointed ...", "Role Name said: 'We accept ...'"), else of one named
        with a role earlier and now by name or title and surname alone ("Ms Bell said: 'We accept
        ...'"); never an inspectorate's (a partnership answers the review it conducted)."""
        first = bisect_left(self._starts, sentence.start)
        if first < len(self._starts) and self._starts[first] < sentence.end:
            return self._answering[first].organisation
        for m in self._answering[:first]:
            # the surname is in every form that names the person again: a cheap test first
            if m.person.split()[-1] in sentence.text and self._pattern(m.person).search(sentence.text):
                return m.organisation
        return None

    def _pattern(self, person: str) -> re.Pattern:
        """A person's full name, or a title and their surname ("Ms Bell", "Councillor Hart")."""
        if person not in self._named_again:
            titles = "|".join(re.escape(title) for title in lexicon.honorifics())
            surname = re.escape(person.split()[-1])
            self._named_again[person] = re.compile(rf"\b(?:{re.escape(person)}|(?:{titles})\.? {surname})\b")
        return self._named_again[person]


def _is_headline(clean: str, sentence: Segment) -> bool:
    """A headline or caption: its line does not end a sentence."""
    end = clean.find("\n", sentence.start)
    line = clean[sentence.line_start : len(clean) if end < 0 else end].rstrip().rstrip("'\"")
    return not line.endswith((".", "!", "?", ":"))


def _reaction_span(clean: str, sentence: Segment) -> Span | None:
    """The sentence, if it responds; the paragraph after it, if it announces the quote that responds."""
    text = clean[sentence.start : sentence.end]
    announces, reaction = _rules()["announces_quote"], _rules()["reaction"]
    if text.rstrip().endswith(":") and lexicon.may_match(announces, text) and announces.search(text):
        document_lines = lines(clean)
        after = bisect_right(_line_starts(clean), sentence.end)
        following = next((line for line in document_lines[after:] if not line.boilerplate), None)
        return Span(following.start, following.end) if following else None
    if lexicon.may_match(reaction, text) and reaction.search(text):
        return _whole_sentence(clean, sentence)
    return None


@lru_cache(maxsize=4)
def _line_starts(clean: str) -> list[int]:
    """Where each of ``lines(clean)`` starts, in order: the line after an offset by bisection."""
    return [line.start for line in lines(clean)]


def _whole_sentence(clean: str, sentence: Segment) -> Span:
    """The sentence to its punctuation: the segmenter may have split a long one at a capital
    ("... told the House last | September that ...")."""
    line_end = clean.find("\n", sentence.end)
    line_end = len(clean) if line_end < 0 else line_end
    before = [m.end() for m in _SENTENCE_END.finditer(clean, sentence.line_start, sentence.start)]
    start = before[-1] if before else sentence.line_start
    after = _SENTENCE_END.search(clean, sentence.end - 1, line_end)
    return Span(start, after.start() if after else line_end)


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
