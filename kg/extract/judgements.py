"""Graded judgements (``sg:Judgement``): the judgement tables of the inspection frameworks and
judgements stated in prose.

The frameworks' judged aspects, the words news uses for them and the grade scales come from
``kg/data/judgements.json``; nothing here names a document. Three forms are read:

- table rows: an aspect's name at the start of a line, its words wrapped over lines as the PDF
  reader gives them, and the grade after it on the same line, the next line or after a blank
  line ("Overall effectiveness Inadequate", "Requires improvement to be good");
- tables read column by column: a run of aspect names followed by as many grades;
- prose: "<aspect> is/was judged <grade>", "rated <grade> for <aspect> and <aspect>",
  "'<grade>' overall", "<grade> across the board", a list of aspects named earlier and
  referred back to ("judged each of them to be good"), with the grade it replaced where the
  sentence gives one ("now requires improvement, up from inadequate").

Grades of an old scale ("adequate") are recognised so that they are never read as another
grade, and give no judgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .. import datafiles, lexicon
from ..claims import Judgement, Span
from ..text import Segment


@dataclass(frozen=True)
class FoundJudgement:
    """A judgement, the assessment kind it belongs to when not the document's own, and the
    grade the sentence says it replaced."""

    judgement: Judgement
    target: str | None = None
    previous_grade: str | None = None
    blanket: bool = False  # from "good in all areas": any grade the text gives the aspect itself comes first


@dataclass(frozen=True)
class _Aspect:
    aspect: str
    target: str | None
    names: tuple[str, ...]
    paraphrases: tuple[str, ...]


@cache
def _aspects() -> tuple[_Aspect, ...]:
    return tuple(
        _Aspect(entry.aspect, entry.assessment, entry.names, entry.paraphrases)
        for entry in datafiles.judgements().aspects
    )


def _grade_alternation() -> str:
    return "|".join(
        f"(?P<g_{index}>{grade.pattern})" for index, grade in enumerate(datafiles.judgements().grades)
    )


@cache
def grade_regex() -> re.Pattern:
    """Every grade word of every scale, one named group per grade of the data file."""
    return re.compile(
        rf"\b(?:{_grade_alternation()})\b(?:{datafiles.judgements().numeric_grade})?", re.IGNORECASE
    )


def grade_of(match: re.Match) -> str | None:
    """The grade id of a ``grade_regex`` match; None for a grade of an old scale ("adequate")."""
    grades = datafiles.judgements().grades
    return next(
        grades[int(name[2:])].id
        for name, value in match.groupdict().items()
        if value and name.startswith("g_")
    )


def _wrapping(phrase: str) -> str:
    """A phrase whose spaces may be any run of white space, line breaks included."""
    return phrase.replace(" ", r"\s+")


_ROW_START = r"(?:^|(?<=\n))[ \t]*(?:\d+(?:\.\d+)*\.?[ \t]+)?"
_ROW_GAP = r"(?:[ \t]+|[ \t]*\n(?:[ \t]*\n){0,2}[ \t]*)"


@cache
def _row_patterns() -> tuple[tuple[_Aspect, re.Pattern], ...]:
    """One pattern per aspect name: a table row, the grade ending its line."""
    grades = grade_regex().pattern
    return tuple(
        (
            aspect,
            re.compile(
                rf"{_ROW_START}(?P<aspect>{_wrapping(name)}){_ROW_GAP}(?P<grade>{grades})[ \t]*(?=\n|$)",
                re.IGNORECASE,
            ),
        )
        for aspect in _aspects()
        for name in aspect.names
    )


@cache
def _name_line_patterns() -> tuple[tuple[_Aspect, re.Pattern], ...]:
    return tuple(
        (aspect, re.compile(rf"{_ROW_START}(?:{_wrapping(name)})[ \t]*(?=\n|$)", re.IGNORECASE))
        for aspect in _aspects()
        for name in aspect.names
    )


@cache
def _table_patterns() -> tuple[lexicon.PatternSet, lexicon.PatternSet]:
    """The row and the name line patterns, each found by trying them only where a line starts
    with an aspect's name (after a row number): most lines do not, and a scan of the text per
    pattern, each turning down every position, cost more than the rest of the judgements."""
    names = "|".join(f"(?:{_wrapping(name)})" for aspect in _aspects() for name in aspect.names)
    starts = re.compile(rf"(?:^|(?<=\n))(?=[ \t]*(?:\d+(?:\.\d+)*\.?[ \t]+)?(?:{names}))", re.IGNORECASE)
    return (
        lexicon.PatternSet([pattern for _, pattern in _row_patterns()], starts),
        lexicon.PatternSet([pattern for _, pattern in _name_line_patterns()], starts),
    )


def find_table_judgements(clean: str) -> list[FoundJudgement]:
    """Judgement table rows, in text order, the first row of each aspect only."""
    found: dict[tuple[str | None, str], FoundJudgement] = {}
    taken: list[tuple[int, int]] = []
    matches = sorted(
        (
            (match.start("aspect"), -match.end("aspect"), aspect, match)
            for (aspect, _), found in zip(_row_patterns(), _table_patterns()[0].finditer_each(clean))
            for match in found
        ),
        key=lambda item: item[:2],
    )
    for _, _, aspect, match in matches:
        if any(s <= match.start("aspect") < e for s, e in taken):
            continue
        taken.append((match.start("aspect"), match.end()))
        grade = grade_of(match)
        if grade and (aspect.target, aspect.aspect) not in found:
            span = Span(match.start("aspect"), match.end("grade"))
            found[(aspect.target, aspect.aspect)] = FoundJudgement(
                Judgement(aspect.aspect, grade, span), aspect.target
            )
    for item in _column_judgements(clean, taken):
        found.setdefault((item.target, item.judgement.aspect), item)
    return sorted(found.values(), key=lambda item: item.judgement.span)


def _column_judgements(clean: str, taken: list[tuple[int, int]]) -> list[FoundJudgement]:
    """A table read column by column: N aspect names, each alone on its line(s), then N grades."""
    names = sorted(
        (match.start(), match.end(), aspect)
        for (aspect, _), found in zip(_name_line_patterns(), _table_patterns()[1].finditer_each(clean))
        for match in found
        if not any(s <= match.start() < e for s, e in taken)
    )
    names = [item for index, item in enumerate(names) if not index or item[0] >= names[index - 1][1]]
    found: list[FoundJudgement] = []
    index = 0
    while index < len(names):
        run = [names[index]]
        while index + len(run) < len(names) and not clean[run[-1][1] : names[index + len(run)][0]].strip():
            run.append(names[index + len(run)])
        grades = _grade_lines(clean, run[-1][1], len(run))
        if len(run) >= 2 and len(grades) == len(run):
            for (start, _, aspect), grade in zip(run, grades):
                if grade_id := grade_of(grade):
                    found.append(
                        FoundJudgement(
                            Judgement(aspect.aspect, grade_id, Span(start, grade.end())), aspect.target
                        )
                    )
        index += len(run)
    return found


def _grade_lines(clean: str, offset: int, wanted: int) -> list[re.Match]:
    grades: list[re.Match] = []
    header = re.compile(r"\s*(?:judgement\s+)?grades?[ \t]*(?=\n)", re.IGNORECASE).match(clean, offset)
    offset = header.end() if header else offset
    line = re.compile(rf"\s*(?:{grade_regex().pattern})[ \t]*(?=\n|$)", re.IGNORECASE)
    while len(grades) < wanted:
        match = line.match(clean, offset)
        if match is None:
            break
        grades.append(match)
        offset = match.end()
    return grades


# ---------------------------------------------------------------- prose

_QUOTE = r"['\"]?"
# Aspect to grade: a verb within a few words ("is judged", "have been rated"), a colon or dash,
# "require(s)" a few words on ("in Sefton require improvement", "care leavers, which require
# improvement"), a quoted grade right after,
# "to be" right after ("judged A and B to be good"), a headline's "rated" ("services rated good"),
# or a rating given ("were given the top rating of outstanding", "gave X a 'good' rating").
_LINK = (
    r"(?:[^.:;\n]{0,50}?(?:\s*[:\-]\s*|\s+(?:is|are|was|were|has been|have been|had been|remains?|been|being)\s+"
    r"(?:(?:now|also|still|again|both|all|overall|consistently)\s+)*(?:judged|rated|found|graded|assessed)?\s*"
    r"(?:to\s+be\s+|as\s+)?)|(?:,\s+which|[^.:;,'\"\n]{0,30}?)\s+(?=requires?\s)|"
    # "were given the top rating of outstanding", "(Ofsted gave X) a 'good' rating"
    r"\s+(?:(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:given|awarded)\s+)?(?:the\s+(?:top\s+|highest\s+|lowest\s+)?"
    r"(?:rating|grade|judgement)\s+of\s+|an?\s+(?=['\"]?[\w ]{3,35}['\"]?\s+(?:overall\s+)?(?:rating|grade|judgement)\b))|\s+(?=['\"])|\s+to\s+be\s+|\s+(?:rated|judged)\s+(?:as\s+)?)"
    + _QUOTE
    + r"(?:now\s+)?"
)
_RATED = r"\b(?:rated|judged|graded|assessed|found)\s+"
_RATED_ANYWHERE = re.compile(_RATED, re.IGNORECASE)
_PREVIOUS_GRADE = (
    r"[\s'\"]*[\[(,]?\s*(?:(?:up|down|improved|moving|a rise|a fall)\s+)?from\s+(?:a\s+previous\s+|its\s+previous\s+)?"
    + _QUOTE
)
_ACROSS = re.compile(
    r"\s+(?:across the board|in (?:all|every|each) (?:areas?|aspects?|categories|judgements?|of the \w+ areas))\b",
    re.IGNORECASE,
)
_EXCEPT = re.compile(
    r",?\s+(?:except(?:\s+for)?|apart from|other than|but not|with the exception of)\s+", re.IGNORECASE
)
_REFER_BACK = re.compile(
    r"\b(?:each of (?:them|these|those)|all of (?:them|these|those)|each one|all (?:three|four|five|six|seven) (?:areas?|aspects?|judgements?)?)\b",
    re.IGNORECASE,
)
_OTHER_SUBJECT = re.compile(
    r"\b(?:no|only one other|other|another) (?:authority|authorities|council|councils|local authorit\w+)\b|\bone of only\b|\bnationally\b",
    re.IGNORECASE,
)


@cache
def _phrases(formal_only: bool) -> tuple[tuple[_Aspect, str], ...]:
    """Aspect phrases: the frameworks' names, and the paraphrases (only the overall grade's and a
    separately reviewed body's where ``formal_only``)."""
    return tuple(
        (aspect, phrase)
        for aspect in _aspects()
        for phrase in aspect.names
        + (
            aspect.paraphrases
            if not formal_only or aspect.target or aspect.aspect == "overall effectiveness"
            else ()
        )
    )


@cache
def _aspect_then_grade(formal_only: bool) -> tuple[tuple[_Aspect, re.Pattern], ...]:
    grades = grade_regex().pattern
    return tuple(
        (aspect, re.compile(rf"\b(?P<aspect>{phrase}){_LINK}(?P<grade>{grades})", re.IGNORECASE))
        for aspect, phrase in _phrases(formal_only)
    )


@cache
def _rated_aspect_as(formal_only: bool) -> tuple[tuple[_Aspect, re.Pattern], ...]:
    grades = grade_regex().pattern
    return tuple(
        (
            aspect,
            re.compile(
                rf"{_RATED}(?:[\w']+\s+){{0,3}}?(?P<aspect>{phrase})(?:[^.;:\n]{{0,60}}?\s+as\s+|\s+)"
                rf"{_QUOTE}(?P<grade>{grades})",
                re.IGNORECASE,
            ),
        )
        for aspect, phrase in _phrases(formal_only)
    )


@cache
def _aspect_start(formal_only: bool) -> tuple[tuple[_Aspect, re.Pattern], ...]:
    return tuple(
        (aspect, re.compile(rf"(?:the\s+|both\s+|its\s+|their\s+)*(?P<aspect>{phrase})\b", re.IGNORECASE))
        for aspect, phrase in _phrases(formal_only)
    )


@cache
def _grade_for() -> re.Pattern:
    return re.compile(
        rf"{_QUOTE}(?P<grade>{grade_regex().pattern}){_QUOTE}\s+(?:by\s+(?:Ofsted|inspectors)\s+)?"
        r"(?:(?:for|in|on)\s+(?:both\s+)?|(?P<overall>overall\b))",
        re.IGNORECASE,
    )


def find_prose_judgements(
    clean: str,
    sentences: list[Segment],
    skip: set[int],
    formal_only: bool,
    framework_aspects: tuple[str, ...],
) -> list[FoundJudgement]:
    """Judgements stated in sentences (not those starting at an offset in ``skip``), first of
    each aspect only. ``formal_only`` keeps to the frameworks' own names and the overall grade
    (in a report that has a table, the paraphrases are too loose); ``framework_aspects`` are the
    aspects "across the board" means."""
    found: dict[tuple[str | None, str], FoundJudgement] = {}
    blankets: list[FoundJudgement] = []
    for index, sentence in enumerate(sentences):
        if (
            sentence.start in skip
            or sentence.boilerplate
            or not grade_regex().search(clean, sentence.start, sentence.end)
        ):
            continue
        if _OTHER_SUBJECT.search(clean, sentence.start, sentence.end):
            continue
        earlier = sentences[max(0, index - 3) : index]
        for item in _sentence_judgements(clean, sentence, earlier, formal_only, framework_aspects):
            if item.blanket:
                blankets.append(item)
            else:
                found.setdefault((item.target, item.judgement.aspect), item)
    for item in blankets:  # "good in all areas", where the text grades no aspect itself
        found.setdefault((item.target, item.judgement.aspect), item)
    return sorted(found.values(), key=lambda item: item.judgement.span)


def _sentence_judgements(
    clean: str,
    sentence: Segment,
    earlier: list[Segment],
    formal_only: bool,
    framework_aspects: tuple[str, ...],
) -> list[FoundJudgement]:
    found: list[FoundJudgement | None] = []
    start, end = sentence.start, sentence.end
    by_grade: dict[int, tuple[tuple[int, int], int, FoundJudgement | None]] = {}
    patterns = _aspect_then_grade(formal_only)
    if _RATED_ANYWHERE.search(clean, start, end):  # every "rated ... as" pattern starts with it
        patterns += _rated_aspect_as(formal_only)
    text = clean[start:end]
    folded = lexicon.ascii_folded(text)
    for aspect, pattern in patterns:
        if not lexicon.may_match(pattern, text, folded):  # most sentences name no aspect
            continue
        for match in pattern.finditer(clean, start, end):
            # Of the aspects ending at one grade, the nearest to it, then the longest: "children
            # in care and care leavers: inadequate" is not also a grade of "care leavers", and
            # in "help and protection, and children in care to be good" the grade is care's.
            nearest = (match.end() - match.end("aspect"), match.start("aspect"))
            if nearest < by_grade.get(match.end(), ((end, end), 0, None))[0]:
                by_grade[match.end()] = (
                    nearest,
                    match.start("aspect"),
                    _found(clean, aspect, match, match.start("aspect"), match.end()),
                )
    for _, aspect_start, item in list(by_grade.values()):
        if item is not None:  # "A, B and C were judged good": A and B as well
            found.extend(_listed_before(clean, start, aspect_start, item))
    found.extend(item for _, _, item in by_grade.values())
    if formal_only:  # (a grade of an old scale gives None: "judged adequate" in a report with a table)
        return [item for item in found if item is not None]
    for match in _grade_for().finditer(clean, start, end):
        if match.group("overall"):
            aspect = next(a for a in _aspects() if a.aspect == "overall effectiveness")
            found.append(_found(clean, aspect, match, match.start(), match.end()))
            continue
        for aspect, span in _listed_aspects(clean, match.end(), end):
            found.append(_found(clean, aspect, match, match.start(), span.end))
    grade = grade_regex().search(clean, start, end)
    grade_id = grade_of(grade) if grade else None
    across_match = _ACROSS.match(clean, grade.end()) if grade and grade_id else None
    if across_match and grade_id:
        across = set(framework_aspects) | {"overall effectiveness"}
        exception = _EXCEPT.match(clean, across_match.end(), end)
        if exception:  # "good in all areas except the experiences of care leavers"
            across -= {a.aspect for a, _ in mentioned_aspects(clean, exception.end(), end)}
        for aspect in (a for a in _aspects() if a.aspect in across):
            found.append(
                FoundJudgement(
                    Judgement(aspect.aspect, grade_id, Span(start, end)), aspect.target, blanket=True
                )
            )
    refer = _REFER_BACK.search(clean, start, end)
    if refer and grade and grade_id and grade.start() > refer.start():
        listed = [
            item for segment in earlier for item in mentioned_aspects(clean, segment.start, segment.end)
        ]
        for aspect in dict.fromkeys(a for a, _ in listed):
            found.append(
                FoundJudgement(Judgement(aspect.aspect, grade_id, Span(earlier[0].start, end)), aspect.target)
            )
    return [item for item in found if item is not None]


def _found(clean: str, aspect: _Aspect, match: re.Match, start: int, end: int) -> FoundJudgement | None:
    """The judgement of ``match`` (which holds the grade) on ``aspect``, its evidence from
    ``start`` to the end of the match or of the listed aspect; None for an old scale's grade."""
    grade_id = grade_of(_only_grade(match))
    if grade_id is None:
        return None
    previous = _previous_grade_regex().match(clean, match.end())
    previous_grade = grade_of(_only_grade(previous)) if previous else None
    span = Span(start, max(match.end(), end))
    return FoundJudgement(Judgement(aspect.aspect, grade_id, span), aspect.target, previous_grade)


@cache
def _previous_grade_regex() -> re.Pattern:
    return re.compile(rf"{_PREVIOUS_GRADE}(?:{grade_regex().pattern})", re.IGNORECASE)


@cache
def _previous_grade_end() -> re.Pattern:
    return re.compile(
        rf"{_PREVIOUS_GRADE}(?:{grade_regex().pattern}){_QUOTE}[\])]?,?\s+(?:in|on|at)?\s*$", re.IGNORECASE
    )


def dates_previous_grade(clean: str, start: int, date_start: int) -> bool:
    """Does the date at ``date_start`` follow a grade it replaced ("now requires improvement, up
    from inadequate in 2019")? Then it is the earlier inspection's date."""
    return _previous_grade_end().search(clean, max(start, date_start - 80), date_start) is not None


def _only_grade(match: re.Match) -> re.Match:
    """The first grade of a match that holds one (a pattern's own grade group, else a search in it)."""
    grade = grade_regex().search(
        match.string, match.start("grade") if "grade" in match.re.groupindex else match.start(), match.end()
    )
    assert grade is not None  # the match holds a grade
    return grade


def _listed_aspects(clean: str, offset: int, end: int) -> list[tuple[_Aspect, Span]]:
    """The aspects a coordinated list names from ``offset``: "A and B", "A, B and C"."""
    listed: list[tuple[_Aspect, Span]] = []
    while offset < end:
        match = _longest_at(clean, offset, end)
        if match is None:
            break
        listed.append(match)
        joint = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+|for\s+)?").match(
            clean, match[1].end, end
        )
        if joint is None:
            break
        offset = joint.end()
    return listed


def _longest_at(clean: str, offset: int, end: int) -> tuple[_Aspect, Span] | None:
    best = None
    for aspect, pattern in _aspect_start(False):
        match = pattern.match(clean, offset, end)
        if match and (best is None or match.end() > best[1].end):
            best = (aspect, Span(offset, match.end()))
    return best


def mentioned_aspects(clean: str, start: int, end: int) -> list[tuple[_Aspect, int]]:
    """The aspects named in ``clean[start:end]`` (framework names and paraphrases), the longest
    at each place, with where each starts."""
    return [(aspect, span.start) for aspect, span in _aspect_spans(clean, start, end)]


def _aspect_spans(clean: str, start: int, end: int) -> list[tuple[_Aspect, Span]]:
    """The aspects named in ``clean[start:end]``, the longest at each place, each with its span
    (from any "the" before it)."""
    found = []
    for aspect, pattern in _aspect_start(False):
        for match in pattern.finditer(clean, start, end):
            found.append((match.start(), -match.end(), aspect))
    found.sort(key=lambda item: item[:2])
    kept: list[tuple[_Aspect, Span]] = []
    last_end = -1
    for position, negative_end, aspect in found:
        if position >= last_end:
            kept.append((aspect, Span(position, -negative_end)))
            last_end = -negative_end
    return kept


_LIST_JOINT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)")
_ARTICLES_BEFORE = re.compile(r"(?:(?:the|both|its)\s+)*$", re.IGNORECASE)


def _listed_before(clean: str, start: int, aspect_start: int, item: FoundJudgement) -> list[FoundJudgement]:
    """The judgements of the aspects coordinated before the graded one starting at
    ``aspect_start`` ("A, B and C to be good": A and B), with its grade."""
    articles = _ARTICLES_BEFORE.search(clean, max(start, aspect_start - 20), aspect_start)
    boundary = articles.start() if articles else aspect_start
    listed = []
    for aspect, span in reversed(_aspect_spans(clean, start, boundary)):
        if not _LIST_JOINT.fullmatch(clean, span.end, boundary):
            break
        listed.append(
            FoundJudgement(
                Judgement(aspect.aspect, item.judgement.grade, Span(span.start, item.judgement.span.end)),
                aspect.target,
                item.previous_grade,
            )
        )
        boundary = span.start
    return listed[::-1]
