"""`kg query` reads the store `kg build` left in out/ by default, without parsing graph.trig."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from kg.cli import app


def test_query_defaults_to_the_built_store(seed_build, tmp_path, monkeypatch):
    out_dir, _ = seed_build
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "store").symlink_to((out_dir / "store").resolve())  # no graph.trig beside it
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["query", "roles", "--param", "person=Jenny Coles", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["personLabel"], r["roleLabel"], r["organisationLabel"]) for r in rows] == [
        ("Jenny Coles", "Chair", "Hertfordshire Safeguarding Children Partnership")
    ]


def test_query_without_any_graph_says_how_to_build_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["query", "roles"])
    assert result.exit_code == 3
    assert "kg build" in result.output
