"""Send the built graph to a triplestore with the SPARQL 1.1 Graph Store HTTP Protocol (``kg push``).

Each named graph of the build (one per source document, plus the schemes graph) is
sent with ``PUT <endpoint>?graph=<graph IRI>``, so pushing again replaces a graph
instead of adding duplicates. The ontology goes to its own graph,
``https://w3id.org/sgkg/graph/ontology``, which no document's graph can take (a build
names a document ``ontology.*`` ``ontology-document``; a graph file that still has a
graph of that IRI is refused). Graphs are sent in IRI order; the first refusal or
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
from urllib.parse import urlencode

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple, serialize

from .errors import InputError, RemoteError
from .exporters import load_store, named_quads, ontology_triples
from .vocab import ONTOLOGY_GRAPH as _ONTOLOGY_IRI

ONTOLOGY_GRAPH = NamedNode(str(_ONTOLOGY_IRI))


@dataclass(frozen=True)
class PushOptions:
    """Where to push: the Graph Store endpoint URL, optional ``(user, password)``, the graph file;
    ``timeout`` for each wait on the network and ``deadline`` for each request in all (seconds)."""

    endpoint: str
    auth: tuple[str, str] | None = None
    graph: Path | None = None
    timeout: float = 60.0
    deadline: float = 300.0


@dataclass(frozen=True)
class PushedGraph:
    """One graph that the endpoint accepted: its IRI, triple count and HTTP status."""

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


def push(options: PushOptions) -> list[PushedGraph]:
    """PUT every named graph of ``options.graph`` and the ontology graph to ``options.endpoint``.

    Returns what was pushed, in order. Raises GraphNotFound/InputError for a missing or
    unreadable graph (or one without named graphs) and RemoteError for the first graph
    the endpoint refused or could not be reached for.
    """
    graphs = named_graphs(options.graph)
    if ONTOLOGY_GRAPH.value in graphs:
        raise InputError(
            f"{options.graph or 'the graph'}: has a graph named <{ONTOLOGY_GRAPH.value}>, where the ontology goes; "
            "build it again (the document gets another graph IRI)"
        )
    graphs[ONTOLOGY_GRAPH.value] = ontology_triples()
    opener = _opener(options)
    pushed: list[PushedGraph] = []
    for iri, triples in graphs.items():
        status = _put(
            opener, options, iri, serialize(triples, format=RdfFormat.N_TRIPLES) or b"", pushed, len(graphs)
        )
        pushed.append(PushedGraph(iri, len(triples), status))
    return pushed


def named_graphs(path: Path | None) -> dict[str, list[Triple]]:
    """The triples of each named graph of the file or store at ``path``, by graph IRI in sorted order."""
    graphs: dict[str, list[Triple]] = {}
    # named_quads leaves out a built store's default graph: the union of its named graphs.
    for quad in named_quads(load_store(path)):
        if isinstance(quad.graph_name, DefaultGraph):
            raise InputError(
                f"{path}: has triples outside named graphs; push the build's TriG (out/graph.trig)"
            )
        if not isinstance(quad.graph_name, NamedNode):
            raise InputError(f"{path}: a graph is named by a blank node, which a Graph Store cannot address")
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    if not graphs:
        raise InputError(f"{path}: has no named graph to push")
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
    request = urllib.request.Request(
        options.endpoint + separator + urlencode({"graph": iri}),
        data=body,
        method="PUT",
        headers={"Content-Type": "application/n-triples; charset=utf-8"},
    )
    done = f"{len(pushed)} of {total} graphs were pushed before it"
    try:
        return _within_deadline(lambda: _send(opener, request, options.timeout), options.deadline)
    except TimeoutError:
        raise RemoteError(
            f"{options.endpoint} did not answer for graph <{iri}> within {options.deadline:g} s ({done})"
        ) from None
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", errors="replace").strip()
        hint = "; pass --auth USER:PASSWORD" if error.code in (401, 403) and options.auth is None else ""
        raise RemoteError(
            f"{options.endpoint} refused graph <{iri}>: HTTP {error.code} {error.reason}{hint}"
            f"{': ' + detail if detail else ''} ({done})"
        ) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RemoteError(f"could not send graph <{iri}> to {options.endpoint}: {reason} ({done})") from error


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
