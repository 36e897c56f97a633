"""The ``kg`` command line: thin commands that parse, call one library function and print.

Each command maps the KgError family to one line on stderr and the exit code listed
in README.md ("Exit codes"); the library itself never prints or exits. When the reader of
standard output goes before kg has said everything (``kg build ... | head -1``), kg ends
quietly with exit 141, as Unix tools do.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from . import __version__
from .build.folder import DEFAULT_OUT
from .errors import InputError, KgError, PartialBuild
from .graph import GRAPH_HELP

try:  # typer 0.2x carries its own copy of click
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - older typer, on click itself
    from click.exceptions import UsageError  # type: ignore[no-redef]


class _OneLineGroup(TyperGroup):
    """The ``kg`` group, whose usage errors (an unknown command or option, an option's value
    missing or of the wrong kind, a missing argument) are one line on stderr and exit 2, as
    every other error of kg is; click would print the usage and a hint over four lines.
    Help asked for by giving no arguments at all is still help."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with _usage_errors_on_one_line(), _quiet_when_the_reader_goes():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _usage_errors_on_one_line(), _quiet_when_the_reader_goes():
            return super().invoke(ctx)


@contextlib.contextmanager
def _usage_errors_on_one_line() -> Iterator[None]:
    try:
        yield
    except UsageError as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # `kg` alone: its help, as asked
            raise
        where = f" (see `{error.ctx.command_path} --help`)" if error.ctx is not None else ""
        message = " ".join(error.format_message().split()).removesuffix(".")
        _say_error(message + where)
        raise typer.Exit(InputError.exit_code) from None


# `kg query --list | head -1`: the status a shell gives a tool that SIGPIPE ended (128 + 13),
# as `cat` or `yes` would end there.
READER_GONE_EXIT = 141


@contextlib.contextmanager
def _quiet_when_the_reader_goes() -> Iterator[None]:
    """End quietly, exit 141, when standard output is a pipe whose reader has gone (no traceback,
    no message, as Unix tools do). What is still buffered is flushed here, where its failure
    is caught, rather than at Python's exit, which would print "Exception ignored"."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_gone()


def _reader_gone() -> NoReturn:
    # Python's recipe ("Note on SIGPIPE" in the signal module's documentation): standard output
    # to devnull, so that nothing more fails as the interpreter ends. SIGPIPE itself stays ignored,
    # so a peer of `kg serve` or `kg push` hanging up does not kill kg.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(READER_GONE_EXIT)


class _Console(Console):
    """rich's console, which ends kg as any other write to a pipe whose reader has gone does
    (rich's own ends with exit 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        _reader_gone()


app = typer.Typer(
    name="kg",
    help=(
        "sgkg: turn children's safeguarding documents into a linked-data knowledge graph.\n\n"
        "Example: kg build seeds/ --out out/   then open out/graph.html"
    ),
    cls=_OneLineGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = _Console()
err_console = _Console(stderr=True)


def _say_error(message: str) -> None:
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)


def handles_errors(command: Callable) -> Callable:
    """Turn a KgError into ``error: <message>`` on stderr and the error's exit code.

    An OSError the library did not foresee (a folder the system will not create, a disk
    full) is one line too: exit 2 when it names a path (a path that cannot be used), else 1.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KgError as error:
            _say_error(str(error))
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            raise  # `kg query ... | head`: the group ends quietly (_quiet_when_the_reader_goes)
        except OSError as error:
            if error.filename is None:
                _say_error(error.strerror or str(error))
                raise typer.Exit(KgError.exit_code) from None
            _say_error(f"{error.filename}: {error.strerror or error}")
            raise typer.Exit(InputError.exit_code) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        console.print(f"kg (sgkg) {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """sgkg: turn children's safeguarding documents into a linked-data knowledge graph."""


@app.command()
@handles_errors
def build(
    paths: list[Path] = typer.Argument(..., help="Document files or folders to read."),
    out: Path = typer.Option(
        DEFAULT_OUT, "--out", "-o", help="Folder for graph.ttl, graph.trig and graph.html."
    ),
    rebuild: bool = typer.Option(
        False,
        "--rebuild",
        help="Map every document again and write every output afresh, ignoring the cache in OUT/.kg/.",
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, help="Worker processes for mapping (default: one per core)."
    ),
    html: bool = typer.Option(
        True,
        "--html/--no-html",
        help="Draw graph.html (a graph of over 2,500 nodes opens on its overview of areas, partners and themes).",
    ),
    compact: bool = typer.Option(
        True,
        "--compact/--no-compact",
        help="Compact the store in a background process once the build has returned (queries answer 20-35% faster after); "
        "--no-compact leaves no process at work in OUT, e.g. in a script that removes OUT next.",
    ),
    follow_links: bool = typer.Option(
        False,
        "--follow-links",
        help="Read files that symbolic links lead to outside the folders given (default: skipped with a warning).",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Build into OUT even when it is not empty and not an sgkg build (its graph.* files are then overwritten).",
    ),
) -> None:
    """Build the graph of the documents under PATHS into OUT (and the store OUT/store).

    Unchanged files are taken from the cache, and a few changed ones patch the previous
    outputs; --rebuild maps and writes everything again. The store is then compacted in
    the background (--no-compact: not).

    Example: kg build seeds/ --out out/
    """
    from .build.pipeline import BuildOptions
    from .build.pipeline import build as run_build

    with _build_progress() as progress:
        options = BuildOptions(
            out_dir=out,
            html=html,
            rebuild=rebuild,
            jobs=jobs,
            compact=compact,
            progress=progress,
            follow_links=follow_links,
            force=force,
        )
        report = run_build(list(paths), options)
    _print_build_summary(report)
    if report.failures:
        raise PartialBuild(
            f"{len(report.failures)} file(s) could not be read (listed above); the other documents were built"
        )


_PROGRESS_LABELS = {
    "map": "Mapping documents",
    "write": "Writing graph files",
    "store": "Filling the store",
    "render": "Drawing graph.html",
}
# Off a terminal (a log, a pipe, CI): plain progress lines for a stage of many items (every
# 100), and for any stage once the build has run 30 s (every 30 s): short builds print none.
_PLAIN_PROGRESS_ITEMS = 100
_PLAIN_PROGRESS_SECONDS = 30.0


@contextlib.contextmanager
def _build_progress():
    """A progress bar on stderr fed by the build's progress callback; off a terminal, plain
    lines on stderr: when a stage of 100 items or more starts, every 100 items and at its end;
    and once the build has run 30 s, when a stage starts or ends and every 30 s."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if not err_console.is_terminal:
        yield _plain_progress()
        return
    labels = _PROGRESS_LABELS
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        tasks: dict = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield progress


def _plain_progress() -> Callable[[str, int, int], None]:
    started = time.monotonic()
    last_stage: str | None = None  # the last line printed: its stage, time and count
    last_at = started
    last_done = 0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last_stage, last_at, last_done
        now = time.monotonic()
        many = total >= _PLAIN_PROGRESS_ITEMS
        if not many and now - started < _PLAIN_PROGRESS_SECONDS:
            return
        due = stage != last_stage or done == total or now - last_at >= _PLAIN_PROGRESS_SECONDS
        if due or (many and done // _PLAIN_PROGRESS_ITEMS != last_done // _PLAIN_PROGRESS_ITEMS):
            label = _PROGRESS_LABELS.get(stage, stage)
            err_console.print(
                f"{label}: {done}/{total} ({now - started:.0f} s)",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            last_stage, last_at, last_done = stage, now, done

    return progress


def _print_build_summary(report) -> None:
    from rdflib.namespace import split_uri

    failed = f" {len(report.failures)} file(s) failed." if report.failures else ""
    console.print(f"Built {report.documents} document(s): {report.triples} triples.{failed}")
    console.print(f"Mapped {report.mapped} file(s); {report.reused} unchanged file(s) taken from the cache.")
    if report.compactor is not None:
        console.print(
            f"Compacting the store in the background (process {report.compactor}); queries work meanwhile."
        )
    table = Table("class", "entities", title=None, box=None)
    for cls, count in sorted(report.classes.items(), key=lambda item: (-item[1], str(item[0]))):
        table.add_row(split_uri(cls)[1], str(count))
    console.print(table)
    for graph in report.stats:
        console.print(
            f"Official statistics {graph.name} (from {graph.source}): {graph.observations} observations "
            f"in <{graph.iri}>.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for warning in report.warnings:
        err_console.print(f"warning: {warning}", markup=False, highlight=False)
    for failure in report.failures:
        err_console.print(f"failed: {failure}", markup=False, highlight=False, soft_wrap=True)
    for path in report.written:
        console.print(f"wrote {path}", markup=False, highlight=False)
    html = next((p for p in report.written if p.suffix == ".html"), None)
    if html:
        console.print(f"Open {html} in a browser to explore the graph.", markup=False, highlight=False)


@app.command()
@handles_errors
def stats(
    csv_file: Path | None = typer.Argument(
        None, metavar="[FILE.csv]", help="An open-data CSV keyed by new_la_code, old_la_code or la_name."
    ),
    name: str | None = typer.Option(
        None, "--name", "-n", help="The graph's name: graph/stats/NAME (default: the file's name, slugged)."
    ),
    out: Path = typer.Option(
        DEFAULT_OUT, "--out", "-o", help="The build folder that keeps the statistics (in OUT/.kg/stats/)."
    ),
    remove: str | None = typer.Option(
        None, "--remove", help="Forget the statistics graph of this name instead."
    ),
    compact: bool = typer.Option(
        True,
        "--compact/--no-compact",
        help="Compact the store in a background process afterwards, as kg build does.",
    ),
) -> None:
    """Load official statistics (a DfE or Ofsted open-data CSV) as W3C Data Cube observations
    in the named graph https://w3id.org/sgkg/graph/stats/NAME, kept across rebuilds.

    Suppressed cells (c, x, z, ., :, low) are absent values; rows whose area cannot be
    resolved are listed. The build in OUT is published again with the graph (if there is
    none yet, the next kg build adds it).

    Example: kg stats children-in-need.csv --name cin --out out/
    """
    from .build import statistics
    from .build.pipeline import refresh_statistics
    from .stats import read_stats

    if csv_file is not None and remove is None:
        imported = read_stats(csv_file, name)
        statistics.save(out, imported)
    elif remove is not None and csv_file is None:
        if not statistics.remove(out, remove):
            raise InputError(f"no statistics graph named {remove!r} in {out}")
    else:
        raise InputError("give either FILE.csv or --remove NAME")
    # Published before anything is said: a reader gone early (`| head -1`) ends kg at its first line.
    report = refresh_statistics(out, compact=compact)
    if remove is None:
        _print_stats_import(imported)
    else:
        console.print(f"Removed the statistics graph {remove}.", markup=False, highlight=False)
    if report is None:
        console.print(
            f"No build in {out} to add it to: the next `kg build --out {out}` will.",
            markup=False,
            highlight=False,
        )
    else:
        console.print(
            f"Published {out}/store again: {report.triples} triples.", markup=False, highlight=False
        )
        if report.compactor is not None:
            console.print(
                f"Compacting the store in the background (process {report.compactor}); queries work meanwhile."
            )


def _print_stats_import(imported) -> None:
    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    say(f"Read {imported.source}: {imported.observations} observations into <{imported.graph}>.")
    say(f"  measures: {', '.join(imported.measures) or 'none'}")
    if imported.dimensions:
        say(f"  other dimensions: {', '.join(imported.dimensions)}")
    say(f"  suppressed cells (absent values): {imported.suppressed}")
    if imported.problems:
        say(f"  {len(imported.problems)} row(s) gave no observation:")
        for problem in imported.problems:
            say(f"    {problem}")


@app.command()
@handles_errors
def validate(
    graph: Path | None = typer.Argument(None, metavar="[GRAPH]", help=GRAPH_HELP),
    reasoner: bool = typer.Option(
        True, "--reasoner/--no-reasoner", help="Run HermiT (Java) on the ontology too."
    ),
) -> None:
    """Check the ontology with HermiT and GRAPH against the SHACL shapes; exit 5 if anything fails.

    Each violation names the rule, the node and the document it comes from.

    Example: kg validate out --no-reasoner
    """
    from .errors import ValidationFailed
    from .validate import ValidateOptions
    from .validate import validate as run_validate

    report = run_validate(graph, ValidateOptions(reasoner=reasoner))
    _print_validation_report(report)
    if not report.passed:
        raise ValidationFailed(f"{report.graph_path} does not pass validation: see the report above")


def _print_validation_report(report) -> None:
    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    if report.ontology is None:
        say("Ontology: not reasoned over (--no-reasoner).")
    elif not report.ontology.consistent:
        say("Ontology: INCONSISTENT according to HermiT.")
    else:
        unsatisfiable = ", ".join(report.ontology.unsatisfiable) or "none"
        say(f"Ontology: consistent according to HermiT; unsatisfiable classes: {unsatisfiable}.")
    say(f"Graph {report.graph_path}: {report.triples} triples, {len(report.violations)} violation(s).")
    for rule, count in sorted(report.rule_counts().items()):
        say(f"  {rule}: {count}")
    for violation in report.violations:
        label = f' "{violation.label}"' if violation.label else ""
        say(f"\n{violation.message}\n  node: {violation.node}{label}")
        say(f"  document: {', '.join(violation.documents) or 'unknown'}")
        if violation.path:
            say(f"  property: {violation.path}" + (f"  value: {violation.value}" if violation.value else ""))
    if report.passed:
        say("Validation passed.")


@app.command()
@handles_errors
def export(
    format_name: str = typer.Option(
        "ttl",
        "--format",
        "-f",
        help="ttl, nt, nq, nq.gz (N-Quads gzipped, for bulk loaders), trig, jsonld or graphml.",
    ),
    graph: Path | None = typer.Option(None, "--graph", "-g", help=GRAPH_HELP),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help=f"File to write (default: standard output); with --ontology, a folder (default {DEFAULT_OUT}/).",
    ),
    ontology: bool = typer.Option(
        False, "--ontology", help="Write the ontology as sgkg.ttl and sgkg.owl (RDF/XML) for Protégé instead."
    ),
) -> None:
    """Export the graph for other tools: RDF syntaxes, JSON-LD, GraphML for Gephi, or the ontology.

    Example: kg export --format graphml --out out/graph.graphml
    """
    from .exporters import export_graph, export_ontology
    from .files import check_out_file, create_out_folder, write_atomically
    from .graph import open_graph

    if ontology:
        create_out_folder(out or DEFAULT_OUT)
        for path in export_ontology(out or DEFAULT_OUT):
            console.print(f"wrote {path}", markup=False, highlight=False)
        return
    if out is not None:
        check_out_file(out)
    data = export_graph(open_graph(graph), format_name)
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        err_console.print(f"wrote {write_atomically(out, data)}", markup=False, highlight=False)


@app.command()
@handles_errors
def serve(
    graph: Path | None = typer.Option(None, "--graph", "-g", help=GRAPH_HELP),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (loopback unless told otherwise)."
    ),
    port: int = typer.Option(7878, "--port", "-p", help="Port to listen on."),
    timeout: float = typer.Option(
        10.0, "--timeout", help="Seconds a query may run before it is cancelled (503); 0.1 to 3600."
    ),
    row_limit: int = typer.Option(
        10_000, "--row-limit", help="Most result rows or triples sent for one query; 1 to 10,000,000."
    ),
    memory_limit: int = typer.Option(
        1024,
        "--memory-limit",
        help="Megabytes a query worker may use beyond the graph; a query past it is ended (500 or 503). At least 64.",
    ),
    allow_service: bool = typer.Option(
        False,
        "--allow-service",
        help="Let queries use SERVICE: the server then fetches any address a query names.",
    ),
    allow_host: list[str] = typer.Option(
        [],
        "--allow-host",
        help="A further name the Host header may carry (repeatable), e.g. a DNS name of this machine.",
    ),
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql, with a query page at /.

    SERVICE is refused unless --allow-service; requests must name this server in their
    Host header; see docs/security.md for what else is refused and capped.

    Example: kg serve --port 7878   then   curl 'http://127.0.0.1:7878/sparql?query=ASK{?s?p?o}'
    """
    from .serve import ServeOptions, make_server

    options = ServeOptions(
        graph=graph,
        host=host,
        port=port,
        timeout=timeout,
        row_limit=row_limit,
        memory_mb=memory_limit,
        allow_service=allow_service,
        allowed_hosts=tuple(allow_host),
    )
    server = make_server(options)
    console.print(
        f"Serving SPARQL at {server.url} (query page at {server.url[: -len('sparql')]}); Ctrl-C stops.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@app.command()
@handles_errors
def push(
    endpoint: str = typer.Option(
        ...,
        "--endpoint",
        "-e",
        help="Graph Store HTTP Protocol URL, e.g. http://127.0.0.1:8890/sparql-graph-crud-auth",
    ),
    auth: str | None = typer.Option(None, "--auth", help="USER:PASSWORD for the endpoint (Basic or Digest)."),
    graph: Path | None = typer.Option(None, "--graph", "-g", help=GRAPH_HELP),
) -> None:
    """Send each named graph, and the ontology, to a triplestore (PUT per graph: a re-push replaces).

    A graph file without named graphs (Turtle, N-Triples) goes to the endpoint's default graph.

    Example: kg push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --auth dba:dba
    """
    from .push import DEFAULT_GRAPH, PushOptions, parse_auth
    from .push import push as run_push

    pushed = run_push(PushOptions(endpoint=endpoint, auth=parse_auth(auth), graph=graph))
    for item in pushed:
        name = "the default graph" if item.iri == DEFAULT_GRAPH else f"<{item.iri}>"
        console.print(
            f"pushed {name}: {item.triples} triples (HTTP {item.status})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"Pushed {len(pushed)} graph(s) to {endpoint}.", markup=False, highlight=False)


@app.command()
@handles_errors
def query(
    name: str | None = typer.Argument(
        None, metavar="[NAME|FILE.rq]", help="A library query name or a .rq file."
    ),
    graph: Path | None = typer.Option(None, "--graph", "-g", help=GRAPH_HELP),
    param: list[str] = typer.Option(
        [],
        "--param",
        "-p",
        help="A parameter as key=value (repeatable); IRIs, prefix:name, integers and dates are typed; "
        "a name may be in any case, an acronym, or part of one thing's name (see docs/queries.md).",
    ),
    format_name: str = typer.Option(
        "table",
        "--format",
        "-f",
        help="table, csv, tsv or json (the last three are W3C SPARQL results formats).",
    ),
    expression: str | None = typer.Option(
        None, "--expression", "-e", help="Inline SPARQL to run instead of a named query."
    ),
    list_library: bool = typer.Option(
        False, "--list", "-l", help="List the library queries with their questions."
    ),
) -> None:
    """Answer a question with SPARQL: a library query by NAME, any FILE.rq, or -e 'SELECT ...'.

    Example: kg query roles --param person="Grace Okafor" --format csv
    """
    from .query import QueryRequest, answer_request, library_listing

    if list_library:
        sys.stdout.write(library_listing())
        return
    request = QueryRequest(name, expression, graph, tuple(param), format_name)
    output = answer_request(request)
    if isinstance(output.rendered, str):
        sys.stdout.write(output.rendered)
    else:
        console.print(output.rendered)
    for note in output.notes:
        err_console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)


@app.command()
@handles_errors
def viz(
    graph: Path | None = typer.Option(None, "--graph", "-g", help=GRAPH_HELP),
    out: Path = typer.Option(DEFAULT_OUT / "graph.html", "--out", "-o", help="The page to write."),
    view: str = typer.Option("full", "--view", help='full, partners-failings, "area AREA" or "node LABEL".'),
) -> None:
    """Write the interactive graph: one offline HTML page with labels, legend, search and focus, filters,
    a date range, evidence, the view kept in its address and PNG/CSV export. The full view of a graph
    over 2,500 nodes opens on an overview of areas, partners and themes to drill into.

    Example: kg viz --view partners-failings --out out/partners.html
    """
    from .files import check_out_file
    from .project import View
    from .render import render_file

    written = render_file(graph, check_out_file(out), View.parse(view))
    console.print(f"wrote {written}", markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
