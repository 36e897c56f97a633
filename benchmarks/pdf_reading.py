"""The real report PDFs built by `kg build` against poppler's `pdftotext` (prints figures; not a test).

Usage: .venv/bin/python benchmarks/pdf_reading.py [--docs ../shared/real/docs] [--jobs 2]

Prints, in one run, on the same files:

- `pdftotext` (poppler-utils) run on each PDF one after another: the time to pull the text out;
- the PDF reader alone (`kg.readers.pdf.read_pdf`) on each PDF in this process, and pypdf's
  `extract_text` when pypdf is installed (the reader sgkg used before), for comparison;
- `kg build --jobs 2 --no-html --no-compact` of the folder into a temporary folder (a fresh
  process, cache empty): reading, mapping, writing the graph and loading the store;
- the same build again inside this process, for where its time goes: the wall and CPU time
  of each stage (CPU of the build process and its workers, from ``build_corpus.StageClock``);

and the ratio of the build to `pdftotext` (the goal is 1.0 or less), in wall time and in CPU
time. The machine's cores are shared: its load average is printed, and the CPU times say
what the work costs whatever the load. The real documents are for measuring only: they are
read where they lie and nothing of them is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.build_corpus import StageClock, print_stages
from kg.build.pipeline import BuildOptions, build
from kg.readers.pdf import read_pdf

DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "docs"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pdftotext(pdfs: list[Path], out: Path) -> tuple[float, float, int]:
    started, cpu = time.perf_counter(), _children_cpu()
    for pdf in pdfs:
        subprocess.run(["pdftotext", str(pdf), str(out / (pdf.stem + ".txt"))], check=True)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    return seconds, cpu, sum(len((out / (pdf.stem + ".txt")).read_text(encoding="utf-8")) for pdf in pdfs)


def _reader(pdfs: list[Path]) -> tuple[float, float, int]:
    started, cpu = time.perf_counter(), time.process_time()
    characters = sum(len(read_pdf(pdf.read_bytes()).text) for pdf in pdfs)
    return time.perf_counter() - started, time.process_time() - cpu, characters


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


def _stages(docs: Path, out: Path, jobs: int) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """The same build in this process: wall and CPU seconds in all, and per stage."""
    clock = StageClock()
    began = clock.mark()
    build([docs], BuildOptions(out_dir=out, html=False, jobs=jobs, progress=clock))
    ended = clock.mark()
    return ended[0] - began[0], ended[1] - began[1], clock.durations(began, ended)


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
        poppler, poppler_cpu, poppler_chars = _pdftotext(pdfs, base / "text")
        reader, reader_cpu, reader_chars = _reader(pdfs)
        legacy = _pypdf(pdfs)
        built = _build(args.docs, base / "out", args.jobs)
        again, again_cpu, stages = _stages(args.docs, base / "again", args.jobs)
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{len(pdfs)} PDFs in {args.docs}; load average (1, 5, 15 min) {load} on {os.cpu_count()} cores")
    print(
        f"pdftotext, one file after another  {poppler:7.2f} s  CPU {poppler_cpu:6.2f} s  {poppler_chars:>10,} chars"
    )
    print(
        f"sgkg's PDF reader (pypdfium2)      {reader:7.2f} s  CPU {reader_cpu:6.2f} s  {reader_chars:>10,} chars"
    )
    if legacy is not None:
        print(f"pypdf extract_text (before)        {legacy[0]:7.2f} s  {legacy[1]:>10,} chars")
    print(f"kg build --jobs {args.jobs} --no-html         {built:7.2f} s  (from start-up to exit)")
    print(
        f"the same build in this process     {again:7.2f} s  CPU {again_cpu:6.2f} s  (build process and workers)"
    )
    print_stages(stages)
    print(f"build / pdftotext, wall            {built / poppler:7.2f}   (goal: <= 1.0)")
    print(f"build / pdftotext, CPU             {again_cpu / poppler_cpu:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
