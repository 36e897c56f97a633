"""The incremental build cache: each document's named graph, kept by content hash.

Implements the "Incremental builds" part of the real-world input issue: an unchanged
file is not read or mapped again. An entry's key is the SHA-256 of the mapper
fingerprint, the document id, the file name and the SHA-256 of the file's raw bytes,
so a changed file, a renamed file or a changed mapper (any source file of ``kg/``,
its data files or the ontology) all miss the cache and are mapped afresh.

Each entry is three files under ``<out>/.kg/cache/``, written atomically and
immutable once written (so two builds never disagree about one):

- ``<key>.nq``: the named graph as N-Quads, one line per triple, lines sorted by the
  triple's N-Triples text and without repeats. Sorted lines make every later step a
  streaming merge, and make the output independent of the order documents were mapped.
- ``<key>.trig``: the same graph as a TriG block without ``@prefix`` lines, ready to
  be concatenated into ``graph.trig``.
- ``<key>.json``: the document id, graph IRI, triple count and mapping warnings;
  written last, so its presence means the entry is complete.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.term import IdentifiedNode

from .. import __version__, ingest, mapping
from ..errors import InputError
from ..files import write_atomically
from ..prefixes import PREFIXES
from ..resources import ontology_dir
from .outputs import serialized, without_prefixes

_PACKAGE = Path(__file__).resolve().parent.parent
_SCHEMES_KEY_NAME = "schemes"


@dataclass(frozen=True)
class Entry:
    """One document's cached named graph (or, with ``failure`` set, why it has none)."""

    path: Path | None
    document_id: str
    key: str = ""
    graph: str = ""
    triples: int = 0
    warnings: tuple[str, ...] = ()
    failure: str | None = None


@cache
def mapper_fingerprint() -> str:
    """A hash of everything that decides what the mapper writes.

    Covers every file of the ``kg`` package (sources and ``kg/data``), the ontology
    folder and the versions of sgkg, rdflib and pyoxigraph. Coarse on purpose: an edit
    anywhere in ``kg/`` rebuilds everything rather than risk serving a stale graph.
    """
    versions = f"{__version__} {rdflib.__version__} {ox.__version__}"
    return folders_fingerprint((_PACKAGE, ontology_dir()), versions)


def folders_fingerprint(folders: tuple[Path, ...], salt: str) -> str:
    """A hash of ``salt`` and the names and bytes of every file under ``folders`` (caches skipped)."""
    digest = hashlib.sha256(salt.encode())
    for root in folders:
        for path in sorted(root.rglob("*"), key=lambda p: p.as_posix()):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# An entry's files, ``<key>.nq|.trig|.json``, and their temporary files while written
# (``.<key>.nq.<random>``, kg.files.atomic_writer).
_ENTRY_NAME = re.compile(
    r"^(?P<temporary>\.)?(?P<key>[0-9a-f]{64})\.(?:nq|trig|json)(?(temporary)\.[A-Za-z0-9_]+|)$"
)


def entry_key(fingerprint: str, document_id: str, file_name: str, sha256: str) -> str:
    """The cache key of one document version under one mapper version."""
    material = "\x00".join((fingerprint, document_id, file_name, sha256))
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()


class DocumentCache:
    """The entries under one folder, for one mapper fingerprint."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        folder.mkdir(parents=True, exist_ok=True)

    def quads_path(self, key: str) -> Path:
        return self.folder / f"{key}.nq"

    def trig_path(self, key: str) -> Path:
        return self.folder / f"{key}.trig"

    def lookup(self, path: Path, sha256: str) -> Entry | None:
        """The complete entry for the file at ``path`` with content hash ``sha256``, if any."""
        key = entry_key(self.fingerprint, ingest.document_id_for(path), ingest.file_name_of(path), sha256)
        return self._load(key, path)

    def map_file(self, path: Path) -> Entry:
        """Read and map one file and store its entry; a file that cannot be read gives a failure.

        Calls ``kg.ingest.read_document`` and ``kg.mapping.map_document`` (looked up at
        call time, so their current versions run).
        """
        try:
            document = ingest.read_document(path)
            mapped = mapping.map_document(document)
        except InputError as error:
            return Entry(path, ingest.document_id_for(path), failure=ingest.printable(str(error)))
        except Exception as error:
            reason = " ".join(str(error).split())[:200] or type(error).__name__
            return Entry(
                path,
                ingest.document_id_for(path),
                failure=ingest.printable(f"{path}: could not be read ({reason})"),
            )
        key = entry_key(self.fingerprint, document.document_id, document.file_name, document.sha256)
        warnings = document.warnings + tuple(mapped.warnings)
        return self._store(key, path, document.document_id, mapped.identifier, mapped.triples, warnings)

    def schemes(self) -> Entry:
        """The entry of the theme and grade schemes graph (``kg.mapping.scheme_graph``)."""
        key = entry_key(self.fingerprint, _SCHEMES_KEY_NAME, "", "")
        cached = self._load(key, None)
        if cached is not None:
            return cached
        schemes = mapping.scheme_graph()
        return self._store(key, None, _SCHEMES_KEY_NAME, schemes.identifier, schemes, ())

    def keep_only(self, keys: set[str]) -> None:
        """Delete every entry whose key is not in ``keys`` (and stray temporary files).

        Only files named as the cache names them are deleted: anything else found in the
        folder was not put there by a build and stays.
        """
        for path in self.folder.iterdir():
            named = _ENTRY_NAME.match(path.name)
            if named and (named["key"] not in keys or named["temporary"]):
                path.unlink(missing_ok=True)

    def _load(self, key: str, path: Path | None) -> Entry | None:
        try:
            record = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Entry(
            path, record["document_id"], key, record["graph"], record["triples"], tuple(record["warnings"])
        )

    def _store(
        self,
        key: str,
        path: Path | None,
        document_id: str,
        graph: IdentifiedNode,
        triples: Iterable[tuple],
        warnings: tuple[str, ...],
    ) -> Entry:
        lines, quads = sorted_quads(graph, triples)
        write_atomically(self.quads_path(key), b"".join(lines))
        write_atomically(self.trig_path(key), trig_block(quads))
        record = {
            "document_id": document_id,
            "graph": str(graph),
            "triples": len(lines),
            "warnings": list(warnings),
        }
        write_atomically(self.folder / f"{key}.json", json.dumps(record, sort_keys=True))
        return Entry(path, document_id, key, str(graph), len(lines), warnings)


def sorted_quads(graph: IdentifiedNode, triples: Iterable[tuple]) -> tuple[list[bytes], list[ox.Quad]]:
    """The rdflib ``triples`` in the named graph ``graph``: their N-Quads lines, sorted and
    without repeats, and the quads in the same order (for ``trig_block``)."""
    graph_name = ox.NamedNode(str(graph))
    quads = [_quad(triple, graph_name) for triple in triples]
    # The serialiser writes one line per quad, in order: keyed by its line, each quad is kept
    # once, and sorting the lines sorts the quads for the TriG block too.
    by_line = dict(zip(serialized(quads, ox.RdfFormat.N_QUADS).splitlines(True), quads))
    lines = sorted(by_line)
    return lines, [by_line[line] for line in lines]


def trig_block(quads: list[ox.Quad]) -> bytes:
    """One named graph's quads, in order, as a TriG block using the contract's prefixes, without them declared."""
    if not quads:
        return b""
    return without_prefixes(serialized(quads, ox.RdfFormat.TRIG, PREFIXES))


def _quad(triple, graph_name: ox.NamedNode) -> ox.Quad:
    subject, predicate, obj = triple
    return ox.Quad(_term(subject), _term(predicate), _term(obj), graph_name)


def _term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(term)  # read as the string it is: str(term) would only copy it
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"the mapper produced {term!r}, which is not an IRI, blank node or literal")
