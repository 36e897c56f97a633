"""kg push against a real Virtuoso Open-Source server, then every library query on both engines.

A throwaway Virtuoso (Debian's ``virtuoso-opensource``) is started on free loopback
ports with its own ini file and database in a temporary folder, and stopped at the
end of the module. ``kg push`` sends the graphs through Virtuoso's Graph Store
endpoint ``/sparql-graph-crud-auth`` (HTTP Digest, the default ``dba``/``dba``).

How Virtuoso 7.2 answers differ from pyoxigraph's, and what the comparison does:
- it writes plain strings as untyped literals, and integers computed by aggregates
  may come back as ``xsd:int``: both are normalised (``xsd:string``, ``xsd:integer``);
- GROUP_CONCAT over no values gives ``""`` in Virtuoso (as SPARQL 1.1 says) and
  leaves the variable unbound in pyoxigraph: an empty plain string counts as unbound;
- blank nodes are renamed by every store, so each compares as "a blank node";
- it cannot compile ``sameTerm(?x, $param)`` nor ``IF`` on an unbound parameter
  (error SP031), which the library uses for its optional filters; the queries are
  sent to it rewritten into equivalent SPARQL (see ``virtuoso_dialect``), and the
  rewrite is checked to give pyoxigraph the very same answer as the original.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from linked_data import FIXTURE, free_port, require_program, stop
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import RemoteError
from kg.prefixes import PREFIXES
from kg.push import ONTOLOGY_GRAPH, PushOptions, named_graphs, push
from kg.resources import queries_dir
from kg.serve import json_term, serving_store

pytestmark = pytest.mark.server

XSD = PREFIXES["xsd"]
LIBRARY = sorted(queries_dir().glob("*.rq"))
# Known differences of Virtuoso 7.2 as (graphs, query): an xfail where the answers differ, a pass the day
# they agree. grades-beside-statistics with every parameter unbound: Virtuoso leaves out the statistic's
# rows of the OPTIONAL sub-select that projects the unbound $measure (4 rows fewer on the queries fixture,
# which holds statistics; measured 7 December 2026, docs/linked-data.md).
VIRTUOSO_DIFFERS = {("queries-fixture", "grades-beside-statistics")}
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
CaseMode = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    base: str

    @property
    def graph_store(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    def select(self, query: str, graphs: list[str]) -> dict:
        """SPARQL JSON results of ``query`` over the merge of ``graphs`` (default and named)."""
        params = (
            [("query", query)]
            + [("default-graph-uri", g) for g in graphs]
            + [("named-graph-uri", g) for g in graphs]
        )
        request = urllib.request.Request(
            self.base + "/sparql",
            data=urllib.parse.urlencode(params).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A throwaway Virtuoso on free loopback ports; killed and waited for at teardown."""
    program = require_program("virtuoso-t", "virtuoso-opensource")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(folder=folder, sql_port=free_port(), http_port=http_port), encoding="utf-8"
    )
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [program, "-c", str(ini), "+foreground"], cwd=folder, stdout=log, stderr=subprocess.STDOUT
    )
    server = Virtuoso(f"http://127.0.0.1:{http_port}")
    try:
        _wait_until_up(server, process, folder)
        yield server
    finally:
        stop(process, 30)
        log.close()


def _wait_until_up(server: Virtuoso, process: subprocess.Popen, folder: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"virtuoso-t exited with {process.returncode}: {(folder / 'virtuoso.log').read_text(errors='replace')[-2000:]}"
            )
        try:
            server.select("ASK { }", [])
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    pytest.fail("Virtuoso did not answer on /sparql within 120 s")


def _graph_counts(virtuoso: Virtuoso, graphs: list[str]) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    document = virtuoso.select(query, graphs)
    return {b["g"]["value"]: int(b["n"]["value"]) for b in document["results"]["bindings"]}


# The query library's own fixture: every library query has rows on it.
QUERIES_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "queries" / "fixture.trig"


@pytest.fixture(scope="module", params=["fixture", "queries-fixture", "seed"])
def pushed(request, virtuoso):
    """Push a graph (the hand-made fixtures, then the seed build); return its path and graph IRIs."""
    if request.param == "fixture":
        source = FIXTURE
    elif request.param == "queries-fixture":
        source = QUERIES_FIXTURE
    else:
        source = request.getfixturevalue("seed_build")[0] / "graph.trig"
    push(PushOptions(endpoint=virtuoso.graph_store, auth=("dba", "dba"), graph=source))
    return source, sorted(named_graphs(source))


def test_every_graph_arrives_with_every_triple(virtuoso, pushed):
    source, graphs = pushed
    expected = {iri: len(set(triples)) for iri, triples in named_graphs(source).items()}
    assert _graph_counts(virtuoso, graphs) == expected
    ontology = _graph_counts(virtuoso, [ONTOLOGY_GRAPH.value])
    assert ontology[ONTOLOGY_GRAPH.value] > 0


def test_pushing_again_replaces_rather_than_duplicates(virtuoso, pushed):
    source, graphs = pushed
    before = _graph_counts(virtuoso, graphs)
    result = CliRunner().invoke(
        app, ["push", "--endpoint", virtuoso.graph_store, "--auth", "dba:dba", "--graph", str(source)]
    )
    assert result.exit_code == 0, result.output
    assert f"Pushed {len(graphs) + 1} graph(s)" in result.output
    assert _graph_counts(virtuoso, graphs) == before


@pytest.mark.parametrize("path", LIBRARY, ids=[path.stem for path in LIBRARY])
def test_library_query_gives_virtuoso_the_embedded_answer(virtuoso, pushed, path, request):
    source, graphs = pushed
    original = path.read_text(encoding="utf-8")
    store = serving_store(source)
    embedded = _embedded_rows(store, original)
    rewritten = virtuoso_dialect(original)
    assert _embedded_rows(store, rewritten) == embedded, "the Virtuoso rewrite changed the answer"
    try:
        document = virtuoso.select(rewritten, graphs)
    except urllib.error.HTTPError as error:
        pytest.fail(f"Virtuoso refused {path.name}: {error.read().decode('utf-8', errors='replace')[:400]}")
    names = document["head"]["vars"]
    served = Counter(tuple(_normal(b.get(name)) for name in names) for b in document["results"]["bindings"])
    if (request.node.callspec.params["pushed"], path.stem) in VIRTUOSO_DIFFERS and served != embedded:
        pytest.xfail(f"a known difference of Virtuoso 7.2 on {path.name} (see VIRTUOSO_DIFFERS)")
    assert served == embedded


def test_library_is_not_empty():
    assert LIBRARY, "no queries/*.rq found"


def _embedded_rows(store, query: str) -> Counter:
    result = store.query(query)
    names = [variable.value for variable in result.variables]
    return Counter(
        tuple(_normal(json_term(row[n]) if row[n] is not None else None) for n in names) for row in result
    )


def _normal(term: dict | None):
    """A SPARQL JSON term in a form both engines agree on (see the module docstring)."""
    if term is None:
        return None
    if term["type"] == "bnode":
        return ("bnode",)
    if term["type"] == "uri":
        return ("uri", term["value"])
    datatype = term.get("datatype")
    if datatype == XSD + "string":
        datatype = None
    if datatype in (XSD + "int", XSD + "long"):
        datatype = XSD + "integer"
    if term["value"] == "" and datatype is None and "xml:lang" not in term:
        return None
    return ("literal", term["value"], datatype, term.get("xml:lang"))


_OPEN_FILTER = "COALESCE(IF(isIRI("


def virtuoso_dialect(query: str) -> str:
    """The query in SPARQL that Virtuoso 7.2 compiles, with the same meaning.

    - ``COALESCE(IF(isIRI($p) || isLiteral($p), BODY, false), true)`` (a filter that is
      open while the parameter is unbound) becomes ``(!BOUND($p) || (BODY))``;
    - ``COALESCE(isIRI($p) || isLiteral($p), false)`` (true once the parameter is bound,
      the guard of a required parameter) becomes ``BOUND($p)``;
    - ``COALESCE(sameTerm(A, B), false)`` inside it becomes ``sameTerm(A, B)``;
    - ``sameTerm(?x, $p)`` becomes ``(?x = $p)`` (the same for IRIs, which is what
      the parameters name).
    """
    while _OPEN_FILTER in query:
        start = query.index(_OPEN_FILTER)
        end = _closing_parenthesis(query, start + len("COALESCE"))
        inner = query[start + len("COALESCE(IF(") : end]
        guard = re.match(r"isIRI\((\$\w+)\) \|\| isLiteral\(\1\),", inner)
        assert guard, f"unexpected open-filter form: {inner[:80]}"
        body = re.split(r",\s*false\),\s*true\s*$", inner[guard.end() :])[0]
        query = query[:start] + f"(!BOUND({guard.group(1)}) || ({body.strip()}))" + query[end + 1 :]
    query = re.sub(r"COALESCE\(isIRI\((\$\w+)\) \|\| isLiteral\(\1\), false\)", r"BOUND(\1)", query)
    query = re.sub(r"COALESCE\((sameTerm\([^()]*\)), false\)", r"\1", query)
    return re.sub(r"sameTerm\((\?\w+), (\$\w+)\)", r"(\1 = \2)", query)


def _closing_parenthesis(text: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
    raise AssertionError("unbalanced parentheses")


def test_wrong_password_is_a_remote_error_naming_the_graph(virtuoso):
    result = CliRunner().invoke(
        app, ["push", "--endpoint", virtuoso.graph_store, "--auth", "dba:wrong", "--graph", str(FIXTURE)]
    )
    assert result.exit_code == RemoteError.exit_code
    first = sorted(named_graphs(FIXTURE))[0]
    assert f"refused graph <{first}>: HTTP 401" in result.output
    assert "0 of 4 graphs were pushed before it" in result.output


def test_no_credentials_says_to_pass_auth(virtuoso):
    with pytest.raises(RemoteError, match=r"HTTP 401 .*pass --auth USER:PASSWORD"):
        push(PushOptions(endpoint=virtuoso.graph_store, graph=FIXTURE))


def test_unreachable_endpoint_is_a_remote_error_without_retry():
    endpoint = f"http://127.0.0.1:{free_port()}/sparql-graph-crud-auth"
    result = CliRunner().invoke(app, ["push", "--endpoint", endpoint, "--graph", str(FIXTURE)])
    assert result.exit_code == RemoteError.exit_code
    assert "could not send graph <https://w3id.org/sgkg/graph/" in result.output
    assert "Connection refused" in result.output
    assert "(0 of " in result.output


def test_bad_auth_option_is_an_input_error():
    result = CliRunner().invoke(
        app, ["push", "--endpoint", "http://127.0.0.1:9/x", "--auth", "nocolon", "--graph", str(FIXTURE)]
    )
    assert result.exit_code == 2 and "--auth must be USER:PASSWORD" in result.output
