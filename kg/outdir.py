"""Which folders are sgkg builds: the marker every build leaves, and the check before building.

A build writes ``graph.ttl``, ``graph.trig``, ``graph.html`` and the ``store`` link into its
``--out`` folder and keeps its state under ``<out>/.kg/``. So that it never overwrites or
deletes what is not its own, it builds only into a folder that is new, empty, or an sgkg
build already: one holding the marker ``<out>/.kg/sgkg-build`` that every build writes (or,
from builds older than the marker, a ``store`` link beside ``.kg/generations``). Anything
else is refused unless the caller says ``force``. The same marker keeps a build from
reading an output folder as input (``kg build .`` twice).
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError

MARKER = Path(".kg") / "sgkg-build"
_MARKER_TEXT = (
    "This folder is the output of `kg build` (sgkg). The build replaces graph.ttl, graph.trig,\n"
    "graph.html and the store link here and owns .kg/; it writes and deletes nothing else.\n"
)


def is_build_folder(folder: Path) -> bool:
    """True when ``folder`` holds an sgkg build's outputs (its marker, or an older build's store link)."""
    try:
        if (folder / MARKER).is_file():
            return True
        return (folder / "store").is_symlink() and (folder / ".kg" / "generations").is_dir()
    except OSError:
        return False


def check_out_folder(out_dir: Path, *, force: bool = False) -> None:
    """Raise InputError unless ``out_dir`` may be built into: new, an empty folder, an sgkg
    build, or anything (a folder) when ``force``. Nothing is written here."""
    if not out_dir.exists():
        if out_dir.is_symlink():
            raise InputError(f"{out_dir}: a broken link; give --out a folder")
        return
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: not a folder; give --out a folder")
    if force or is_build_folder(out_dir):
        return
    try:
        empty = next(out_dir.iterdir(), None) is None
    except OSError as error:
        raise InputError(f"{out_dir}: cannot list the folder ({error.strerror or error})") from error
    if not empty:
        raise InputError(
            f"{out_dir}: not empty and not an sgkg build (no {MARKER.as_posix()}), so a build could overwrite "
            "files there; choose a new or empty --out folder, or pass --force to build into it anyway"
        )


def create_out_folder(out_dir: Path) -> None:
    """Create ``out_dir`` (and its parents) if it is new; InputError naming it and the
    system's reason when it cannot be (a parent that is a file, a read-only or virtual
    file system, no permission)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: not a folder; give --out a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        where = f" at {error.filename}" if error.filename and str(error.filename) != str(out_dir) else ""
        raise InputError(
            f"{out_dir}: cannot create the folder ({reason}{where}); give --out a folder you can write"
        ) from None


def check_out_file(path: Path) -> Path:
    """``path`` when a file can be written there (``kg export --out``, ``kg viz --out``): not a
    folder, and inside a folder that exists; InputError saying which is wrong otherwise."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give --out a file name")
    if not path.parent.is_dir():
        raise InputError(
            f"{path}: there is no folder {path.parent} to write it in; create it or choose another --out"
        )
    return path


def mark_build_folder(out_dir: Path) -> None:
    """Write the marker that says ``out_dir`` is an sgkg build (kept as it is when present)."""
    marker = out_dir / MARKER
    if not marker.is_file():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(_MARKER_TEXT, encoding="utf-8")
