"""The SPARQL query library (``queries/*.rq``) and the engine behind ``kg query``.

Every library query answers one question of "What users ask of the graph" (DOMAIN.md)
over the union of a built graph's named graphs (ONTOLOGY.md, "Outputs of a build"),
each triple counted once. A ``.rq`` file opens with a comment block::

    # Question: <the question, in plain words; may continue on the next lines>
    #
    # <what the answer holds, how it is ordered>
    #
    # Parameters (optional filters):
    #   $name  what a value means
    #   $other  (required) what a value means; kg query refuses to run without it
    #
    # Example output (...):
    #   ...

Parameters are written ``$name`` in the query and bound through pyoxigraph's
``substitutions`` (SEP-0007), never pasted into the text. pyoxigraph only substitutes
variables of the SELECT clause, so each parameter is projected there and left out
of the answer again. An unbound parameter leaves its filter open, so a library query
run without parameters answers for the whole graph; a parameter marked ``(required)``
is one whose query would then only dump the graph, and ``run_query`` refuses without it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Store,
    Triple,
    Variable,
    parse_query_results,
)
from rich.table import Table
from rich.text import Text

from .errors import InputError, QueryError, RemoteError
from .graph import open_graph
from .isolation import run_in_child
from .parameters import resolve
from .prefixes import PREFIXES, curie
from .resources import queries_dir
from .sparql_guard import check_query

XSD = PREFIXES["xsd"]
FORMATS = ("table", "csv", "tsv", "json")
_RESULT_FORMATS = {
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "json": QueryResultsFormat.JSON,
}

_QUESTION = re.compile(r"^#\s*Question:\s*(?P<text>.+)$")
_PARAMETER = re.compile(r"^#\s+\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)\b(?P<required>\s+\(required\))?")
_SYNTAX_POSITION = re.compile(r"error at (?P<line>\d+):(?P<column>\d+):?\s*(?P<reason>.*)", re.DOTALL)
_FOUND = re.compile(r"found (?P<token>.+?)\s+\(at char")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_PREFIXED = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9-]*):(?P<local>\S+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Query:
    """A SPARQL query with what its header says: the question, the parameter names and
    which of them are required."""

    name: str
    source: str
    text: str
    question: str = ""
    parameters: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The answer to a query, held as a W3C SPARQL JSON results document.

    ``document`` has ``head.vars`` and ``results.bindings`` (SELECT) or ``boolean`` (ASK);
    ``notes`` are what the user should be told about the parameters (``kg.parameters``):
    what a name was taken as, which things it names, that it named nothing.
    """

    document: dict
    notes: tuple[str, ...] = ()

    @property
    def variables(self) -> list[str]:
        return list(self.document["head"].get("vars", []))

    @property
    def rows(self) -> list[dict[str, dict]]:
        """One dict per solution: variable -> W3C JSON term (absent when unbound)."""
        return list(self.document.get("results", {}).get("bindings", []))

    @property
    def boolean(self) -> bool | None:
        return self.document.get("boolean")

    def serialize(self, fmt: str) -> str:
        """The answer in a W3C SPARQL results format: ``json``, ``csv`` or ``tsv``."""
        if fmt not in _RESULT_FORMATS:
            raise QueryError(f"unknown results format {fmt!r}: choose one of {', '.join(_RESULT_FORMATS)}")
        data = json.dumps(self.document, ensure_ascii=False).encode("utf-8")
        if fmt == "json":
            return data.decode("utf-8") + "\n"
        if self.boolean is not None:
            raise QueryError(f"an ASK answer has no {fmt} form: use --format json or table")
        parsed = parse_query_results(data, format=QueryResultsFormat.JSON)
        return (parsed.serialize(format=_RESULT_FORMATS[fmt]) or b"").decode("utf-8")  # bytes: no output file


def library() -> list[Query]:
    """Every query in the library, sorted by name."""
    return [read_query(path) for path in sorted(queries_dir().glob("*.rq"))]


def load_query(name_or_path: str) -> Query:
    """A library query by name (``roles``) or any ``.rq`` file by path.

    Raises QueryError for an unknown name, listing the close matches, and InputError
    for a file that cannot be read.
    """
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.is_file():
        return read_query(path)
    candidate = queries_dir() / f"{name_or_path}.rq"
    if candidate.is_file():
        return read_query(candidate)
    names = [query.name for query in library()]
    close = difflib.get_close_matches(name_or_path, names, n=3, cutoff=0.5)
    hint = f"did you mean: {', '.join(close)}?" if close else "run `kg query --list` to see the library"
    raise QueryError(f"no query named {name_or_path!r}; {hint}")


def read_query(path: Path) -> Query:
    """Read a ``.rq`` file and the question and parameters its header declares."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot read the query ({error.strerror or error})") from error
    question, parameters, required = _parse_header(text)
    return Query(
        name=path.stem,
        source=str(path),
        text=text,
        question=question,
        parameters=parameters,
        required=required,
    )


def inline_query(text: str) -> Query:
    """A query given on the command line (``-e``); parameters are whatever it projects."""
    return Query(name="inline", source="<inline query>", text=text)


def choose_query(name_or_path: str | None, expression: str | None) -> Query:
    """The query the user asked for: a library name or ``.rq`` path, or inline SPARQL.

    Raises QueryError when both or neither are given.
    """
    if name_or_path and expression:
        raise QueryError("give a query NAME or FILE.rq, or -e 'SELECT ...', not both")
    if expression:
        return inline_query(expression)
    if name_or_path:
        return load_query(name_or_path)
    raise QueryError("give a query NAME or FILE.rq, or -e 'SELECT ...'; `kg query --list` shows the library")


def _parse_header(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    question: list[str] = []
    parameters: list[str] = []
    required: list[str] = []
    section = ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if match := _QUESTION.match(line):
            section = "question"
            question.append(match["text"].strip())
        elif body.lower().startswith("parameters"):
            section = "parameters"
        elif not body or body.endswith(":"):
            section = ""
        elif section == "question":
            question.append(body)
        elif section == "parameters" and (match := _PARAMETER.match(line)):
            parameters.append(match["name"])
            if match["required"]:
                required.append(match["name"])
    return " ".join(question), tuple(parameters), tuple(required)


def parse_parameters(pairs: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` -> ``{"key": "value"}``; raises QueryError for a pair without ``=``."""
    parameters: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("?$")
        if not sep or not key:
            raise QueryError(f"--param {pair!r}: write it as key=value, e.g. --param organisation=Ofsted")
        parameters[key] = value
    return parameters


def parameter_term(value: str) -> NamedNode | Literal:
    """The RDF term a ``--param`` value binds to.

    ``<iri>`` or ``scheme://...`` -> IRI; ``prefix:local`` with a contract prefix
    (``theme:neglect``, ``grade:inadequate``, ``id:organisation/ofsted``) -> IRI;
    an integer -> ``xsd:integer``; ``YYYY-MM-DD`` -> ``xsd:date``; anything else a
    plain string (labels match case-insensitively in the library queries).
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return NamedNode(value[1:-1])
    if _IRI.match(value):
        return NamedNode(value)
    prefixed = _PREFIXED.match(value)
    if prefixed and prefixed["prefix"] in PREFIXES:
        return NamedNode(PREFIXES[prefixed["prefix"]] + prefixed["local"])
    if _INTEGER.match(value):
        return Literal(value, datatype=NamedNode(XSD + "integer"))
    if _DATE.match(value):
        return Literal(value, datatype=NamedNode(XSD + "date"))
    return Literal(value)


def run_query(store: Store, query: Query, parameters: Mapping[str, str] | None = None) -> Answer:
    """Run ``query`` on the store's default graph (the union: see ``kg.graph``), with ``parameters`` bound.

    A name given for a parameter the query declares is first resolved against the graph's
    labels (``kg.parameters``): a short name, an acronym or another case binds the thing it
    names; what the user should know about that is in ``Answer.notes``. Raises QueryError
    for a syntax error (naming source, line and column), for a parameter the query does not
    declare or one it requires missing, for a partial name that fits several things, and
    for CONSTRUCT or DESCRIBE queries; RemoteError when a SERVICE the query calls cannot be
    reached.
    """
    parameters = dict(parameters or {})
    _check_parameters(query, parameters)
    terms = {key: parameter_term(value) for key, value in parameters.items()}
    resolution = resolve(store, terms, query.parameters)
    substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(key): term for key, term in resolution.terms.items()
    }
    try:
        result = store.query(query.text, prefixes=PREFIXES, substitutions=substitutions)
        if isinstance(result, QueryBoolean):
            return Answer({"head": {}, "boolean": bool(result)}, tuple(resolution.notes))
        if not isinstance(result, QuerySolutions):
            raise QueryError(
                f"{query.source}: kg query answers SELECT and ASK queries, not CONSTRUCT or DESCRIBE"
            )
        document = json.loads(result.serialize(format=QueryResultsFormat.JSON) or b"{}")
    except SyntaxError as error:
        raise QueryError(_syntax_message(query, str(error))) from error
    except OSError as error:  # a SERVICE the query calls, out of reach
        raise RemoteError(f"{query.source}: a SERVICE of the query could not be reached ({error})") from error
    except RuntimeError as error:
        hint = "; a parameter must be a variable of the SELECT clause" if "projection" in str(error) else ""
        raise QueryError(f"{query.source}: {error}{hint}") from error
    answer = Answer(_without(document, set(query.parameters)))
    notes = resolution.notes + (resolution.if_empty if not answer.rows else [])
    return Answer(answer.document, tuple(notes))


def _check_parameters(query: Query, parameters: Mapping[str, str]) -> None:
    if not query.parameters:
        return
    unknown = sorted(set(parameters) - set(query.parameters))
    if unknown:
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join(unknown)}; "
            f"its parameters: {', '.join(query.parameters)}"
        )
    missing = [name for name in query.required if name not in parameters]
    if missing:
        raise QueryError(
            f"query {query.name!r} requires --param {missing[0]}=...; without it the answer would be "
            f"the whole graph (see `kg query --list`)"
        )


def _syntax_message(query: Query, message: str) -> str:
    """``source:line:column: ...`` for a query pyoxigraph could not parse.

    pyoxigraph reports where its parser gave up, often the end of the text; rdflib's
    parser points at the offending token, so its position is preferred when it also fails.
    It is imported here, on the error path only: loading it slows every ``kg query`` start-up
    (figures: docs/benchmarks.md).
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(query.text)
    except ParseException as error:
        found = _FOUND.search(str(error))
        near = f"near {found['token']}" if found else "here"
        return f"{query.source}:{error.lineno}:{error.col}: SPARQL syntax error {near}"
    position = _SYNTAX_POSITION.search(message)
    if not position:
        return f"{query.source}: SPARQL syntax error: {_shortened(message)}"
    where = f"{query.source}:{position['line']}:{position['column']}"
    return f"{where}: SPARQL syntax error: {_shortened(position['reason'])}"


def _shortened(reason: str, limit: int = 120) -> str:
    """The first line of a parser message, cut short: pyoxigraph lists every expected character class."""
    first = reason.strip().splitlines()[0] if reason.strip() else "invalid query"
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _without(document: dict, hidden: set[str]) -> dict:
    """The results document minus the parameter columns (projected only for substitution)."""
    variables = [name for name in document["head"]["vars"] if name not in hidden]
    bindings = [
        {name: term for name, term in row.items() if name not in hidden}
        for row in document["results"]["bindings"]
    ]
    return {"head": {"vars": variables}, "results": {"bindings": bindings}}


@dataclass(frozen=True)
class QueryRequest:
    """What ``kg query`` was asked: a library name or ``.rq`` path, or inline SPARQL, and how."""

    name: str | None = None
    expression: str | None = None
    graph: Path | None = None  # what kg.graph.open_graph opens (None: the build in out/)
    parameters: tuple[str, ...] = ()  # "key=value" pairs
    fmt: str = "table"


@dataclass(frozen=True)
class QueryOutput:
    """What ``kg query`` shows: the answer rendered (standard output) and the notes on its
    parameters (standard error, one line each)."""

    rendered: Table | str
    notes: tuple[str, ...] = ()


def answer_request(request: QueryRequest) -> QueryOutput:
    """Choose the query, check the format, open the graph, run and render: ``kg query`` in one call.

    The graph is opened and the query run in a child process (``kg.isolation``), so that a
    query that crashes pyoxigraph (a panic, a stack overflow) is a QueryError, not the end
    of the command. Raises QueryError, GraphNotFound, InputError or RemoteError as the steps
    it calls do.
    """
    query = choose_query(request.name, request.expression)
    check_format(request.fmt)
    try:
        check_query(query.text, allow_service=True)
    except QueryError as error:
        raise QueryError(f"{query.source}: {error}") from None
    parameters = parse_parameters(list(request.parameters))
    outcome = run_in_child(lambda: run_query(open_graph(request.graph), query, parameters))
    if outcome.raised is not None:
        raise outcome.raised
    if not outcome.finished:
        detail = f": {outcome.message}" if outcome.message else ""
        raise QueryError(
            f"{query.source}: the query engine (pyoxigraph) crashed on this query ({outcome.how}){detail}"
        )
    answer: Answer = outcome.value
    return QueryOutput(render(answer, request.fmt), answer.notes)


def check_format(fmt: str) -> str:
    """``fmt`` if it is one of FORMATS; raises QueryError naming the choices otherwise."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return fmt


def render(answer: Answer, fmt: str) -> Table | str:
    """The answer as a Rich table (``table``) or as W3C SPARQL results text (csv, tsv, json)."""
    return as_table(answer) if check_format(fmt) == "table" else answer.serialize(fmt)


def library_listing() -> str:
    """Every library query, its question and its parameters, one query per paragraph.

    Plain text rather than a table, so that names and questions are never wrapped or cut.
    """
    queries = library()
    width = max(len(query.name) for query in queries) + 2
    lines = []
    for query in queries:
        lines.append(f"{query.name:<{width}}{query.question}")
        names = [f"{name} (required)" if name in query.required else name for name in query.parameters]
        lines.append(" " * width + "parameters: " + (", ".join(names) or "none"))
    return "\n".join(lines) + "\n"


def as_table(answer: Answer) -> Table:
    """A Rich table of the answer for the terminal (an ASK answer is one ``boolean`` cell)."""
    if answer.boolean is not None:
        table = Table("boolean")
        table.add_row(str(answer.boolean).lower())
        return table
    shown = [name for name in answer.variables if not _has_label_column(name, answer.variables)]
    table = Table(*shown, caption=f"{len(answer.rows)} row(s)")
    for row in answer.rows:
        table.add_row(*(Text(display(row.get(name))) for name in shown))  # Text: no Rich markup in data
    return table


def _has_label_column(name: str, variables: list[str]) -> bool:
    """True for ``fooIri`` when ``fooLabel`` is also answered: the table shows the label only."""
    return name.endswith("Iri") and name[: -len("Iri")] + "Label" in variables


def display(term: dict | None) -> str:
    """A W3C JSON term as a short readable string: contract IRIs abbreviated, literals bare."""
    if term is None:
        return ""
    value = term["value"]
    if term["type"] == "uri":
        return curie(value) or f"<{value}>"
    if term["type"] == "bnode":
        return f"_:{value}"
    return value
