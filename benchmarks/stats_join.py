"""Official statistics benchmark: `kg stats` on a national table, then the join query, at scale.

Generates N documents (``corpus_generator``, every English area), builds them, writes a CSV
in DfE's open-data layout with a row for every local authority, region and England in each
of ``--years`` years (made-up figures, some suppressed), and prints: the build's time and
its area triples, how long ``kg stats`` takes (reading the CSV, keeping the graph, and
publishing the store again), the store compacted, and the median latency of
``grades-beside-statistics`` (one measure, then every measure) in the compacted store.
Nothing is asserted.

    python benchmarks/stats_join.py --documents 2000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpus_generator import generate
from kg import geography, stats
from kg.pipeline import BuildOptions, build, refresh_statistics
from kg.query import load_query, run_query
from kg.store import compact_live, open_store

HEADER = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "number_of_children",
    "rate_per_10000",
    "assessments_completed",
]


def write_table(path: Path, years: int) -> int:
    """A national children-in-need-like table; returns its rows."""
    rng = random.Random(11)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for year in range(2025 - years + 1, 2026):
            day = dt.date(year, 6, 1)
            for place in geography.places():
                level = "National" if place.gss_code.startswith("E92") else "Regional"
                region = ("", "") if level == "National" else (place.gss_code, place.name)
                writer.writerow(
                    [
                        year,
                        "Reporting year",
                        level,
                        "E92000001",
                        "England",
                        *region,
                        "",
                        "",
                        "",
                        *_figures(rng),
                    ]
                )
                rows += 1
            for row in geography.authorities():
                if row.in_being(day):
                    writer.writerow(
                        [
                            year,
                            "Reporting year",
                            "Local authority",
                            "E92000001",
                            "England",
                            row.region.gss_code,
                            row.region.name,
                            row.gss_code,
                            row.dfe_code,
                            row.name,
                            *_figures(rng),
                        ]
                    )
                    rows += 1
    return rows


def _figures(rng: random.Random) -> list[str]:
    suppressed = rng.random() < 0.05
    return [
        str(rng.randint(200, 9000)),
        "c" if suppressed else f"{rng.uniform(150, 600):.1f}",
        str(rng.randint(300, 15000)),
    ]


def median_ms(out: Path, parameters: dict, runs: int = 5) -> tuple[float, int]:
    store = open_store(out_dir=out)
    query = load_query("grades-beside-statistics")
    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = len(run_query(store, query, parameters).rows)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sgkg-stats-") as work:
        work_dir = Path(work)
        generate(args.documents, work_dir / "corpus")
        out = work_dir / "out"
        start = time.perf_counter()
        report = build([work_dir / "corpus"], BuildOptions(out_dir=out, html=False))
        print(
            f"build: {args.documents} documents, {report.triples} triples in {time.perf_counter() - start:.2f} s"
        )
        table = work_dir / "children-in-need.csv"
        rows = write_table(table, args.years)
        start = time.perf_counter()
        imported = stats.read_stats(table, "cin")
        read = time.perf_counter() - start
        stats.save(out, imported)
        refreshed = refresh_statistics(out)
        total = time.perf_counter() - start
        print(
            f"kg stats: {rows} rows -> {imported.observations} observations, {len(imported.triples)} triples, "
            f"{len(imported.problems)} rows listed; read {read:.2f} s, read + kept + store published again {total:.2f} s "
            f"(union now {refreshed.triples} triples)"
        )
        start = time.perf_counter()
        compact_live(out)
        print(f"compacted in {time.perf_counter() - start:.2f} s")
        for parameters in ({"measure": "number_of_children"}, {}):
            milliseconds, answer = median_ms(out, parameters)
            print(
                f"grades-beside-statistics {parameters or '(every measure)'}: {milliseconds:.1f} ms median of 5, {answer} rows"
            )


if __name__ == "__main__":
    main()
