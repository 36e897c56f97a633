"""One large document mapped: time and peak memory by size (prints figures; not a test).

Usage: .venv/bin/python benchmarks/mapping_scale.py [--sizes 1 4 16] [--repeat 3] [--profile 1]

For each size in MB, one text of that size is made by joining generated documents
(``benchmarks/corpus_generator.py``, a blank line between them: a year of minutes, a long
inquiry report) and mapped by ``kg.mapping.map_document`` (extraction and mapping) in a fresh
process, which reports its time (wall and CPU: on shared cores the wall time grows with the
others' load, the CPU time much less) and peak resident memory. Time per MB should stay flat:
the goal is 4 MB in under 20 s and 500 MB. With ``--repeat N`` each size is mapped N times,
each in a fresh process, and the median is printed with the range of the CPU times: on this
machine's shared cores one run's CPU time differs from the next by up to a fifth. ``--profile N`` prints where the time of the N MB
document goes instead (cProfile, top functions by their own time).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.corpus_generator import generate

_MEASURE = """
import resource, sys, time
from pathlib import Path
from kg.ingest import read_document
from kg.mapping import map_document
document = read_document(Path(sys.argv[1]))
started, cpu = time.perf_counter(), time.process_time()
if sys.argv[2] == "profile":
    import cProfile, pstats
    profiler = cProfile.Profile()
    graph = profiler.runcall(map_document, document)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
else:
    graph = map_document(document)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{seconds:.2f} {cpu:.2f} {peak_mb:.0f} {len(graph.triples)}")
"""


def make_document(megabytes: float, folder: Path) -> Path:
    """A text of about ``megabytes`` MB: generated documents joined until it is that long."""
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    sources = folder / "sources"
    count = 64
    while size < target:
        for path in generate(count, sources, seed=count):
            text = path.read_text(encoding="utf-8")
            parts.append(text)
            size += len(text.encode("utf-8")) + 2
            if size >= target:
                break
        count *= 2
    path = folder / f"document-{megabytes:g}mb.txt"
    path.write_text("\n\n".join(parts), encoding="utf-8")
    return path


def measure(path: Path, profile: bool = False) -> tuple[float, float, float, int]:
    """Seconds, CPU seconds and peak MB of mapping ``path`` in a fresh process, and the triples it gave."""
    command = [sys.executable, "-c", _MEASURE, str(path), "profile" if profile else "time"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if profile:
        print(output)
    seconds, cpu, peak, triples = output.split()[-4:]
    return float(seconds), float(cpu), float(peak), int(triples)


def _load() -> str:
    """The machine's load average over 1, 5 and 15 minutes: the figures share its cores."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 16], help="document sizes in MB")
    parser.add_argument(
        "--repeat", type=int, default=1, help="map each size this many times (median printed)"
    )
    parser.add_argument("--profile", type=float, help="profile the document of this size instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.profile:
            measure(make_document(args.profile, Path(folder)), profile=True)
            return 0
        print(
            f"{'size':>8} {'seconds':>9} {'s per MB':>9} {'CPU s':>8} {'CPU/MB':>8} {'CPU range':>13} "
            f"{'peak MB':>8} {'triples':>9}  sha256 of the text"
        )
        for megabytes in args.sizes:
            path = make_document(megabytes, Path(folder))
            actual = path.stat().st_size / 1e6
            runs = sorted((measure(path) for _ in range(args.repeat)), key=lambda run: run[1])
            seconds, cpu, peak, triples = runs[len(runs) // 2]
            spread = f"{runs[0][1]:.1f}-{runs[-1][1]:.1f}"
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            print(
                f"{actual:6.2f}MB {seconds:9.2f} {seconds / actual:9.2f} {cpu:8.2f} {cpu / actual:8.2f} "
                f"{spread:>13} {peak:8.0f} {triples:9,}  {digest}",
                flush=True,
            )
        print(f"goal: 4 MB in under 20 s and 500 MB, time per MB flat; load average {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
