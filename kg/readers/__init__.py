"""Format readers: the bytes of one file -> the text every evidence offset indexes.

Each reader takes the raw bytes and returns an ``Extracted``; it raises ``Unreadable``
with a short reason (no file name: ``kg.ingest`` adds it and turns the reason into an
InputError). Plain text and Markdown are decoded unchanged; HTML, PDF and DOCX are
extracted into readable text with paragraph breaks, so for them ``text`` is what the
offsets index and the document keeps that text (or its hash) to check quotes against.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Unreadable(ValueError):
    """A file's bytes cannot be turned into document text; the message is the reason."""


@dataclass(frozen=True)
class Extracted:
    """What a reader found: the text, its media type and what the file states about itself,
    and ``warnings`` about how it was read (e.g. a declared charset that was not used)."""

    text: str
    media_type: str
    encoding: str | None = None
    title: str | None = None
    date: str | None = None
    page_starts: tuple[int, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = ()
