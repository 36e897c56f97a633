"""Background compaction: the store a build leaves is compacted after the build has returned.

A bulk-loaded or patched store is several sorted runs per index, and every look-up reads
them all; one compacted run answers the library queries faster (``kg.build.generations``),
but compacting takes several times as long as a one-file rebuild (figures:
docs/benchmarks.md). So ``kg build`` publishes its store as it is, then ``start`` hands it to a
compactor process of its own session, which publishes a compacted copy in its place
(``kg.build.generations.compact_live``) while readers go on using the one they opened.

One compactor per output folder, and never beside a build: the compactor holds
``<out>/.kg/compaction.lock`` (its process id written in it) from before the build that
started it lets go of the build lock, and a build's first act, under the build lock, is
``stop``, which ends a running compactor and waits until it has gone. A compactor works
on a copy, so ending it at any point loses nothing but its work; its half-made generation
folder is dropped when the next build publishes. ``wait`` blocks until the compaction is
done, for scripts and tests that want the compacted store.

Run as ``python -m kg.build.compaction OUT_DIR LOCK_FD`` by ``start`` only: that process forks the
compactor, names it in the lock and exits, so the compactor belongs to no caller (no zombie,
no process left to reap). What it does and any error go to ``<out>/.kg/compaction.log``.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
import traceback
from contextlib import suppress
from pathlib import Path

from .folder import OutputFolder

# A compactor is asked to stop with SIGTERM, then killed when it is still there after this long.
_STOP_GRACE_SECONDS = 5.0
_POLL_SECONDS = 0.05
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


def start(out_dir: Path) -> int | None:
    """Start compacting ``out_dir``'s live store in a process of its own; its process id
    (None if a compactor runs already, or none could be started: the log says why).

    Call it while holding the build lock, after ``stop``: the compaction lock is taken here,
    before the build lets go of its own, and passes to the compactor, so no later build can
    miss it. The compactor outlives the calling process and its terminal.
    """
    folder = OutputFolder(out_dir)
    lock = os.open(folder.compaction_lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(lock):
            return None
        os.ftruncate(lock, 0)
        with (
            open(folder.compaction_log, "ab") as log,
            suppress(OSError, ValueError, subprocess.CalledProcessError),
        ):
            subprocess.run(
                [sys.executable, "-m", "kg.build.compaction", str(out_dir), str(lock)],
                pass_fds=(lock,),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                env={
                    **os.environ,
                    "PYTHONPATH": os.pathsep.join(
                        filter(None, [str(_PACKAGE_ROOT), os.environ.get("PYTHONPATH")])
                    ),
                },
                check=True,
            )
            return int(os.pread(lock, 32, 0).decode("ascii"))
        return None
    finally:
        os.close(lock)  # the compactor holds the lock now, on its copy of this descriptor


def stop(out_dir: Path) -> bool:
    """End the compactor of ``out_dir`` if one runs, and return once it has gone; True if one ran.

    It is asked with SIGTERM, and killed if it is still there after a few seconds.
    """
    path = OutputFolder(out_dir).compaction_lock
    if not path.exists():
        return False
    with open(path, "r+b") as lock:
        if _try_lock(lock):
            return False
        with suppress(ValueError, ProcessLookupError, PermissionError):
            # The lock is held, so the process named in it is alive: the pid cannot be a reused one.
            pid = int(lock.read().decode("ascii"))
            os.kill(pid, signal.SIGTERM)
            if _released(lock, _STOP_GRACE_SECONDS):
                return True
            os.kill(pid, signal.SIGKILL)
        fcntl.flock(lock, fcntl.LOCK_EX)
        return True


def wait(out_dir: Path, timeout: float | None = None) -> bool:
    """Block until no compactor runs on ``out_dir`` (at most ``timeout`` seconds); False on timeout."""
    path = OutputFolder(out_dir).compaction_lock
    if not path.exists():
        return True
    with open(path, "rb") as lock:
        return _released(lock, timeout)


def _released(lock, timeout: float | None) -> bool:
    """Take ``lock`` once its holder lets go, polling for at most ``timeout`` seconds (None: no limit);
    False if it was still held then."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while not _try_lock(lock):
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(_POLL_SECONDS)
    return True


def _try_lock(lock) -> bool:
    """Take the lock on ``lock`` without waiting; True when it was free (it stays taken until closed)."""
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def main(argv: list[str]) -> int:
    """Fork the compactor of ``argv[0]``'s live store, which holds the lock ``argv[1]`` as long as it lives,
    write its process id in the lock, and return; the compactor goes on to compact."""
    out_dir, lock = Path(argv[0]), int(argv[1])
    compactor = os.fork()
    if compactor:
        os.pwrite(lock, str(compactor).encode("ascii"), 0)
        return 0
    from .generations import (
        compact_live,  # only the compactor needs the store: the first process exits quickly
    )

    began = time.monotonic()
    try:
        folder = compact_live(out_dir)
    except Exception:
        print(
            f"{time.strftime('%Y-%m-%d %H:%M:%S')} compaction failed:\n{traceback.format_exc()}", flush=True
        )
        return 1
    outcome = f"published {folder.name}" if folder else "nothing to do"
    print(
        f"{time.strftime('%Y-%m-%d %H:%M:%S')} compaction of {out_dir}: {outcome} in {time.monotonic() - began:.2f} s "
        f"(CPU {time.process_time():.2f} s)",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
