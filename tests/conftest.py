"""Shared fixtures: the seed graph is built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """Build ``seeds/`` once into a temporary folder; returns (out_dir, BuildReport)."""
    from kg.build.pipeline import BuildOptions, build

    out_dir = tmp_path_factory.mktemp("seed-build")
    report = build([SEEDS], BuildOptions(out_dir=out_dir))
    return out_dir, report


@pytest.fixture(scope="session")
def seed_dataset(seed_build):
    """The seed build's TriG parsed back into an rdflib Dataset."""
    from rdflib import Dataset

    out_dir, _ = seed_build
    return Dataset().parse(out_dir / "graph.trig", format="trig")


@pytest.fixture(scope="session")
def seed_graph(seed_build):
    """The seed build's Turtle (the union graph) parsed back into an rdflib Graph."""
    from rdflib import Graph

    out_dir, _ = seed_build
    return Graph().parse(out_dir / "graph.ttl", format="turtle")
