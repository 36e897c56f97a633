"""build() at scale: parallel mapping, byte-identical output, interrupted and concurrent builds."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys

import pytest
from pyoxigraph import NamedNode, RdfFormat
from scale_helpers import ROOT, BlockedBuild, assert_store_matches_files, generate_corpus, output_bytes
from typer.testing import CliRunner

import kg.build.generations
import kg.build.outputs
import kg.datafiles
from kg.build.pipeline import BuildOptions, _workers, build
from kg.cli import app
from kg.errors import BuildLocked
from kg.graph import open_graph

SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """24 generated documents: two chunks, so both workers get work."""
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(24, folder)
    return folder


@pytest.fixture(scope="module")
def fresh_outputs(corpus, tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("fresh") / "out"
    build([corpus], BuildOptions(out_dir=out_dir, html=False, jobs=1))
    return output_bytes(out_dir)


def test_a_parallel_build_writes_the_same_bytes_as_one_job(corpus, fresh_outputs, tmp_path):
    report = build([corpus], BuildOptions(out_dir=tmp_path / "out", html=False, jobs=2))
    assert report.documents == 24 and report.mapped == 24
    assert output_bytes(tmp_path / "out") == fresh_outputs


def test_a_build_in_another_process_writes_the_same_bytes(corpus, fresh_outputs, tmp_path):
    """Nothing may depend on per-process state (hash seeds, pyoxigraph's prefix order)."""
    command = [
        sys.executable,
        "-m",
        "kg.cli",
        "build",
        str(corpus),
        "--out",
        str(tmp_path / "out"),
        "--jobs",
        "2",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Mapped 24 file(s); 0 unchanged" in done.stdout
    assert output_bytes(tmp_path / "out") == fresh_outputs


def test_the_union_is_the_same_when_sorted_in_many_runs(corpus, fresh_outputs, tmp_path, monkeypatch):
    """The external merge sort (runs spilled to disk) gives what the one-run sort gives."""
    monkeypatch.setattr(kg.build.outputs, "_RUN_BYTES", 20_000)
    build([corpus], BuildOptions(out_dir=tmp_path / "out", html=False, jobs=1))
    assert output_bytes(tmp_path / "out") == fresh_outputs


def test_the_store_is_the_same_when_loaded_in_many_parts(corpus, tmp_path, monkeypatch):
    """Graphs and union loaded in parts of a few kilobytes (cut between lines) give the one-part store."""
    whole = tmp_path / "whole"
    build([corpus], BuildOptions(out_dir=whole, html=False, jobs=1))
    monkeypatch.setattr(kg.build.generations, "_BULK_PART_BYTES", 5_000)
    parts = tmp_path / "parts"
    build([corpus], BuildOptions(out_dir=parts, html=False, jobs=1))
    dump = {out_dir: open_graph(out_dir).dump(format=RdfFormat.N_QUADS) for out_dir in (whole, parts)}
    assert dump[whole] == dump[parts] and len(dump[whole]) > 100_000
    assert_store_matches_files(parts)


def _warm_before_its_first_task() -> bool:
    return "kg.build.warm" in sys.modules and all(
        loader.cache_info().currsize == 1
        for loader in (kg.datafiles.judgements, kg.datafiles.organisations, kg.datafiles.recommendations)
    )


def test_a_mapping_worker_starts_with_the_mapper_warm():
    """The forkserver maps a text of kg.build.warm before it forks the workers: a worker's first
    task finds the data files loaded (each worker loaded them, and compiled their patterns, itself)."""
    with _workers(1) as pool:
        assert pool.submit(_warm_before_its_first_task).result()


def test_seed_outputs_are_identical_fresh_incremental_and_parallel(tmp_path):
    one = tmp_path / "one"
    build([SEEDS], BuildOptions(out_dir=one, html=False, jobs=1))
    again = build([SEEDS], BuildOptions(out_dir=one, html=False, jobs=1))
    assert again.reused == again.documents == 5
    parallel = tmp_path / "parallel"
    build([SEEDS], BuildOptions(out_dir=parallel, html=False, jobs=2))
    assert output_bytes(one) == output_bytes(parallel)


def test_the_turtle_declares_the_contract_prefixes_and_groups_subjects(seed_build):
    out_dir, _ = seed_build
    turtle = (out_dir / "graph.ttl").read_text(encoding="utf-8")
    for prefix in ("sg", "id", "theme", "grade", "org", "prov", "skos", "dcterms", "foaf"):
        assert f"@prefix {prefix}: " in turtle
    subjects = [
        line.split(" ", 1)[0]
        for line in turtle.splitlines()
        if line and not line[0].isspace() and not line.startswith("@")
    ]
    assert len(subjects) == len(set(subjects)), "each subject's triples sit under it once"


def test_the_built_page_is_what_the_renderer_makes_of_the_trig(seed_build, seed_dataset):
    """The build hands kg.render the documents' named graphs as rdflib would parse them."""
    from kg.render import render_html

    out_dir, _ = seed_build
    assert (out_dir / "graph.html").read_text(encoding="utf-8") == render_html(seed_dataset)


def test_the_report_counts_the_union_of_the_graphs(seed_build, seed_graph):
    _, report = seed_build
    assert report.triples == len(seed_graph)
    assert report.documents == 5


def test_progress_reports_every_stage_in_order(corpus, tmp_path):
    heard = []
    build(
        [corpus],
        BuildOptions(
            out_dir=tmp_path / "out", html=False, jobs=2, progress=lambda *event: heard.append(event)
        ),
    )
    stages = [stage for stage, _, _ in heard]
    assert stages[0] == "map" and stages[-2:] == ["write", "store"], "no render stage without HTML"
    mapped = [done for stage, done, _ in heard if stage == "map"]
    assert mapped == list(range(25)) and all(total == 24 for stage, _, total in heard if stage == "map")


@pytest.fixture(scope="module")
def interrupted_case(tmp_path_factory):
    """A finished build of 16 documents, and for ``changes`` changed files (one more file goes),
    the changed corpus and the bytes a fresh build of it gives. Ten changes rebuild every output;
    one patches the previous ones."""
    root = tmp_path_factory.mktemp("interrupted")
    original = root / "original"
    generate_corpus(16, original)
    built = root / "built"
    build([original], BuildOptions(out_dir=built, html=False, jobs=1))
    cases = {}

    def case(changes: int):
        if changes not in cases:
            changed = root / f"changed-{changes}"
            shutil.copytree(original, changed)
            for path in sorted(changed.iterdir())[:changes]:
                path.write_text(
                    path.read_text(encoding="utf-8") + "\nA late addendum from the review team.\n",
                    encoding="utf-8",
                )
            sorted(changed.iterdir())[-1].unlink()
            fresh = root / f"fresh-{changes}"
            build([changed], BuildOptions(out_dir=fresh, html=False, jobs=1))
            cases[changes] = built, changed, output_bytes(fresh)
        return cases[changes]

    return case


@pytest.mark.parametrize(
    ("changes", "stage", "after", "jobs", "signal_number"),
    [
        (10, "map", 3, 1, signal.SIGKILL),
        (10, "map", 6, 2, signal.SIGINT),
        (10, "store", 0, 2, signal.SIGKILL),
        (10, "write", 0, 1, signal.SIGINT),
        (1, "write", 0, 1, signal.SIGKILL),
        (1, "store", 0, 1, signal.SIGINT),
    ],
)
def test_an_interrupted_build_leaves_the_previous_outputs_and_store_usable(
    interrupted_case, tmp_path, changes, stage, after, jobs, signal_number
):
    """Kill (or Ctrl-C) a build of a changed corpus at a known stage; the old build survives, the next completes."""
    built, changed, fresh = interrupted_case(changes)
    out_dir = tmp_path / "out"
    shutil.copytree(built, out_dir, symlinks=True)
    before = output_bytes(out_dir)
    graphs_before = set(open_graph(out_dir).named_graphs())

    blocked = BlockedBuild(changed, out_dir, stage, after, jobs)
    blocked.wait_until_blocked()
    assert blocked.stop(signal_number) != 0

    assert output_bytes(out_dir) == before
    store = open_graph(out_dir)
    assert set(store.named_graphs()) == graphs_before and len(store) > 0
    report = build([changed], BuildOptions(out_dir=out_dir, html=False, jobs=2))
    assert report.documents == 15
    assert output_bytes(out_dir) == fresh


def test_a_second_build_on_the_same_folder_is_refused_while_the_first_runs(corpus, tmp_path):
    out_dir = tmp_path / "out"
    first = BlockedBuild(corpus, out_dir, "map", 3)
    try:
        first.wait_until_blocked()
        with pytest.raises(BuildLocked, match="another kg build is writing to"):
            build([corpus], BuildOptions(out_dir=out_dir, html=False, jobs=1))
        result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(out_dir)])
        assert result.exit_code == BuildLocked.exit_code
        assert "another kg build is writing to" in result.output
    finally:
        first.stop(signal.SIGKILL)
    report = build([corpus], BuildOptions(out_dir=out_dir, html=False, jobs=1))
    assert report.documents == 24, "the lock dies with the process that held it"


def test_builds_into_different_folders_run_side_by_side(corpus, tmp_path):
    first = BlockedBuild(corpus, tmp_path / "first", "map", 3)
    try:
        first.wait_until_blocked()
        report = build([corpus], BuildOptions(out_dir=tmp_path / "second", html=False, jobs=1))
        assert report.documents == 24
    finally:
        first.stop(signal.SIGKILL)


def test_a_document_named_like_the_schemes_graph_gets_its_own_graph(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "schemes.txt").write_text(
        "Ofsted inspected the Eastmoor Safeguarding Children Partnership in 2024 and judged it inadequate.\n",
        encoding="utf-8",
    )
    build([corpus], BuildOptions(out_dir=tmp_path / "out", html=False, jobs=1))
    store = open_graph(tmp_path / "out")
    graphs = {graph.value for graph in store.named_graphs()}
    assert graphs == {"https://w3id.org/sgkg/graph/schemes", "https://w3id.org/sgkg/graph/schemes-document"}
    in_schemes = {
        quad.subject.value
        for quad in store.quads_for_pattern(
            None, None, None, NamedNode("https://w3id.org/sgkg/graph/schemes")
        )
    }
    assert in_schemes and all(
        subject.startswith(("https://w3id.org/sgkg/theme/", "https://w3id.org/sgkg/grade/"))
        for subject in in_schemes
    )


def test_a_file_skipped_for_its_document_id_stays_out_of_the_store(tmp_path):
    """A later file with the same document id (the same name in a subfolder) is a failure and
    must not add its triples to the first's named graph in the store."""
    corpus = tmp_path / "corpus"
    first = generate_corpus(3, corpus)[0]
    (corpus / "later").mkdir()
    (corpus / "later" / first.name).write_text(
        "The Westmarch Safeguarding Children Partnership is chaired by Ruth Ellery.\n", encoding="utf-8"
    )
    report = build([corpus], BuildOptions(out_dir=tmp_path / "out", html=False, jobs=2))
    assert report.documents == 3 and len(report.failures) == 1 and "same document id" in report.failures[0]
    assert_store_matches_files(tmp_path / "out")
    assert "Westmarch" not in (tmp_path / "out" / "graph.trig").read_text(encoding="utf-8")


def test_a_fresh_build_interrupted_while_mapping_publishes_nothing_and_the_next_completes(
    corpus, fresh_outputs, tmp_path
):
    """Ctrl-C while mapping the first build of a folder: nothing is published, and the next build completes."""
    out_dir = tmp_path / "out"
    blocked = BlockedBuild(corpus, out_dir, "map", 6, jobs=2)
    blocked.wait_until_blocked()
    assert blocked.stop(signal.SIGINT) != 0
    assert not (out_dir / "graph.ttl").exists() and not (out_dir / "store").exists()
    build([corpus], BuildOptions(out_dir=out_dir, html=False, jobs=2))
    assert output_bytes(out_dir) == fresh_outputs
    assert_store_matches_files(out_dir)


def test_build_progress_off_a_terminal_is_plain_lines_every_hundred_documents(capsys):
    """A build writing to a log, not a terminal, says how far it got: a line when a stage of many
    documents starts, every 100 and at its end; a short stage of a short build says nothing."""
    from kg.cli import _plain_progress

    progress = _plain_progress()
    for done in range(251):
        progress("map", done, 250)
    progress("write", 0, 2)
    progress("write", 2, 2)
    lines = [re.sub(r"\(\d+ s\)$", "(s)", line) for line in capsys.readouterr().err.splitlines()]
    assert lines == [f"Mapping documents: {done}/250 (s)" for done in (0, 100, 200, 250)]
