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
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError, QueryError
from kg.serve import ServeOptions, isolated_answer, make_server, query_runner, serving_store
from linked_data import FIXTURE, free_port

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


def _request(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
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
    assert _request(served, "POST", "/sparql", SIMPLE.encode(), {"Content-Type": "application/sparql-query"})[0] == 200


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
        raw.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                    b"Content-Length: 100000000\r\n\r\nSELECT")
        assert raw.recv(100).startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(
    "options, flag",
    [({"timeout": -1}, "--timeout"), ({"timeout": float("nan")}, "--timeout"), ({"row_limit": -5}, "--row-limit"),
     ({"port": 70000}, "--port"), ({"memory_mb": 1}, "--memory-limit")],
)
def test_option_values_out_of_range_are_refused(options, flag):
    with pytest.raises(InputError, match=flag):
        make_server(ServeOptions(graph=FIXTURE, **options))


def test_cli_option_out_of_range_is_one_line_and_exit_2():
    result = CliRunner().invoke(app, ["serve", "--graph", str(FIXTURE), "--row-limit", "-5"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["error: --row-limit -5: must be between 1 and 1e+07"]


def test_a_deeply_nested_query_is_refused_before_it_runs(served):
    """5,000 nested braces crashed a worker and were reported as 'ran past the time limit'."""
    status, body = _get(served, NESTED)
    assert status == 400 and "nested" in body
    assert _get(served, SIMPLE)[0] == 200


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
    command = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(FIXTURE), "--port", str(port),
               "--row-limit", "1000000", "--timeout", "30"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    readers = []
    try:
        assert process.stdout.readline().startswith("Serving"), process.stderr.read()
        idle = _rss_mb(process.pid)
        big = "SELECT (GROUP_CONCAT(STR(?p)) AS ?n) WHERE { SELECT ?p WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?x ?y } LIMIT 200000 }"
        request = (f"GET /sparql?{urllib.parse.urlencode({'query': big})} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   "Accept: application/sparql-results+json\r\n\r\n").encode()
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
        assert held < 300, f"server holds {held:.0f} MB with 20 slow readers ({statuses})"
        print(f"server RSS idle {idle:.0f} MB, with 20 slow readers {held:.0f} MB; statuses {statuses}; simple query {timings}")
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
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert "crashed" in result.output and "SIGSEGV" in result.output


def test_kg_query_still_answers_and_raises_its_own_errors():
    result = CliRunner().invoke(app, ["query", "--graph", str(FIXTURE), "-e", "ASK { ?s ?p ?o }", "-f", "json"])
    assert result.exit_code == 0 and json.loads(result.output)["boolean"] is True
    with pytest.raises(QueryError):
        from kg.query import QueryRequest, answer_request

        answer_request(QueryRequest(expression="SELECT * WHERE { ?s ?p }", graph=FIXTURE))
