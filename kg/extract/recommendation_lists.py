"""Recommendations laid out as the lists of inspection reports and letters (ONTOLOGY.md,
sg:Recommendation): one recommendation per item of a section such as "What needs to improve?",
"What does the LSCB need to improve?", "Areas for improvement", "Areas for priority action",
"Recommendations" or "Priorities for further improvement" (headings in
``kg/data/recommendations.json``, key ``list_sections``).

An item opens with a bullet (any glyph: the clean view turns it into a line break, see
``kg.text.starts_bullet_item``) or a printed number ("158."), which is kept as the item's number.
It runs on over the lines below it, page breaks included, until the next item, a heading or
the end of the section. A short line without final punctuation is a sub-heading when an item
of the list follows it ("Care leavers", an address block at a page foot) and ends the section
otherwise ("The experiences and progress of ...: good", then numbered paragraphs). After a
sub-heading a numbered item must read as an instruction ("Ensure ...") to continue the list:
reports number their paragraphs on through the lists. A case-study box set inside the list
is skipped up to the next bullet. Without bullets or numbers, each paragraph saying what someone
should do is an item, up to the first that does not.

Addressees: the council the report inspects, the LSCB for a section or part about the board,
and, in a joint inspection (two or more inspectorates conduct it), the organisations each item
names, by name or by the kind of agency ("police" when one police force is named).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .. import datafiles
from ..claims import Assessment, Organisation, Recommendation, Span
from ..text import Segment, lines, starts_bullet_item
from ..vocab import INSPECTORATE, LOCAL_AUTHORITY, SAFEGUARDING_PARTNERSHIP
from .lists import DASH, NUMBERED, ListItem, continues_item, items_after

if TYPE_CHECKING:
    from .recommendations import _Assessments  # for annotations only: recommendations imports this module

_HEADING_MAX_WORDS = 16
_LOOKAHEAD_LINES = 8
_INTERRUPTION_LINES = 60
_JOINT_CONDUCTORS = 2
_JOINT_NAMED = 3


@cache
def _rules() -> dict[str, re.Pattern]:
    data = datafiles.recommendations().lists
    case_blind = {
        "section": data.section,
        "board_section": data.board_section,
        "council_section": data.council_section,
        "end": data.end,
        "interruption": data.interruption,
        "no_items": data.no_items,
        "lead": data.lead,
        "board_scope": data.board_scope,
        "announces": data.announces,
        "modal": data.modal,
    }
    patterns = {key: re.compile(pattern, re.IGNORECASE) for key, pattern in case_blind.items()}
    patterns["end_sentence"] = re.compile(data.end_sentence)
    verbs = "|".join(data.instruction_verbs)
    patterns["instruction"] = re.compile(
        rf"^(?:(?:\w+ly|further|also|then),?\s+)?(?:{verbs})\b", re.IGNORECASE
    )
    return patterns


@dataclass
class _Context:
    clean: str
    organisations: dict[str, Organisation]
    resolved: dict[Span, str]
    assessments: _Assessments
    council: list[str]
    board: list[str]
    joint: bool


def find_list_recommendations(
    clean: str,
    organisations: dict[str, Organisation],
    resolved: dict[Span, str],
    assessments: _Assessments,
    main_area: str | None,
) -> tuple[list[Recommendation], list[Span]]:
    """Every item of the report's recommendation lists, in text order, and the spans of the
    sections read (other layouts are not looked for inside them)."""
    context = _Context(
        clean,
        organisations,
        resolved,
        assessments,
        _council(organisations, assessments, main_area),
        _board(organisations, main_area),
        _joint(organisations, assessments),
    )
    document = [line for line in lines(clean) if not line.boilerplate]
    found: list[Recommendation] = []
    sections: list[Span] = []
    about_board = False
    index = 0
    while index < len(document):
        line = document[index]
        if _is_heading(line.text) and not re.search(r"\d\s*$", line.text):
            if _rules()["board_scope"].search(line.text):
                about_board = True
            elif _rules()["council_section"].search(line.text):
                about_board = False
        if not _rules()["section"].fullmatch(_heading_text(line.text)):
            index += 1
            continue
        addressees = _section_addressees(context, line.text, about_board)
        items, index = _read_section(context, document, index + 1)
        if items:
            found.extend(_recommendation(context, item, addressees) for item in items)
            sections.append(Span(line.start, items[-1].end))
    return found, sections


def _heading_text(text: str) -> str:
    return re.sub(r"^\d{1,3}[.)]?\s+", "", text).strip().rstrip(":?").strip()


def _section_addressees(context: _Context, heading: str, about_board: bool) -> list[str] | None:
    """Whom the section's items are addressed to; None: the organisations each item names."""
    if _rules()["board_section"].search(heading) or (
        about_board and not _rules()["council_section"].search(heading)
    ):
        return context.board or context.council
    if context.joint and not _rules()["council_section"].search(heading):
        return None
    return context.council


def _read_section(context: _Context, document: list[Segment], index: int) -> tuple[list[ListItem], int]:
    """The items from ``document[index]`` to the section's end, and the index where reading stops.

    One loop over the section's lines, a branch for each kind of line; their order is the
    reading rule (another part's heading and the section's end first, then boxes, leads, items,
    sub-headings, and what is left continues the open item), so it is kept in one function.
    """
    clean = context.clean
    items: list[ListItem] = []
    kind: str | None = None  # "bullet", "numbered" or "paragraph", from the first item
    current: ListItem | None = None
    after_heading = False
    while index < len(document):
        line = document[index]
        text = line.text
        heading = _heading_text(text)
        if _rules()["section"].fullmatch(heading):
            if _rules()["board_section"].search(heading) or _rules()["council_section"].search(heading):
                break  # another part's list: read by the caller with its own addressees
            current, after_heading = (
                None,
                True,
            )  # "Areas for improvement" after "Priority and immediate action"
            index += 1
            continue
        if _is_end(text):
            break
        if _rules()["interruption"].match(text):
            resume = _resume_after_box(clean, document, index)
            if resume is None:
                break
            current, index = None, resume
            continue
        numbered = NUMBERED.match(text)
        bullet = starts_bullet_item(clean, line)
        dash = DASH.match(text)
        body_offset = numbered.end() if numbered else (dash.end() if dash else 0)
        body = text[body_offset:]
        if _rules()["no_items"].match(body):  # "There are no priority actions.", bulleted or not
            current = None
            index += 1
            continue
        if numbered and _rules()["lead"].search(body):
            current, after_heading = None, False  # "13. Priorities for further improvement:"
            index += 1
            continue
        if numbered and (
            kind == "bullet" or ((after_heading or not items) and not _rules()["instruction"].match(body))
        ):
            break  # numbered paragraphs after the list, or a report's paragraph numbering running on
        if numbered or (bullet and (current is None or kind != "numbered")):
            kind = kind or ("numbered" if numbered else "bullet")
            current = ListItem(
                int(numbered.group(1)) if numbered else None, line.start + body_offset, line.end, [body]
            )
            items.append(current)
            after_heading = False
            index += 1
            continue
        if current is None:
            if _is_heading(text) or _rules()["lead"].search(text) or text.rstrip().endswith(":"):
                after_heading = after_heading or _is_heading(text)
                index += 1
                continue
            if kind in (None, "paragraph") and _rules()["modal"].search(text):
                kind = "paragraph"  # "Leaders should reduce waiting times ...": one paragraph an item
                current = ListItem(None, line.start, line.end, [text])
                items.append(current)
                index += 1
                continue
            break  # prose where a list should start: not a list section after all
        if kind == "paragraph" and not _is_heading(text):
            if not _rules()["modal"].search(text):
                break
            current = ListItem(None, line.start, line.end, [text])
            items.append(current)
            index += 1
            continue
        if _is_heading(text) and not continues_item(text):
            following = _next_item(clean, document, index, kind)
            if following is not None:
                current, after_heading, index = None, True, following
                continue
            if _finished(current.parts[-1]):
                break
        current.end = line.end
        current.parts.append(text)
        index += 1
    return items, index


def _is_heading(text: str) -> bool:
    """A short line that is not a sentence: a heading, a sub-heading or a line of an address block."""
    stripped = text.strip()
    return (
        0 < len(stripped.split()) <= _HEADING_MAX_WORDS
        and not stripped.endswith((".", ";", ",", ":", '"'))
        and not stripped[0].islower()
    )


def _finished(text: str) -> bool:
    """Does the item's last line end a sentence? If not, a short line below it carries on the item."""
    return text.rstrip().endswith((".", ";", ":", "!", "?", '"', ")"))


def _is_end(text: str) -> bool:
    """A heading that closes any list ("Next steps", "Strengths") or a letter's closing sentence."""
    heading = (
        _rules()["end"].match(text)
        and not text.rstrip().endswith(".")
        and len(text.split()) <= 2 * _HEADING_MAX_WORDS
    )
    return bool(heading) or bool(_rules()["end_sentence"].match(text))


def _is_item(clean: str, line: Segment, kind: str | None) -> bool:
    numbered = NUMBERED.match(line.text)
    if kind == "numbered":
        return bool(numbered and _rules()["instruction"].match(line.text[numbered.end() :]))
    return starts_bullet_item(clean, line) and not numbered


def _next_item(clean: str, document: list[Segment], index: int, kind: str | None) -> int | None:
    """Past a run of short heading lines, the index of the next item of the list, if one follows."""
    for ahead in range(index + 1, min(len(document), index + 1 + _LOOKAHEAD_LINES)):
        line = document[ahead]
        if _is_item(clean, line, kind):
            return ahead
        if (
            _is_end(line.text)
            or _rules()["section"].fullmatch(_heading_text(line.text))
            or not _is_heading(line.text)
        ):
            return None
    return None


def _resume_after_box(clean: str, document: list[Segment], index: int) -> int | None:
    """A case study set in the list's column: the next bullet after it, before any heading ends the list."""
    for ahead in range(index + 1, min(len(document), index + _INTERRUPTION_LINES)):
        line = document[ahead]
        if _is_end(line.text) or _rules()["section"].fullmatch(_heading_text(line.text)):
            return None
        if starts_bullet_item(clean, line):
            return ahead
    return None


def _recommendation(context: _Context, item: ListItem, addressees: list[str] | None) -> Recommendation:
    from .recommendations import _addressees, _assessment_before, _tidy
    from .themes import themes_in

    statement = _tidy(" ".join(item.parts))
    if addressees is None:  # "The council and its partners should ...", else every partner the item names
        named = [
            key
            for span, key in sorted(context.resolved.items())
            if item.start <= span.start < item.end and context.organisations[key].cls != INSPECTORATE
        ]
        addressees = _addressees(
            context.clean, item.start, item.end, context.organisations, context.resolved
        ) or list(dict.fromkeys(named + _agencies_by_kind(context, statement)))
    return Recommendation(
        number=item.number,
        statement=statement,
        span=Span(item.start, item.end),
        addressed_to=list(addressees),
        themes=themes_in(statement),
        assessment=_assessment_before(item.start, context.assessments),
    )


def _agencies_by_kind(context: _Context, statement: str) -> list[str]:
    """ "the police", "probation staff", "children's social care": the one organisation of that kind named."""
    found = []
    for cls, pattern in datafiles.recommendations().lists.agency_words.items():
        if not re.search(pattern, statement, re.IGNORECASE):
            continue
        if cls == LOCAL_AUTHORITY:
            found.extend(context.council)
            continue
        candidates = [
            key for key, o in context.organisations.items() if o.cls == cls and o.unit_of is None and o.spans
        ]
        if len(candidates) == 1:
            found.extend(candidates)
    return found


def _council(
    organisations: dict[str, Organisation], assessments: list[Assessment], main_area: str | None
) -> list[str]:
    """The council the report inspects: the local authority its assessment assesses, else the area's."""
    councils = [key for key, o in organisations.items() if o.cls == LOCAL_AUTHORITY and o.unit_of is None]
    councils = [key for key in councils if re.search(datafiles.recommendations().lists.council_name, key)]
    assessed = [key for a in assessments[:1] for key in a.assesses if key in councils]
    if assessed:
        return assessed[:1]
    local = [key for key in councils if organisations[key].area == main_area and main_area]
    ranked = sorted(local or councils, key=lambda key: (-len(organisations[key].spans), key))
    return ranked[:1]


def _board(organisations: dict[str, Organisation], main_area: str | None) -> list[str]:
    boards = [
        key for key, o in organisations.items() if o.cls == SAFEGUARDING_PARTNERSHIP and o.unit_of is None
    ]
    local = [key for key in boards if organisations[key].area == main_area and main_area]
    ranked = sorted(local or boards, key=lambda key: (-len(organisations[key].spans), key))
    return ranked[:1]


def _joint(organisations: dict[str, Organisation], assessments: list[Assessment]) -> bool:
    """A joint inspection, whose lists address each partner in turn: two or more inspectorates
    conducted the report's assessment, or three or more are named (one more may be named in passing)."""
    inspectorates = {key for key, o in organisations.items() if o.cls == INSPECTORATE and o.spans}
    conductors = {key for a in assessments[:1] for key in a.conducted_by} & inspectorates
    return len(conductors) >= _JOINT_CONDUCTORS or len(inspectorates) >= _JOINT_NAMED


def find_announced_items(
    clean: str,
    organisations: dict[str, Organisation],
    resolved: dict[Span, str],
    assessments: _Assessments,
    taken: list[Span],
) -> list[Recommendation]:
    """Bulleted or numbered items after a sentence that announces recommendations ("Recommendations
    were made to X, Y and Z", "the review makes five recommendations"): each item that says what
    someone should do is one, addressed to whom it names, else to those the announcement names."""
    document = [line for line in lines(clean) if not line.boilerplate]
    context = _Context(clean, organisations, resolved, assessments, [], [], False)
    found: list[Recommendation] = []
    for index, line in enumerate(document):
        if not _rules()["announces"].search(line.text) or any(s.start <= line.start < s.end for s in taken):
            continue
        lead = [
            key
            for span, key in sorted(resolved.items())
            if line.start <= span.start < line.end and organisations[key].cls != INSPECTORATE
        ]
        for item in items_after(clean, document, index + 1):
            if any(s.start <= item.start < s.end for s in taken) or not _rules()["modal"].search(
                " ".join(item.parts)
            ):
                continue
            recommendation = _recommendation(context, item, None)
            recommendation.addressed_to = recommendation.addressed_to or list(dict.fromkeys(lead))
            found.append(recommendation)
            taken = taken + [recommendation.span]
    return found
