"""Official statistics kept in a build folder across builds (``kg stats``).

``save`` keeps a graph that ``kg.stats.read_stats`` read in ``<out>/.kg/stats/`` (sorted
N-Quads and a TriG block, as the build cache keeps a document's graph), where every later
``kg build`` finds it (``graphs``); ``remove`` forgets one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..files import create_out_folder, write_atomically
from ..stats import StatsImport
from .cache import sorted_quads, trig_block
from .folder import OutputFolder
from .outputs import GraphFiles


@dataclass(frozen=True)
class StatsGraph:
    """A statistics graph kept in ``<out>/.kg/stats/``: its name, IRI, files and counts."""

    name: str
    iri: str
    key: str
    source: str
    triples: int
    observations: int
    folder: Path

    @property
    def files(self) -> GraphFiles:
        return GraphFiles(self.iri, self.folder / f"{self.key}.nq", self.folder / f"{self.key}.trig")


def save(out_dir: Path, imported: StatsImport) -> StatsGraph:
    """Keep ``imported`` in ``<out>/.kg/stats/`` in place of any earlier graph of the same name.

    The folder becomes an sgkg build folder (``kg.build.folder``) if it is not one yet; InputError
    for a non-empty folder that is not one, as for a build."""
    build = OutputFolder(out_dir)
    build.check()
    create_out_folder(out_dir)
    folder = build.stats
    folder.mkdir(parents=True, exist_ok=True)
    build.mark()
    lines, quads = sorted_quads(imported.graph, imported.triples)
    body = b"".join(lines)
    key = f"{imported.name}.{hashlib.sha256(body).hexdigest()[:16]}"
    write_atomically(folder / f"{key}.nq", body)
    write_atomically(folder / f"{key}.trig", trig_block(quads))
    record = {
        "name": imported.name,
        "graph": str(imported.graph),
        "key": key,
        "source": imported.source,
        "triples": len(lines),
        "observations": imported.observations,
    }
    write_atomically(folder / f"{imported.name}.json", json.dumps(record, sort_keys=True))
    _remove_unlisted(folder)
    return _graph(folder, record)


def remove(out_dir: Path, name: str) -> bool:
    """Forget the statistics graph ``name``; False when there was none."""
    folder = OutputFolder(out_dir).stats
    record = folder / f"{name}.json"
    if not record.is_file():
        return False
    record.unlink()
    _remove_unlisted(folder)
    return True


def graphs(out_dir: Path) -> list[StatsGraph]:
    """The statistics graphs kept in ``out_dir``, by name."""
    folder = OutputFolder(out_dir).stats
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        graph = _graph(folder, record)
        if graph.files.quads.is_file() and graph.files.trig.is_file():
            found.append(graph)
    return found


def _graph(folder: Path, record: dict) -> StatsGraph:
    return StatsGraph(
        record["name"],
        record["graph"],
        record["key"],
        record["source"],
        record["triples"],
        record["observations"],
        folder,
    )


def _remove_unlisted(folder: Path) -> None:
    keys = set()
    for path in folder.glob("*.json"):
        try:
            keys.add(json.loads(path.read_text(encoding="utf-8"))["key"])
        except (OSError, ValueError, KeyError):
            continue
    for path in folder.iterdir():
        if path.suffix in (".nq", ".trig") and path.stem not in keys:
            path.unlink(missing_ok=True)
