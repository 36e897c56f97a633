"""Under attack: the endpoint, the query command, the readers and the output folder (issue 21).

Everything runs on loopback, each test bounded in time and in the number of requests.
What each test probes is said in its docstring; docs/security.md states the promises.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from linked_data import FIXTURE, free_port
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError, QueryError
from kg.serve import ServeOptions, isolated_answer, make_server, query_runner, serving_store

NESTED = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
SIMPLE = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def served():
    """The fixture graph on a loopback port, default limits (SERVICE refused)."""
    server = make_server(ServeOptions(graph=FIXTURE, port=0, timeout=5.0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.close()
    thread.join(timeout=10)


def _request(
    server, method: str, path: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, str]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _get(server, query: str, headers: dict | None = None) -> tuple[int, str]:
    return _request(server, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)


class _Listener:
    """A loopback TCP listener that counts the connections made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "# a comment\nSELECT * WHERE {{ ?s ?p 'x' . SERVICE<http://127.0.0.1:{port}/>{{?s ?p ?o}} }}",
    ],
    ids=["plain", "lower-case-silent", "escaped", "no-spaces"],
)
def test_service_is_refused_and_makes_no_connection(served, template):
    """SERVICE made the endpoint fetch any address a query named (a port scanner)."""
    listener = _Listener()
    try:
        status, body = _get(served, template.format(port=listener.port))
        time.sleep(0.3)
        assert status == 400 and "SERVICE" in body and "--allow-service" in body
        assert listener.connections == 0
    finally:
        listener.close()


def test_service_runs_when_the_operator_allows_it():
    """The control for the test above: with --allow-service the listener is reached."""
    listener = _Listener()
    server = make_server(ServeOptions(graph=FIXTURE, port=0, timeout=5.0, allow_service=True))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        _get(server, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}")
        assert listener.connections >= 1
    finally:
        server.close()
        thread.join(timeout=10)
        listener.close()


def test_cross_origin_posts_are_refused_and_same_origin_ones_answered(served):
    """A web page could POST text/plain or a form to the endpoint from any origin."""
    host, port = served.server_address[:2]
    form = urllib.parse.urlencode({"query": SIMPLE}).encode()
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    assert _request(served, "POST", "/sparql", SIMPLE.encode(), {"Content-Type": "text/plain"})[0] == 415
    assert _request(served, "POST", "/sparql", form, {**form_type, "Origin": "http://evil.example"})[0] == 403
    assert _request(served, "POST", "/sparql", form, {**form_type, "Origin": "null"})[0] == 403
    assert _request(served, "POST", "/sparql", form, {**form_type, "Sec-Fetch-Site": "cross-site"})[0] == 403
    assert _get(served, SIMPLE, {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})[0] == 403
    own_page = {**form_type, "Origin": f"http://{host}:{port}", "Sec-Fetch-Site": "same-origin"}
    assert _request(served, "POST", "/sparql", form, own_page)[0] == 200
    assert (
        _request(served, "POST", "/sparql", SIMPLE.encode(), {"Content-Type": "application/sparql-query"})[0]
        == 200
    )


def test_a_foreign_host_header_is_refused(served):
    """DNS rebinding: a page on evil.example resolved to 127.0.0.1 could read the answers."""
    port = served.server_address[1]
    status, body = _get(served, SIMPLE, {"Host": f"evil.example:{port}"})
    assert status == 421 and "Host" in body
    assert _get(served, SIMPLE, {"Host": f"127.0.0.1:{port + 1}"})[0] == 421
    assert _get(served, SIMPLE, {"Host": f"localhost:{port}"})[0] == 200
    assert _get(served, SIMPLE)[0] == 200


def test_a_request_body_past_the_cap_is_refused_unread(served):
    host, port = served.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as raw:
        raw.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100000000\r\n\r\nSELECT"
        )
        assert raw.recv(100).startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(
    "options, flag",
    [
        ({"timeout": -1}, "--timeout"),
        ({"timeout": float("nan")}, "--timeout"),
        ({"row_limit": -5}, "--row-limit"),
        ({"port": 70000}, "--port"),
        ({"memory_mb": 1}, "--memory-limit"),
    ],
)
def test_option_values_out_of_range_are_refused(options, flag):
    with pytest.raises(InputError, match=flag):
        make_server(ServeOptions(graph=FIXTURE, **options))


def test_cli_option_out_of_range_is_one_line_and_exit_2():
    result = CliRunner().invoke(app, ["serve", "--graph", str(FIXTURE), "--row-limit", "-5"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["error: --row-limit -5: must be between 1 and 10,000,000"]


def test_a_deeply_nested_query_is_refused_before_it_runs(served):
    """5,000 nested braces crashed a worker and were reported as 'ran past the time limit'."""
    status, body = _get(served, NESTED)
    assert status == 400 and "nested" in body
    assert _get(served, SIMPLE)[0] == 200


def test_a_crashed_worker_is_reported_as_a_crash_and_replaced(monkeypatch):
    """The crash was reported as 'ran past the time limit'; a flood of them slowed simple queries to 5 s.

    Past the nesting check (raised here), 5,000 braces kill a worker: 500 naming the signal,
    the worker replaced. The pool is then on guard: the next crashing queries kill only
    forked children, and simple queries meanwhile answer at once.
    """
    monkeypatch.setattr("kg.sparql_guard.MAX_NESTING", 10**6)
    server = make_server(ServeOptions(graph=FIXTURE, port=0, timeout=10.0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, body = _get(server, NESTED)
        assert status == 500 and "crashed" in body and "SIGSEGV" in body
        assert _get(server, SIMPLE)[0] == 200
        workers = set(server.pool._all)  # the survivor and the replacement
        assert len(workers) == 2
        for _ in range(5):
            status, body = _get(server, NESTED)
            assert status == 500 and "SIGSEGV" in body
            assert _get(server, SIMPLE)[0] == 200
        assert set(server.pool._all) == workers  # on guard: no worker lost to the crashes
    finally:
        server.close()
        thread.join(timeout=10)


def test_a_query_that_crashes_the_engine_is_a_500_and_the_caller_lives():
    """The crash itself, past the nesting check: the forked child dies, the worker answers."""
    options = ServeOptions(timeout=10)
    runner = query_runner(serving_store(FIXTURE), options)
    try:
        answer = isolated_answer(runner, NESTED, ["*/*"], options)
        assert answer.status == 500 and b"crashed" in answer.body and b"SIGSEGV" in answer.body
        assert isolated_answer(runner, SIMPLE, ["*/*"], options).status == 200
    finally:
        runner.close()


def test_a_query_past_its_memory_is_cancelled():
    """One worker reached 4.6 GB within its time limit; a query now has memory_mb on top of the graph."""
    options = ServeOptions(timeout=30, memory_mb=64)
    runner = query_runner(serving_store(FIXTURE), options)
    huge = "SELECT (GROUP_CONCAT(STR(?p)) AS ?n) WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?x ?y }"  # about 400 MB
    try:
        answer = isolated_answer(runner, huge, ["*/*"], options)
    finally:
        runner.close()
    assert answer.status == 503 and b"64 MB" in answer.body


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_slow_readers_stay_within_the_answer_budget_and_a_simple_query_stays_fast():
    """A client that stops reading held about 270 MB (10 of them 2.8 GB).

    20 clients each ask for an 8 MB answer and read none of it: the server holds at
    most ANSWER_BUDGET_BYTES (128 MB) of answers (the others get 503 at once), stays
    under 300 MB, and a simple query meanwhile answers within 100 ms.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "kg.cli",
        "serve",
        "--graph",
        str(FIXTURE),
        "--port",
        str(port),
        "--row-limit",
        "1000000",
        "--timeout",
        "30",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    readers = []
    try:
        assert process.stdout.readline().startswith("Serving"), process.stderr.read()
        idle = _rss_mb(process.pid)
        big = "SELECT (GROUP_CONCAT(STR(?p)) AS ?n) WHERE { SELECT ?p WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?x ?y } LIMIT 200000 }"
        request = (
            f"GET /sparql?{urllib.parse.urlencode({'query': big})} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept: application/sparql-results+json\r\n\r\n"
        ).encode()
        statuses = []
        for _ in range(20):
            reader = socket.socket()
            reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            reader.settimeout(60)
            reader.connect(("127.0.0.1", port))
            reader.sendall(request)
            readers.append(reader)
        for reader in readers:
            statuses.append(reader.recv(12)[9:12])  # the status code, then nothing more is read
        assert b"200" in statuses
        held = _rss_mb(process.pid)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": SIMPLE}))
            assert json.loads(connection.getresponse().read())["boolean"] is True
            connection.close()
            timings.append(time.perf_counter() - started)
        assert held < 300, (
            f"server holds {held:.0f} MB ({idle:.0f} MB idle) with 20 slow readers ({statuses})"
        )
        assert sorted(timings)[2] < 0.1, timings
    finally:
        for reader in readers:
            reader.close()
        process.terminate()
        process.wait(timeout=30)


def test_kg_query_refuses_a_deeply_nested_query_in_one_line():
    """The same query made `kg query` die of SIGSEGV (exit 139) with no message."""
    result = CliRunner().invoke(app, ["query", "--graph", str(FIXTURE), "-e", NESTED])
    assert result.exit_code == 4
    assert len(result.output.strip().splitlines()) == 1 and "nested" in result.output


def test_kg_query_reports_an_engine_crash_as_a_query_error(monkeypatch):
    """Past the nesting check, the crash itself: the child dies, `kg query` says so in one line."""
    monkeypatch.setattr("kg.sparql_guard.MAX_NESTING", 10**6)
    result = CliRunner().invoke(app, ["query", "--graph", str(FIXTURE), "-e", NESTED])
    assert result.exit_code == 4
    assert len(result.output.strip().splitlines()) == 1
    assert "crashed" in result.output and "SIGSEGV" in result.output


def test_an_engine_crash_is_one_line_even_with_faulthandler_on():
    """Under ``-X faulthandler`` (or ``-X dev``) the forked child's crash trace filled the error
    line ("crashed ... (signal SIGSEGV): Fatal Python error: Segmentation fault Current thread
    ..."); under pytest it printed forty lines into the test output. The child turns it off."""
    script = (
        "import sys, kg.sparql_guard\n"
        "kg.sparql_guard.MAX_NESTING = 10**6\n"
        "from kg.cli import main\n"
        "sys.argv = ['kg', 'query', '--graph', sys.argv[1], '-e', sys.argv[2]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", script, str(FIXTURE), NESTED],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4, done.stderr
    assert done.stderr.strip().endswith("crashed on this query (signal SIGSEGV)"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_kg_query_still_answers_and_raises_its_own_errors():
    result = CliRunner().invoke(
        app, ["query", "--graph", str(FIXTURE), "-e", "ASK { ?s ?p ?o }", "-f", "json"]
    )
    assert result.exit_code == 0 and json.loads(result.output)["boolean"] is True
    from kg.query import QueryRequest, answer_request

    with pytest.raises(QueryError, match="syntax error"):
        answer_request(QueryRequest(expression="SELECT * WHERE { ?s ?p }", graph=FIXTURE))


# --- the output folder and the input folder -------------------------------------------------

GOOD = "Wexcombe Council asked Ofsted to inspect its children's services in 2023.\n"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _foreign_folder(folder: Path) -> dict[str, bytes]:
    """A folder someone else owns, with files named as a build's would be."""
    for name, text in [
        ("notes.txt", "mine"),
        ("graph.ttl", "my own turtle"),
        ("graph.html", "<p>my page</p>"),
        (".kg/cache/mine.json", "{}"),
        (".kg/generations/keep/data.txt", "keep me"),
    ]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return _snapshot(folder)


def _inputs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "inspection.txt").write_text(GOOD, encoding="utf-8")
    return folder


def test_out_refuses_a_folder_that_is_not_a_build_and_keeps_every_file(tmp_path):
    """--out overwrote graph.ttl and graph.html there and deleted files under .kg/."""
    from kg.build.pipeline import BuildOptions, build

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    before = _foreign_folder(foreign)
    with pytest.raises(InputError, match="not an sgkg build"):
        build([_inputs(tmp_path / "in")], BuildOptions(out_dir=foreign, html=False))
    result = CliRunner().invoke(
        app, ["build", str(tmp_path / "in"), "--out", str(foreign), "--no-html", "--no-compact"]
    )
    assert result.exit_code == 2 and "--force" in result.output
    assert _snapshot(foreign) == before


def test_force_builds_into_it_and_still_deletes_nothing_it_did_not_write(tmp_path):
    from kg.build.pipeline import BuildOptions, build

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    before = _foreign_folder(foreign)
    for _ in range(2):  # the second build drops the first build's generation and cache entries
        build([_inputs(tmp_path / "in")], BuildOptions(out_dir=foreign, html=False, force=True))
    after = _snapshot(foreign)
    for name in ("notes.txt", ".kg/cache/mine.json", ".kg/generations/keep/data.txt"):
        assert after[name] == before[name]
    assert b"Wexcombe" in after["graph.ttl"] and after["graph.html"] == before["graph.html"]
    assert (foreign / ".kg" / "sgkg-build").is_file()


def test_a_new_an_empty_and_a_previous_build_folder_are_built_into(tmp_path):
    from kg.build.pipeline import BuildOptions, build

    inputs = _inputs(tmp_path / "in")
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "new", tmp_path / "empty", tmp_path / "new"):
        assert build([inputs], BuildOptions(out_dir=out, html=False)).documents == 1


def test_building_a_folder_twice_never_reads_its_own_outputs(tmp_path, monkeypatch):
    """`kg build .` twice read its own out/graph.html as a document the second time."""
    _inputs(tmp_path)
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        result = CliRunner().invoke(app, ["build", ".", "--no-compact"])
        assert result.exit_code == 0, result.output
        assert "Built 1 document(s)" in result.output and "graph.html" in result.output
    assert "out/" not in result.output.split("wrote")[0]  # nothing under out/ read, warned or failed


def test_another_builds_output_folder_is_skipped_with_a_warning(tmp_path):
    from kg.build.pipeline import BuildOptions, build

    inputs = _inputs(tmp_path / "in")
    build([inputs], BuildOptions(out_dir=inputs / "old-build", html=True))
    report = build([inputs], BuildOptions(out_dir=tmp_path / "out", html=False))
    assert report.documents == 1
    assert any("old-build: the output folder of an sgkg build" in warning for warning in report.warnings)


def test_a_link_out_of_the_input_folder_is_not_followed(tmp_path):
    """Text of a file outside the folder landed in the graph; system files were read and hashed."""
    from kg.build.pipeline import BuildOptions, build

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Private text about Brightmoor Council.\n", encoding="utf-8")
    inputs = _inputs(tmp_path / "in")
    (inputs / "leak.txt").symlink_to(outside / "secret.txt")
    (inputs / "folder").symlink_to(outside)
    (inputs / "inside.txt").symlink_to(inputs / "inspection.txt")  # a link within the folder is fine
    report = build([inputs], BuildOptions(out_dir=tmp_path / "out", html=False))
    assert report.documents == 1 and not report.failures
    assert sum("not followed" in warning for warning in report.warnings) == 2
    assert b"Brightmoor" not in (tmp_path / "out" / "graph.trig").read_bytes()
    followed = build([inputs], BuildOptions(out_dir=tmp_path / "out2", html=False, follow_links=True))
    assert followed.documents == 2 and b"Brightmoor" in (tmp_path / "out2" / "graph.trig").read_bytes()


# --- hostile files: each refused or read, and the build goes on -----------------------------


@pytest.mark.parametrize(
    "charset", ["rot13", "zlib", "base64", "hex", "utf-7", "punycode", "no-such-charset"]
)
def test_an_unknown_or_non_text_charset_falls_back_with_a_warning(tmp_path, charset):
    """A page declaring charset="rot13" (or zlib, base64, hex) stopped the build with a traceback."""
    from kg.ingest import read_document

    page = tmp_path / "page.html"
    page.write_text(
        f'<html><head><meta charset="{charset}"></head><body><p>Wexcombe Council met.</p></body></html>',
        encoding="utf-8",
    )
    document = read_document(page)
    assert document.text == "Wexcombe Council met."
    assert (
        len(document.warnings) == 1
        and charset in document.warnings[0]
        and "read as utf-8" in document.warnings[0]
    )


def test_a_file_name_that_is_not_utf8_is_built_and_printed(tmp_path):
    """A file name that is not UTF-8 stopped the build with a traceback, nothing written."""
    import os

    inputs = _inputs(tmp_path / "in")
    odd = os.path.join(os.fsencode(inputs), b"minutes-\xff\xfe.txt")
    with open(odd, "wb") as stream:
        stream.write(b"Brightmoor Council met Ofsted inspectors in 2022.\n")
    result = CliRunner().invoke(
        app, ["build", str(inputs), "--out", str(tmp_path / "out"), "--no-html", "--no-compact"]
    )
    assert result.exit_code == 0, result.output
    assert "Built 2 document(s)" in result.output
    assert "minutes-\ufffd\ufffd.txt" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def test_one_bad_file_is_reported_and_skipped_with_exit_6(tmp_path):
    inputs = _inputs(tmp_path / "in")
    (inputs / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(
        app, ["build", str(inputs), "--out", str(tmp_path / "out"), "--no-html", "--no-compact"]
    )
    assert result.exit_code == 6
    assert "Built 1 document(s)" in result.output and "broken.docx" in result.output


def _bounded(call, *, seconds: float, megabytes: int):
    """``call()`` in a forked child with ``seconds`` and ``megabytes`` (beyond this process's size)."""
    from kg.isolation import run_in_child

    outcome = run_in_child(call, timeout=seconds, memory_mb=megabytes)
    assert outcome.finished, f"not within {seconds} s and {megabytes} MB: {outcome.how} {outcome.message}"
    return outcome


def _docx_with_huge_body(megabytes: float) -> bytes:
    """A Word file whose document.xml inflates to ``megabytes`` MB (it compresses about 1000:1)."""
    import io
    import zipfile

    from fixtures.ingest.samples import make_docx_of

    source = zipfile.ZipFile(io.BytesIO(make_docx_of(["Wexcombe Council"])))
    buffer = io.BytesIO()
    paragraph = b"<w:p><w:r><w:t>Wexcombe Council</w:t></w:r></w:p>" * 1000
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, source.read(item))
                continue
            original = source.read(item)
            head, tail = original.split(b"<w:body>")
            with bomb.open("word/document.xml", "w", force_zip64=False) as stream:
                stream.write(head + b"<w:body>")
                for _ in range(int(megabytes * 1024 * 1024) // len(paragraph)):
                    stream.write(paragraph)
                stream.write(tail)
    return buffer.getvalue()


def _understated(archive: bytes, member: bytes, size: int) -> bytes:
    """``archive`` with ``member``'s stated size (both headers) set to ``size`` and its CRC to
    that of its first ``size`` bytes, so the zip-bomb check of the headers saw a small file."""
    import io
    import struct
    import zipfile
    import zlib

    prefix = zipfile.ZipFile(io.BytesIO(archive)).open(member.decode()).read(size)
    data = bytearray(archive)
    for signature, crc_at, size_at, name_at in ((b"PK\x03\x04", 14, 22, 30), (b"PK\x01\x02", 16, 24, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", data, start + (26 if signature == b"PK\x03\x04" else 28))[
                0
            ]
            if bytes(data[start + name_at : start + name_at + name_length]) == member:
                struct.pack_into("<I", data, start + crc_at, zlib.crc32(prefix))
                struct.pack_into("<I", data, start + size_at, size)
            start += 4
    return bytes(data)


@pytest.mark.parametrize("understate", [False, True], ids=["honest-sizes", "faked-sizes"])
def test_a_docx_bomb_is_refused_within_time_and_memory(tmp_path, understate):
    """1 MB of DOCX used 2.2 GB per worker; with sizes faked, 1.2 MB reached 6.5 GB.

    A 150 MB body (about 150 KB zipped) is refused within 30 s and 400 MB, whatever its
    headers say; with the stated size faked small, the body read is cut there and fails.
    """
    from kg.ingest import read_document

    raw = _docx_with_huge_body(150)
    if understate:
        raw = _understated(raw, b"word/document.xml", 4096)
    path = tmp_path / "bomb.docx"
    path.write_bytes(raw)
    assert len(raw) < 2 * 1024 * 1024

    def read() -> str:
        try:
            read_document(path)
        except InputError as error:
            return str(error)
        return "read"

    outcome = _bounded(read, seconds=30, megabytes=400)
    assert outcome.value.startswith(str(path)) and ("zip bomb" in outcome.value or "corrupt" in outcome.value)


def test_a_large_honest_docx_is_still_read():
    """The limits leave a real document alone: a 1 MB body (21,000 paragraphs) is read."""
    from kg.readers.docx import read_docx

    text = read_docx(_docx_with_huge_body(1)).text
    assert text.count("Wexcombe Council") == 21_001


@pytest.mark.parametrize("tag", ["div", "span", "b"])
def test_deeply_nested_html_is_read_in_linear_time(tag):
    """300 KB of nested tags took 43 s (the parser's scope checks and the text of every node)."""
    from kg.readers.html import MAX_NESTING, read_html

    count = 300_000 // (2 * len(tag) + 6)
    raw = ("<html><body>" + f"<{tag}>Wexcombe " * count + "</body></html>").encode()
    extracted = _bounded(lambda: read_html(raw), seconds=10, megabytes=400).value
    assert extracted.text.count("Wexcombe") == count
    assert any(f"over {MAX_NESTING} deep" in warning for warning in extracted.warnings)


def test_ordinary_nesting_is_left_as_it_is():
    from kg.readers.html import flatten_deep_nesting

    page = "<html><body>" + "<div><p>text<ul><li>item" * 20 + "</body></html>"
    assert flatten_deep_nesting(page) == (page, 0)


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
<!ENTITY a "ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
<rdf:Description rdf:about="http://example.org/s"><ex:p>&f;&f;&f;&f;&f;&f;&f;&f;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("command", ["query", "export", "serve"])
def test_rdf_xml_entities_that_expand_without_bound_are_refused(tmp_path, command):
    """779 bytes of RDF/XML given to --graph grew past 24 GB."""
    path = tmp_path / "laughs.rdf"
    path.write_text(LAUGHS, encoding="utf-8")
    arguments = {
        "query": ["query", "-e", "ASK { ?s ?p ?o }"],
        "export": ["export"],
        "serve": ["serve", "--port", "0"],
    }
    result = CliRunner().invoke(app, arguments[command] + ["--graph", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {path}: entity b refers to another entity; refused "
        "(nested entities can expand without bound)"
    ]


def test_rdf_xml_with_namespace_entities_still_loads(tmp_path):
    """Ontology editors declare entities as short names for namespaces: those are read."""
    path = tmp_path / "editor.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/" > ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
        '<rdf:Description rdf:about="&ex;s"><ex:p>Wexcombe</ex:p></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["query", "--graph", str(path), "-e", "SELECT ?s WHERE { ?s ?p 'Wexcombe' }", "-f", "csv"]
    )
    assert result.exit_code == 0 and "http://example.org/s" in result.output


# --- kg push ------------------------------------------------------------------------------


class _GraphStore:
    """A loopback Graph Store that records each PUT's graph IRI, or trickles its answer."""

    def __init__(self, trickle: bool = False) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        received: list[str] = []
        stop = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_PUT(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                received.append(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0])
                if trickle:
                    for (
                        byte
                    ) in b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n":  # never the end of the headers
                        if stop.wait(0.25):
                            return
                        self.wfile.write(bytes([byte]))
                    return
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.received = received
        self._stop = stop
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


def test_a_document_named_ontology_never_takes_the_ontologys_graph(tmp_path):
    """A document named ontology.* was silently replaced by the ontology on push."""
    from kg.build.pipeline import BuildOptions, build
    from kg.push import ONTOLOGY_GRAPH, PushOptions, push
    from kg.vocab import graph_iri

    inputs = _inputs(tmp_path / "in")
    (inputs / "ontology.txt").write_text(
        "Brightmoor Council met Ofsted inspectors in 2022.\n", encoding="utf-8"
    )
    build([inputs], BuildOptions(out_dir=tmp_path / "out", html=False))
    store = _GraphStore()
    try:
        pushed = push(PushOptions(endpoint=store.url, graph=tmp_path / "out" / "graph.trig"))
    finally:
        store.close()
    assert store.received.count(ONTOLOGY_GRAPH.value) == 1
    assert str(graph_iri("ontology-document")) in store.received
    assert len(pushed) == len(set(store.received)) == len(store.received)


def test_a_graph_file_with_a_graph_in_the_ontologys_place_is_refused(tmp_path):
    from kg.push import ONTOLOGY_GRAPH, PushOptions, push

    trig = tmp_path / "old.trig"
    trig.write_text(f"<{ONTOLOGY_GRAPH.value}> {{ <urn:a> <urn:b> 'c' . }}\n", encoding="utf-8")
    with pytest.raises(InputError, match="where the ontology goes"):
        push(PushOptions(endpoint="http://127.0.0.1:9/store", graph=trig))


def test_a_server_that_trickles_its_answer_cannot_hold_a_push():
    """A server trickling its headers kept push hanging past 150 s."""
    from kg.errors import RemoteError
    from kg.push import PushOptions, push

    store = _GraphStore(trickle=True)
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError, match="did not answer .* within 2 s"):
            push(PushOptions(endpoint=store.url, graph=FIXTURE, timeout=5, deadline=2))
    finally:
        store.close()
    assert time.monotonic() - started < 10


# --- the endpoint in a real browser ---------------------------------------------------------

ATTACK_PAGE = """<!doctype html><html><body><form id="f" method="post" action="{endpoint}" target="sink"
enctype="application/x-www-form-urlencoded"><input name="query" value="ASK {{ ?s ?p ?o }}"></form>
<iframe name="sink"></iframe><script>
window.sent = Promise.all([
  fetch("{endpoint}", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}}, body: "ASK {{ ?s ?p ?o }}"}}),
  fetch("{endpoint}", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "application/x-www-form-urlencoded"}},
                        body: "query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"}}),
  fetch("{endpoint}?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", {{mode: "no-cors"}}),
]).then(() => {{ document.getElementById("f").submit(); return true; }});
</script></body></html>"""


@pytest.mark.browser
def test_a_page_on_another_site_runs_no_query_and_the_query_page_still_works(served, monkeypatch):
    """Any origin could POST text/plain or a form to the endpoint; its own page must still work.

    A page served from another port makes Chromium send the endpoint a text/plain POST, a
    form-encoded POST and a GET by fetch, then submits a form to it: no query runs. Then
    the query page at / submits its own form and shows the answer.
    """
    import os
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cdp_browser import Browser, chromium_path

    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI installs it in .ci/run)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    ran: list[str] = []
    original = served.pool.run
    monkeypatch.setattr(
        served.pool, "run", lambda query, accepted: ran.append(query) or original(query, accepted)
    )
    host, port = served.server_address[:2]
    page = ATTACK_PAGE.format(endpoint=f"http://{host}:{port}/sparql").encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args) -> None:
            pass

    attacker = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    thread = threading.Thread(target=attacker.serve_forever, daemon=True)
    thread.start()
    try:
        with Browser(executable) as browser:
            # "localhost" is another origin than 127.0.0.1 for the browser: the cross-site case.
            browser.send("Page.navigate", url=f"http://localhost:{attacker.server_address[1]}/")
            browser.wait_for("window.sent !== undefined")
            browser.evaluate("window.sent")
            browser.drain(1.0)
            assert ran == []
            browser.send("Page.navigate", url=f"http://{host}:{port}/")
            browser.wait_for("document.readyState === 'complete' && !!document.getElementById('query')")
            browser.evaluate(
                "document.getElementById('query').value = 'ASK { ?s ?p ?o }'; document.forms[0].submit(); true"
            )
            browser.wait_for("document.body && document.body.innerText.includes('boolean')")
            assert json.loads(browser.evaluate("document.body.innerText"))["boolean"] is True
            assert ran == ["ASK { ?s ?p ?o }"]
    finally:
        attacker.shutdown()
        attacker.server_close()
        thread.join(timeout=10)
