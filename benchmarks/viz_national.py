"""The page of a national corpus: build N generated documents, open graph.html, drill in.

Generates N documents (``corpus_generator.py``: every area of the gazetteer, inspections,
reviews, responses), builds them with the page (``kg build`` as a user runs it), opens
``graph.html`` in Debian's headless Chromium and prints:

- the build's time to draw the page (its "render" stage) and the page's size;
- time to first draw: from navigation start to vis-network's first ``afterDrawing``, and
  how many nodes the overview draws (the page opens on it above 2,500 nodes);
- a drill-down as an analyst makes it, each step timed from the action to the next
  drawing: search an area and open it, find one of its inspections, click a failing of
  that inspection and read its evidence in the panel.

Run: .venv/bin/python benchmarks/viz_national.py [--documents 2000] [--out DIR] [--keep-build]
(``--keep-build`` reuses a build already in ``--out``, drawing only its page again, as the
build does; ``--keep-page`` reuses its page too.)
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks.corpus_generator import generate
from kg.export import write_html
from kg.pipeline import BuildOptions, _renderer, build
from tests.cdp_browser import Browser, chromium_path

DRAWN = "document.body.dataset.drawn === 'true'"


class RenderClock:
    """A build progress callback that notes when the "render" stage starts."""

    def __init__(self) -> None:
        self.render_started: float | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "render" and self.render_started is None:
            self.render_started = time.perf_counter()


def build_page(documents: int, out_dir: Path, keep: str | None) -> float | None:
    """Build the corpus with its page; the seconds the page took to draw (None if kept)."""
    if keep == "page" and (out_dir / "graph.html").exists():
        return None
    if keep and (out_dir / "graph.trig").exists():
        started = time.perf_counter()
        write_html(out_dir, _renderer(out_dir / "graph.trig"))  # as the build draws it
        return time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus"
        generate(documents, corpus)
        clock = RenderClock()
        build([corpus], BuildOptions(out_dir=out_dir, progress=clock))
        return time.perf_counter() - clock.render_started if clock.render_started else None


def timed(browser: Browser, action: str, done: str) -> float:
    """Seconds from running ``action`` to the first drawing after ``done`` holds."""
    browser.evaluate(
        "window.kgMark = performance.now(); kgNetwork.once('afterDrawing', () => { window.kgDone = performance.now(); }); true"
    )
    browser.evaluate(f"{action}; true")
    browser.wait_for(done, timeout=60)
    browser.wait_for("window.kgDone > window.kgMark", timeout=60)
    return browser.evaluate("(window.kgDone - window.kgMark) / 1000")


def search(text: str) -> str:
    return (
        f"document.getElementById('kg-search').value = {json.dumps(text)};"
        "document.getElementById('kg-search-form').requestSubmit();"
    )


def drill(browser: Browser) -> list[tuple[str, float]]:
    """Overview -> an area -> one of its inspections -> a failing and its evidence."""
    data = browser.page_data()
    details = data["details"]
    kinds = [data["classes"][detail["cls"]]["label"] for detail in details]
    overview = {node["id"] for node in data["overview"]["nodes"]}
    inspection = next(
        number
        for number, kind in enumerate(kinds)
        if kind == "Inspection"
        and details[number].get("areas")
        and any(kinds[link[1]] == "Failing" for link in data["links"] if link[0] == number)
    )
    area = next(
        data["areas"][index]["id"]
        for index in details[inspection]["areas"]
        if data["areas"][index]["id"] in overview
    )
    steps = [
        (
            "search an area in the overview",
            timed(browser, search(details[area]["label"]), f"kgState.focus === {area}"),
        ),
        (
            "open it (draw its part)",
            timed(browser, "document.getElementById('kg-open').click()", f"kgState.drill === {area}"),
        ),
    ]
    if not browser.evaluate(f"kgNetwork.body.nodeIndices.includes({inspection})"):
        raise SystemExit(f"the area's part does not draw its inspection {details[inspection]['label']!r}")
    steps.append(
        (
            "click its inspection",
            timed(
                browser,
                f"kgNetwork.body.emitter.emit('click', {{nodes: [{inspection}], edges: [], event: {{srcEvent: {{}}}}}})",
                f"kgState.focus === {inspection}",
            ),
        )
    )
    failing = next(link[1] for link in data["links"] if link[0] == inspection and kinds[link[1]] == "Failing")
    button = (
        "[...document.querySelectorAll('#kg-panel li button')]"
        f".find(button => button.textContent === {json.dumps(details[failing]['label'])}).click()"
    )
    steps.append(("click a failing in the panel", timed(browser, button, f"kgState.focus === {failing}")))
    quote = details[failing]["evidence"][0][0]
    if quote not in browser.evaluate("document.getElementById('kg-panel').textContent"):
        raise SystemExit("the failing's evidence is not in the panel")
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--out", type=Path, help="build folder (default: a temporary one)")
    parser.add_argument(
        "--keep-build",
        action="store_const",
        const="build",
        dest="keep",
        help="reuse the build in --out, draw its page again",
    )
    parser.add_argument(
        "--keep-page",
        action="store_const",
        const="page",
        dest="keep",
        help="reuse the build in --out and its page",
    )
    parser.add_argument("--screenshot", type=Path, help="save the overview as a PNG here")
    arguments = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        raise SystemExit("chromium is not installed: apt-get install chromium")

    with tempfile.TemporaryDirectory() as folder:
        out_dir = arguments.out or Path(folder) / "out"
        rendered = build_page(arguments.documents, out_dir, arguments.keep)
        if rendered is not None:
            print(f"page drawn by the build:  {rendered:.1f} s", flush=True)
        page = out_dir / "graph.html"
        size = page.stat().st_size
        with Browser(executable, timeout=120) as browser:
            browser.open(page)
            browser.wait_for(DRAWN, timeout=120)
            first_draw = browser.evaluate("performance.getEntriesByName('kg-drawn')[0].startTime") / 1000
            drawn = browser.evaluate("kgNetwork.body.nodeIndices.length")
            total = browser.evaluate(
                "JSON.parse(document.getElementById('kg-data').textContent).details.length"
            )
            if arguments.screenshot:
                browser.screenshot(arguments.screenshot)
            steps = drill(browser)
            errors = browser.console_errors()
    if errors:
        raise SystemExit(f"console errors: {errors}")
    print(f"load average (1 min):     {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"documents:                {arguments.documents}")
    print(f"nodes in the graph:       {total}")
    print(f"page size:                {size / 1e6:.1f} MB")
    print(f"overview nodes drawn:     {drawn}")
    print(f"time to first draw:       {first_draw:.2f} s (goal: under 3 s)")
    for step, seconds in steps:
        print(f"{step + ':':<40}  {seconds:.2f} s")


if __name__ == "__main__":
    main()
