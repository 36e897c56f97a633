"""Helpers for the linked-data tests: outside tools (Raptor, Jena, Virtuoso) and free ports.

A test that needs a tool the machine lacks is skipped with the reason, except under
CI (env ``CI`` set), where the tool must be there (``.ci/run`` installs it) and its
absence fails the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "linked-data" / "small.trig"


def missing(reason: str) -> None:
    """Skip (developer machine) or fail (CI) because an outside tool is missing."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: see APT_PACKAGES in .ci/run)")
    pytest.skip(reason)


def require_program(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"`{name}` not found: apt-get install {package}")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float) -> None:
    """End a server the tests started: SIGTERM, then SIGKILL after ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def jena_riot(work_dir: Path) -> list[str]:
    """The command line that runs Apache Jena's ``riot`` from Debian's libapache-jena-java.

    The package ships jars but no ``riot`` script, so the class path is made from the
    jars of the package and of its dependencies. Debian's jena-core (4.5.0-2) renames
    Jena's bundled Xerces to the package ``xerces`` but leaves its message files under
    ``org/apache/jena/ext/xerces``; without them every parse dies while Jena starts
    (``ExceptionInInitializerError`` in ``XSSimpleTypeDecl.applyFacets1``). The message
    files are copied to where the renamed classes look for them.
    """
    require_program("java", "default-jre-headless")
    jena_core = Path("/usr/share/java/jena-core.jar")
    if not jena_core.exists():
        missing("Apache Jena not found: apt-get install libapache-jena-java")
    resources = work_dir / "jena-xerces-messages"
    with zipfile.ZipFile(jena_core) as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = resources / "xerces" / name[len("org/apache/jena/ext/xerces/") :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    class_path = [str(resources), *_jena_jars()]
    return ["java", "-cp", ":".join(class_path), "riotcmd.riot"]


def _jena_jars() -> list[str]:
    listing = subprocess.run(
        [
            "apt-cache",
            "depends",
            "--recurse",
            "--installed",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            "libapache-jena-java",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    packages = sorted({line.strip() for line in listing.splitlines() if line and not line.startswith(" ")})
    files = subprocess.run(["dpkg", "-L", *packages], capture_output=True, text=True).stdout.splitlines()
    # Unversioned jars only (each is a link to the versioned one), and one SLF4J binding
    # at most: the other bindings and bridges make SLF4J refuse to start.
    unwanted = (
        "log4j-over-slf4j",
        "slf4j-log4j12",
        "slf4j-jcl",
        "slf4j-jdk14",
        "slf4j-nop",
        "slf4j-migrator",
        "jcl-over-slf4j",
    )
    return sorted(
        path
        for path in set(files)
        if path.startswith("/usr/share/java/")
        and path.endswith(".jar")
        and path.count("/") == 4
        and not path[:-4][-1].isdigit()
        and not any(name in path for name in unwanted)
    )
