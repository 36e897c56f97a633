"""A plain (not editable) wheel ships the ontology, the shapes and the query library inside
``kg/_shipped/`` (pyproject's force-include), and an installed ``kg`` finds them from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_GRAPH = Path(__file__).parent / "fixtures" / "validate" / "good.trig"

_WHERE_ARE_THE_RESOURCES = """
import json, kg, kg.resources as r
print(json.dumps({
    "package": kg.__file__,
    "ontology": sorted(p.name for p in r.ontology_dir().iterdir()),
    "ontology_dir": str(r.ontology_dir()),
    "queries": sorted(p.name for p in r.queries_dir().glob("*.rq")),
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("sgkg-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return target


def _repo_queries() -> list[str]:
    return sorted(path.name for path in (ROOT / "queries").glob("*.rq"))


def test_the_wheel_ships_ontology_shapes_and_queries(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kg/_shipped/ontology/sgkg.ttl", "kg/_shipped/ontology/shapes.ttl"} <= names
    shipped_queries = sorted(
        n.removeprefix("kg/_shipped/queries/") for n in names if n.startswith("kg/_shipped/queries/")
    )
    assert shipped_queries == _repo_queries()


def test_an_installed_kg_finds_its_resources_from_another_folder(installed, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", _WHERE_ARE_THE_RESOURCES],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(result.stdout)
    assert Path(found["package"]).is_relative_to(installed)
    assert Path(found["ontology_dir"]) == installed / "kg" / "_shipped" / "ontology"
    assert {"sgkg.ttl", "shapes.ttl"} <= set(found["ontology"])
    assert found["queries"] == _repo_queries()


def test_the_installed_command_validates_with_the_shipped_shapes(installed, tmp_path):
    result = subprocess.run(
        [str(installed / "bin" / "kg"), "validate", str(GOOD_GRAPH), "--no-reasoner"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation passed." in result.stdout
