"""PDF text layer -> readable text, with the offset where each page starts.

Each page's lines are rejoined into paragraphs: a line-end hyphen inside a word is removed
("safe-" + "guarding"), kept after a compounding word listed in
``kg/data/hyphen-prefixes.txt`` ("multi-agency"), and a line that does not end a sentence
is joined to a next line that starts in lower case. Bare page-number lines and running
headers and footers (the same line at the top or bottom of most pages) are dropped.
Ligatures become letters ("ﬁ" -> "fi") and soft hyphens go. Pages are separated by a
blank line; ``page_starts[i]`` is the offset of page ``i + 1``.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from contextlib import contextmanager

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from ..resources import load_lines
from . import Extracted, Unreadable
from .dates import normalise_date

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?\s*$", re.IGNORECASE)
_HYPHENATED = re.compile(r"([A-Za-z]*[a-z])-$")
_SENTENCE_END = re.compile(r"[.!?:;]['’\")\]]*$")
_SPACES = re.compile(r"[ \t]+")
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?")
_MAX_REASON = 160
# Typeset ligatures back to letters ("ﬁndings" -> "findings"); soft hyphens out.
_TYPOGRAPHY = str.maketrans(
    {
        "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
        "\ufb05": "st", "\ufb06": "st", "\u00ad": None,
    }
)
_DIGITS = re.compile(r"\d+")
# How many lines at the top and bottom of a page may be a running header or footer.
_EDGE_LINES = 2
_MIN_RUNNING_PAGES = 3


def read_pdf(raw: bytes) -> Extracted:
    """Extract a PDF's text layer page by page.

    Raises Unreadable for a corrupt or truncated file, a password-protected one, and a
    PDF with no text layer (a scan).
    """
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(raw))
            _unlock(reader)
            pages = _tidy_pages([_lines(page.extract_text() or "") for page in reader.pages])
            title, date = _metadata(reader)
        except Unreadable:
            raise
        except Exception as error:  # pypdf raises many kinds on damaged files; any one means "corrupt"
            raise Unreadable(f"corrupt or unsupported PDF ({_reason(error)})") from error
    if not any(ch.isalnum() for page in pages for ch in page):
        raise Unreadable("PDF has no text layer (a scanned image?); run OCR on it first")
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 2
    return Extracted(
        text="\n\n".join(pages), media_type="application/pdf", title=title, date=date, page_starts=tuple(starts)
    )


@contextmanager
def _quiet_pypdf():
    """pypdf logs a warning for every quirk of a damaged file; the reason we raise is enough."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _unlock(reader: PdfReader) -> None:
    if not reader.is_encrypted:
        return
    try:
        unlocked = reader.decrypt("")
    except DependencyError as error:
        raise Unreadable(f"encrypted PDF that cannot be decrypted here ({_reason(error)})") from error
    if unlocked == PasswordType.NOT_DECRYPTED:
        raise Unreadable("encrypted PDF that needs a password; save an unprotected copy and build again")


def _metadata(reader: PdfReader) -> tuple[str | None, str | None]:
    info = reader.metadata
    if info is None:
        return None, None
    title = _SPACES.sub(" ", str(info.title or "")).strip() or None
    created = _PDF_DATE.match(str(info.get("/CreationDate") or ""))
    date = normalise_date("-".join(part for part in created.groups() if part)) if created else None
    return title, date


def _lines(text: str) -> list[str]:
    text = text.translate(_TYPOGRAPHY).replace("\r\n", "\n").replace("\r", "\n")
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


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
    current = ""
    for line in lines:
        if _PAGE_NUMBER.match(line):
            continue
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        current = _join(current, line) if current else line
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _join(current: str, line: str) -> str:
    starts_lower = line[0].islower()
    hyphenated = _HYPHENATED.search(current)
    if hyphenated and starts_lower:
        word = hyphenated[1].lower()
        if word in load_lines("hyphen-prefixes.txt"):
            return current + line
        return current[:-1] + line
    if starts_lower and not _SENTENCE_END.search(current):
        return current + " " + line
    return current + "\n" + line


def _reason(error: BaseException) -> str:
    message = " ".join(str(error).split()) or type(error).__name__
    return message[:_MAX_REASON]
