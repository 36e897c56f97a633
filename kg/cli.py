"""The ``kg`` command line: thin commands that parse, call one library function and print.

Each command maps the KgError family to one line on stderr and the exit code listed
in README.md ("Exit codes"); the library itself never prints or exits.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, List, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import KgError

app = typer.Typer(
    name="kg",
    help=(
        "sgkg: turn children's safeguarding documents into a linked-data knowledge graph.\n\n"
        "Example: kg build seeds/ --out out/   then open out/graph.html"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console()
err_console = Console(stderr=True)


def handles_errors(command: Callable) -> Callable:
    """Turn a KgError into ``error: <message>`` on stderr and the error's exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KgError as error:
            err_console.print(f"error: {error}", markup=False, highlight=False)
            raise typer.Exit(error.exit_code) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        console.print(f"kg (sgkg) {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """sgkg: turn children's safeguarding documents into a linked-data knowledge graph."""


@app.command()
@handles_errors
def build(
    paths: List[Path] = typer.Argument(..., help="Document files or folders to read."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for graph.ttl, graph.trig and graph.html."),
) -> None:
    """Build the graph of the documents under PATHS into OUT.

    Example: kg build seeds/ --out out/
    """
    from .pipeline import BuildOptions, build as run_build

    report = run_build(list(paths), BuildOptions(out_dir=out))
    _print_build_summary(report)


def _print_build_summary(report) -> None:
    from rdflib.namespace import split_uri

    console.print(f"Built {report.documents} document(s): {report.triples} triples.")
    table = Table("class", "entities", title=None, box=None)
    for cls, count in sorted(report.classes.items(), key=lambda item: (-item[1], str(item[0]))):
        table.add_row(split_uri(cls)[1], str(count))
    console.print(table)
    for warning in report.warnings:
        err_console.print(f"warning: {warning}", markup=False, highlight=False)
    for failure in report.failures:
        err_console.print(f"failed: {failure}", markup=False, highlight=False)
    for path in report.written:
        console.print(f"wrote {path}", markup=False, highlight=False)
    html = next((p for p in report.written if p.suffix == ".html"), None)
    if html:
        console.print(f"Open {html} in a browser to explore the graph.", markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
