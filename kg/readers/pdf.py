"""PDF text layer -> readable text, with the offset where each page starts.

The text is read with PDFium (pypdfium2), in the order PDFium gives for each page: the
content stream's order with line breaks where the text moves to a new line, which keeps a
table row's wrapped cell and the next cell together. Each page's lines are then rejoined
into paragraphs:

- A line-end hyphen inside a word is removed ("safe-" + "guarding"); it is kept after a
  compounding word listed in ``kg/data/hyphen-prefixes.txt`` ("multi-agency"), after a
  capitalised word ("Stoke-" + "on-Trent") and before one ("Thomson-" + "Jones").
- A line that does not end a sentence is joined to a next line that starts in lower case
  (after an opening quote or bracket, maybe), and a full line (as long as the page's long
  lines) that ends in a lower-case word or a comma to the next line whatever its case; a line
  that starts with a comma or another closing mark (left apart by a raised footnote mark) is
  joined to the line before.
- Bullet glyphs (private-use characters U+F000-U+F0FF of symbol fonts, "◼", "▪", "■",
  "●", the control character U+0083 of old encodings) become "• ", which the clean view
  reads as an item start.
- Bare page-number lines and running headers and footers (the same line, digits aside, at
  the top or bottom of most pages) are dropped.
- Ligatures become letters ("ﬁ" -> "fi") and soft hyphens go.

Pages are separated by a blank line; ``page_starts[i]`` is the offset of page ``i + 1``.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..resources import load_lines
from . import Extracted, Unreadable
from .dates import normalise_date

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?\s*$", re.IGNORECASE)
_HYPHENATED = re.compile(r"([A-Za-z]*[a-z])-$")
# PDFium writes U+FFFE for a hyphen it found at a line end, and joins the two lines.
_LINE_END_HYPHEN = "\ufffe"
_WORD_END = re.compile(r"[A-Za-z]*$")
# A line's tail long enough to hold its last word and sentence end; looking at the whole
# paragraph each time it grows would take time quadratic in its length.
_TAIL = 64
_SENTENCE_END = re.compile(r"[.!?:;]['’\")\]]*$")
_SPACES = re.compile(r"[ \t]+")
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?")
_MAX_REASON = 160
# PDFium's reason inside pypdfium2's message: "Failed to load document (PDFium: Data format error)."
_PDFIUM_REASON = re.compile(r"\((PDFium: [^)]*)\)")
# Typeset ligatures back to letters ("ﬁndings" -> "findings"), soft hyphens out, bullet
# glyphs of symbol fonts and old encodings to "•", a box-drawing rule used as a dash to one.
_TYPOGRAPHY = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00ad": None,
        "\x00": None,
        "\u25fc": "•",
        "\u25fe": "•",
        "\u25aa": "•",
        "\u25a0": "•",
        "\u25cf": "•",
        "\x83": "•",
        "\x95": "•",
        "\u2500": "\u2013",
        **{chr(code): "•" for code in range(0xF000, 0xF100)},
    }
)
_BULLET_SPACE = re.compile(r"•(?=\S)")
# A numbered paragraph whose number stands apart from its text, with no space between ("10.Risks").
_NUMBER_SPACE = re.compile(r"^(\d{1,4}\.)(?=[A-Za-z‘“'\"(])")
# A line that continues a sentence: its first letter in lower case, maybe after a quote or
# bracket ("‘deep dive’"); or it starts with punctuation that closes a clause (", of whom"),
# left on a line of its own by a footnote mark raised above the line.
_CONTINUES = re.compile(r"[‘“'\"(\[]*[a-z]")
_CLOSES = frozenset(",;:.)]’”")
# A line as long as the page's long lines (85% of the 90th percentile of their lengths) that
# stops after a lower-case word or a comma was wrapped: the capitalised word on the next line
# goes on its sentence ("since the last" / "Ofsted inspection"). Shorter lines (table rows,
# headings, addresses) and lines ending in a capitalised word (a list of names) are not joined.
_FULL_LINE = 0.85
_LONG_LINE_PERCENTILE = 0.9
_ENDS_IN_WORD = re.compile(r"(?:^|\s)[a-z][\w'’-]*,?$")
_DIGITS = re.compile(r"\d+")
# A PDF bomb: a small file whose compressed streams inflate to gigabytes. PDFium inflates and
# parses them whole, so the streams are inflated first, with a cap far above real reports'
# streams (figures: docs/benchmarks.md).
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_MAX_STREAM_BYTES = 32 << 20
_MAX_INFLATED_BYTES = 256 << 20
_FIRST_CHUNK, _CHUNK = 4096, 1 << 20
# How many lines at the top and bottom of a page may be a running header or footer.
_EDGE_LINES = 2
_MIN_RUNNING_PAGES = 3


def read_pdf(raw: bytes) -> Extracted:
    """Extract a PDF's text layer page by page.

    Raises Unreadable for a corrupt or truncated file, one that needs a password to open,
    a PDF bomb and a PDF with no text layer (a scan).
    """
    _refuse_bombs(raw)
    document = _open(raw)
    try:
        title, date = _metadata(document)
        texts = [_page_text(document, index) for index in range(len(document))]
    except pdfium.PdfiumError as error:
        raise Unreadable(f"corrupt or unsupported PDF ({_reason(error)})") from error
    finally:
        document.close()
    pages = _tidy_pages([_lines(text) for text in texts])
    if not any(ch.isalnum() for page in pages for ch in page):
        read = sum(len("".join(text.split())) for text in texts)
        raise Unreadable(
            f"PDF has no text layer: scanned? {read} characters read on {len(texts)} page(s); run OCR on it first"
        )
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 2
    return Extracted(
        text="\n\n".join(pages),
        media_type="application/pdf",
        title=title,
        date=date,
        page_starts=tuple(starts),
    )


def _refuse_bombs(raw: bytes) -> None:
    """Raise Unreadable when a Flate stream inflates past 32 MB, or all of them past 256 MB.

    Streams are found by their keyword, without parsing the file; data that is not Flate
    (images, encrypted streams) fails at its first bytes and counts for nothing."""
    total = 0
    for start in _STREAM_START.finditer(raw):
        size = _inflated_size(raw, start.end(), _MAX_STREAM_BYTES)
        total += size
        if size > _MAX_STREAM_BYTES or total > _MAX_INFLATED_BYTES:
            limit = _MAX_STREAM_BYTES if size > _MAX_STREAM_BYTES else _MAX_INFLATED_BYTES
            raise Unreadable(
                f"PDF whose compressed streams inflate past {limit >> 20} MB (a PDF bomb?); refused"
            )


def _inflated_size(raw: bytes, offset: int, cap: int) -> int:
    """How many bytes the zlib data at ``offset`` inflates to, counted up to ``cap`` + 1."""
    inflater = zlib.decompressobj()
    size = 0
    try:
        while not inflater.eof and offset < len(raw) and size <= cap:
            data = raw[offset : offset + (_FIRST_CHUNK if size == 0 else _CHUNK)]
            offset += len(data)
            while data and not inflater.eof and size <= cap:
                size += len(inflater.decompress(data, cap + 1 - size))
                data = inflater.unconsumed_tail
    except zlib.error:
        pass
    return size


def _open(raw: bytes) -> pdfium.PdfDocument:
    """The document, opened without a password: files encrypted with only an owner
    password (printing or copying restricted) open; those that need one to read do not."""
    try:
        return pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise Unreadable(
                "encrypted PDF that needs a password; save an unprotected copy and build again"
            ) from error
        if error.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise Unreadable(f"encrypted PDF that cannot be decrypted here ({_reason(error)})") from error
        raise Unreadable(f"corrupt or unsupported PDF ({_reason(error)})") from error


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        text_page = page.get_textpage()
        try:
            return text_page.get_text_range()
        finally:
            text_page.close()
    finally:
        page.close()


def _metadata(document: pdfium.PdfDocument) -> tuple[str | None, str | None]:
    info = document.get_metadata_dict(skip_empty=True)
    title = _SPACES.sub(" ", info.get("Title", "")).strip() or None
    created = _PDF_DATE.match(info.get("CreationDate", ""))
    date = normalise_date("-".join(part for part in created.groups() if part)) if created else None
    return title, date


def _lines(text: str) -> list[str]:
    text = text.translate(_TYPOGRAPHY).replace("\r\n", "\n").replace("\r", "\n")
    if _LINE_END_HYPHEN in text:
        text = _rejoin_hyphens(text.split(_LINE_END_HYPHEN))
    return [_tidy_line(line) for line in text.split("\n")]


def _tidy_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    return _NUMBER_SPACE.sub(r"\1 ", _BULLET_SPACE.sub("• ", line))


def _rejoin_hyphens(parts: list[str]) -> str:
    """The text around PDFium's line-end hyphens, each kept as "-" or dropped."""
    joined = [parts[0]]
    for part in parts[1:]:
        part = part.lstrip()
        end = _WORD_END.search(joined[-1][-_TAIL:])  # matches every text, at worst the empty word
        word = end[0] if end else ""
        joined.append(("-" if _keeps_hyphen(word, part[:1]) else "") + part)
    return "".join(joined)


def _keeps_hyphen(word: str, after: str) -> bool:
    """Whether a hyphen at a line end between ``word`` and the letter ``after`` is part of
    the text: a compound after a listed prefix, or a name ("Thomson-Jones", "Stoke-on-Trent")."""
    if not word or not after.isalpha():
        return True
    return after.isupper() or word[0].isupper() or word.lower() in load_lines("hyphen-prefixes.txt")


def _tidy_pages(pages: list[list[str]]) -> list[str]:
    running = _running_lines(pages)
    return [_tidy_page(_without_running(lines, running)) for lines in pages]


def _running_lines(pages: list[list[str]]) -> set[tuple[int, str]]:
    """Running headers and footers: the (position, line) pairs, digits aside, found at the
    same place among the first and last lines of at least half the pages, and of three or more.
    Positions count from the top (0, 1) and from the bottom (-1, -2)."""
    counts: Counter = Counter()
    for lines in pages:
        counts.update(_edges(lines).keys())
    needed = max(_MIN_RUNNING_PAGES, (len(pages) + 1) // 2)
    return {edge for edge, count in counts.items() if count >= needed}


def _edges(lines: list[str]) -> dict[tuple[int, str], int]:
    """Each edge line as (position, shape) -> its index in ``lines``."""
    filled = [index for index, line in enumerate(lines) if line]
    positions = list(range(_EDGE_LINES)) + [-1 - offset for offset in range(_EDGE_LINES)]
    edges: dict[tuple[int, str], int] = {}
    for position in positions:
        if -len(filled) <= position < len(filled):
            index = filled[position]
            edges.setdefault((position, _shape(lines[index])), index)
    return edges


def _without_running(lines: list[str], running: set[tuple[int, str]]) -> list[str]:
    """``lines`` without its running header and footer, unless that would leave nothing
    (pages that differ only in their numbers look entirely "running")."""
    dropped = {index for edge, index in _edges(lines).items() if edge in running}
    kept = [line for index, line in enumerate(lines) if index not in dropped]
    return kept if any(kept) else lines


def _shape(line: str) -> str:
    return _DIGITS.sub("#", line)


def _tidy_page(lines: list[str]) -> str:
    paragraphs: list[str] = []
    current = previous = ""
    full = _FULL_LINE * _long_line_length(lines)
    for line in lines:
        if _PAGE_NUMBER.match(line):
            continue
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        current = _join(current, line, wrapped=len(previous) >= full) if current else line
        previous = line
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _long_line_length(lines: list[str]) -> int:
    lengths = sorted(len(line) for line in lines if line)
    return lengths[int(len(lengths) * _LONG_LINE_PERCENTILE)] if lengths else 0


def _join(current: str, line: str, wrapped: bool = False) -> str:
    """``current`` and the next ``line`` of its paragraph: joined into one line where the
    line break only wrapped the text (``wrapped``: the line before was a full one), else on
    two lines."""
    tail = current[-_TAIL:]
    hyphenated = _HYPHENATED.search(tail)
    if hyphenated and line[0].isalpha():
        keep = _keeps_hyphen(hyphenated[1], line[0])
        return (current if keep else current[:-1]) + line
    if line[0] in _CLOSES:
        return current + line
    if _CONTINUES.match(line) and not _SENTENCE_END.search(tail):
        return current + " " + line
    if wrapped and line[0].isupper() and _ENDS_IN_WORD.search(tail):
        return current + " " + line
    return current + "\n" + line


def _reason(error: BaseException) -> str:
    message = " ".join(str(error).split()) or type(error).__name__
    pdfium_reason = _PDFIUM_REASON.search(message)
    message = pdfium_reason[1] if pdfium_reason else message
    return message[:_MAX_REASON]
