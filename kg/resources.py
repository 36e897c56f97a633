"""One way to reach the data that ships with sgkg: ontology, shapes, queries, gazetteers.

In a source checkout the ontology and queries live at the top of the repository
(``ontology/``, ``queries/``); in an installed wheel they are copied into
``kg/_shipped/`` (see ``[tool.hatch.build.targets.wheel.force-include]`` in
pyproject.toml). Gazetteers and templates live in ``kg/data/`` in both cases.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

_PACKAGE = Path(__file__).resolve().parent
_SHIPPED = _PACKAGE / "_shipped"
_CHECKOUT = _PACKAGE.parent


def _top_level(folder: str) -> Path:
    shipped = _SHIPPED / folder
    return shipped if shipped.is_dir() else _CHECKOUT / folder


def ontology_dir() -> Path:
    """The folder holding ``sgkg.ttl`` and ``shapes.ttl``."""
    return _top_level("ontology")


def queries_dir() -> Path:
    """The folder holding the SPARQL query library (``*.rq``)."""
    return _top_level("queries")


def data_path(name: str) -> Path:
    """A file in ``kg/data/`` (gazetteers, cue words, templates)."""
    return _PACKAGE / "data" / name


@cache
def load_json(name: str) -> dict | list:
    """Parse a JSON data file from ``kg/data/`` once per process, as it is (the extractors read
    theirs through the typed, checked loaders of ``kg.datafiles``)."""
    return json.loads(data_path(name).read_text(encoding="utf-8"))


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """The non-blank, non-comment lines of a text data file in ``kg/data/``."""
    lines = data_path(name).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


@cache
def ontology_graph() -> Graph:
    """``ontology/sgkg.ttl`` parsed once per process (theme cues, the classes the data files
    name, the schemes graph). rdflib is imported here, not with the module: ``kg query`` reaches
    the query library through this module and starts faster without it."""
    from rdflib import Graph

    return Graph().parse(ontology_dir() / "sgkg.ttl", format="turtle")
