"""Files -> SourceDocument: the text every evidence offset points into.

Implements the ``sg:SourceDocument`` side of ONTOLOGY.md. For a plain-text file the
document text is the file decoded (UTF-8, else the detected encoding), unchanged, so
``text[start:end] == quote`` holds on the file itself. Cleaning happens later, in a
length-preserving view (``kg.text``), never here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError
from .vocab import slugify

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})


@dataclass(frozen=True)
class SourceDocument:
    """One input file, read.

    ``text`` is what evidence offsets index. ``sha256`` is of the raw bytes, so a
    cache can tell an unchanged file without decoding it.
    """

    document_id: str
    path: Path
    text: str
    sha256: str
    media_type: str = "text/plain"
    encoding: str = "utf-8"
    title: str | None = None
    date: str | None = None
    page_starts: tuple[int, ...] = field(default_factory=tuple)

    @property
    def file_name(self) -> str:
        return self.path.name


def discover(inputs: list[Path]) -> list[Path]:
    """The readable document files under ``inputs`` (files or folders), sorted, without repeats.

    Raises InputError for a path that does not exist.
    """
    found: set[Path] = set()
    for given in inputs:
        if not given.exists():
            raise InputError(f"{given}: no such file or folder")
        if given.is_dir():
            found.update(p for p in given.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        else:
            found.add(given)
    return sorted(found, key=lambda p: p.as_posix())


def document_id_for(path: Path) -> str:
    """The stable document id: the slug of the file name without its suffix."""
    return slugify(path.stem)


def read_document(path: Path) -> SourceDocument:
    """Read one file into a SourceDocument.

    Raises InputError (naming the file) when it cannot be read or holds no text.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from error
    text, encoding = decode_text(raw)
    if not text.strip():
        raise InputError(f"{path}: empty, no text to map")
    return SourceDocument(
        document_id=document_id_for(path),
        path=path,
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        encoding=encoding,
    )


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM dropped), else as the encoding charset-normalizer detects."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(raw).best()
        encoding = best.encoding if best else "cp1252"
        return raw.decode(encoding, errors="replace"), encoding
