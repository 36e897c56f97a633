"""Helpers shared by the scale tests: a generated corpus and a build in a separate process.

``BlockedBuild`` starts ``kg.pipeline.build`` in a child process whose progress callback
stops at a chosen stage (writing a marker file first), so a test can interrupt a real
build at a known point, or hold its lock while another build tries to start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The first line of a child's code: Ctrl-C (SIGINT) raises KeyboardInterrupt, as at a
# terminal, even when the test run started with SIGINT ignored (as a shell's background
# job does), which every child would otherwise inherit.
INTERRUPTIBLE = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"

_CHILD = (
    INTERRUPTIBLE
    + """
import sys, time
from pathlib import Path
from kg.pipeline import BuildOptions, build

corpus, out, stage, after, marker, jobs = sys.argv[1:]

def progress(name, done, total):
    if name == stage and done >= int(after):
        Path(marker).write_text(f"{name} {done}/{total}")
        while True:
            time.sleep(0.1)

build([Path(corpus)], BuildOptions(out_dir=Path(out), html=False, jobs=int(jobs), progress=progress))
"""
)


def generate_corpus(count: int, folder: Path) -> list[Path]:
    """``count`` generated documents (``benchmarks/corpus_generator.py``) in ``folder``."""
    from benchmarks.corpus_generator import generate

    return generate(count, folder)


def assert_store_matches_files(out_dir: Path) -> None:
    """The built store's named graphs are graph.trig's, and its default graph is graph.ttl (the union)."""
    import pyoxigraph as ox

    from kg.store import open_store

    store = open_store(out_dir)
    named = {quad for quad in store if quad.graph_name != ox.DefaultGraph()}
    assert named == set(ox.parse(path=str(out_dir / "graph.trig"), format=ox.RdfFormat.TRIG))
    default = {quad.triple for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert default == {
        quad.triple for quad in ox.parse(path=str(out_dir / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    }


def output_bytes(out_dir: Path) -> dict[str, bytes]:
    return {name: (out_dir / name).read_bytes() for name in ("graph.ttl", "graph.trig")}


class BlockedBuild:
    """A build in a child process (its own process group) that stops when it reaches ``stage``."""

    def __init__(self, corpus: Path, out_dir: Path, stage: str, after: int = 0, jobs: int = 1) -> None:
        self.marker = out_dir.parent / f"{out_dir.name}.{stage}.reached"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CHILD,
                str(corpus),
                str(out_dir),
                stage,
                str(after),
                str(self.marker),
                str(jobs),
            ],
            cwd=ROOT,
            start_new_session=True,
            stderr=subprocess.PIPE,
        )

    def wait_until_blocked(self, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while not self.marker.exists():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the build ended before blocking: {self.process.stderr.read().decode()}"
                )
            if time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                raise AssertionError("the build never reached its stage")
            time.sleep(0.05)
        return self.marker.read_text()

    def stop(self, signal_number: int) -> int:
        """Send ``signal_number`` to the build and its workers (as Ctrl-C or kill would); its exit status."""
        os.killpg(self.process.pid, signal_number)
        try:
            return self.process.wait(timeout=60)
        finally:
            self.process.stderr.close()
