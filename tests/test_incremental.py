"""Incremental builds: unchanged files are not mapped again; changed and removed files are."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pyoxigraph
import pytest
from scale_helpers import assert_store_matches_files, generate_corpus, output_bytes
from typer.testing import CliRunner

import kg.build.generations
import kg.mapping
from kg.build import compaction, pipeline
from kg.build.cache import folders_fingerprint
from kg.build.pipeline import BuildOptions, build
from kg.cli import app
from kg.graph import open_graph
from kg.vocab import graph_iri

PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<nav>Home | News | Donate</nav>
<main><h1>{title}</h1><p>The Northmere Safeguarding Children Partnership publishes its annual report.
The independent scrutineer found that information sharing between agencies has improved.</p></main>
</body></html>
"""


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    generate_corpus(12, folder)
    (folder / "annual-report.html").write_text(
        PAGE.format(title="Annual report of the partnership"), encoding="utf-8"
    )
    return folder


@pytest.fixture
def mapped_ids(monkeypatch):
    """The document ids that ``map_document`` is called with (builds run with one job, in this process)."""
    calls: list[str] = []
    real = kg.mapping.map_document

    def counting(document):
        calls.append(document.document_id)
        return real(document)

    monkeypatch.setattr(kg.mapping, "map_document", counting)
    return calls


def _build(corpus, out_dir, **options):
    return build([corpus], BuildOptions(out_dir=out_dir, html=False, jobs=1, **options))


def _graph_names(out_dir):
    store = open_graph(out_dir)
    return {graph.value for graph in store.named_graphs()}


def test_an_unchanged_corpus_is_not_mapped_again(corpus, tmp_path, mapped_ids):
    out_dir = tmp_path / "out"
    first = _build(corpus, out_dir)
    assert (first.mapped, first.reused) == (13, 0) and len(mapped_ids) == 13
    before = output_bytes(out_dir)
    second = _build(corpus, out_dir)
    assert (second.mapped, second.reused) == (0, 13) and len(mapped_ids) == 13
    assert output_bytes(out_dir) == before
    assert (second.documents, second.triples, second.classes) == (
        first.documents,
        first.triples,
        first.classes,
    )


def test_a_changed_file_alone_is_mapped_and_its_graph_updated(corpus, tmp_path, mapped_ids):
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    mapped_ids.clear()
    (corpus / "annual-report.html").write_text(PAGE.format(title="Revised annual report"), encoding="utf-8")
    report = _build(corpus, out_dir)
    assert mapped_ids == ["annual-report"] and (report.mapped, report.reused) == (1, 12)
    trig = (out_dir / "graph.trig").read_text(encoding="utf-8")
    assert "Revised annual report" in trig and "Annual report of the partnership" not in trig
    fresh = tmp_path / "fresh"
    _build(corpus, fresh)
    assert output_bytes(out_dir) == output_bytes(fresh)
    assert_store_matches_files(out_dir)
    assert open_graph(out_dir).dump(format=pyoxigraph.RdfFormat.N_QUADS) == open_graph(fresh).dump(
        format=pyoxigraph.RdfFormat.N_QUADS
    )


def test_a_removed_file_loses_its_named_graph(corpus, tmp_path, mapped_ids):
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    removed = sorted(corpus.glob("*.txt"))[0]
    removed_graph = str(graph_iri(removed.stem))
    assert removed_graph in _graph_names(out_dir)
    mapped_ids.clear()
    removed.unlink()
    report = _build(corpus, out_dir)
    assert mapped_ids == [] and report.documents == 12
    assert removed_graph not in _graph_names(out_dir)
    assert f"<{removed_graph}>" not in (out_dir / "graph.trig").read_text(encoding="utf-8")
    assert removed.stem not in (out_dir / "graph.ttl").read_text(encoding="utf-8")
    assert_store_matches_files(out_dir)


def test_rebuild_maps_everything_and_writes_the_same_bytes(corpus, tmp_path, mapped_ids):
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    before = output_bytes(out_dir)
    mapped_ids.clear()
    report = _build(corpus, out_dir, rebuild=True)
    assert report.mapped == 13 and len(mapped_ids) == 13
    assert output_bytes(out_dir) == before


def test_kg_build_rebuild_option_maps_everything(corpus, tmp_path):
    out_dir = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(app, ["build", str(corpus), "--out", str(out_dir), "--jobs", "1"])
    assert first.exit_code == 0 and "Mapped 13 file(s); 0 unchanged" in first.output
    again = runner.invoke(app, ["build", str(corpus), "--out", str(out_dir), "--jobs", "1"])
    assert "Mapped 0 file(s); 13 unchanged" in again.output
    forced = runner.invoke(app, ["build", str(corpus), "--out", str(out_dir), "--rebuild", "--no-html"])
    assert forced.exit_code == 0 and "Mapped 13 file(s); 0 unchanged" in forced.output
    assert "graph.html" not in forced.output


def test_kg_build_compacts_the_store_in_the_background_unless_told_not_to(corpus, tmp_path):
    out_dir = tmp_path / "out"
    runner = CliRunner()
    plain = runner.invoke(app, ["build", str(corpus), "--out", str(out_dir), "--no-html", "--no-compact"])
    assert plain.exit_code == 0 and "Compacting" not in plain.output
    assert _live_store(out_dir)[1] is False and not (out_dir / ".kg" / "compaction.lock").exists()
    compacting = runner.invoke(app, ["build", str(corpus), "--out", str(out_dir), "--no-html"])
    assert (
        compacting.exit_code == 0 and "Compacting the store in the background (process " in compacting.output
    )
    assert compaction.wait(out_dir, timeout=60) and _live_store(out_dir)[1] is True


def test_a_new_mapper_fingerprint_invalidates_the_cache(corpus, tmp_path, mapped_ids, monkeypatch):
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    mapped_ids.clear()
    monkeypatch.setattr(pipeline, "mapper_fingerprint", lambda: "a-different-mapper")
    report = _build(corpus, out_dir)
    assert report.mapped == 13 and len(mapped_ids) == 13


def test_the_fingerprint_follows_every_file_of_the_mapper(tmp_path):
    package = tmp_path / "kg"
    (package / "data").mkdir(parents=True)
    (package / "mapping.py").write_text("RULES = 1\n")
    (package / "data" / "cues.json").write_text("[]\n")
    original = folders_fingerprint((package,), "0.1.0")
    (package / "data" / "cues.json").write_text('["neglect"]\n')
    assert folders_fingerprint((package,), "0.1.0") != original
    (package / "data" / "cues.json").write_text("[]\n")
    assert folders_fingerprint((package,), "0.1.0") == original
    assert folders_fingerprint((package,), "0.2.0") != original


def test_a_renamed_file_is_a_new_document(corpus, tmp_path, mapped_ids):
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    mapped_ids.clear()
    shutil.move(corpus / "annual-report.html", corpus / "yearly-report.html")
    report = _build(corpus, out_dir)
    assert mapped_ids == ["yearly-report"] and report.documents == 13
    names = _graph_names(out_dir)
    assert str(graph_iri("yearly-report")) in names and str(graph_iri("annual-report")) not in names


def test_a_damaged_live_store_is_rebuilt_from_the_cache(corpus, tmp_path, mapped_ids):
    """Patching starts from a copy of the live store; when that store cannot be opened the
    build loads every cached graph afresh instead of failing (nothing is mapped again)."""
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    (out_dir / "store" / "CURRENT").unlink()
    mapped_ids.clear()
    (corpus / "annual-report.html").write_text(PAGE.format(title="Revised annual report"), encoding="utf-8")
    report = _build(corpus, out_dir)
    assert mapped_ids == ["annual-report"] and report.documents == 13
    assert_store_matches_files(out_dir)


def test_only_the_live_store_and_the_one_it_replaced_are_kept(corpus, tmp_path):
    out_dir = tmp_path / "out"
    for round_number in range(3):
        (corpus / "annual-report.html").write_text(
            PAGE.format(title=f"Report, round {round_number}"), encoding="utf-8"
        )
        _build(corpus, out_dir)
    generations = sorted((out_dir / ".kg" / "generations").iterdir())
    assert len(generations) == 2
    assert (out_dir / "store").resolve().parent in {path.resolve() for path in generations}
    cached = {path.name.split(".")[0] for path in (out_dir / ".kg" / "cache").iterdir()}
    assert len(cached) == 13 + 1, "one cache entry per document and the schemes, older versions dropped"


def test_a_small_change_patches_the_previous_outputs_instead_of_writing_them_all(
    corpus, tmp_path, monkeypatch
):
    """One changed file of 13: graph.ttl is patched and the store copied, never written whole
    (the full writer is made to fail), and the bytes are a fresh build's."""
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    (corpus / "annual-report.html").write_text(PAGE.format(title="Revised annual report"), encoding="utf-8")

    def full_write(*arguments):
        raise AssertionError("a one-file change rewrote every output")

    monkeypatch.setattr(pipeline, "write_graph_files", full_write)
    report = _build(corpus, out_dir)
    monkeypatch.undo()
    fresh = _build(corpus, tmp_path / "fresh")
    assert output_bytes(out_dir) == output_bytes(tmp_path / "fresh")
    assert (report.triples, report.classes) == (fresh.triples, fresh.classes)
    assert_store_matches_files(out_dir)


def test_a_graph_ttl_edited_in_place_is_written_afresh_not_patched(corpus, tmp_path):
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    with (out_dir / "graph.ttl").open("ab") as stream:  # the same file the build kept a link to
        stream.write(b"<urn:x:edited> <urn:x:by> <urn:x:hand> .\n")
    (corpus / "annual-report.html").write_text(PAGE.format(title="Revised annual report"), encoding="utf-8")
    _build(corpus, out_dir)
    _build(corpus, tmp_path / "fresh")
    assert output_bytes(out_dir) == output_bytes(tmp_path / "fresh")


def test_a_folder_without_hard_links_still_builds_and_rebuilds(corpus, tmp_path, monkeypatch):
    def no_links(source, target):
        raise OSError("hard links not supported here")

    monkeypatch.setattr(kg.build.generations.os, "link", no_links)
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    (corpus / "annual-report.html").write_text(PAGE.format(title="Revised annual report"), encoding="utf-8")
    _build(corpus, out_dir)
    _build(corpus, tmp_path / "fresh")
    assert output_bytes(out_dir) == output_bytes(tmp_path / "fresh")
    assert_store_matches_files(out_dir)


def _live_store(out_dir) -> tuple[int, bool, int]:
    """The live generation's patch count, whether its store is compacted, and how many files that store reads."""
    generation = (out_dir / "store").resolve().parent
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    return manifest["patches"], manifest["compacted"], len(list((generation / "store").glob("*.sst")))


def test_a_built_store_is_compacted_in_the_background_after_the_build_returns(corpus, tmp_path):
    """The build publishes its store as loaded, or as patched, and returns; a compactor process
    then publishes a compacted copy in its place (fewer files, the same graph)."""
    out_dir = tmp_path / "out"
    loaded = _build(corpus, out_dir)
    assert loaded.compactor is None and _live_store(out_dir)[:2] == (0, False)
    _, _, loaded_files = _live_store(out_dir)
    (corpus / "annual-report.html").write_text(PAGE.format(title="Revised annual report"), encoding="utf-8")
    _build(corpus, out_dir)
    patches, compacted, patched_files = _live_store(out_dir)
    assert (patches, compacted) == (1, False) and patched_files > loaded_files
    published = output_bytes(out_dir)

    report = _build(
        corpus, out_dir, compact=True
    )  # nothing changed: the store is copied as it is, then compacted
    assert report.compactor is not None
    assert compaction.wait(out_dir, timeout=60)
    patches, compacted, compacted_files = _live_store(out_dir)
    assert (patches, compacted) == (0, True) and compacted_files <= loaded_files < patched_files
    assert output_bytes(out_dir) == published
    assert_store_matches_files(out_dir)
    assert "published" in (out_dir / ".kg" / "compaction.log").read_text(encoding="utf-8")
    assert _build(corpus, out_dir, compact=True).compactor is None, (
        "a compacted store copied unchanged needs no compaction"
    )


def test_a_build_ends_a_running_compaction_before_it_starts(corpus, tmp_path):
    """A compactor that still runs when the next build starts is ended, and the build goes on;
    a compactor ended at any point leaves the published store whole."""
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    lock = out_dir / ".kg" / "compaction.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_COMPACTION_LOCK, str(lock)], stdout=subprocess.PIPE)
    assert holder.stdout.readline().strip() == b"holding"
    (corpus / "annual-report.html").write_text(PAGE.format(title="Revised annual report"), encoding="utf-8")
    report = _build(corpus, out_dir, compact=True)
    assert holder.wait(timeout=10) == -signal.SIGTERM
    holder.stdout.close()
    assert report.mapped == 1 and report.compactor is not None
    compaction.stop(out_dir)
    for delay in (0.0, 0.1, 0.3):
        pid = compaction.start(out_dir)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        assert compaction.wait(out_dir, timeout=10)
        assert_store_matches_files(out_dir)
    _build(corpus, tmp_path / "fresh")
    assert output_bytes(out_dir) == output_bytes(tmp_path / "fresh")


# Stands in for a long compaction: takes the compaction lock as the compactor does, names itself, waits.
HOLD_COMPACTION_LOCK = """
import fcntl, os, sys, time
lock = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(lock, fcntl.LOCK_EX)
os.ftruncate(lock, 0)
os.pwrite(lock, str(os.getpid()).encode(), 0)
print("holding", flush=True)
time.sleep(600)
"""


def test_four_patches_in_a_row_without_a_compaction_compact_inline(corpus, tmp_path):
    """When builds come faster than compactions, the store's patches pile up; the fourth in a
    row with none compacted between them compacts inline (a build with nothing to change does
    not count), and the store still holds exactly the published graph."""
    out_dir = tmp_path / "out"
    _build(corpus, out_dir)
    _, _, loaded_files = _live_store(out_dir)
    patches, files = [], []
    for revision in range(1, 6):
        (corpus / "annual-report.html").write_text(
            PAGE.format(title=f"Annual report, revision {revision}"), encoding="utf-8"
        )
        _build(corpus, out_dir)
        count, compacted, file_count = _live_store(out_dir)
        assert compacted == (count == 0)
        patches.append(count)
        files.append(file_count)
        assert_store_matches_files(out_dir)
        _build(corpus, out_dir)  # nothing changed: not a patch
        assert _live_store(out_dir)[0] == count
    assert patches == [1, 2, 3, 0, 1]
    assert min(files[:3]) > loaded_files >= files[3]
    _build(corpus, tmp_path / "fresh")
    assert output_bytes(out_dir) == output_bytes(tmp_path / "fresh")
