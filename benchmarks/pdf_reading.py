"""The real report PDFs built by `kg build` against poppler's `pdftotext` (prints figures; not a test).

Usage: .venv/bin/python benchmarks/pdf_reading.py [--docs ../shared/real/docs] [--jobs 2]

Prints, in one run, on the same files:

- `pdftotext` (poppler-utils) run on each PDF one after another: the time to pull the text out;
- the PDF reader alone (`kg.readers.pdf.read_pdf`) on each PDF in this process, and pypdf's
  `extract_text` when pypdf is installed (the reader sgkg used before), for comparison;
- `kg build --jobs 2 --no-html --no-compact` of the folder into a temporary folder (a fresh
  process, cache empty): reading, mapping, writing the graph and loading the store;

and the ratio of the build to `pdftotext` (the goal is 1.0 or less). The real documents are
for measuring only: they are read where they lie and nothing of them is printed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.readers.pdf import read_pdf

DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "docs"


def _pdftotext(pdfs: list[Path], out: Path) -> tuple[float, int]:
    started = time.perf_counter()
    for pdf in pdfs:
        subprocess.run(["pdftotext", str(pdf), str(out / (pdf.stem + ".txt"))], check=True)
    seconds = time.perf_counter() - started
    return seconds, sum(len((out / (pdf.stem + ".txt")).read_text(encoding="utf-8")) for pdf in pdfs)


def _reader(pdfs: list[Path]) -> tuple[float, int]:
    started = time.perf_counter()
    characters = sum(len(read_pdf(pdf.read_bytes()).text) for pdf in pdfs)
    return time.perf_counter() - started, characters


def _pypdf(pdfs: list[Path]) -> tuple[float, int] | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    started = time.perf_counter()
    characters = sum(len(page.extract_text() or "") for pdf in pdfs for page in PdfReader(pdf).pages)
    return time.perf_counter() - started, characters


def _build(docs: Path, out: Path, jobs: int) -> float:
    kg = Path(sys.executable).with_name("kg")
    command = [
        str(kg),
        "build",
        str(docs),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--no-html",
        "--no-compact",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"kg build failed ({done.returncode}): {done.stderr.strip()}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--docs", type=Path, default=DOCS, help="folder of PDFs (default: ../shared/real/docs)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the build (default: 2)")
    args = parser.parse_args()
    pdfs = sorted(args.docs.glob("*.pdf"))
    if not pdfs:
        print(f"no PDF in {args.docs}", file=sys.stderr)
        return 2
    if shutil.which("pdftotext") is None:
        print("pdftotext not found: apt-get install -y poppler-utils", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "text").mkdir()
        poppler, poppler_chars = _pdftotext(pdfs, base / "text")
        reader, reader_chars = _reader(pdfs)
        legacy = _pypdf(pdfs)
        build = _build(args.docs, base / "out", args.jobs)
    print(f"{len(pdfs)} PDFs in {args.docs}")
    print(f"pdftotext, one file after another  {poppler:7.2f} s  {poppler_chars:>10,} chars")
    print(f"sgkg's PDF reader (pypdfium2)      {reader:7.2f} s  {reader_chars:>10,} chars")
    if legacy is not None:
        print(f"pypdf extract_text (before)        {legacy[0]:7.2f} s  {legacy[1]:>10,} chars")
    print(f"kg build --jobs {args.jobs} --no-html         {build:7.2f} s")
    print(f"build / pdftotext                  {build / poppler:7.2f}   (goal: <= 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
