"""The output folder of a build: where each file goes, and which folders are sgkg builds.

Implements the layout of "Outputs of a build" (ONTOLOGY.md). ``OutputFolder`` is the one
place that knows it::

    out/
      graph.ttl, graph.trig, graph.html   the published files (atomic renames)
      store -> .kg/generations/<name>/store   the live store (a symbolic link)
      .kg/sgkg-build    the marker: this folder is an sgkg build
      .kg/lock          held by the build writing here
      .kg/cache/        each document's named graph by content hash (``kg.build.cache``)
      .kg/generations/<name>/{store/, manifest.json, graph.ttl, ...}   (``kg.build.generations``)
      .kg/stats/        official statistics kept across builds (``kg.stats``)
      .kg/compaction.lock, .kg/compaction.log   the background compactor (``kg.build.compaction``)

A generation folder holds the same published names as the output folder (``GraphLayout``),
so a build writes its files there and publishes them by hard link and rename.

So that it never overwrites or deletes what is not its own, a build writes only into a
folder that is new, empty, or an sgkg build already: one holding the marker (or, from
builds older than the marker, a ``store`` link beside ``.kg/generations``). Anything else
is refused unless the caller says ``force``. The same marker keeps a build from reading an
output folder as input (``kg build .`` twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

DEFAULT_OUT = Path("out")
MARKER = Path(".kg") / "sgkg-build"
_MARKER_TEXT = (
    "This folder is the output of `kg build` (sgkg). The build replaces graph.ttl, graph.trig,\n"
    "graph.html and the store link here and owns .kg/; it writes and deletes nothing else.\n"
)


@dataclass(frozen=True)
class GraphLayout:
    """The names a build publishes, in an output folder or in one of its generation folders."""

    root: Path

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def turtle(self) -> Path:
        return self.root / "graph.ttl"

    @property
    def trig(self) -> Path:
        return self.root / "graph.trig"

    @property
    def html(self) -> Path:
        return self.root / "graph.html"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"


@dataclass(frozen=True)
class OutputFolder(GraphLayout):
    """A build's ``--out`` folder: the published names and the state kept under ``.kg/``."""

    root: Path = DEFAULT_OUT

    @property
    def state(self) -> Path:
        return self.root / ".kg"

    @property
    def marker(self) -> Path:
        return self.root / MARKER

    @property
    def lock(self) -> Path:
        return self.state / "lock"

    @property
    def cache(self) -> Path:
        return self.state / "cache"

    @property
    def generations(self) -> Path:
        return self.state / "generations"

    @property
    def stats(self) -> Path:
        return self.state / "stats"

    @property
    def compaction_lock(self) -> Path:
        return self.state / "compaction.lock"

    @property
    def compaction_log(self) -> Path:
        return self.state / "compaction.log"

    @property
    def staged_store_link(self) -> Path:
        """Where the new ``store`` link is made before its atomic rename over the live one."""
        return self.state / "store.link"

    def staged(self, name: str) -> Path:
        """Where a file or link is put together before its atomic rename into the folder."""
        return self.state / f"{name}.publish"

    def is_build(self) -> bool:
        """True when the folder holds an sgkg build's outputs (its marker, or an older build's store link)."""
        try:
            if self.marker.is_file():
                return True
            return self.store.is_symlink() and self.generations.is_dir()
        except OSError:
            return False

    def check(self, *, force: bool = False) -> None:
        """Raise InputError unless the folder may be built into: new, an empty folder, an sgkg
        build, or anything (a folder) when ``force``. Nothing is written here."""
        out_dir = self.root
        if not out_dir.exists():
            if out_dir.is_symlink():
                raise InputError(f"{out_dir}: a broken link; give --out a folder")
            return
        if not out_dir.is_dir():
            raise InputError(f"{out_dir}: not a folder; give --out a folder")
        if force or self.is_build():
            return
        try:
            empty = next(out_dir.iterdir(), None) is None
        except OSError as error:
            raise InputError(f"{out_dir}: cannot list the folder ({error.strerror or error})") from error
        if not empty:
            raise InputError(
                f"{out_dir}: not empty and not an sgkg build (no {MARKER.as_posix()}), so a build could "
                "overwrite files there; choose a new or empty --out folder, or pass --force to build into it anyway"
            )

    def mark(self) -> None:
        """Write the marker that says the folder is an sgkg build (kept as it is when present)."""
        if not self.marker.is_file():
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            self.marker.write_text(_MARKER_TEXT, encoding="utf-8")
