"""Every mistake a user can make on the command line is one line on stderr and a documented
exit code, never a traceback (issue 18): each command of ``kg`` is driven with bad values
for each of its options, in-process through Typer's CliRunner and the real ``app``, and a
few through the installed entry point as real processes."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import GraphNotFound, InputError, QueryError, RemoteError

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "tests" / "fixtures" / "queries" / "fixture.trig"
CSV = ROOT / "tests" / "fixtures" / "stats" / "children-in-need.csv"
README = (ROOT / "README.md").read_text(encoding="utf-8")

USAGE, INPUT, NO_GRAPH, QUERY, REMOTE = 2, InputError.exit_code, GraphNotFound.exit_code, 4, 9


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# (arguments, exit code, words the one line must hold). In the arguments, {graph} is a
# small built graph, {csv} a statistics CSV, {file} a plain file (not a folder, not RDF),
# {full} a folder with a file in it that is no build, {tmp} a fresh folder, {port} a port
# nothing listens on.
CASES: list[tuple[str, int, str]] = [
    # the command itself
    ("nosuch", USAGE, "No such command 'nosuch'"),
    ("buil", USAGE, "Did you mean 'build'?"),
    ("--bogus", USAGE, "No such option: --bogus"),
    # build
    ("build", USAGE, "Missing argument 'paths' (see `kg build --help`)"),
    ("build {tmp}/nowhere --out {tmp}/out", INPUT, "{tmp}/nowhere: no such file or folder"),
    ("build {tmp}/a {tmp}/b --out {tmp}/out", INPUT, "{tmp}/a: no such file or folder; {tmp}/b: no such"),
    ("build {full} --out {file}", INPUT, "{file}: not a folder"),  # issue 18: --out README.md
    ("build {full} --out {file}/sub", INPUT, "{file}/sub: cannot create the folder"),
    ("build {full} --out {full}", INPUT, "not empty and not an sgkg build"),
    ("build {full} --out {tmp}/out --jobs 0", USAGE, "Invalid value for '--jobs'"),
    ("build {full} --out {tmp}/out --jobs many", USAGE, "Invalid value for '--jobs'"),
    ("build {full} --out", USAGE, "Option '--out' requires an argument"),
    ("build {full} --colour red", USAGE, "No such option: --colour"),
    # stats
    ("stats --out {tmp}/out", INPUT, "give either FILE.csv or --remove NAME"),
    ("stats {csv} --remove cin --out {tmp}/out", INPUT, "give either FILE.csv or --remove NAME"),
    ("stats {tmp}/none.csv --out {tmp}/out", INPUT, "none.csv"),
    ("stats {file} --out {tmp}/out", INPUT, "no column says which area a row is about"),
    ("stats {tmp} --out {tmp}/out", INPUT, "{tmp}"),
    ("stats {csv} --name ../up --out {tmp}/out", INPUT, "../up"),
    ("stats --remove nosuch --out {tmp}/out", INPUT, "no statistics graph named 'nosuch'"),
    ("stats {csv} --out {file}", INPUT, "{file}: not a folder"),
    ("stats {csv} --out {file}/sub", INPUT, "{file}/sub: cannot create the folder"),
    ("stats {csv} --compact-later", USAGE, "No such option: --compact-later"),
    # validate
    ("validate {tmp}/none.trig --no-reasoner", NO_GRAPH, "none.trig"),
    ("validate {file} --no-reasoner", INPUT, "{file}"),
    ("validate {graph} --reason", USAGE, "No such option: --reason"),
    # export
    ("export --graph {graph} --format xml", INPUT, "xml"),
    ("export --graph {tmp}/none.trig", NO_GRAPH, "none.trig"),
    ("export --graph {file}", INPUT, "{file}"),
    ("export --graph {graph} --out {tmp}/no/folder.ttl", INPUT, "there is no folder {tmp}/no to write it in"),
    ("export --graph {graph} --out {tmp}", INPUT, "{tmp}: is a folder; give --out a file name"),
    ("export --ontology --out {file}", INPUT, "{file}: not a folder"),
    ("export --ontology --out {file}/sub", INPUT, "{file}/sub: cannot create the folder"),
    ("export --format", USAGE, "Option '--format' requires an argument"),
    # serve (every value is refused before the server would start)
    ("serve --graph {graph} --port 99999", INPUT, "--port 99999: must be between 0 and 65,535"),
    ("serve --graph {graph} --port -1", INPUT, "--port -1: must be between"),
    ("serve --graph {graph} --port http", USAGE, "Invalid value for '--port'"),
    ("serve --graph {graph} --timeout 0", INPUT, "--timeout 0"),
    ("serve --graph {graph} --timeout nan", INPUT, "--timeout nan"),
    ("serve --graph {graph} --timeout inf", INPUT, "--timeout inf"),
    ("serve --graph {graph} --row-limit 0", INPUT, "--row-limit 0"),
    ("serve --graph {graph} --memory-limit 1", INPUT, "--memory-limit 1"),
    ("serve --graph {graph} --allow-host ''", INPUT, "--allow-host '': give a host name"),
    ("serve --graph {graph} --allow-host example.org:80", INPUT, "--allow-host 'example.org:80'"),
    ("serve --graph {graph} --host 'not a host' --port {port}", INPUT, "cannot listen on not a host"),
    ("serve --graph {tmp}/none.trig", NO_GRAPH, "none.trig"),
    ("serve --graph {file}", INPUT, "{file}"),
    # push
    ("push --graph {graph}", USAGE, "Missing option '--endpoint'"),
    ("push --endpoint not-a-url --graph {graph}", INPUT, "--endpoint 'not-a-url': give the Graph Store's"),
    ("push --endpoint ftp://127.0.0.1/store --graph {graph}", INPUT, "http:// or https:// URL"),
    ("push --endpoint http:// --graph {graph}", INPUT, "http:// or https:// URL"),
    ("push --endpoint 'http://[::1' --graph {graph}", INPUT, "not a URL"),
    ("push --endpoint http://127.0.0.1:99999/store --graph {graph}", INPUT, "not a URL"),
    ("push --endpoint http://127.0.0.1:{port}/store --auth nocolon --graph {graph}", INPUT, "USER:PASSWORD"),
    ("push --endpoint http://127.0.0.1:{port}/store --graph {tmp}/none.trig", NO_GRAPH, "none.trig"),
    ("push --endpoint http://127.0.0.1:{port}/store --graph {graph}", REMOTE, "could not send graph"),
    # query
    ("query roles --graph {tmp}/none.trig", NO_GRAPH, "none.trig"),
    ("query roles --graph {graph} --param person", QUERY, "key=value"),
    ("query roles --graph {graph} --param colour=red", QUERY, "has no parameter colour"),
    ("query roles --graph {graph} --format xml", QUERY, "unknown format 'xml'"),
    ("query roles --graph {graph} --param organisation=Millbrook", QUERY, "could be any of 4 organisations"),
    ("query rolez --graph {graph}", QUERY, "did you mean: roles?"),
    (
        "query -e 'SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}' -g {graph}",
        REMOTE,
        "SERVICE",
    ),
    ("query --param", USAGE, "Option '--param' requires an argument"),
    # viz
    ("viz --graph {tmp}/none.trig --out {tmp}/v.html", NO_GRAPH, "none.trig"),
    ("viz --graph {file} --out {tmp}/v.html", INPUT, "{file}"),
    ("viz --graph {graph} --view sideways --out {tmp}/v.html", INPUT, "unknown view 'sideways'"),
    (
        "viz --graph {graph} --view 'area Atlantis' --out {tmp}/v.html",
        INPUT,
        "no single area called 'Atlantis'",
    ),
    ("viz --graph {graph} --out {tmp}/no/v.html", INPUT, "there is no folder {tmp}/no to write it in"),
    ("viz --graph {graph} --out {tmp}", INPUT, "{tmp}: is a folder"),
]
if Path("/proc").is_dir():  # the issue's own example: a folder the system will not create
    CASES.append(("build {full} --out /proc/nope", INPUT, "/proc/nope: cannot create the folder"))


@pytest.fixture
def places(tmp_path) -> dict[str, str]:
    full = tmp_path / "full"
    full.mkdir()
    (full / "note.txt").write_text("The Eastbridge partnership met in 2023.\n", encoding="utf-8")
    plain = tmp_path / "plain.md"
    plain.write_text("Not a graph, not a folder.\n", encoding="utf-8")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    return {
        "graph": str(GRAPH),
        "csv": str(CSV),
        "file": str(plain),
        "full": str(full),
        "tmp": str(fresh),
        "port": str(_closed_port()),
    }


def _arguments(line: str, places: dict[str, str]) -> list[str]:
    import shlex

    return shlex.split(line.format(**places))


@pytest.mark.parametrize(("line", "code", "words"), CASES, ids=[case[0] for case in CASES])
def test_a_bad_value_is_one_line_and_a_documented_exit_code(line, code, words, places):
    result = CliRunner().invoke(app, _arguments(line, places))
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert words.format(**places) in result.stderr


def test_every_command_is_driven_with_bad_values():
    driven = {line.split()[0] for line, _, _ in CASES}
    assert set(get_command(app).commands) <= driven


def test_every_exit_code_of_the_table_is_documented():
    documented = {int(code) for code in re.findall(r"^\| (\d) \|", README, re.MULTILINE)}
    assert {code for _, code, _ in CASES} <= documented
    assert {USAGE, INPUT, NO_GRAPH, QUERY, REMOTE} == {2, 3, 4, 9}
    assert (QueryError.exit_code, RemoteError.exit_code) == (QUERY, REMOTE)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("push --endpoint not-a-url --graph {graph}", INPUT),  # issue 18: was a ValueError's traceback
        ("build {full} --out {file}/sub", INPUT),  # was FileNotFoundError's traceback
        ("build {full} --jobs 0 --out {tmp}/out", USAGE),  # click printed usage over four lines
        ("nosuch", USAGE),
    ],
)
def test_the_installed_command_says_one_line_too(line, code, places):
    """The same through ``kg.cli:main`` (the console script) in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", *_arguments(line, places)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=places["tmp"],
    )
    assert done.returncode == code, done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr


def test_no_arguments_still_shows_the_help():
    result = CliRunner().invoke(app, [])
    assert "Usage: kg" in result.output and "build" in result.output
