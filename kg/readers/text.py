"""Plain text and Markdown: decoded unchanged, so evidence offsets index the file itself.

The invariant every text reader keeps: ``text == raw.decode(encoding, errors="replace")``.
A UTF-8 byte-order mark therefore stays in the text as U+FEFF (the contract's "the file
decoded as UTF-8"), and nothing is cleaned here; the mapper makes its own
length-preserving clean view.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from . import Extracted, Unreadable

# Byte-order marks and the codec that decodes the whole file, mark included, as the text.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes 0x80-0x9F that Windows-1252 leaves undefined; a file holding one is not cp1252.
_CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")
_WESTERN = frozenset({"cp1252", "windows-1252", "latin_1", "iso8859_1", "iso-8859-1", "iso8859_15"})
# Control characters (Unicode category Cc) other than tab, line feeds and form feed, and U+FFFD.
_NON_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
# Above this share of control or replacement characters a file is taken as binary.
_MAX_NON_TEXT_SHARE = 0.05
# Above this share of non-ASCII letters, a Western decoding is likely another script's mojibake.
_MAX_NON_ASCII_LETTER_SHARE = 0.3
_SCRIPT_SAMPLE = 100_000
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Above this share of non-ASCII bytes in valid UTF-8 sequences, an invalid file is UTF-8 with strays.
_MIN_UTF8_SHARE = 0.8


def read_text(raw: bytes) -> Extracted:
    """A ``.txt`` file: the decoded bytes, unchanged. Raises Unreadable for binary content."""
    text, encoding = decode_text(raw)
    return Extracted(text=text, media_type="text/plain", encoding=encoding)


def read_markdown(raw: bytes) -> Extracted:
    """A Markdown file: decoded unchanged; the first ``# `` heading is its title."""
    text, encoding = decode_text(raw)
    return Extracted(text=text, media_type="text/markdown", encoding=encoding, title=_first_heading(text))


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode a text file: a byte-order mark's codec, else UTF-8 (also when a few stray bytes
    are not UTF-8: they become U+FFFD), else Windows-1252 or Latin-1.

    charset-normalizer is consulted only when the Western decoding looks like another
    script (most letters non-ASCII): on short English text it guesses cp1250 or cp1006,
    which turns curly quotes and accents into the wrong letters.
    Raises Unreadable when the bytes are binary (NUL bytes, or mostly control characters).
    """
    encoding = _encoding_of(raw)
    text = raw.decode(encoding, errors="replace")
    reject_binary(text)
    return text, encoding


def _encoding_of(raw: bytes) -> str:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return codec
    if b"\x00" in raw:
        raise Unreadable("binary file (it contains NUL bytes), not text")
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        if _mostly_utf8(raw):
            return "utf-8"
    western = "latin-1" if _CP1252_HOLES.intersection(raw) else "cp1252"
    if not _looks_like_other_script(raw.decode(western)):
        return western
    best = from_bytes(raw).best()
    if best is None or best.encoding.lower() in _WESTERN:
        return western
    return best.encoding


def _mostly_utf8(raw: bytes) -> bool:
    """True when most non-ASCII bytes form valid UTF-8 sequences: a UTF-8 file with a few
    stray bytes (pasted from a Windows-1252 source). Those bytes become U+FFFD; decoding
    it all as Windows-1252 instead would garble every ’ into â€™."""
    non_ascii = sum(1 for byte in raw if byte > 0x7F)
    in_sequences = sum(len(sequence) for sequence in _UTF8_SEQUENCE.findall(raw))
    return in_sequences > non_ascii * _MIN_UTF8_SHARE


def _looks_like_other_script(text: str) -> bool:
    letters = [ch for ch in text[:_SCRIPT_SAMPLE] if ch.isalpha()]
    if not letters:
        return False
    non_ascii = sum(1 for ch in letters if ord(ch) > 127)
    return non_ascii / len(letters) > _MAX_NON_ASCII_LETTER_SHARE


def reject_binary(text: str) -> None:
    """Raise Unreadable when more than a few characters are control or replacement characters."""
    if not text:
        return
    share = sum(1 for _ in _NON_TEXT.finditer(text)) / len(text)
    if share > _MAX_NON_TEXT_SHARE:
        raise Unreadable(f"binary or not text ({share:.0%} control or undecodable characters)")


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        stripped = line.strip().lstrip("\ufeff")
        if stripped.startswith("# "):
            return stripped[2:].strip().rstrip("#").strip() or None
    return None
