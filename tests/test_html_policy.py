"""Big builds leave graph.html out unless asked (it takes minutes and shows a hairball)."""

from __future__ import annotations

from pathlib import Path

from kg import pipeline
from kg.pipeline import BuildOptions, build

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_a_build_over_the_limit_skips_the_page_and_says_how_to_draw_one(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "HTML_MAX_DOCUMENTS", 3)
    report = build([SEEDS], BuildOptions(out_dir=tmp_path / "auto"))
    assert not (tmp_path / "auto" / "graph.html").exists()
    assert any("graph.html not drawn for 5 documents" in warning and "kg viz" in warning for warning in report.warnings)


def test_html_asked_for_is_drawn_whatever_the_size(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "HTML_MAX_DOCUMENTS", 3)
    build([SEEDS], BuildOptions(out_dir=tmp_path / "asked", html=True))
    assert (tmp_path / "asked" / "graph.html").stat().st_size > 10_000
