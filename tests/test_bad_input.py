"""Bad input: every unusable file gives a one-line InputError naming it and the reason,
the rest of the batch is built, and `kg build` exits 6 (some failed) or 7 (none read)."""

from __future__ import annotations

import codecs
import io
import json
import os
import pwd
import shutil
import tempfile
import traceback
import zipfile
from pathlib import Path

import pytest
from fixtures.ingest.samples import make_docx, make_image_only_pdf, make_pdf, make_pdf_bomb
from rdflib import Dataset
from typer.testing import CliRunner

from kg.build.pipeline import BuildOptions, build
from kg.cli import app
from kg.errors import InputError, NothingBuilt, PartialBuild
from kg.ingest import DEFAULT_MAX_BYTES, discover, read_document
from kg.vocab import graph_iri

GOOD_TEXT = "The Eastbridge partnership reviewed early help for families in 2023.\n"


def _zip_without_word_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "a zip file, but not a Word document")
    return buffer.getvalue()


# name -> (bytes, the reason the error must give)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "empty file"),
    "blank.md": (b"  \n\t\r\n   \n", "no text to map"),
    "bom-only.txt": (codecs.BOM_UTF8 + b"\n", "no text to map"),
    "picture.txt": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 4,
        "binary file (it contains NUL bytes)",
    ),
    "controls.md": (bytes(range(14, 32)) * 30 + b"some words", "binary or not text"),
    "garbage.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 8, "corrupt or unsupported PDF"),
    "truncated.pdf": (
        make_pdf(["A report that was cut off in the download."])[:600],
        "corrupt or unsupported PDF",
    ),
    "locked.pdf": (
        make_pdf(["Secret."], owner_password="owner", user_password="reader"),
        "encrypted PDF that needs a password",
    ),
    "bomb.pdf": (make_pdf_bomb(), "PDF whose compressed streams inflate past 32 MB (a PDF bomb?); refused"),
    "scan.pdf": (make_image_only_pdf(), "PDF has no text layer: scanned? 0 characters read on 1 page(s)"),
    "furniture-only.html": (
        b"<html><head><title>Menu</title><script>var a = 1;</script></head>"
        b"<body><nav><a href='/'>Home</a></nav><footer>Footer</footer></body></html>",
        "no text to map",
    ),
    "declared-latin.html": (
        b"<html><head><meta charset='iso-8859-5'></head><body>" + bytes(range(1, 9)) * 40 + b"</body></html>",
        "binary or not text",
    ),
    "empty-body.htm": (
        b"<!DOCTYPE html><html><head><title>Only a title</title></head><body></body></html>",
        "no text to map",
    ),
    "not-a-zip.docx": (b"This was saved with the wrong suffix.", "not a Word .docx file"),
    "truncated.docx": (make_docx()[:2000], "not a Word .docx file"),
    "other-zip.docx": (_zip_without_word_parts(), "corrupt or unsupported Word file"),
}


def _write_bad_files(folder: Path) -> dict[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (data, reason) in BAD_FILES.items():
        (folder / name).write_bytes(data)
        expected[folder / name] = reason
    return expected


def _assert_one_line_naming(message: str, path: Path, reason: str) -> None:
    assert message.startswith(f"{path}: ")
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_gives_one_line_naming_it_and_the_reason(tmp_path, name):
    data, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as raised:
        read_document(path)
    _assert_one_line_naming(str(raised.value), path, reason)


def test_documents_in_unsupported_formats_are_found_and_reported(tmp_path):
    """An old .doc or a slide deck in the folder is named in the summary, not skipped in silence."""
    for name in ("minutes.doc", "slides.PPTX", "photo.png"):
        (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0 not readable here")
    assert discover([tmp_path]) == [tmp_path / "minutes.doc", tmp_path / "slides.PPTX"]
    for path in discover([tmp_path]):
        with pytest.raises(InputError) as raised:
            read_document(path)
        _assert_one_line_naming(
            str(raised.value), path, "files are not supported; save it as PDF, .docx or text"
        )


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path):
    """A 200 MB sparse file: refused from its size alone (a read would take seconds)."""
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(200 * 1024 * 1024)
    with pytest.raises(InputError) as raised:
        read_document(path)
    _assert_one_line_naming(str(raised.value), path, "too large (200.0 MB; the limit is 50.0 MB)")
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024


def test_the_size_limit_is_configurable(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    assert read_document(path, max_bytes=len(GOOD_TEXT)).text == GOOD_TEXT
    with pytest.raises(InputError, match="too large"):
        read_document(path, max_bytes=len(GOOD_TEXT) - 1)


def test_a_named_pipe_is_refused_without_blocking_on_it(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert discover([tmp_path]) == [fifo]
    with pytest.raises(InputError) as raised:
        read_document(fifo)
    _assert_one_line_naming(str(raised.value), fifo, "not a regular file")


def test_broken_and_looping_links_and_folders_are_reported(tmp_path):
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    os.symlink(tmp_path / "self.txt", tmp_path / "self.txt")
    (tmp_path / "folder.txt").mkdir()  # a folder whose name looks like a document
    (tmp_path / "folder.txt" / "inside.txt").write_text(GOOD_TEXT, encoding="utf-8")
    assert discover([tmp_path]) == [
        tmp_path / "dangling.txt",
        tmp_path / "folder.txt" / "inside.txt",
        tmp_path / "self.txt",
    ]
    for path, reason in [
        (tmp_path / "dangling.txt", "cannot read (No such file or directory)"),
        (tmp_path / "self.txt", "cannot read (Too many levels of symbolic links)"),
        (tmp_path / "folder.txt", "is a folder, not a document file"),
    ]:
        with pytest.raises(InputError) as raised:
            read_document(path)
        _assert_one_line_naming(str(raised.value), path, reason)


def test_a_missing_input_path_stops_the_build_with_exit_code_2(tmp_path):
    result = CliRunner().invoke(app, ["build", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert result.exit_code == InputError.exit_code == 2
    assert f"error: {tmp_path / 'nowhere'}: no such file or folder" in result.output


def test_a_missing_path_among_several_is_named_and_the_rest_is_built(tmp_path):
    """Regression (issue 18): one missing path among several inputs stopped the whole build."""
    good = _good_files(tmp_path / "good", 2)
    missing = [tmp_path / "gone", tmp_path / "typo.txt"]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(missing[0]), str(tmp_path / "good"), str(missing[1]), "--out", str(out)]
    )
    assert result.exit_code == PartialBuild.exit_code == 6, result.output
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("failed: ")] == [
        f"failed: {path}: no such file or folder" for path in missing
    ]
    assert lines[-1].startswith("error: 2 file(s) could not be read")
    assert "Traceback" not in result.output
    assert "Built 2 document(s)" in result.stdout
    named = {graph.identifier for graph in Dataset().parse(out / "graph.trig", format="trig").graphs()}
    assert {graph_iri(path.stem) for path in good} <= named


def test_missing_paths_and_unreadable_files_together_are_all_named(tmp_path):
    _good_files(tmp_path / "good", 1)
    bad = _write_bad_files(tmp_path / "bad")
    report = build(
        [tmp_path / "gone", tmp_path / "good", tmp_path / "bad"],
        BuildOptions(out_dir=tmp_path / "out", html=False),
    )
    assert report.documents == 1
    assert report.failures[0] == f"{tmp_path / 'gone'}: no such file or folder"
    assert len(report.failures) == 1 + len(bad)


def test_when_every_path_is_missing_nothing_is_written(tmp_path):
    result = CliRunner().invoke(
        app, ["build", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == InputError.exit_code == 2
    assert (
        result.stderr
        == f"error: {tmp_path / 'a'}: no such file or folder; {tmp_path / 'b'}: no such file or folder\n"
    )
    assert not (tmp_path / "out").exists()


def _discover_and_read(folder: Path) -> list[list[str]]:
    results = []
    for path in discover([folder]):
        try:
            results.append(["read", str(path), read_document(path).text])
        except InputError as error:
            results.append(["failed", str(path), str(error)])
    return results


def _as_unprivileged_user(function, *args):
    """``function(*args)`` in a forked child that dropped root to ``nobody`` (root reads anything).

    The result travels back as JSON; an exception in the child comes back as its traceback.
    """
    if os.geteuid() != 0:
        return function(*args)
    nobody = pwd.getpwnam("nobody")
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            payload = {"result": function(*args)}
        except BaseException:
            payload = {"error": traceback.format_exc()}
        finally:
            with os.fdopen(write_end, "w") as stream:
                stream.write(json.dumps(payload))
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as stream:
        payload = json.loads(stream.read())
    os.waitpid(child, 0)
    assert "error" not in payload, payload.get("error")
    return payload["result"]


def test_unreadable_files_and_folders_are_reported_and_the_rest_read():
    # Not under pytest's tmp_path: its parent folders are private to the user running the tests.
    base = Path(tempfile.mkdtemp(prefix="sgkg-permissions-"))
    try:
        base.chmod(0o755)
        (base / "open.txt").write_text(GOOD_TEXT, encoding="utf-8")
        (base / "secret.txt").write_text(GOOD_TEXT, encoding="utf-8")
        (base / "secret.txt").chmod(0o000)
        (base / "locked").mkdir()
        (base / "locked" / "inside.txt").write_text(GOOD_TEXT, encoding="utf-8")
        (base / "locked").chmod(0o000)
        results = _as_unprivileged_user(_discover_and_read, base)
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)
    assert results == [
        ["failed", str(base / "locked"), f"{base / 'locked'}: cannot read (Permission denied)"],
        ["read", str(base / "open.txt"), GOOD_TEXT],
        ["failed", str(base / "secret.txt"), f"{base / 'secret.txt'}: cannot read (Permission denied)"],
    ]


def _good_files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"good-{number:04d}.txt"
        path.write_text(f"Report {number}. " + GOOD_TEXT, encoding="utf-8")
        paths.append(path)
    return paths


def test_a_build_reports_each_bad_file_and_builds_the_others(tmp_path):
    inputs = tmp_path / "inputs"
    good = _good_files(inputs, 2)
    bad = _write_bad_files(inputs / "bad")
    report = build([inputs], BuildOptions(out_dir=tmp_path / "out", html=False))
    assert report.documents == len(good)
    assert len(report.failures) == len(bad)
    for failure, (path, reason) in zip(
        report.failures, sorted(bad.items(), key=lambda item: item[0].as_posix()), strict=True
    ):
        _assert_one_line_naming(failure, path, reason)
    dataset = Dataset().parse(tmp_path / "out" / "graph.trig", format="trig")
    named = {graph.identifier for graph in dataset.graphs()}
    assert {graph_iri(path.stem) for path in good} <= named


def test_kg_build_exit_codes_0_6_7(tmp_path):
    good, mixed, bad = tmp_path / "good", tmp_path / "mixed", tmp_path / "bad"
    _good_files(good, 2)
    _good_files(mixed, 1)
    failing = _write_bad_files(mixed)
    _write_bad_files(bad)
    runner = CliRunner()

    result = runner.invoke(app, ["build", str(good), "--out", str(tmp_path / "out-good")])
    assert result.exit_code == 0, result.output
    assert "failed" not in result.output

    result = runner.invoke(app, ["build", str(mixed), "--out", str(tmp_path / "out-mixed")])
    assert result.exit_code == PartialBuild.exit_code == 6, result.output
    assert "Built 1 document(s)" in result.output and f"{len(failing)} file(s) failed." in result.output
    for path, reason in failing.items():
        assert any(
            line.startswith(f"failed: {path}: ") and reason in line for line in result.output.splitlines()
        )
    assert (tmp_path / "out-mixed" / "graph.ttl").is_file()

    result = runner.invoke(app, ["build", str(bad), "--out", str(tmp_path / "out-bad")])
    assert result.exit_code == NothingBuilt.exit_code == 7, result.output
    assert result.output.startswith("error: no document could be read: ")
    assert not (tmp_path / "out-bad" / "graph.ttl").exists()


def test_thousands_of_files_in_nested_folders(tmp_path):
    """2,000 files in 40 folders, one in a hundred empty: each read or reported, in order."""
    for folder in range(40):
        _good_files(tmp_path / f"part-{folder:02d}", 50)
    empties = sorted(tmp_path.glob("part-*/good-0000.txt"))[::2]
    for path in empties:
        path.write_bytes(b"")
    paths = discover([tmp_path])
    assert len(paths) == 2000 and paths == sorted(paths, key=lambda p: p.as_posix())
    failures = []
    for path in paths:
        try:
            read_document(path)
        except InputError as error:
            failures.append(str(error))
    assert failures == [f"{path}: empty file, no text to map" for path in empties]
    assert len(failures) == 20


def test_a_build_over_symlink_loops_and_pipes_finishes(tmp_path):
    inputs = tmp_path / "inputs"
    _good_files(inputs, 1)
    os.symlink(inputs, inputs / "loop")
    os.mkfifo(inputs / "pipe.md")
    report = build([inputs], BuildOptions(out_dir=tmp_path / "out", html=False))
    assert report.documents == 1
    assert report.failures == [f"{inputs / 'pipe.md'}: not a regular file (a device, pipe or socket)"]
