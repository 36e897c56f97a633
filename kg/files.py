"""Files written whole or not at all: a temporary file in the same folder, then a rename.

Every output sgkg writes (graph files, pages, exports, cache entries, manifests) goes
through here, so an interrupted command never leaves a truncated file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

# mkstemp makes files private; outputs are ordinary readable files.
_FILE_MODE = 0o644


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces ``path`` only when the block ends without error."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, _FILE_MODE)
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file and a rename."""
    with atomic_writer(path) as stream:
        stream.write(content.encode("utf-8") if isinstance(content, str) else content)
    return path


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
