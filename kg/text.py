"""Text views and segments: cleaning that never moves an offset.

Real input has curly quotes, bullets, non-breaking spaces, Markdown emphasis and
slide transcripts with lost apostrophes ("Children s services"). ``clean_view``
returns a string of exactly the same length as the original, so an offset found in
the clean view is an offset in the original and ``text[start:end]`` is the quote.
``segment`` splits the text into sentences with their offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from . import lexicon
from .resources import load_lines

# One character in, one character out: curly quotes straightened, dashes unified,
# bullets turned into line breaks (they start items), emphasis marks into spaces. A bullet is
# followed by a space, so an item's line starts after "\n " (see ``starts_bullet_item``).
_SAME_LENGTH = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u2022": "\n",
        "\u25cf": "\n",
        "\u25aa": "\n",
        "\u25e6": "\n",
        "\u2023": "\n",
        "\u00b7": "\n",
        "\u25fc": "\n",
        "\u25a0": "\n",
        "\u25ba": "\n",
        "\u27a2": "\n",
        "\u0083": "\n",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\ufeff": " ",
        "\u200b": " ",
        "\t": " ",
        "\r": "\n",
        "\f": "\n",
        "\u2028": "\n",
        "*": " ",
        "_": " ",
    }
    # Symbol-font bullets that PDF text layers give as private-use characters (U+F0B7, U+F06E ...).
    | {code: "\n" for code in range(0xF020, 0xF100)}
)
# A lone contraction or possessive ending left by a lost apostrophe: "Children s", "It s", "We ll".
_LOST_APOSTROPHE = re.compile(r"(?<=[A-Za-z]) (?=(?:s|t|ll|re|ve|d|m)\b(?![-'.]))")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(]?[A-Z0-9])")
_SOFT_BOUNDARY = re.compile(r"(?<=[a-z]) (?=[A-Z][a-z]+ [a-z])")
# Words after which a capitalised word is a name, not the start of a new sentence.
_JOINING_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "to",
        "from",
        "with",
        "within",
        "into",
        "across",
        "and",
        "or",
        "as",
        "such",
        "than",
        "that",
        "this",
        "these",
        "those",
        "our",
        "their",
        "its",
        "his",
        "her",
        "your",
        "my",
        "said",
        "says",
        "including",
        "include",
        "includes",
        "between",
        "among",
        "under",
        "over",
        "about",
        "called",
        "named",
        "via",
        "per",
        "led",
        # before a title: "was previously Chair of ...", "former President of ..."
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "became",
        "becomes",
        "remains",
        "former",
        "formerly",
        "previously",
        "then",
        "acting",
        "interim",
        "outgoing",
        "incoming",
    ]
)
_SOFT_SPLIT_MIN_WORDS = 12


@dataclass(frozen=True)
class Segment:
    """A span of the document: ``start``/``end`` offsets and the clean text between them."""

    start: int
    end: int
    text: str
    line_start: int
    boilerplate: bool = False


_SHOUTED_LINE = re.compile(r"^[^a-z\n]*[A-Z]{2,}[^a-z\n]*$", re.MULTILINE)
_SHOUTED_MIN_WORDS = 3


def _unshout(match: re.Match) -> str:
    """ "TORBAY SAFEGUARDING CHILDREN BOARD" -> "Torbay Safeguarding Children Board", same length."""
    line = match.group()
    if len(re.findall(r"[A-Z]{2,}", line)) < _SHOUTED_MIN_WORDS:
        return line
    return re.sub(r"[A-Z][A-Z']+", _title_word, line)


_SMALL_WORDS = frozenset({"OF", "THE", "AND", "FOR", "IN", "ON", "TO", "A", "AN", "AT", "BY"})


def _title_word(word: re.Match) -> str:
    text = word.group()
    return text.lower() if text in _SMALL_WORDS else text[0] + text[1:].lower()


def clean_view(text: str) -> str:
    """The same text, same length, with typography normalised, lost apostrophes restored and
    headings in capitals ("SERIOUS CASE REVIEW") in title case."""
    cleaned = _SHOUTED_LINE.sub(_unshout, text.translate(_SAME_LENGTH))
    cleaned = _LOST_APOSTROPHE.sub("'", cleaned)
    # Non-BMP characters are one code point in Python: length is preserved by construction.
    assert len(cleaned) == len(text)
    return cleaned


@cache
def _line_patterns(file_name: str) -> tuple[re.Pattern, ...]:
    """The line patterns of a data file as two alternations: those that open with "^", then the others.

    A line matches one of the two exactly when it matches one pattern. Kept apart, the first
    is tried only at the start of the line (re does not slide a search anchored at "^"),
    where one alternation of all would be tried at every character.
    """
    patterns = load_lines(file_name)
    groups = ([p for p in patterns if p.startswith("^")], [p for p in patterns if not p.startswith("^")])
    return tuple(re.compile("|".join(f"(?:{p})" for p in group), re.IGNORECASE) for group in groups if group)


def is_colophon(line: str) -> bool:
    """A line of a publisher's colophon (``kg/data/colophon.txt``): furniture that names no organisation of the document."""
    return any(lexicon.may_match(p, line) and p.search(line) for p in _line_patterns("colophon.txt"))


def is_boilerplate(line: str) -> bool:
    return any(lexicon.may_match(p, line) and p.search(line) for p in _line_patterns("boilerplate.txt")) or (
        is_colophon(line)
    )


def starts_bullet_item(clean: str, line: Segment) -> bool:
    """Does ``line`` open a bulleted item? Its bullet became a line break in the clean view, so the
    line is indented after a break ("\\n item"), or it opens with a hyphen ("- item")."""
    before = clean[max(0, line.start - 3) : line.start]
    return bool(
        re.search(r"\n[ ]{1,2}$", before) or (line.start == 1 and clean[0] == " ")
    ) or line.text.startswith(("- ", "-\t"))


@lru_cache(maxsize=4)
def lines(clean: str) -> list[Segment]:
    """Non-blank lines of the clean view, stripped, with offsets; furniture flagged."""
    found: list[Segment] = []
    for match in re.finditer(r"[^\n]+", clean):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        found.append(Segment(start, start + len(stripped), stripped, start, is_boilerplate(stripped)))
    return found


@lru_cache(maxsize=4)
def segment(clean: str) -> list[Segment]:
    """Sentences of the clean view, in order, each inside one line.

    A line is split at sentence punctuation; a long line with none (a slide
    transcript) is also split where a lower-case word meets a capitalised word that
    starts a clause, unless the lower-case word joins a name ("in Herefordshire").
    """
    sentences: list[Segment] = []
    for line in lines(clean):
        for start, end in _split_line(line.text):
            piece = line.text[start:end]
            stripped = piece.strip()
            if len(stripped) < 2:
                continue
            offset = line.start + start + (len(piece) - len(piece.lstrip()))
            sentences.append(Segment(offset, offset + len(stripped), stripped, line.start, line.boilerplate))
    return sentences


def _split_line(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for boundary in _SENTENCE_END.finditer(line):
        spans.extend(_soft_split(line, position, boundary.start()))
        position = boundary.end()
    spans.extend(_soft_split(line, position, len(line)))
    return spans


def _soft_split(line: str, start: int, end: int) -> list[tuple[int, int]]:
    if len(line[start:end].split()) < _SOFT_SPLIT_MIN_WORDS:
        return [(start, end)]
    spans, position = [], start
    for boundary in _SOFT_BOUNDARY.finditer(line, start, end):
        previous_word = line[: boundary.start()].rsplit(" ", 1)[-1].lstrip("(['\"")  # "(Designated Nurse"
        if (
            previous_word[:1].isupper()
            or previous_word.lower() in _JOINING_WORDS
            or boundary.start() - position < 20
        ):
            continue
        spans.append((position, boundary.start()))
        position = boundary.end()
    spans.append((position, end))
    return spans
