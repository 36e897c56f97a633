"""A read-only SPARQL 1.1 Protocol endpoint over the built graph (``kg serve``).

``/sparql`` answers queries sent by GET (``?query=``), by POST as a form or as
``application/sparql-query``, with the result format chosen by the Accept header
(or a ``format`` parameter): SPARQL JSON, XML, CSV and TSV for SELECT and ASK;
Turtle, N-Triples, JSON-LD and RDF/XML for CONSTRUCT and DESCRIBE. ``/`` is an HTML
page with a query box and the query library (``queries/*.rq``).

The default graph is the union of all named graphs (each triple once); the
documents' graphs stay reachable with ``GRAPH``. Updates get 403, syntax errors 400
with the parser's message, queries past the time limit 503, and results are cut
at a row limit (the ``X-Sparql-Truncated`` header says so).

Why the standard library's ThreadingHTTPServer: the endpoint is a loopback tool with
one route, and pyoxigraph offers no way to cancel a running query, so the real work
happens in a small pool of worker processes that can be killed at the deadline and
replaced; an async framework would add a dependency and still need the same pool.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import queue
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    parse_query_results,
)

from .errors import InputError
from .exporters import load_store, serialize_sorted, union_triples, with_context
from .prefixes import PREFIXES
from .resources import queries_dir

SOLUTION_FORMATS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
# Short names for the ``format`` parameter (the HTML page's select box, curl users).
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
XSD_STRING = PREFIXES["xsd"] + "string"


@dataclass(frozen=True)
class ServeOptions:
    """Where the graph is, where to listen, and the limits every query runs under."""

    graph: Path | None = None
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    row_limit: int = 10_000
    workers: int = 2


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, content type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def make_server(options: ServeOptions) -> SparqlServer:
    """A started worker pool behind a bound (not yet serving) HTTP server.

    Call ``serve_forever()`` to serve and ``close()`` to stop serving and end the
    workers. Raises GraphNotFound or InputError when the graph cannot be loaded and
    InputError when the address cannot be bound.
    """
    load_store(options.graph)  # fail here, in the caller, rather than in every worker
    pool = QueryPool(options)
    try:
        return SparqlServer(options, pool)
    except OSError as error:
        pool.close()
        raise InputError(f"cannot listen on {options.host}:{options.port}: {error}") from error


class SparqlServer(ThreadingHTTPServer):
    """ThreadingHTTPServer whose handler sends each query to the QueryPool."""

    daemon_threads = True
    # The standard library's backlog of 5 makes a burst of clients wait for SYN retries (1 s).
    request_queue_size = 128

    def __init__(self, options: ServeOptions, pool: QueryPool):
        self.options = options
        self.pool = pool
        self.home_page = home_page()
        super().__init__((options.host, options.port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"

    def close(self) -> None:
        """Stop serving (if serving), release the socket and end the worker processes."""
        self.shutdown()
        self.server_close()
        self.pool.close()

    def shutdown(self) -> None:
        if getattr(self, "_serving", False):
            super().shutdown()

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._serving = True
        try:
            super().serve_forever(poll_interval)
        finally:
            self._serving = False


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/":
            self._send(Answer(200, "text/html; charset=utf-8", self.server.home_page))
        elif url.path == "/sparql":
            self._answer(parse_qs(url.query), None)
        else:
            self._send(_text(404, "not found: the SPARQL endpoint is /sparql"))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(_text(404, "not found: the SPARQL endpoint is /sparql"))
            return
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            self._send(_text(400, "a POST needs a Content-Length"))
            return
        body = self.rfile.read(int(length)).decode("utf-8", errors="replace")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query)
        if content_type == "application/sparql-update":
            self._send(_text(403, "updates are refused: this endpoint is read-only"))
        elif content_type == "application/sparql-query":
            self._answer(params, body)
        else:
            params.update(parse_qs(body))
            self._answer(params, None)

    def _answer(self, params: dict[str, list[str]], direct_query: str | None) -> None:
        if "update" in params:
            self._send(_text(403, "updates are refused: this endpoint is read-only"))
            return
        query = direct_query if direct_query is not None else (params.get("query") or [""])[0]
        if not query.strip():
            self._send(_text(400, "missing query: pass ?query=... or POST one"))
            return
        wanted = FORMAT_NAMES.get((params.get("format") or [""])[0]) or self.headers.get("Accept") or "*/*"
        self._send(self.server.pool.run(query, accepted_types(wanted)))

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        """Silent: the library never prints; the CLI says where it is serving."""


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def accepted_types(accept: str) -> list[str]:
    """The media types of an Accept header, best first (by q-value, then by order given)."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media_type, *parameters = [piece.strip() for piece in part.split(";")]
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type and quality > 0:
            ranked.append((-quality, position, media_type.lower()))
    return [media_type for _, _, media_type in sorted(ranked)]


class QueryPool:
    """Worker processes that each hold the graph and answer one query at a time.

    A query that runs past ``timeout`` has its worker killed and replaced, so a
    runaway query costs one worker for a moment, never the server.
    """

    def __init__(self, options: ServeOptions):
        self.options = options
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        try:
            for _ in range(options.workers):
                self._spawn()
            for worker in list(self._all):
                worker.wait_ready()
                self._idle.put(worker)
        except BaseException:
            self.close()
            raise

    def _spawn(self) -> _Worker | None:
        """Start a worker (None once the pool is closed, so close() never misses one)."""
        with self._lock:
            if self._closed:
                return None
            worker = _Worker(self._context, self.options)
            self._all.add(worker)
        return worker

    def run(self, query: str, accepted: list[str]) -> Answer:
        """Run one query in an idle worker; 503 when none is free or it runs past the time limit."""
        try:
            worker = self._idle.get(timeout=self.options.timeout)
        except queue.Empty:
            return _text(503, f"busy: no query worker was free within {self.options.timeout:g} s; try again")
        answer = worker.run(query, accepted, self.options.timeout)
        if answer is None:
            self._replace(worker)
            return _text(503, f"query cancelled: it ran past the time limit of {self.options.timeout:g} s")
        self._idle.put(worker)
        return answer

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        threading.Thread(target=self._add_fresh_worker, daemon=True).start()

    def _add_fresh_worker(self) -> None:
        fresh = self._spawn()
        if fresh is None:
            return
        try:
            fresh.wait_ready()
        except InputError:
            # The pool is one worker short; queries still run in the others.
            with self._lock:
                self._all.discard(fresh)
            return
        self._idle.put(fresh)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context, options: ServeOptions):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, options), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self) -> None:
        """Block until the worker has loaded the graph (it sends one message when ready).

        Raises InputError when the worker died first (for instance, a script that
        starts the server without an ``if __name__ == "__main__":`` guard).
        """
        try:
            self.connection.recv()
        except EOFError:
            raise InputError("a query worker process died while loading the graph") from None

    def run(self, query: str, accepted: list[str], timeout: float) -> Answer | None:
        """The worker's answer, or None when it did not answer within ``timeout`` seconds (or died)."""
        try:
            self.connection.send((query, accepted))
            if not self.connection.poll(timeout):
                return None
            return self.connection.recv()
        except (EOFError, OSError):
            return None

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


def _worker_main(connection, options: ServeOptions) -> None:
    store = serving_store(options.graph)
    connection.send("ready")
    while True:
        try:
            query, accepted = connection.recv()
        except EOFError:
            return
        connection.send(answer_query(store, query, accepted, options.row_limit))


def serving_store(graph: Path | None) -> Store:
    """An in-memory copy of the graph whose default graph is the union of its named graphs."""
    source = load_store(graph)
    store = Store()
    store.extend(source)
    store.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in union_triples(source))
    return store


def answer_query(store: Store, query: str, accepted: list[str], row_limit: int) -> Answer:
    """Evaluate ``query`` on ``store`` and serialise it in the best accepted format.

    400 for a syntax error (403 if the text is an update), 406 when no accepted
    format fits the result. Results past ``row_limit`` rows or triples are cut.
    """
    try:
        result = store.query(query, prefixes=PREFIXES)
        if isinstance(result, QueryBoolean):
            media_type = _choose(accepted, SOLUTION_FORMATS)
            return _serialized(media_type, result.serialize(format=SOLUTION_FORMATS[media_type]) if media_type else b"")
        if isinstance(result, QueryTriples):
            return _graph_answer(result, accepted, row_limit)
        return _solutions_answer(result, accepted, row_limit)
    except SyntaxError as error:
        if _is_update(query):
            return _text(403, "updates are refused: this endpoint is read-only")
        return _text(400, f"query syntax error: {error}")
    except OSError as error:
        return _text(500, f"query failed: {error}")


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - any parse failure means "not an update"
        return False
    return True


def _choose(accepted: list[str], formats: dict) -> str | None:
    for media_type in accepted:
        if media_type in formats:
            return media_type
        if media_type in ("*/*", "application/*", "text/*"):
            return next(iter(formats))
    return None


def _serialized(media_type: str | None, body: bytes, truncated: bool = False) -> Answer:
    if media_type is None:
        return _text(406, "not acceptable: ask for one of " + ", ".join(list(SOLUTION_FORMATS) + list(GRAPH_FORMATS)))
    headers = (("X-Sparql-Truncated", "true"),) if truncated else ()
    charset = "" if media_type.endswith("xml") else "; charset=utf-8"
    return Answer(200, media_type + charset, body, headers)


def _graph_answer(triples: QueryTriples, accepted: list[str], row_limit: int) -> Answer:
    media_type = _choose(accepted, GRAPH_FORMATS)
    if media_type is None:
        return _serialized(None, b"")
    kept = list(islice(triples, row_limit + 1))
    rdf_format = GRAPH_FORMATS[media_type]
    body = serialize_sorted(kept[:row_limit], rdf_format)
    if rdf_format == RdfFormat.JSON_LD:
        body = with_context(body)
    return _serialized(media_type, body, truncated=len(kept) > row_limit)


def _solutions_answer(solutions, accepted: list[str], row_limit: int) -> Answer:
    """SELECT results, cut at ``row_limit``: the kept rows are written as SPARQL JSON,
    read back by pyoxigraph and serialised in the chosen format by it."""
    media_type = _choose(accepted, SOLUTION_FORMATS)
    if media_type is None:
        return _serialized(None, b"")
    names = [variable.value for variable in solutions.variables]
    rows = list(islice(solutions, row_limit + 1))
    document = {
        "head": {"vars": names},
        "results": {"bindings": [_binding(row, names) for row in rows[:row_limit]]},
    }
    kept = parse_query_results(json.dumps(document), format=QueryResultsFormat.JSON)
    body = kept.serialize(format=SOLUTION_FORMATS[media_type])
    return _serialized(media_type, body, truncated=len(rows) > row_limit)


def _binding(row, names: list[str]) -> dict:
    return {name: json_term(row[name]) for name in names if row[name] is not None}


def json_term(term) -> dict:
    """A term in the SPARQL 1.1 Query Results JSON Format."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        encoded = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            encoded["datatype"] = term.datatype.value
        return encoded
    if isinstance(term, Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {key: json_term(value) for key, value in parts.items()}}
    raise TypeError(f"unexpected term {term!r}")


def home_page() -> bytes:
    """The HTML page at ``/``: a query box, a format choice and the query library, all inline."""
    library = "".join(_library_entry(path) for path in sorted(queries_dir().glob("*.rq")))
    options = "".join(f'<option value="{name}">{name}</option>' for name in FORMAT_NAMES)
    page = _PAGE.format(options=options, library=library or "<p>No library queries found.</p>")
    return page.encode("utf-8")


def _library_entry(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    first = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), path.stem)
    return (
        f"<details><summary><b>{html.escape(path.stem)}</b>: {html.escape(first)}</summary>"
        f"<pre>{html.escape(text)}</pre>"
        f'<button type="button" data-query="{html.escape(text, quote=True)}" onclick="useQuery(this)">'
        "Put in the query box</button></details>\n"
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sgkg SPARQL endpoint</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
textarea {{ width: 100%; font-family: monospace; }}
pre {{ background: #f4f4f4; padding: .5rem; overflow-x: auto; }}
</style></head>
<body>
<h1>sgkg SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (GET or POST). The default graph is the
union of every document's named graph.</p>
<form method="post" action="/sparql">
<textarea id="query" name="query" rows="12">SELECT ?class (COUNT(?s) AS ?n) WHERE {{ ?s a ?class }} GROUP BY ?class ORDER BY DESC(?n)</textarea>
<p><label>Result format <select name="format">{options}</select></label> <button type="submit">Run query</button></p>
</form>
<h2>Query library</h2>
{library}
<script>
function useQuery(button) {{ document.getElementById("query").value = button.dataset.query; window.scrollTo(0, 0); }}
</script>
</body></html>
"""
