"""How fast each reader turns files into document text (prints figures; not a test).

Usage: .venv/bin/python benchmarks/ingest_readers.py
Needs the test extra (fpdf2) to make the PDF. Every file is generated in a temporary folder.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import docx
from fpdf import FPDF

from kg.ingest import discover, read_document

PARAGRAPH = (
    "The partnership reviewed how agencies share information about children at risk of neglect; "
    "health colleagues were often absent from multi-agency meetings and plans drifted. "
)


def _pdf(pages: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 5, (PARAGRAPH * 4 + "\n") * 5)
    return bytes(pdf.output())


def _docx(paragraphs: int) -> bytes:
    document = docx.Document()
    for _ in range(paragraphs):
        document.add_paragraph(PARAGRAPH * 3)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _html(paragraphs: int) -> bytes:
    body = "".join(f"<p class='x'>{PARAGRAPH}<a href='#'>link</a></p>" for _ in range(paragraphs))
    return (
        f"<html><head><title>T</title></head><body><nav>Menu</nav><main>{body}</main></body></html>".encode()
    )


def _time(path: Path) -> None:
    started = time.perf_counter()
    document = read_document(path)
    seconds = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    rate = len(document.text) / seconds / 1e6
    print(
        f"{path.name:<22} {size:7.2f} MB file {seconds:7.2f} s {len(document.text):>12,} chars {rate:6.2f} M chars/s"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        samples = {
            "utf8-40MB.txt": (PARAGRAPH * 240_000).encode("utf-8"),
            "cp1252-40MB.txt": (PARAGRAPH.replace("; ", " – ’") * 230_000).encode("cp1252"),
            "page-5MB.html": _html(20_000),
            "report-200pages.pdf": _pdf(200),
            "review-2000paras.docx": _docx(2_000),
        }
        for name, raw in samples.items():
            (base / name).write_bytes(raw)
            _time(base / name)
        many = base / "many"
        for number in range(5_000):
            (many / f"{number % 50:02d}").mkdir(parents=True, exist_ok=True)
            (many / f"{number % 50:02d}" / f"doc-{number}.txt").write_text(PARAGRAPH, encoding="utf-8")
        started = time.perf_counter()
        paths = discover([many])
        found = time.perf_counter() - started
        for path in paths:
            read_document(path)
        both = time.perf_counter() - started
        print(f"discover {len(paths):,} files in 50 folders: {found:.2f} s; discover and read: {both:.2f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
