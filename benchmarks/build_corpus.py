"""Build benchmark: generate N documents, build them, and print how fast and how big it was.

Prints, for one run on this machine: documents/s, MB/s and triples/s of a full build;
the wall and CPU time of each stage (CPU time shows the work when other processes share
the cores); peak memory (the build process, and the largest mapping
worker); how long the background compaction of the store takes once the build has
returned (``kg.compaction``); the latency of every library query (``queries/*.rq``) inside
the compacted store, after the full build and again once a rebuild has patched it, and of
one ``kg query`` command including start-up; the time to rebuild after one document
changes, and of four such rebuilds back to back, the fourth of which compacts the store
inline as no compaction had time to finish between them; and, measured in the same run,
two floors: reading the files and splitting them into sentences (``kg.text``), which no
build can beat, and, for each query over its goal, the time to read its answer back when
it is stored ready-made (``answer_floor.py``), which no query can beat. Goals from the
scale issue are printed beside the figures; nothing is asserted.

    python benchmarks/build_corpus.py --documents 2000            # what `make bench` runs
    python benchmarks/build_corpus.py --documents 200 --jobs 1    # quick, one core
    python benchmarks/build_corpus.py --documents 20000 --no-queries   # the 20,000-document goal
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.answer_floor import REQUIRED_EXAMPLES, answer_floor
from benchmarks.corpus_generator import generate
from kg import compaction, text
from kg.ingest import read_document
from kg.pipeline import BuildOptions, build
from kg.resources import queries_dir

ROOT = Path(__file__).resolve().parent.parent


class StageClock:
    """A build progress callback that notes when each stage starts, in wall time and in CPU time.

    CPU time is that of the build process (all its threads) and of every process it
    started (the mapping workers), read from ``/proc`` at each stage start and, while
    mapping, at most every half second and at the last document (the workers exit when
    mapping ends, taking their figures with them).
    """

    def __init__(self) -> None:
        self.starts: dict[str, tuple[float, float]] = {}
        self._cpu = ProcessTreeCpu()
        self._sampled = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage not in self.starts:
            self.starts[stage] = (now, self._cpu.seconds())
        elif now - self._sampled > 0.5 or done == total:
            self._cpu.seconds()
            self._sampled = now

    def mark(self) -> tuple[float, float]:
        return time.perf_counter(), self._cpu.seconds()

    @property
    def peak_worker_mb(self) -> float:
        """The largest peak resident memory of the processes the build started, as sampled."""
        return self._cpu.peak_descendant_mb

    def durations(
        self, began: tuple[float, float], ended: tuple[float, float]
    ) -> dict[str, tuple[float, float]]:
        """Stage -> (wall seconds, CPU seconds), from the build's start and end marks."""
        marks = [("find and look up in cache", began)] + list(self.starts.items()) + [("", ended)]
        return {
            name: (marks[i + 1][1][0] - start[0], marks[i + 1][1][1] - start[1])
            for i, (name, start) in enumerate(marks[:-1])
        }


class ProcessTreeCpu:
    """CPU seconds used so far by this process and its descendants (live ones, and those seen before),
    and the peak resident memory of the descendants seen (``peak_descendant_mb``).

    The peak is read from each descendant's ``VmHWM`` rather than from ``RUSAGE_CHILDREN``,
    which also counts, for a child forked from the build process, the build process's own
    memory it shared until it ran another program.
    """

    def __init__(self) -> None:
        self._tick = os.sysconf("SC_CLK_TCK")
        self._seen: dict[int, float] = {}
        self.peak_descendant_mb = 0.0
        self._base = self._sample()

    def seconds(self) -> float:
        return self._sample() - self._base

    def _sample(self) -> float:
        parents: dict[int, int] = {}
        used: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry.name)] = int(fields[1])
                used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self._tick
        mine = {os.getpid()}
        for pid in sorted(parents):  # descendants: follow parents up to this process
            chain = [pid]
            while chain[-1] in parents and chain[-1] not in mine and parents[chain[-1]] > 1:
                chain.append(parents[chain[-1]])
            if chain[-1] in mine:
                mine.update(chain)
        for pid in mine & used.keys():
            self._seen[pid] = max(self._seen.get(pid, 0.0), used[pid])
        for pid in mine - {os.getpid()}:
            self.peak_descendant_mb = max(self.peak_descendant_mb, _peak_resident_mb(pid))
        return sum(self._seen.values())


def _peak_resident_mb(pid: int) -> float:
    """``VmHWM`` of a live process in MB (0 when it is gone or has none)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next(
        (int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0.0
    )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pyoxigraph
    import rdflib

    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; {platform.platform()}; Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}"
    )


def floor(paths: list[Path]) -> tuple[float, int]:
    """Seconds to read every file and split it into sentences, and the sentence count."""
    began = time.perf_counter()
    sentences = sum(len(text.segment(text.clean_view(read_document(path).text))) for path in paths)
    return time.perf_counter() - began, sentences


def timed_build(corpus: Path, out_dir: Path, jobs: int | None, html: bool, rebuild: bool = False):
    """The build's report, wall and CPU seconds, stage durations and the largest mapping worker's peak memory (MB)."""
    clock = StageClock()
    began = clock.mark()
    report = build(
        [corpus],
        BuildOptions(out_dir=out_dir, html=html, jobs=jobs, rebuild=rebuild, compact=True, progress=clock),
    )
    ended = clock.mark()
    return (
        report,
        ended[0] - began[0],
        ended[1] - began[1],
        clock.durations(began, ended),
        clock.peak_worker_mb,
    )


_TIME_QUERY = """
import json, sys, time
from pathlib import Path
from pyoxigraph import Variable
from kg.query import parameter_term
from kg.store import open_store
store, sparql, times, rows = open_store(Path(sys.argv[1])), Path(sys.argv[2]).read_text(encoding="utf-8"), [], 0
bound = {Variable(name): parameter_term(value) for name, value in json.loads(sys.argv[3]).items()}
for _ in range(int(sys.argv[4])):
    began = time.perf_counter()
    rows = sum(1 for _ in store.query(sparql, substitutions=bound))
    times.append(time.perf_counter() - began)
print(json.dumps([times, rows]))
"""
# Each query runs this many times in each of this many processes. Run to run, on this
# machine's shared cores, one query's time varies by a third or more: the median of all
# the runs is the figure printed.
_RUNS, _PROCESSES = 5, 3
_QUERY_GOAL = 0.2


def query_latencies(out_dir: Path, limit: float = 120.0) -> list[tuple[str, float | None, int]]:
    """(query name, median seconds of every run or None past ``limit``, rows) for every library query.

    Each query runs in processes of its own on the built store (default graph = the union),
    so one pathological query cannot stall or swell the benchmark.
    """
    results = []
    for path in sorted(queries_dir().glob("*.rq")):
        parameters = json.dumps(REQUIRED_EXAMPLES.get(path.stem, {}))
        times: list[float] = []
        try:
            for _ in range(_PROCESSES):
                done = subprocess.run(
                    [sys.executable, "-c", _TIME_QUERY, str(out_dir), str(path), parameters, str(_RUNS)],
                    capture_output=True,
                    text=True,
                    timeout=limit,
                    check=True,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                )
                runs, rows = json.loads(done.stdout)
                times.extend(runs)
        except subprocess.TimeoutExpired:
            results.append((path.stem, None, 0))
            continue
        results.append((path.stem, statistics.median(times), rows))
    return results


def command_latency(work_dir: Path, name: str, limit: float = 300.0) -> float | None:
    """Seconds for `kg query NAME --format csv` run in ``work_dir`` (its out/ is the build), start-up
    included; None past ``limit``."""
    began = time.perf_counter()
    try:
        parameters = [f"--param={key}={value}" for key, value in REQUIRED_EXAMPLES.get(name, {}).items()]
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "query", name, *parameters, "--format", "csv"],
            cwd=work_dir,
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - began


def change_one(paths: list[Path]) -> None:
    middle = paths[len(paths) // 2]
    middle.write_text(
        middle.read_text(encoding="utf-8") + "\nThe partnership will publish an update on its action plan.\n",
        encoding="utf-8",
    )


def print_compaction(out_dir: Path) -> None:
    """How long after now the background compaction of ``out_dir`` is done, and the line the
    compactor logged (its own wall and CPU time)."""
    began = time.perf_counter()
    compaction.wait(out_dir)
    waited = time.perf_counter() - began
    log = out_dir / ".kg" / "compaction.log"
    logged = (
        log.read_text(encoding="utf-8").splitlines()[-1].split(": ", 1)[-1]
        if log.exists()
        else "no compaction"
    )
    print(
        f"  compaction in the background once the build had returned: done {waited:.2f} s later; the compactor's log: {logged}"
    )


def print_stages(stages: dict[str, tuple[float, float]]) -> None:
    for stage, (wall, cpu) in stages.items():
        print(f"  stage {stage:<26} {wall:8.2f} s  (CPU {cpu:7.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=None, help="mapping processes (default: one per core)")
    parser.add_argument(
        "--html",
        action="store_true",
        help="also render graph.html (off by default: it is a view, not the build)",
    )
    parser.add_argument(
        "--work", type=Path, help="folder to keep the corpus and out/ in (default: a temporary folder)"
    )
    parser.add_argument(
        "--no-queries", action="store_true", help="skip the query latencies (for very large corpora)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sgkg-bench-") as scratch:
        work = args.work or Path(scratch)
        run(args, work)


def run(args, work: Path) -> None:
    corpus, out_dir = work / "corpus", work / "out"
    paths = generate(args.documents, corpus)
    megabytes = sum(path.stat().st_size for path in paths) / 1e6
    print(f"machine: {machine()}")
    print(f"corpus: {len(paths)} generated documents, {megabytes:.1f} MB")

    floor_seconds, sentences = floor(paths)
    report, seconds, cpu_seconds, stages, worker_peak = timed_build(
        corpus, out_dir, args.jobs, args.html, rebuild=True
    )
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nfloor (read + split into {sentences} sentences, one core): {floor_seconds:.2f} s, "
        f"{len(paths) / floor_seconds:.0f} documents/s, {megabytes / floor_seconds:.1f} MB/s"
    )
    print(
        f"full build ({args.jobs or os.cpu_count()} jobs): {seconds:.2f} s for {report.documents} documents, {report.triples} triples"
        f"  [goal for 2,000 documents: < 60 s]"
    )
    print(f"  CPU time (build process and mapping workers): {cpu_seconds:.2f} s")
    print(
        f"  {report.documents / seconds:.1f} documents/s, {megabytes / seconds:.2f} MB/s, {report.triples / seconds:.0f} triples/s"
    )
    print_stages(stages)
    print(
        f"  peak memory: build process {self_peak:.0f} MB, largest mapping worker {worker_peak:.0f} MB  [goal: < 2,048 MB]"
    )
    print(
        f"  output: graph.ttl {(out_dir / 'graph.ttl').stat().st_size / 1e6:.1f} MB, graph.trig {(out_dir / 'graph.trig').stat().st_size / 1e6:.1f} MB"
    )
    print_compaction(out_dir)
    fresh_latencies = [] if args.no_queries else query_latencies(out_dir)

    again, unchanged_seconds, _, _, _ = timed_build(corpus, out_dir, args.jobs, args.html)
    print(f"\nrebuild, nothing changed: {unchanged_seconds:.2f} s ({again.reused} documents from the cache)")
    change_one(paths)
    changed, changed_seconds, _, changed_stages, _ = timed_build(corpus, out_dir, args.jobs, args.html)
    print(
        f"rebuild, one document changed: {changed_seconds:.2f} s = {100 * changed_seconds / seconds:.1f}% of the full build "
        f"(mapped {changed.mapped})  [goal: < 5%]"
    )
    print_stages(changed_stages)
    print_compaction(out_dir)
    latencies = [] if args.no_queries else query_latencies(out_dir)
    back_to_back = []
    for _ in range(4):
        change_one(paths)
        back_to_back.append(timed_build(corpus, out_dir, args.jobs, args.html)[1])
    print(
        f"four rebuilds back to back, one document changed each (no time to compact between them; the fourth compacts "
        f"inline): {', '.join(f'{value:.2f}' for value in back_to_back)} s = "
        f"{', '.join(f'{100 * value / seconds:.1f}' for value in back_to_back)}% of the full build"
    )

    if args.no_queries:
        return
    print(
        f"\nlibrary queries in the compacted store (median of {_RUNS} runs in each of {_PROCESSES} processes)  [goal: each < 200 ms]"
    )
    print(f"  {'':<36} {'full build':>11} {'patched once':>14}")
    for (name, fresh_seconds, rows), (_, query_seconds, _) in zip(fresh_latencies, latencies):
        print(
            f"  {name:<36} {_milliseconds(fresh_seconds):>11} {_milliseconds(query_seconds):>14}  {rows:>7} rows"
        )
    for name, query_seconds, _ in latencies:
        if query_seconds is None or query_seconds >= _QUERY_GOAL:
            floor_seconds, rows, columns = answer_floor(out_dir, name, REQUIRED_EXAMPLES.get(name, {}))
            print(
                f"  {name}: its answer ({rows} rows, {columns} columns) stored ready-made in a copy of the store and read "
                f"back in order: {_milliseconds(floor_seconds)} (no query can hand this answer over sooner)"
            )
    answered = [(seconds, name) for name, seconds, _ in latencies if seconds is not None]
    if answered:
        name = min(answered)[1]
        seconds = command_latency(work, name)
        figure = f"{seconds:.2f} s" if seconds is not None else "over 300 s"
        print(f"`kg query {name}` (the quickest query) from start-up to exit: {figure}  [goal: < 1 s]")


def _milliseconds(seconds: float | None) -> str:
    return f"{1000 * seconds:.1f} ms" if seconds is not None else "over 120 s"


if __name__ == "__main__":
    main()
