"""The README's commands run as printed.

Every shell command of README.md's code blocks that runs ``kg`` (``kg ...``, ``$ kg ...``,
``.venv/bin/kg ...``, a quoted argument continuing on the next lines) is run, in the README's
order, with the installed ``kg``, in a folder that holds what the README assumes: ``seeds/``,
``children-in-need.csv`` (``tests/fixtures/stats/``), the build of the seeds in ``out/`` (as
``make run`` leaves it) and ``real/`` (the README's build of real reports, here the same seed
build: the real reports are not in the repository). Each must exit 0; a ``kg query`` whose
answer the README prints must answer with the columns printed there.

Two kinds need a server, and get a local one: ``kg serve`` runs until it has answered a query
and is then stopped; ``kg push`` (printed against Virtuoso and an Oxigraph server) pushes to an
Oxigraph server started here (the ``oxigraph`` binary of PyPI's ``oxigraph`` package, as in
tests/test_push_oxigraph.py), its URL in place of the printed one.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from linked_data import free_port, missing, stop

ROOT = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"
_COMMAND = re.compile(r"^(?:\$ )?(?:\.venv/bin/)?(kg .*)$")
_ENDPOINT = re.compile(r"http://127\.0\.0\.1:\d+/[\w-]+")
# The README's commands: a test that silently ran fewer would prove less.
EXPECTED_COMMANDS = 19


def readme_commands() -> list[tuple[str, list[str]]]:
    """Each ``kg`` command of README.md's code blocks (continued lines joined) and the output
    printed under it (up to the next blank line or command)."""
    lines = [line[4:] for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()]
    commands: list[tuple[str, list[str]]] = []
    index = 0
    while index < len(lines):
        match = _COMMAND.match(lines[index])
        index += 1
        if not match:
            continue
        text = match[1]
        while not _complete(text) and index < len(lines):
            text += "\n" + lines[index]
            index += 1
        printed = []
        while index < len(lines) and lines[index].strip() and not _COMMAND.match(lines[index]):
            printed.append(lines[index])
            index += 1
        commands.append((text, printed))
    return commands


def _complete(text: str) -> bool:
    try:
        shlex.split(text, comments=True)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A folder laid out as the README assumes, with the seeds built into ``out/``."""
    folder = tmp_path_factory.mktemp("readme")
    (folder / "seeds").symlink_to(ROOT / "seeds")
    shutil.copy(ROOT / "tests" / "fixtures" / "stats" / "children-in-need.csv", folder)
    subprocess.run([str(KG), "build", "seeds/", "--no-compact"], cwd=folder, check=True, capture_output=True)
    (folder / "real").symlink_to("out")
    return folder


@pytest.fixture(scope="module")
def triplestore(tmp_path_factory):
    """The Graph Store URL of an Oxigraph server started for this module."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        missing("`oxigraph` not found: pip install oxigraph (it is in sgkg's test extras)")
    port = free_port()
    folder = tmp_path_factory.mktemp("readme-oxigraph")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/", process)
        yield base + "/store"
    finally:
        stop(process, 10)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing answered at {url} within 30 s")


def _environment() -> dict[str, str]:
    # Wide enough that tables are never cut; the venv's kg first on the PATH.
    return {**os.environ, "COLUMNS": "400", "PATH": f"{KG.parent}{os.pathsep}{os.environ['PATH']}"}


def _serve(arguments: list[str], folder: Path) -> subprocess.CompletedProcess:
    """Run ``kg serve ...`` until it has answered one query (on a free port if the printed one is taken)."""
    port = arguments[arguments.index("--port") + 1]
    if not _port_free(int(port)):
        arguments[arguments.index("--port") + 1] = port = str(free_port())
    process = subprocess.Popen(
        [str(KG), *arguments[1:]],
        cwd=folder,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D", process)
    finally:
        stop(process, 10)
        output, errors = process.communicate()
    return subprocess.CompletedProcess(arguments, 0, output, errors)


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_the_readme_commands_run_as_printed(workspace, triplestore):
    commands = readme_commands()
    assert len(commands) == EXPECTED_COMMANDS, [text for text, _ in commands]
    failures = []
    for text, printed in commands:
        arguments = shlex.split(_ENDPOINT.sub(triplestore, text), comments=True)
        if arguments[1] == "serve":
            done = _serve(arguments, workspace)
        else:
            done = subprocess.run(
                [str(KG), *arguments[1:]], cwd=workspace, env=_environment(), capture_output=True, timeout=600
            )
        output = done.stdout.decode("utf-8", "replace")
        shown = re.search(r"\(exit (\d+)\)\s*$", printed[-1]) if printed else None
        if shown:  # the README shows a refusal: its exit code and its first words
            said = done.stderr.decode("utf-8", "replace")
            if done.returncode != int(shown[1]) or printed[-1].split(":")[0] not in said:
                failures.append(f"{text}\n  exit {done.returncode} (README: {shown[1]}): {said}")
        elif done.returncode != 0:
            failures.append(f"{text}\n  exit {done.returncode}: {done.stderr.decode('utf-8', 'replace')}")
        elif arguments[1] == "query" and printed:
            columns = re.split(r"[\s|,]+", printed[0].strip())
            absent = [column for column in columns if column not in output]
            if absent:
                failures.append(f"{text}\n  answered without the printed columns {absent}:\n{output[:500]}")
    assert not failures, "\n\n".join(failures)
