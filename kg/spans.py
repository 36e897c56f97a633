"""Questions about many spans at once, each answered by bisection.

Extraction asks of every sentence or mention whether a span already claimed covers it; a
scan of all the spans for each made mapping take time quadratic in the document's length
(figures: docs/benchmarks.md). ``SpanSet`` answers the same questions in log time,
``SpansInOrder`` finds the names resolved in a stretch of text and ``LastNamed`` what was
named last before an offset.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate

from .claims import Span


class SpanSet:
    """A fixed set of spans (they may overlap), sorted by start, with the furthest end
    reached by the spans up to each one."""

    def __init__(self, spans: Iterable[Span]) -> None:
        ordered = sorted(spans, key=lambda span: span.start)
        self._starts = [span.start for span in ordered]
        self._reach = list(accumulate((span.end for span in ordered), max))

    def covers(self, offset: int) -> bool:
        """Whether some span has ``start <= offset < end``."""
        last = bisect_right(self._starts, offset) - 1
        return last >= 0 and self._reach[last] > offset

    def starts_in(self, low: int, high: int) -> bool:
        """Whether some span has ``low <= start < high``."""
        return bisect_left(self._starts, low) < bisect_left(self._starts, high)


class SpansInOrder(dict):
    """Resolved names (span -> organisation key) in text order, with those that start or end
    in a stretch of the text found by bisection, where a scan of them all for each role or
    recommendation took time quadratic in the document's length. Read only."""

    def __init__(self, resolved: dict[Span, str]) -> None:
        super().__init__(sorted(resolved.items()))
        self._in_order = list(self.items())
        self._starts = [span.start for span in self]
        self._reach = list(accumulate((span.end for span in self), max))
        self._by_end = sorted(self._in_order, key=lambda item: item[0].end)
        self._ends = [span.end for span, _ in self._by_end]
        self._first_at: dict[int, Span] = {}
        for span in resolved:
            self._first_at.setdefault(span.start, span)

    def starting(self, low: int, high: int) -> list[tuple[Span, str]]:
        """(span, key) of the spans with ``low <= start < high``, in text order."""
        return self._in_order[bisect_left(self._starts, low) : bisect_left(self._starts, high)]

    def ending(self, low: int, high: int) -> list[tuple[Span, str]]:
        """(span, key) of the spans with ``low <= end < high``."""
        return self._by_end[bisect_left(self._ends, low) : bisect_left(self._ends, high)]

    def covers(self, offset: int) -> bool:
        """Whether some span has ``start <= offset < end``."""
        last = bisect_right(self._starts, offset) - 1
        return last >= 0 and self._reach[last] > offset

    def first_at(self, offset: int) -> Span | None:
        """The span that starts at ``offset``, the first given of several (the order of the
        dict this was made from)."""
        return self._first_at.get(offset)


class LastNamed:
    """Which of some things (an assessment, say) was named last at or before an offset, the
    first listed of those named there, found by bisection over the starts of their spans."""

    def __init__(self, spans_of: Sequence[Iterable[Span]]) -> None:
        first_at: dict[int, int] = {}
        for index, spans in enumerate(spans_of):
            for span in spans:
                first_at.setdefault(span.start, index)
        self._starts = sorted(first_at)
        self._first = [first_at[start] for start in self._starts]

    def at(self, offset: int) -> int | None:
        """The index of the thing named last at or before ``offset``; None if none was."""
        last = bisect_right(self._starts, offset) - 1
        return self._first[last] if last >= 0 else None
