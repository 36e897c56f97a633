"""Word (.docx) documents -> body text in reading order, paragraphs and table rows as blocks.

Paragraphs are separated by a blank line; list paragraphs (a "List" style or Word
numbering) start with "• "; table cells are separated by a tab, one row per block.
The title comes from the document properties, else the first paragraph styled "Title" or
"Heading 1"; the date from the properties' creation date.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from . import Extracted, Unreadable
from .dates import normalise_date

# Style ids, not names: ``paragraph.style`` resolves the name by scanning every style of
# the document, slow on long files (figures: docs/benchmarks.md).
_TITLE_STYLES = ("Title", "Heading1")
# A .docx is a zip. Its parts are inflated here, counting the bytes as they come (the
# sizes the archive states can lie), and the document refused once they pass these: all
# parts together, and the XML parts that lxml parses (about ten times their size in memory).
MAX_UNZIPPED = 128 * 1024 * 1024
MAX_XML = 48 * 1024 * 1024
MAX_PARTS = 10_000
_READ_CHUNK = 1024 * 1024


def read_docx(raw: bytes) -> Extracted:
    """Extract a .docx file's body text. Raises Unreadable for a corrupt or non-Word file."""
    try:
        document = Document(io.BytesIO(_measured_archive(raw)))
        blocks = [_block_text(block) for block in document.iter_inner_content()]
        properties = document.core_properties
        title = (properties.title or "").strip() or _styled_title(document)
        date = normalise_date(properties.created.isoformat()) if properties.created else None
    except Unreadable:
        raise
    except Exception as error:  # python-docx and lxml raise many kinds on damaged files
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        raise Unreadable(f"corrupt or unsupported Word file ({reason})") from error
    return Extracted(
        text="\n\n".join(block for block in blocks if block.strip()),
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        title=title,
        date=date,
    )


def _measured_archive(raw: bytes) -> bytes:
    """The archive rebuilt from its parts as actually inflated, each part read in chunks
    and counted. Raises Unreadable for a file that is not a zip, has more than MAX_PARTS
    parts, or inflates past MAX_UNZIPPED (MAX_XML for its XML parts): a zip bomb, whatever
    its headers claim (entries that overlap or under-state their sizes included)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive, io.BytesIO() as rebuilt:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise Unreadable(
                    f"Word file has {len(members)} parts (the limit is {MAX_PARTS}); refusing a likely zip bomb"
                )
            with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_STORED) as copy:
                total = xml = 0
                for member in members:
                    if member.is_dir():
                        continue
                    is_xml = member.filename.endswith((".xml", ".rels"))
                    allowance = min(MAX_UNZIPPED - total, MAX_XML - xml) if is_xml else MAX_UNZIPPED - total
                    data = _inflate(archive, member, allowance)
                    total += len(data)
                    xml += len(data) if is_xml else 0
                    copy.writestr(member.filename, data)
            return rebuilt.getvalue()
    except Unreadable:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as error:
        raise Unreadable(f"not a Word .docx file (not a valid zip archive: {error})") from error


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, allowance: int) -> bytes:
    chunks, size = [], 0
    with archive.open(member) as stream:
        while chunk := stream.read(_READ_CHUNK):
            size += len(chunk)
            if size > allowance:
                raise Unreadable(
                    f"Word file unpacks to over {MAX_UNZIPPED // (1024 * 1024)} MB, or {MAX_XML // (1024 * 1024)} MB "
                    "of XML; refusing a likely zip bomb"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _block_text(block: Paragraph | Table) -> str:
    if isinstance(block, Table):
        rows = ("\t".join(cell.text.strip() for cell in row.cells) for row in block.rows)
        return "\n\n".join(row for row in rows if row.strip())
    text = block.text.strip()
    if text and _is_list_item(block):
        return "• " + text
    return text


def _style_id(paragraph: Paragraph) -> str:
    return paragraph._p.style or ""  # the raw id; see _TITLE_STYLES for why not paragraph.style


def _is_list_item(paragraph: Paragraph) -> bool:
    properties = paragraph._p.pPr  # python-docx has no public accessor for Word numbering
    return _style_id(paragraph).startswith("List") or (
        properties is not None and properties.numPr is not None
    )


def _styled_title(document) -> str | None:
    for paragraph in document.paragraphs:
        if _style_id(paragraph) in _TITLE_STYLES and paragraph.text.strip():
            return paragraph.text.strip()
    return None
