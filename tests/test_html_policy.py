"""Every build draws graph.html unless told --no-html; what the page draws depends on the graph's size.

Regression: builds of over 500 documents once left the page out (the whole graph took minutes
to lay out and was a hairball), so a national corpus had no page at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from kg import render
from kg.build.pipeline import BuildOptions, build

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def opening(page: Path) -> str:
    match = re.search(
        r'<script type="application/json" id="kg-data">(.*?)</script>', page.read_text(encoding="utf-8"), re.S
    )
    assert match
    return json.loads(match.group(1))["opening"]


def test_a_graph_too_big_to_draw_whole_still_gets_a_page_that_opens_on_its_overview(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "WHOLE_GRAPH_LIMIT", 10)
    report = build([SEEDS], BuildOptions(out_dir=tmp_path / "big"))
    assert opening(tmp_path / "big" / "graph.html") == "overview"
    assert not any("graph.html" in warning for warning in report.warnings)


def test_no_html_leaves_the_page_out(tmp_path):
    build([SEEDS], BuildOptions(out_dir=tmp_path / "none", html=False))
    assert not (tmp_path / "none" / "graph.html").exists()
