"""kg serve: a real SPARQL client (SPARQLWrapper) against the endpoint, every format and method.

The expected answers come from pyoxigraph run directly on the same graph, never from
numbers written here, so the tests hold whatever the seed graph contains.
"""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from linked_data import FIXTURE, free_port
from rdflib import Graph
from scale_helpers import INTERRUPTIBLE
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from kg.resources import queries_dir
from kg.serve import ServeOptions, accepted_types, make_server, serving_store

pytestmark = pytest.mark.server

ROW_LIMIT = 40
TIMEOUT = 2.0
LABELS = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label"
# Four-way cross product of every triple: never finishes within the time limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def _running(options: ServeOptions):
    server = make_server(options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def endpoint():
    """The fixture graph served on a free loopback port; stopped at the end of the module."""
    server, thread = _running(ServeOptions(graph=FIXTURE, port=0, timeout=TIMEOUT, row_limit=ROW_LIMIT))
    yield server.url
    server.close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def embedded():
    """The same graph as the server holds, queried in-process."""
    return serving_store(FIXTURE)


def _client(url: str, query: str, return_format: str, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(url, returnFormat=return_format)
    client.setQuery(query)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method == POST:
        client.setMethod(POST)
    return client


def _expected_rows(store, query: str) -> list[tuple]:
    return [
        tuple(row[v].value if row[v] is not None else "" for v in range(len(row)))
        for row in store.query(query, prefixes=_prefixes())
    ]


def _prefixes():
    from kg.prefixes import PREFIXES

    return PREFIXES


def test_fixture_has_fewer_labels_than_the_row_limit(embedded):
    """The format tests below compare whole answers, so they must not hit the row limit."""
    assert 0 < len(_expected_rows(embedded, LABELS)) < ROW_LIMIT


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY], ids=["GET", "POST-form", "POST-direct"])
def test_select_as_json_by_every_method(endpoint, embedded, method):
    document = _client(endpoint, LABELS, JSON, method).queryAndConvert()
    rows = [(b["s"]["value"], b["label"]["value"]) for b in document["results"]["bindings"]]
    assert rows == _expected_rows(embedded, LABELS)


def test_select_as_xml(endpoint, embedded):
    document = _client(endpoint, LABELS, XML).queryAndConvert()
    results = document.getElementsByTagName("result")
    rows = []
    for result in results:
        values = {
            b.getAttribute("name"): b.firstChild.firstChild.data
            for b in result.getElementsByTagName("binding")
        }
        rows.append((values["s"], values["label"]))
    assert rows == _expected_rows(embedded, LABELS)


@pytest.mark.parametrize("return_format, delimiter", [(CSV, ","), (TSV, "\t")])
def test_select_as_csv_and_tsv(endpoint, embedded, return_format, delimiter):
    text = _client(endpoint, LABELS, return_format).queryAndConvert()
    text = text.decode("utf-8") if isinstance(text, bytes) else text
    table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    expected = _expected_rows(embedded, LABELS)
    assert len(table) == len(expected) + 1
    if return_format == CSV:
        assert table[0] == ["s", "label"] and [tuple(row) for row in table[1:]] == expected
    else:
        assert table[0] == ["?s", "?label"]
        assert [row[0] for row in table[1:]] == [f"<{s}>" for s, _ in expected]


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_ask(endpoint, return_format):
    client = _client(endpoint, "ASK { ?s a sg:LocalAuthority }", return_format)
    answer = client.queryAndConvert()
    if return_format == JSON:
        assert answer["boolean"] is True
    else:
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert _client(endpoint, "ASK { ?s a sg:PoliceForce }", JSON).queryAndConvert()["boolean"] is False


CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a sg:Inspection ; ?p ?o }"


@pytest.mark.parametrize("return_format", [TURTLE, JSONLD, RDFXML])
def test_construct_in_rdf_formats(endpoint, embedded, return_format):
    graph = _client(endpoint, CONSTRUCT, return_format).queryAndConvert()
    if not isinstance(graph, Graph):  # SPARQLWrapper hands Turtle back as text
        graph = Graph().parse(data=graph, format="turtle")
    expected = list(embedded.query(CONSTRUCT, prefixes=_prefixes()))
    assert len(graph) == len(expected) > 0


def test_construct_as_ntriples_and_describe(endpoint, embedded):
    body, content_type = _get(endpoint, CONSTRUCT, accept="application/n-triples")
    assert content_type.startswith("application/n-triples")
    assert len(Graph().parse(data=body, format="nt")) == len(
        list(embedded.query(CONSTRUCT, prefixes=_prefixes()))
    )
    describe, _ = _get(endpoint, "DESCRIBE id:area\\/wexcombe", accept="text/turtle")
    assert "Wexcombe" in describe


def _get(url: str, query: str, accept: str = "*/*", **params) -> tuple[str, str]:
    full = url + "?" + urllib.parse.urlencode({"query": query, **params})
    with urllib.request.urlopen(
        urllib.request.Request(full, headers={"Accept": accept}), timeout=30
    ) as response:
        return response.read().decode("utf-8"), response.headers["Content-Type"]


def _status(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_syntax_error_is_400_with_the_parsers_message(endpoint):
    status, body = _status(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p }"}))
    assert status == 400
    assert "syntax error" in body and "1:" in body  # the parser's position


@pytest.mark.parametrize(
    "data, headers",
    [
        (
            b"update=" + urllib.parse.quote_plus("INSERT DATA { <urn:a> <urn:b> <urn:c> }").encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        (b"DELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-update"}),
        (
            b"query=" + urllib.parse.quote_plus("DROP ALL").encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
    ],
    ids=["update-form", "update-direct", "update-as-query"],
)
def test_updates_are_refused_with_403(endpoint, embedded, data, headers):
    status, body = _status(endpoint, data=data, headers=headers)
    assert status == 403 and "read-only" in body
    answer = _client(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON).queryAndConvert()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(
        list(embedded.quads_for_pattern(None, None, None, _default()))
    )


def _default():
    from pyoxigraph import DefaultGraph

    return DefaultGraph()


def test_results_are_cut_at_the_row_limit_and_say_so(endpoint, embedded):
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    assert len(_expected_rows(embedded, everything)) > ROW_LIMIT
    request = urllib.request.Request(
        endpoint + "?" + urllib.parse.urlencode({"query": everything}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["X-Sparql-Truncated"] == "true"
        assert len(json.load(response)["results"]["bindings"]) == ROW_LIMIT


def test_a_runaway_query_gets_503_and_the_server_keeps_serving(endpoint, embedded):
    status, body = _status(endpoint + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
    assert status == 503 and "time limit" in body
    for _ in range(3):  # more queries than workers: the killed worker was replaced
        document = _client(endpoint, LABELS, JSON).queryAndConvert()
        assert len(document["results"]["bindings"]) == len(_expected_rows(embedded, LABELS))


def test_a_runaway_query_is_cancelled_near_the_time_limit_not_seconds_after():
    server, thread = _running(ServeOptions(graph=FIXTURE, port=0, timeout=0.5))
    try:
        started = time.monotonic()
        status, body = _status(server.url + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
        elapsed = time.monotonic() - started
        assert status == 503 and "time limit of 0.5 s" in body
        assert elapsed < 3.0, f"503 after {elapsed:.1f} s for a 0.5 s limit"
    finally:
        server.close()
        thread.join(timeout=10)


def test_home_page_has_a_query_box_and_every_library_query(endpoint):
    status, page = _status(endpoint[: -len("sparql")])
    assert status == 200
    assert "<textarea" in page and 'action="/sparql"' in page
    names = [path.stem for path in sorted(queries_dir().glob("*.rq"))]
    for name in names:
        assert f"<b>{name}</b>" in page


def test_unknown_path_is_404_and_unacceptable_format_is_406(endpoint):
    assert _status(endpoint[: -len("sparql")] + "nothing")[0] == 404
    status, body = _status(
        endpoint + "?" + urllib.parse.urlencode({"query": LABELS}), headers={"Accept": "image/png"}
    )
    assert status == 406 and "application/sparql-results+json" in body


def test_format_parameter_overrides_accept(endpoint):
    body, content_type = _get(endpoint, LABELS, accept="application/sparql-results+json", format="csv")
    assert content_type.startswith("text/csv") and body.startswith("s,label")


def test_accept_header_ranking():
    assert accepted_types("text/csv;q=0.5, application/sparql-results+json, */*;q=0.1") == [
        "application/sparql-results+json",
        "text/csv",
        "*/*",
    ]
    assert accepted_types("text/turtle;q=0") == []


def test_default_graph_is_the_union_with_each_triple_once(embedded):
    """The council's label is in both documents' graphs: the union counts it once."""
    rows = _expected_rows(embedded, "SELECT ?l WHERE { id:organisation\\/wexcombe-council rdfs:label ?l }")
    assert rows == [("Wexcombe Council",)]
    named = _expected_rows(
        embedded, "SELECT ?g WHERE { GRAPH ?g { id:organisation\\/wexcombe-council rdfs:label ?l } }"
    )
    assert len(named) == 2


def test_a_missing_graph_fails_before_serving(tmp_path):
    from kg.errors import GraphNotFound

    with pytest.raises(GraphNotFound):
        make_server(ServeOptions(graph=tmp_path / "none.trig", port=0))


def test_every_library_query_over_the_seed_graph_matches_the_embedded_answer(seed_build):
    """SPARQLWrapper through kg serve gives the same rows as pyoxigraph on the same graph."""
    graph = seed_build[0] / "graph.trig"
    server, thread = _running(ServeOptions(graph=graph, port=0, timeout=30, row_limit=1_000_000))
    try:
        store = serving_store(graph)
        queries = sorted(queries_dir().glob("*.rq"))
        assert queries, "the query library is empty"
        for path in queries:
            text = path.read_text(encoding="utf-8")
            client = _client(server.url, text, JSON, POST)
            # SPARQLWrapper 2.0 strips only every other line of a comment block, then takes
            # the first keyword it finds anywhere ("addressed" -> ADD) for the query form and
            # sends an update instead; the headers are worded so that users need no workaround.
            assert client.queryType == "SELECT", f"{path.name}: SPARQLWrapper reads it as {client.queryType}"
            document = client.queryAndConvert()
            names = document["head"]["vars"]
            served = [
                tuple(b.get(n, {}).get("value", "") for n in names) for b in document["results"]["bindings"]
            ]
            assert served == _expected_rows(store, text), path.name
    finally:
        server.close()
        thread.join(timeout=10)


def test_ctrl_c_while_a_request_s_thread_starts_stops_the_server(monkeypatch):
    """Ctrl-C can land in start() after the handler thread has begun: it must stop serving,
    not be lost to a second release of the thread's connection slot."""
    server = make_server(ServeOptions(graph=FIXTURE, port=0, timeout=TIMEOUT))
    start = threading.Thread.start

    def started_then_interrupted(thread):
        target = getattr(thread, "_target", None)  # (a thread that has run has none)
        start(thread)
        if target == server.process_request_thread:
            thread.join(10)  # the request answered and its slot released, as under load
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "start", started_then_interrupted)
    client = threading.Thread(
        target=lambda: urllib.request.urlopen(server.url + "?query=ASK%7B%7D", timeout=10).read(), daemon=True
    )
    watchdog = threading.Timer(20, server.shutdown)  # a lost Ctrl-C fails the test, not hangs it
    try:
        client.start()
        watchdog.start()
        with pytest.raises(KeyboardInterrupt):
            server.serve_forever()
    finally:
        watchdog.cancel()
        server.close()


def test_cli_serve_says_where_it_serves_and_stops_on_ctrl_c():
    port = free_port()
    command = [
        sys.executable,
        "-c",
        INTERRUPTIBLE + "from kg.cli import main; main()",
        "serve",
        "--graph",
        str(FIXTURE),
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith(f"Serving SPARQL at http://127.0.0.1:{port}/sparql"), (
            process.stderr.read()
        )
        answer = _client(f"http://127.0.0.1:{port}/sparql", "ASK { ?s a sg:Area }", JSON).queryAndConvert()
        assert answer["boolean"] is True
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
