"""A reader that goes before kg has said everything (``kg build seeds/ --out out | head -1``)
ends kg as it ends Unix tools: no traceback, no message, exit 141, and the work done. This
broke: kg exited 1 (click's and rich's choice), and ``kg stats`` stopped at its first line,
its statistics saved but not published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import READER_GONE_EXIT, app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CSV = ROOT / "tests" / "fixtures" / "stats" / "children-in-need.csv"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _kg_to_a_gone_reader(*arguments: str) -> subprocess.CompletedProcess:
    """Run ``kg`` in a process of its own, its standard output a pipe whose reader has already
    gone, so that its first write fails as ``head -1`` makes the second fail."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [sys.executable, "-c", "from kg.cli import main; main()", *arguments],
            stdout=writer,
            stderr=subprocess.PIPE,
            timeout=300,
            cwd=ROOT,
        )
    finally:
        os.close(writer)


@pytest.fixture(scope="module")
def cut_build(tmp_path_factory):
    """``kg build seeds/`` whose summary nobody reads: (its output folder, the finished process)."""
    out = tmp_path_factory.mktemp("reader-gone") / "out"
    return out, _kg_to_a_gone_reader("build", str(SEEDS), "--out", str(out), "--no-compact")


def test_a_build_ends_quietly_with_every_file_written(cut_build):
    out, done = cut_build
    assert (done.returncode, done.stderr.decode()) == (READER_GONE_EXIT, "")
    assert all((out / name).stat().st_size for name in ("graph.ttl", "graph.trig", "graph.html"))
    assert (out / "store").is_dir()
    again = CliRunner().invoke(app, ["build", str(SEEDS), "--out", str(out), "--no-compact"])
    assert "Mapped 0 file(s); 5 unchanged file(s) taken from the cache." in again.output, again.output


@pytest.mark.parametrize(
    "arguments",
    [
        ["query", "--list"],  # buffered: the write fails at the end
        ["query", "roles", "--graph", "{out}"],
        ["export", "--graph", "{out}"],
        ["--version"],
        ["build", "--help"],
    ],
)
def test_every_kind_of_output_ends_quietly(arguments, cut_build):
    out, _ = cut_build
    done = _kg_to_a_gone_reader(*(argument.format(out=out) for argument in arguments))
    assert (done.returncode, done.stderr.decode()) == (READER_GONE_EXIT, "")


def test_kg_stats_publishes_before_it_says_so(cut_build):
    out, _ = cut_build
    done = _kg_to_a_gone_reader("stats", str(CSV), "--name", "cin", "--out", str(out), "--no-compact")
    assert (done.returncode, done.stderr.decode()) == (READER_GONE_EXIT, "")
    assert b"linked-data/cube#Observation" in (out / "graph.ttl").read_bytes()


def test_the_exit_code_is_in_the_readme():
    assert f"| {READER_GONE_EXIT} | standard output was closed" in README
