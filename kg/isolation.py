"""Run one call in a child process forked for it, so that a crash there is an answer here.

pyoxigraph is Rust: a panic or a stack overflow inside a query ends the whole process
(SIGABRT, SIGSEGV) with no Python exception to catch. ``run_in_child`` forks, runs the
call in the child under an optional address-space cap and time limit, and hands back
its value, the exception it raised, or how it died and what it wrote to stderr (a
panic's message). ``kg query`` forks for its one query (a few milliseconds); a ``kg
serve`` worker under attack keeps a child forked ahead (``ForkedRunner``), so a query
does not wait for the fork. Where the system cannot fork (Windows), the call runs in
this process, unprotected.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_ERROR_TEXT_LIMIT = 4096


@dataclass(frozen=True)
class Outcome:
    """How the child ended: ``value`` (what the call returned) or ``raised`` (its exception)
    when it finished; otherwise ``timed_out``, or it died (``status`` from ``waitpid``) after
    writing ``errors`` to stderr."""

    value: Any = None
    raised: BaseException | None = None
    finished: bool = True
    timed_out: bool = False
    status: int = 0
    errors: bytes = b""

    @property
    def out_of_memory(self) -> bool:
        """True when the child died for want of memory (Rust's allocation failure or Python's)."""
        return b"memory allocation" in self.errors or b"MemoryError" in self.errors

    @property
    def how(self) -> str:
        """How the child died, e.g. ``signal SIGSEGV`` or ``exit 1``."""
        if os.WIFSIGNALED(self.status):
            return f"signal {signal.Signals(os.WTERMSIG(self.status)).name}"
        return f"exit {os.WEXITSTATUS(self.status)}" if os.WIFEXITED(self.status) else "died"

    @property
    def message(self) -> str:
        """What the child wrote to stderr, on one line, shortened (a panic's message)."""
        return " ".join(self.errors.decode("utf-8", "replace").split())[:300]


def can_fork() -> bool:
    return hasattr(os, "fork")


def run_in_child(
    call: Callable[[], Any], *, timeout: float | None = None, memory_mb: int | None = None
) -> Outcome:
    """Run ``call()`` in a forked child and tell how it went (see Outcome).

    ``timeout``: seconds before the child is killed (``timed_out``); ``memory_mb``: the
    address space the child may add to what it inherits (Linux). The value and any
    exception must pickle. Without fork, ``call`` runs here (no limits, no protection).
    """
    if not can_fork():
        return _here(call)
    answer_read, answer_write = os.pipe()
    error_read, error_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:  # the child must never return into its parent's code
            os.close(answer_read)
            os.close(error_read)
            _child(call, timeout, memory_mb, answer_write, error_write)
        finally:
            os._exit(1)
    os.close(answer_write)
    os.close(error_write)
    return _outcome(pid, answer_read, error_read, timeout)


class ForkedRunner:
    """``handler(request)`` run in a child forked *before* the request comes, one child per request.

    Forking a process that holds a graph takes time (figures: docs/benchmarks.md); the next
    child is forked as soon as one has answered, so a request waits only for its answer. Same
    limits and outcomes as ``run_in_child``. Without fork, the handler runs here.
    """

    def __init__(
        self, handler: Callable[[Any], Any], *, timeout: float | None = None, memory_mb: int | None = None
    ):
        self._handler = handler
        self._timeout = timeout
        self._memory_mb = memory_mb
        self._ready: tuple[int, int, int, int] | None = None

    def prepare(self) -> None:
        """Fork the child the next request will go to (done by ``run`` too, when none waits)."""
        if self._ready is not None or not can_fork():
            return
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        error_read, error_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:  # the child must never return into its parent's code, whatever happens here
                for descriptor in (request_write, answer_read, error_read):
                    os.close(descriptor)
                request = _read_to_end(request_read)
                if request:  # empty: the parent went away
                    call = lambda: self._handler(pickle.loads(request))  # noqa: E731
                    _child(call, self._timeout, self._memory_mb, answer_write, error_write)
            finally:
                os._exit(0)
        for descriptor in (request_read, answer_write, error_write):
            os.close(descriptor)
        self._ready = (pid, request_write, answer_read, error_read)

    def run(self, request: Any) -> Outcome:
        """Hand ``request`` to the waiting child (forked now if none waits) and tell how it went.

        Call ``prepare`` once the outcome is passed on, so the next request finds a child waiting."""
        if not can_fork():
            return _here(lambda: self._handler(request))
        self.prepare()
        ready, self._ready = self._ready, None
        assert ready is not None  # prepare() forks whenever can_fork()
        pid, request_write, answer_read, error_read = ready
        try:
            _write_all(request_write, pickle.dumps(request))
        except OSError:
            pass  # the child died waiting: its outcome says how
        finally:
            os.close(request_write)
        return _outcome(pid, answer_read, error_read, self._timeout)

    def close(self) -> None:
        """End the waiting child, if any."""
        if self._ready is not None:
            pid, request_write, answer_read, error_read = self._ready
            self._ready = None
            for descriptor in (request_write, answer_read, error_read):
                os.close(descriptor)
            os.waitpid(pid, 0)


def _here(call: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(value=call())
    except Exception as error:
        return Outcome(raised=error)


def _outcome(pid: int, answer_read: int, error_read: int, timeout: float | None) -> Outcome:
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        data, errors, finished = _collect(answer_read, error_read, deadline)
    finally:
        os.close(answer_read)
        os.close(error_read)
    if not finished:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if not finished:
        return Outcome(finished=False, timed_out=True, status=status, errors=errors)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and data:
        kind, payload = pickle.loads(data)
        return Outcome(value=payload) if kind == "value" else Outcome(raised=payload)
    return Outcome(finished=False, status=status, errors=errors)


def _child(call, timeout, memory_mb, answer_write: int, error_write: int) -> None:
    """The forked child: run ``call``, write the pickled outcome, and exit without returning."""
    status = 1
    try:
        # The parent tells how the child died. faulthandler's trace of a crash (on under pytest,
        # -X dev or -X faulthandler) would only repeat it, over forty lines, or fill ``errors``.
        faulthandler.disable()
        os.dup2(error_write, 2)
        if timeout is not None:
            signal.alarm(int(timeout) + 2)  # ends the child even should its parent be killed first
        if memory_mb is not None:
            limit_memory(memory_mb)
        try:
            outcome = ("value", call())
        except MemoryError:
            raise
        except Exception as error:
            outcome = ("raised", error)
        _write_all(answer_write, pickle.dumps(outcome))
        status = 0
    except MemoryError:
        os.write(2, b"MemoryError")
    except BaseException:
        pass
    finally:
        os._exit(status)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _read_to_end(descriptor: int) -> bytes:
    chunks = []
    while chunk := os.read(descriptor, 1024 * 1024):
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks)


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at its present size plus ``megabytes`` (Linux only)."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as statm:
            present = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = present + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no rlimits here: the time limit still bounds the call


def _collect(answer: int, errors: int, deadline: float | None) -> tuple[bytes, bytes, bool]:
    """Read both pipes until the child closes them or ``deadline``: (answer, stderr, finished)."""
    chunks: list[bytes] = []
    error_text = b""
    open_ends = {answer, errors}
    while open_ends:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return b"", error_text, False
        ready, _, _ = select.select(list(open_ends), [], [], left)
        for descriptor in ready:
            chunk = os.read(descriptor, 1024 * 1024)
            if not chunk:
                open_ends.discard(descriptor)
            elif descriptor == answer:
                chunks.append(chunk)
            elif len(error_text) < _ERROR_TEXT_LIMIT:
                error_text += chunk
    return b"".join(chunks), error_text, True
