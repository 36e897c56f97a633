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

Safe to share (docs/security.md): SERVICE is refused before the query runs unless the
operator allows it; the ``Host`` header must name the server (DNS rebinding); a POST
must carry a SPARQL content type, and a form POST from a browser must come from the
server's own page (``Origin`` / ``Sec-Fetch-Site``, as Go's CrossOriginProtection
checks); request bodies, answers, the answers held for sending at once, connections,
socket waits and the memory of each query are all capped.

Why the standard library's ThreadingHTTPServer: the endpoint is a loopback tool with
one route, and pyoxigraph offers no way to cancel a running query, so the real work
happens in a small pool of worker processes that can be killed at the deadline and
replaced; an async framework would add a dependency and still need the same pool.
Queries run in the workers themselves, at full speed. A query that crashes the engine
(a Rust panic, a stack overflow) or outgrows the worker's memory cap kills its worker:
the answer is a 500 naming the signal, and the worker is replaced. Since replacing a
worker means loading the graph again, a crash or a timeout also puts the pool on guard
for ISOLATION_SECONDS: meanwhile each query runs in a child its worker forked ahead
(``kg.isolation``), so a flood of crashing or runaway queries costs forks, never the
workers (each such query costs a fork more; figures: docs/benchmarks.md).
"""

from __future__ import annotations

import ctypes
import html
import ipaddress
import json
import multiprocessing
import queue
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    parse_query_results,
)

from .errors import InputError, QueryError
from .exporters import serialize_sorted, with_context
from .graph import open_graph
from .isolation import ForkedRunner, limit_memory
from .prefixes import PREFIXES
from .resources import queries_dir
from .sparql_guard import check_query

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

# A query is text: a POST body past this is refused (413) unread.
MAX_REQUEST_BYTES = 1024 * 1024
# One answer's body past this is refused (503): the row limit bounds rows, not their size.
# pyoxigraph's results writers stop at the same size.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
# The answers held in memory for sending, all connections together; past it, 503 "busy".
ANSWER_BUDGET_BYTES = 128 * 1024 * 1024
# Seconds a socket may wait for a client to send or take data before the connection is dropped.
SOCKET_TIMEOUT = 20.0
# Seconds a client has to take a whole answer: a slow reader is dropped, its memory freed.
SEND_DEADLINE = 60.0
# Connections served at once; more are closed at once (each holds a thread).
MAX_CONNECTIONS = 64
_CHUNK = 64 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# Grace past the query time limit before the pool gives up on a worker and kills it: on guard,
# for the worker to report its child's own timeout; otherwise the worker runs the query itself
# and cannot stop it, so it is killed just past the limit.
_WORKER_GRACE = 5.0
_KILL_MARGIN = 0.5
# How long after a worker crashed or ran out of time the queries run in forked children.
ISOLATION_SECONDS = 300.0


@dataclass(frozen=True)
class ServeOptions:
    """Where the graph is, where to listen, and the limits every query runs under.

    ``allow_service`` lets queries use SERVICE (the server then fetches any address a
    query names); ``allowed_hosts`` are extra names the ``Host`` header may carry (for
    a server reached by a DNS name); ``memory_mb`` is the memory one query may use on
    top of the graph's.
    """

    graph: Path | None = None
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    row_limit: int = 10_000
    workers: int = 2
    allow_service: bool = False
    allowed_hosts: tuple[str, ...] = ()
    memory_mb: int = 1024


# The ranges an option must fall in: (name on the command line, lowest, highest).
_LIMITS = {
    "port": ("--port", 0, 65535),
    "timeout": ("--timeout", 0.1, 3600.0),
    "row_limit": ("--row-limit", 1, 10_000_000),
    "workers": ("workers", 1, 64),
    "memory_mb": ("--memory-limit", 64, 1024 * 1024),
}


def check_options(options: ServeOptions) -> ServeOptions:
    """``options`` when every limit is in its range and every allowed host is a host name;
    InputError naming the option otherwise."""
    for field_name, (flag, lowest, highest) in _LIMITS.items():
        value = getattr(options, field_name)
        if not lowest <= value <= highest:  # NaN fails too
            raise InputError(f"{flag} {value}: must be between {_number(lowest)} and {_number(highest)}")
    for name in options.allowed_hosts:
        if not _is_host_name(name):
            raise InputError(
                f"--allow-host {name!r}: give a host name or address without a port, e.g. sgkg.example.org"
            )
    return options


def _is_host_name(name: str) -> bool:
    """True for a name the Host header can carry: a DNS name or an IP address, no port or path."""
    bare = name.strip("[]")
    if not bare or any(char.isspace() or char in "/@?#" for char in bare):
        return False
    if ":" not in bare:
        return True
    try:
        return ipaddress.ip_address(bare).version == 6
    except ValueError:
        return False


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status, content type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def make_server(options: ServeOptions) -> SparqlServer:
    """A started worker pool behind a bound (not yet serving) HTTP server.

    Call ``serve_forever()`` to serve and ``close()`` to stop serving and end the
    workers. Raises InputError for an option out of its range, GraphNotFound or
    InputError when the graph cannot be loaded and InputError when the address cannot
    be bound.
    """
    check_options(options)
    _answers_in_their_own_mappings()
    open_graph(options.graph)  # fail here, in the caller, rather than in every worker
    pool = QueryPool(options)
    try:
        return SparqlServer(options, pool)
    except OSError as error:
        pool.close()
        raise InputError(f"cannot listen on {options.host}:{options.port}: {error}") from error


def _answers_in_their_own_mappings() -> None:
    """Make glibc give each large block (an answer) its own mapping, returned when freed.

    By default glibc raises its mmap threshold to the size of the largest block freed,
    so answers of a few MB end up in the threads' heaps and stay counted against the
    process after they are sent (figures: docs/benchmarks.md). A fixed threshold
    (M_MMAP_THRESHOLD) keeps them out. Does nothing outside glibc.
    """
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, 1024 * 1024)


class SparqlServer(ThreadingHTTPServer):
    """ThreadingHTTPServer whose handler sends each query to the QueryPool."""

    daemon_threads = True
    # The standard library's backlog of 5 makes a burst of clients wait for SYN retries (1 s).
    request_queue_size = 128

    def __init__(self, options: ServeOptions, pool: QueryPool):
        self.options = options
        self.pool = pool
        self.home_page = home_page()
        self.answer_budget = _ByteBudget(ANSWER_BUDGET_BYTES)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        if ":" in options.host:
            self.address_family = socket.AF_INET6
        super().__init__((options.host, options.port), _Handler)
        self.host_names = _host_names(options.host, options.allowed_hosts)

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)  # over MAX_CONNECTIONS: closed unanswered
            return
        try:
            super().process_request(request, client_address)
        except Exception:  # no thread started (none to release the slot)
            self._slots.release()
            raise
        # Not on Ctrl-C: it can land while start() waits for a thread that has already
        # started (and will release the slot); it must reach serve_forever's caller.

    def handle_error(self, request, client_address) -> None:
        """A client that resets, stalls or goes away is no error of the server's: nothing printed."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        assert isinstance(host, str)  # as the socket gives it for AF_INET and AF_INET6 (bytes for AF_UNIX)
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


class _ByteBudget:
    """A count of bytes that threads take from and give back; taking never waits."""

    def __init__(self, total: int) -> None:
        self._free = total
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        with self._lock:
            if size > self._free:
                return False
            self._free -= size
            return True

    def give(self, size: int) -> None:
        with self._lock:
            self._free += size


def _host_names(host: str, allowed: tuple[str, ...]) -> frozenset[str | None]:
    """The names a request's Host header may give (lower case, no port); a None among them
    means any IP literal too. Bound to loopback: the loopback names only. Bound to another
    address: that address, the machine's names and any IP literal (DNS rebinding needs a
    name, never a literal). ``allowed`` names are added either way."""
    names = {name.lower().strip("[]") for name in allowed} | {host.lower().strip("[]")}
    if _is_loopback(host):
        return frozenset(names | _LOOPBACK_NAMES | {"127.0.0.1", "::1"})
    names |= {socket.gethostname().lower(), socket.getfqdn().lower()} | _LOOPBACK_NAMES
    return frozenset(names - {"", "0.0.0.0", "::"}) | {None}


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_host(value: str) -> tuple[str, str]:
    """``host[:port]`` or ``[v6]:port`` -> (host in lower case without brackets, port or "")."""
    value = value.strip().lower()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        return host, rest.lstrip(":")
    host, _, port = value.partition(":") if value.count(":") == 1 else (value, "", "")
    return host, port


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT  # every read and write on the connection

    def do_GET(self) -> None:
        refusal = self._refusal(post=False)
        if refusal is not None:
            self._send(refusal)
            return
        url = urlsplit(self.path)
        if url.path == "/":
            self._send(Reply(200, "text/html; charset=utf-8", self.server.home_page))
        elif url.path == "/sparql":
            self._answer(parse_qs(url.query), None)
        else:
            self._send(_text(404, "not found: the SPARQL endpoint is /sparql"))

    def do_POST(self) -> None:
        refusal = self._refusal(post=True)
        if refusal is not None:
            self.close_connection = True  # the body stays unread
            self._send(refusal)
            return
        url = urlsplit(self.path)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8", errors="replace")
        params = parse_qs(url.query)
        if content_type == "application/sparql-update":
            self._send(_text(403, "updates are refused: this endpoint is read-only"))
        elif content_type == "application/sparql-query":
            self._answer(params, body)
        else:
            params.update(parse_qs(body))
            self._answer(params, None)

    def _refusal(self, *, post: bool) -> Reply | None:
        """Why this request is refused before anything is read or run, or None.

        A Host header that does not name this server (a DNS-rebinding page) gets 421; a
        browser request from another site gets 403 (a cross-site GET opened as a page is
        let through: the answer goes to the user, not to the site); a POST needs a
        Content-Length within MAX_REQUEST_BYTES and a SPARQL content type.
        """
        host = self.headers.get("Host")
        if host is not None and not self._names_this_server(host):
            return _text(
                421, f"refused: the Host header {host!r} does not name this server (see docs/security.md)"
            )
        site = (self.headers.get("Sec-Fetch-Site") or "").lower()
        navigating = (self.headers.get("Sec-Fetch-Mode") or "").lower() == "navigate" and not post
        if site not in ("", "same-origin", "none") and not navigating:
            return _text(403, "refused: a request from another web site")
        origin = self.headers.get("Origin")
        if (
            post
            and origin is not None
            and (host is None or urlsplit(origin).netloc.lower() != host.strip().lower())
        ):
            return _text(403, "refused: a POST from another web site (its Origin is not this server)")
        if not post:
            return None
        if urlsplit(self.path).path != "/sparql":
            return _text(404, "not found: the SPARQL endpoint is /sparql")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type not in (
            "application/sparql-query",
            "application/sparql-update",
            "application/x-www-form-urlencoded",
        ):
            return _text(415, "a POST must be application/sparql-query or application/x-www-form-urlencoded")
        length = self.headers.get("Content-Length") or ""
        if not length.isdigit():
            return _text(411, "a POST needs a Content-Length")
        if int(length) > MAX_REQUEST_BYTES:
            return _text(
                413, f"request body too large ({int(length)} bytes; the limit is {MAX_REQUEST_BYTES})"
            )
        return None

    def _names_this_server(self, header: str) -> bool:
        host, port = _split_host(header)
        if port and port != str(self.server.server_address[1]):
            return False
        names = self.server.host_names
        if host in names:
            return True
        if None not in names:
            return False
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
        return True

    def _answer(self, params: dict[str, list[str]], direct_query: str | None) -> None:
        if "update" in params:
            self._send(_text(403, "updates are refused: this endpoint is read-only"))
            return
        query = direct_query if direct_query is not None else (params.get("query") or [""])[0]
        if not query.strip():
            self._send(_text(400, "missing query: pass ?query=... or POST one"))
            return
        try:
            check_query(query, allow_service=self.server.options.allow_service)
        except QueryError as error:
            self._send(_text(400, f"query refused: {error}"))
            return
        wanted = FORMAT_NAMES.get((params.get("format") or [""])[0]) or self.headers.get("Accept") or "*/*"
        self._send(self.server.pool.run(query, accepted_types(wanted)))

    def _send(self, answer: Reply) -> None:
        """Send ``answer`` in chunks; a client that does not take it within SEND_DEADLINE
        (or stalls SOCKET_TIMEOUT on one chunk) is dropped. The body counts against the
        server's ANSWER_BUDGET_BYTES while it is being sent."""
        size = len(answer.body)
        if not self.server.answer_budget.take(size):
            answer, size = _text(503, "busy: too many large answers are being sent; try again"), 0
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers:
                self.send_header(name, value)
            self.end_headers()
            deadline = time.monotonic() + SEND_DEADLINE
            body = memoryview(answer.body)
            for start in range(0, len(body), _CHUNK):
                if time.monotonic() > deadline:
                    raise TimeoutError("the client took too long to read the answer")
                self.wfile.write(body[start : start + _CHUNK])
        except OSError:
            self.close_connection = True  # a slow or gone reader: drop it
        finally:
            self.server.answer_budget.give(size)

    def log_message(self, format: str, *args) -> None:
        """Silent: the library never prints; the CLI says where it is serving."""


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


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
    runaway query costs one worker for a moment, never the server. After a worker was
    lost (a timeout or a crash), queries run isolated for ISOLATION_SECONDS.
    """

    def __init__(self, options: ServeOptions):
        self.options = options
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._isolated_until = 0.0
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

    def run(self, query: str, accepted: list[str]) -> Reply:
        """Run one query in an idle worker; 503 when none is free or it runs past the time limit,
        500 when the worker died on it (it is replaced)."""
        try:
            worker = self._idle.get(timeout=self.options.timeout)
        except queue.Empty:
            return _text(503, f"busy: no query worker was free within {self.options.timeout:g} s; try again")
        isolated = time.monotonic() < self._isolated_until
        grace = _WORKER_GRACE if isolated else _KILL_MARGIN
        answer = worker.run(query, accepted, isolated, self.options.timeout + grace)
        if isinstance(answer, Reply):
            self._idle.put(worker)
            return answer
        self._isolated_until = time.monotonic() + ISOLATION_SECONDS
        how = self._replace(worker)
        if answer == "crashed":
            return _text(
                500,
                f"query crashed the query engine ({how}; or it needed more than the "
                f"{self.options.memory_mb} MB a query may use); its worker was replaced",
            )
        return _text(503, f"query cancelled: it ran past the time limit of {self.options.timeout:g} s")

    def _replace(self, worker: _Worker) -> str:
        """End ``worker``, start another in the background; how the worker ended (e.g. ``signal SIGSEGV``)."""
        how = worker.kill()
        with self._lock:
            self._all.discard(worker)
        threading.Thread(target=self._add_fresh_worker, daemon=True).start()
        return how

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

    def run(self, query: str, accepted: list[str], isolated: bool, timeout: float) -> Reply | str:
        """The worker's answer (``isolated``: from a child it forks); ``"timeout"`` when none came
        within ``timeout`` seconds, ``"crashed"`` when the worker died."""
        try:
            self.connection.send((query, accepted, isolated))
            if not self.connection.poll(timeout):
                return "timeout"
            return self.connection.recv()
        except (EOFError, OSError):
            return "crashed"

    def kill(self) -> str:
        """End the process; how it ended, e.g. ``signal SIGSEGV`` (``signal SIGKILL`` when killed here)."""
        self.process.join(0.2)
        self.process.kill()
        self.process.join()
        self.connection.close()
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"signal {signal.Signals(-code).name}"
        return f"exit {code}"


def _worker_main(connection, options: ServeOptions) -> None:
    _answers_in_their_own_mappings()
    store = serving_store(options.graph)
    limit_memory(options.memory_mb)
    runner = query_runner(store, options)
    connection.send("ready")
    while True:
        try:
            query, accepted, isolated = connection.recv()
        except EOFError:
            runner.close()
            return
        if isolated:
            connection.send(isolated_answer(runner, query, accepted, options))
            runner.prepare()  # forked after answering, so the next query does not wait for it
        else:
            connection.send(_capped(answer_query(store, query, accepted, options.row_limit)))


def query_runner(store: Store, options: ServeOptions) -> ForkedRunner:
    """Runs ``(query, accepted)`` requests on ``store``, each in a child forked ahead of it."""
    return ForkedRunner(
        lambda request: _capped(answer_query(store, request[0], request[1], options.row_limit)),
        timeout=options.timeout,
        memory_mb=options.memory_mb,
    )


def isolated_answer(runner: ForkedRunner, query: str, accepted: list[str], options: ServeOptions) -> Reply:
    """The answer to ``query`` from a child of ``runner`` (``kg.isolation``).

    The child has ``options.memory_mb`` of address space on top of the graph's and
    ``options.timeout`` seconds; an answer over MAX_ANSWER_BYTES is refused. A query that
    runs out of time or memory gives 503, one that kills the child any other way (a
    panic, a stack overflow) 500: the worker lives on.
    """
    outcome = runner.run((query, accepted))
    if outcome.timed_out:
        return _text(503, f"query cancelled: it ran past the time limit of {options.timeout:g} s")
    if outcome.finished and outcome.raised is None:
        return outcome.value
    if outcome.out_of_memory:
        return _text(503, f"query cancelled: it needed more than the {options.memory_mb} MB a query may use")
    detail = outcome.message or (type(outcome.raised).__name__ if outcome.raised else "")
    return _text(500, f"query crashed the query engine ({outcome.how}){': ' + detail if detail else ''}")


def _capped(answer: Reply) -> Reply:
    if len(answer.body) <= MAX_ANSWER_BYTES:
        return answer
    return _text(
        503,
        f"answer too large ({len(answer.body) // (1024 * 1024)} MB; the limit is "
        f"{MAX_ANSWER_BYTES // (1024 * 1024)} MB): ask for fewer or shorter values",
    )


def serving_store(graph: Path | None) -> Store:
    """An in-memory copy of the graph (see ``kg.graph``), whose default graph is the union of its named graphs."""
    store = Store()
    store.extend(open_graph(graph))
    return store


def answer_query(store: Store, query: str, accepted: list[str], row_limit: int) -> Reply:
    """Evaluate ``query`` on ``store`` and serialise it in the best accepted format.

    400 for a syntax error (403 if the text is an update), 406 when no accepted
    format fits the result. Results past ``row_limit`` rows or triples are cut.
    """
    try:
        result = store.query(query, prefixes=PREFIXES)
        if isinstance(result, QueryBoolean):
            media_type = _choose(accepted, SOLUTION_FORMATS)
            body = result.serialize(format=SOLUTION_FORMATS[media_type]) if media_type else b""
            return _serialized(media_type, body or b"")  # bytes: no output file given
        if isinstance(result, QueryTriples):
            return _graph_answer(result, accepted, row_limit)
        return _solutions_answer(result, accepted, row_limit)
    except SyntaxError as error:
        if _is_update(query):
            return _text(403, "updates are refused: this endpoint is read-only")
        return _text(400, f"query syntax error: {error}")
    except OSError as error:
        return _text(500, f"query failed: {error}")
    except MemoryError as error:  # pyoxigraph's writers refuse to grow past 16 MB, or the memory cap
        return _text(503, f"query cancelled: its answer is too large or it needed too much memory ({error})")


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def _choose(accepted: list[str], formats: dict) -> str | None:
    for media_type in accepted:
        if media_type in formats:
            return media_type
        if media_type in ("*/*", "application/*", "text/*"):
            return next(iter(formats))
    return None


def _serialized(media_type: str | None, body: bytes, truncated: bool = False) -> Reply:
    if media_type is None:
        return _text(
            406, "not acceptable: ask for one of " + ", ".join(list(SOLUTION_FORMATS) + list(GRAPH_FORMATS))
        )
    headers = (("X-Sparql-Truncated", "true"),) if truncated else ()
    charset = "" if media_type.endswith("xml") else "; charset=utf-8"
    return Reply(200, media_type + charset, body, headers)


def _graph_answer(triples: QueryTriples, accepted: list[str], row_limit: int) -> Reply:
    media_type = _choose(accepted, GRAPH_FORMATS)
    if media_type is None:
        return _serialized(None, b"")
    kept = list(islice(triples, row_limit + 1))
    rdf_format = GRAPH_FORMATS[media_type]
    body = serialize_sorted(kept[:row_limit], rdf_format)
    if rdf_format == RdfFormat.JSON_LD:
        body = with_context(body)
    return _serialized(media_type, body, truncated=len(kept) > row_limit)


def _solutions_answer(solutions, accepted: list[str], row_limit: int) -> Reply:
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
    body = kept.serialize(format=SOLUTION_FORMATS[media_type]) or b""  # bytes: no output file given
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
