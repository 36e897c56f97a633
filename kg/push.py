"""Send the built graph to a triplestore with the SPARQL 1.1 Graph Store HTTP Protocol (``kg push``).

Each named graph of the build (one per source document, plus the schemes graph) is
sent with ``PUT <endpoint>?graph=<graph IRI>``, so pushing again replaces a graph
instead of adding duplicates. The ontology goes to its own graph,
``https://w3id.org/sgkg/graph/ontology``, which no document's graph can take (a build
names a document ``ontology.*`` ``ontology-document``; a graph file that still has a
graph of that IRI is refused). A graph file with no named graphs (Turtle, N-Triples) is sent
whole to the endpoint's default graph (``PUT <endpoint>?default``). The graph is what
``kg.graph.open_graph`` opens: by default the build in ``out/``. Graphs are sent in IRI order; the first refusal or
network failure stops the push with a RemoteError that names the graph and the reason.
Nothing is retried, and each request has ``deadline`` seconds in all (a server that
trickles its answer cannot hold the push). Graphs travel as N-Triples, the syntax every
triplestore reads the same way.

HTTP Basic and Digest authentication are both answered (Virtuoso's
``/sparql-graph-crud-auth`` asks for Digest).
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple, serialize

from .errors import InputError, RemoteError
from .exporters import named_quads, ontology_triples
from .graph import DEFAULT_OUT, open_graph
from .vocab import ONTOLOGY_GRAPH as _ONTOLOGY_IRI

ONTOLOGY_GRAPH = NamedNode(str(_ONTOLOGY_IRI))
# The key of the default graph of a graph with no named graphs (Turtle, N-Triples): it goes to
# the endpoint's default graph (``PUT <endpoint>?default``).
DEFAULT_GRAPH = ""


@dataclass(frozen=True)
class PushOptions:
    """Where to push: the Graph Store endpoint URL, optional ``(user, password)``, the graph
    (what ``kg.graph.open_graph`` opens; None: the build in ``out/``);
    ``timeout`` for each wait on the network and ``deadline`` for each request in all (seconds)."""

    endpoint: str
    auth: tuple[str, str] | None = None
    graph: Path | None = None
    timeout: float = 60.0
    deadline: float = 300.0


@dataclass(frozen=True)
class PushedGraph:
    """One graph that the endpoint accepted: its IRI (DEFAULT_GRAPH: the default graph), triple
    count and HTTP status."""

    iri: str
    triples: int
    status: int


def parse_auth(text: str | None) -> tuple[str, str] | None:
    """``"user:password"`` -> ``("user", "password")``; InputError when there is no colon."""
    if text is None:
        return None
    user, colon, password = text.partition(":")
    if not colon or not user:
        raise InputError("--auth must be USER:PASSWORD")
    return user, password


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` when it is an http(s) URL with a host (and a port in range, if given);
    InputError saying what to write otherwise."""
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - reading it checks it: ValueError when out of range or not a number
    except ValueError as error:
        raise InputError(f"--endpoint {endpoint!r}: not a URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"--endpoint {endpoint!r}: give the Graph Store's http:// or https:// URL, "
            "e.g. http://127.0.0.1:7879/store"
        )
    return endpoint


def push(options: PushOptions) -> list[PushedGraph]:
    """PUT every named graph of ``options.graph`` and the ontology graph to ``options.endpoint``.

    Returns what was pushed, in order. Raises InputError for an endpoint that is not an
    http(s) URL, GraphNotFound/InputError for a missing or unreadable graph (or one without
    named graphs) and RemoteError for the first graph the endpoint refused or could not be
    reached for.
    """
    check_endpoint(options.endpoint)
    graphs = named_graphs(options.graph)
    if ONTOLOGY_GRAPH.value in graphs:
        raise InputError(
            f"{options.graph or DEFAULT_OUT}: has a graph named <{ONTOLOGY_GRAPH.value}>, where the ontology goes; "
            "build it again (the document gets another graph IRI)"
        )
    graphs[ONTOLOGY_GRAPH.value] = ontology_triples()
    opener = _opener(options)
    pushed: list[PushedGraph] = []
    for iri, triples in graphs.items():
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""  # bytes: no output file given
        status = _put(opener, options, iri, body, pushed, len(graphs))
        pushed.append(PushedGraph(iri, len(triples), status))
    return pushed


def named_graphs(path: Path | None) -> dict[str, list[Triple]]:
    """The triples of each named graph of the graph at ``path`` (see ``kg.graph``), by graph IRI in
    sorted order. A build's default graph, the union of its named graphs, is not pushed: each of
    its triples goes with the named graphs that hold it. A graph with no named graphs (Turtle,
    N-Triples) is one graph, keyed DEFAULT_GRAPH."""
    graphs: dict[str, list[Triple]] = {}
    shown = path or DEFAULT_OUT
    # named_quads leaves out the default graph when there are named graphs: their union.
    for quad in named_quads(open_graph(path)):
        if isinstance(quad.graph_name, DefaultGraph):
            graphs.setdefault(DEFAULT_GRAPH, []).append(quad.triple)
            continue
        if not isinstance(quad.graph_name, NamedNode):
            raise InputError(f"{shown}: a graph is named by a blank node, which a Graph Store cannot address")
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    if not graphs:
        raise InputError(f"{shown}: has no triple to push")
    return graphs


def _opener(options: PushOptions) -> urllib.request.OpenerDirector:
    if options.auth is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, options.endpoint, *options.auth)
    return urllib.request.build_opener(
        urllib.request.HTTPBasicAuthHandler(passwords),
        urllib.request.HTTPDigestAuthHandler(passwords),
    )


def _put(opener, options: PushOptions, iri: str, body: bytes, pushed: list[PushedGraph], total: int) -> int:
    separator = "&" if "?" in options.endpoint else "?"
    target = "default" if iri == DEFAULT_GRAPH else urlencode({"graph": iri})
    request = urllib.request.Request(
        options.endpoint + separator + target,
        data=body,
        method="PUT",
        headers={"Content-Type": "application/n-triples; charset=utf-8"},
    )
    done = f"{len(pushed)} of {total} graphs were pushed before it"
    graph = "the default graph" if iri == DEFAULT_GRAPH else f"graph <{iri}>"
    try:
        return _within_deadline(lambda: _send(opener, request, options.timeout), options.deadline)
    except TimeoutError:
        raise RemoteError(
            f"{options.endpoint} did not answer for {graph} within {options.deadline:g} s ({done})"
        ) from None
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", errors="replace").strip()
        hint = "; pass --auth USER:PASSWORD" if error.code in (401, 403) and options.auth is None else ""
        raise RemoteError(
            f"{options.endpoint} refused {graph}: HTTP {error.code} {error.reason}{hint}"
            f"{': ' + detail if detail else ''} ({done})"
        ) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RemoteError(f"could not send {graph} to {options.endpoint}: {reason} ({done})") from error


def _send(opener, request: urllib.request.Request, timeout: float) -> int:
    with opener.open(request, timeout=timeout) as response:
        response.read()
        return response.status


def _within_deadline(call, deadline: float):
    """``call()``'s result, or TimeoutError once ``deadline`` seconds have passed.

    urllib's timeout bounds each wait on the socket, not the request: a server that sends
    a byte now and then would hold it for ever. The call runs in a daemon thread that is
    left to its socket timeout when the deadline passes.
    """
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=run, name="kg-push-request", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        raise TimeoutError
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
