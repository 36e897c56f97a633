"""The package's shape, as README.md's "How it works" draws it: three groups and no cycle.

- every module imports on its own (``python -c "import kg.X"``): an import cycle shows only
  when one of its modules is imported first (``kg.resolve`` used to fail so);
- the graph readers (query, viz, export, serve, push, validate) reach a built graph only
  through the door, ``kg.graph``: none imports the build (``kg.build``) or the mapper;
- the domain (reading and mapping documents) imports neither the readers nor the build, but
  for ``kg.ingest`` asking ``kg.build.folder`` which folders are builds (never read as input).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"
# Modules every group may use: errors, namespaces, data files, atomic writes.
SHARED = {
    "kg",
    "kg.errors",
    "kg.prefixes",
    "kg.vocab",
    "kg.resources",
    "kg.datafiles",
    "kg.files",
    "kg.xml_entities",
}
READERS = {
    "kg.graph",
    "kg.query",
    "kg.parameters",
    "kg.isolation",
    "kg.sparql_guard",
    "kg.project",
    "kg.layout",
    "kg.render",
    "kg.exporters",
    "kg.serve",
    "kg.push",
    "kg.validate",
}
DOMAIN_TOP = {"kg.ingest", "kg.text", "kg.claims", "kg.spans", "kg.resolve", "kg.mapping"}
DOMAIN_TOP |= {"kg.geography", "kg.lexicon", "kg.stats"}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(_name(path) for path in PACKAGE.rglob("*.py"))


def _group(module: str) -> str:
    if module in SHARED:
        return "shared"
    if module in READERS:
        return "readers"
    if module == "kg.build" or module.startswith("kg.build."):
        return "build"
    if module in DOMAIN_TOP or module.startswith(("kg.extract", "kg.readers")):
        return "domain"
    return "cli" if module == "kg.cli" else "unknown"


def _imports(module: str) -> set[str]:
    """The kg modules ``module`` imports (at any depth of its code), by full name."""
    path = PACKAGE.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PACKAGE.parent / module.replace(".", "/") / "__init__.py"
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            names = [f"{target}.{alias.name}" for alias in node.names]
            found |= {name for name in names if name in MODULES} or {target}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name == "kg" or name.startswith("kg.")}


def test_every_module_is_in_a_group():
    assert len(MODULES) > 40
    assert [module for module in MODULES if _group(module) == "unknown"] == []


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_on_its_own(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_readers_reach_a_built_graph_only_through_the_door():
    crossing = {
        module: sorted(
            imported for imported in _imports(module) if _group(imported) not in ("shared", "readers")
        )
        for module in sorted(READERS - {"kg.graph"})
    }
    assert {module: found for module, found in crossing.items() if found} == {}
    assert _imports("kg.graph") - SHARED == {"kg.build.folder"}  # the door knows the folder's layout


def test_the_domain_imports_neither_readers_nor_the_build():
    crossing = {
        module: sorted(
            imported for imported in _imports(module) if _group(imported) in ("readers", "build", "cli")
        )
        for module in MODULES
        if _group(module) == "domain"
    }
    assert {module: found for module, found in crossing.items() if found} == {
        "kg.ingest": ["kg.build.folder"]
    }
