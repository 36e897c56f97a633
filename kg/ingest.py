"""Files -> SourceDocument: the text every evidence offset points into.

Implements the ``sg:SourceDocument`` side of ONTOLOGY.md. ``discover`` finds the document
files under the inputs; ``read_document`` reads one with the reader for its kind
(``kg.readers``): plain text and Markdown are decoded unchanged, so ``text[start:end] ==
quote`` holds on the file itself; HTML, PDF and Word files are extracted, and their
offsets index the extracted text. Every file that cannot be used gives an InputError
naming the file and the reason, so a build can report it and go on with the others.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .build.folder import OutputFolder
from .errors import InputError
from .readers import Extracted, Unreadable
from .readers.docx import read_docx
from .readers.html import read_html
from .readers.pdf import read_pdf
from .readers.text import read_markdown, read_text
from .vocab import ONTOLOGY_GRAPH, SCHEMES_GRAPH, graph_iri, slugify

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_MEGABYTE = 1024 * 1024

_READERS: dict[str, Callable[[bytes], Extracted]] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}
DOCUMENT_SUFFIXES = frozenset(_READERS)
# Documents no reader handles: listed by discover so the build reports them, not skipped in silence.
UNSUPPORTED_SUFFIXES = frozenset({".doc", ".rtf", ".odt", ".pages", ".ppt", ".pptx", ".odp", ".epub"})
_DECODED_AS_IS = frozenset({"text/plain", "text/markdown"})


@dataclass(frozen=True)
class SourceDocument:
    """One input file, read.

    ``text`` is what evidence offsets index: the decoded file for text and Markdown
    (``text == raw.decode(encoding, errors="replace")``), the extracted text otherwise.
    ``sha256`` is of the raw bytes, so a cache can tell an unchanged file without
    decoding it. ``page_starts[i]`` is the offset where page ``i + 1`` starts (PDF only).
    """

    document_id: str
    path: Path
    text: str
    sha256: str
    media_type: str = "text/plain"
    encoding: str | None = "utf-8"
    title: str | None = None
    date: str | None = None
    page_starts: tuple[int, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = ()  # how the file was read (e.g. a declared charset not used)

    @property
    def file_name(self) -> str:
        return file_name_of(self.path)

    @property
    def is_extracted(self) -> bool:
        """True when ``text`` was extracted (HTML, PDF, Word), not the file decoded as it is."""
        return self.media_type not in _DECODED_AS_IS

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, or None for a document without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


def discover(
    inputs: list[Path],
    *,
    follow_links: bool = False,
    skip: Path | None = None,
    skipped: list[str] | None = None,
    missing: list[str] | None = None,
) -> list[Path]:
    """The document files under ``inputs`` (files or folders), sorted, each real file once.

    Folders are walked recursively, following symbolic links that stay inside the folder
    given but never into a folder already visited (so link loops end). A link that leads
    out of the folder given is not followed unless ``follow_links`` (a link to a system file
    would put its text in the graph), nor is a folder holding an sgkg build's outputs
    (``kg.build.folder``; ``skip`` is the build's own ``--out``): each is named in ``skipped``
    (the build's own output folder silently). Hidden files and folders (a leading ".")
    and Office lock files ("~$...") are skipped, as are files of other kinds (images,
    data); documents in a format no reader handles (``UNSUPPORTED_SUFFIXES``) are kept so
    that ``read_document`` reports them. A file named directly is always kept. A folder
    that cannot be listed is returned as it is, so that ``read_document`` reports it with
    the other failures. Raises InputError for an input path that does not exist, unless
    ``missing`` is given: each such path is then named there (``"PATH: no such file or
    folder"``) and the others are walked.
    """
    found: dict[str, Path] = {}
    notes = skipped if skipped is not None else []
    own_output = os.path.realpath(skip) if skip is not None else None
    for given in inputs:
        if not given.exists():
            if missing is None:
                raise InputError(f"{given}: no such file or folder")
            missing.append(f"{given}: no such file or folder")
            continue
        candidates = _walk(given, follow_links, own_output, notes) if given.is_dir() else iter([given])
        for path in sorted(candidates, key=lambda p: p.as_posix()):
            found.setdefault(os.path.realpath(path), path)
    return sorted(found.values(), key=lambda p: p.as_posix())


def _walk(folder: Path, follow_links: bool, own_output: str | None, skipped: list[str]) -> Iterator[Path]:
    root = os.path.realpath(folder)
    visited: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            identity = current.stat()
            if (identity.st_dev, identity.st_ino) in visited:
                continue
            visited.add((identity.st_dev, identity.st_ino))
            entries = list(os.scandir(current))
        except OSError:
            yield current
            continue
        for entry in sorted(entries, key=lambda entry: entry.name):
            if entry.name.startswith((".", "~$")):
                continue
            if not follow_links and _leaves(entry, root):
                target = os.path.realpath(entry.path)
                skipped.append(
                    printable(
                        f"{entry.path}: a link to {target}, outside {folder}; not followed (--follow-links reads it)"
                    )
                )
                continue
            if _is_dir(entry):
                if OutputFolder(Path(entry.path)).is_build():
                    if os.path.realpath(entry.path) != own_output:
                        skipped.append(
                            printable(f"{entry.path}: the output folder of an sgkg build; not read as input")
                        )
                    continue
                pending.append(Path(entry.path))
            elif Path(entry.name).suffix.lower() in DOCUMENT_SUFFIXES | UNSUPPORTED_SUFFIXES:
                yield Path(entry.path)


def _leaves(entry: os.DirEntry, root: str) -> bool:
    """True for a symbolic link whose target lies outside the folder ``root``."""
    if not entry.is_symlink():
        return False
    target = os.path.realpath(entry.path)
    return target != root and not target.startswith(root.rstrip(os.sep) + os.sep)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def file_name_of(path: Path) -> str:
    """The file's name as text: bytes of a name that are not UTF-8 become U+FFFD (RDF
    literals and terminals cannot carry the lone surrogates Python keeps them as)."""
    return printable(path.name)


def printable(text: str) -> str:
    """``text`` with the lone surrogates of undecodable file-name bytes replaced by U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def document_id_for(path: Path) -> str:
    """The stable document id: the slug of the file name without its suffix.

    A name with no letters or digits to slug (e.g. only non-Latin script) gets
    ``document-`` and a short hash of the name instead. A slug that names one of the
    build's own graphs (``schemes``, or ``ontology`` where ``kg push`` sends the
    ontology) gets ``-document`` added, so the two never share a graph IRI.
    """
    try:
        slug = slugify(path.stem)
    except ValueError:
        return "document-" + hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{slug}-document" if graph_iri(slug) in (SCHEMES_GRAPH, ONTOLOGY_GRAPH) else slug


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Read one file into a SourceDocument with the reader for its suffix.

    A file of unknown suffix (named directly) is read by what its first bytes look like.
    Raises InputError, naming the file and the reason, for a format no reader handles
    (old Word, RTF, slides), when the path is not a readable regular file, is empty or larger than ``max_bytes``, is binary or corrupt, or holds
    no text (letters or digits) once read.
    """
    if path.suffix.lower() in UNSUPPORTED_SUFFIXES:
        raise InputError(f"{path}: {path.suffix} files are not supported; save it as PDF, .docx or text")
    raw = _read_bytes(path, max_bytes)
    reader = _READERS.get(path.suffix.lower()) or _sniff(raw)
    try:
        extracted = reader(raw)
    except Unreadable as error:
        raise InputError(f"{path}: {error}") from error
    if not any(ch.isalnum() for ch in extracted.text):
        raise InputError(f"{path}: no text to map (only whitespace, markup or punctuation)")
    return SourceDocument(
        document_id=document_id_for(path),
        path=path,
        text=extracted.text,
        sha256=hashlib.sha256(raw).hexdigest(),
        media_type=extracted.media_type,
        encoding=extracted.encoding,
        title=extracted.title,
        date=extracted.date,
        page_starts=extracted.page_starts,
        warnings=tuple(f"{printable(str(path))}: {warning}" for warning in extracted.warnings),
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            os.listdir(path)
            raise InputError(f"{path}: is a folder, not a document file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: not a regular file (a device, pipe or socket)")
        if info.st_size == 0:
            raise InputError(f"{path}: empty file, no text to map")
        if info.st_size > max_bytes:
            raise InputError(
                f"{path}: too large ({_megabytes(info.st_size)}; the limit is {_megabytes(max_bytes)})"
            )
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from error
    if len(raw) > max_bytes:
        raise InputError(f"{path}: too large (over the {_megabytes(max_bytes)} limit)")
    if not raw:
        raise InputError(f"{path}: empty file, no text to map")
    return raw


def _megabytes(size: int) -> str:
    return f"{size / _MEGABYTE:.1f} MB"


def _sniff(raw: bytes) -> Callable[[bytes], Extracted]:
    head = raw[:1024].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return read_pdf
    if head.startswith(b"pk\x03\x04") and b"word/" in raw[:65536]:
        return read_docx
    if head.startswith((b"<!doctype html", b"<html")):
        return read_html
    return read_text
