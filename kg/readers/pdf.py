"""PDF text layer -> readable text, with the offset where each page starts.

Each page's lines are rejoined into paragraphs: a line-end hyphen inside a word is removed
("safe-" + "guarding"), kept after a compounding word listed in
``kg/data/hyphen-prefixes.txt`` ("multi-agency"), and a line that does not end a sentence
is joined to a next line that starts in lower case. Bare page-number lines are dropped.
Pages are separated by a blank line; ``page_starts[i]`` is the offset of page ``i + 1``.
"""

from __future__ import annotations

import io
import logging
import re
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


def read_pdf(raw: bytes) -> Extracted:
    """Extract a PDF's text layer page by page.

    Raises Unreadable for a corrupt or truncated file, a password-protected one, and a
    PDF with no text layer (a scan).
    """
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(raw))
            _unlock(reader)
            pages = [_tidy_page(page.extract_text() or "") for page in reader.pages]
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


def _tidy_page(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
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
