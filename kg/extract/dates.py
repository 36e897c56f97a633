"""Dates as precise as the text gives them: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""

from __future__ import annotations

import re

from ..claims import Span
from ..lexicon import initial_lookahead
from ..spans import SpanSet

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
# The lookahead on a month's first letter lets re turn most positions down with one test, not
# one per month name; it admits the same characters as the names do (case folding included).
_MONTH = initial_lookahead(_MONTHS) + r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = (
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/" + _YEAR + r"\b"),
    re.compile(rf"(?<![\d/-]){_YEAR}(?![\d/-])"),
)


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Every date in ``text[start:end]`` as (start, end, ISO value), most precise reading first, in order."""
    end = len(text) if end is None else end
    found: list[tuple[int, int, str]] = []
    for pattern in _PATTERNS:
        # One pattern's matches never overlap: only the dates of the patterns before can hold one.
        read = SpanSet(Span(s, e) for s, e, _ in found)
        for match in pattern.finditer(text, start, end):
            if read.covers(match.start()):
                continue
            value = _iso(match)
            if value:
                found.append((match.start(), match.end(), value))
    return sorted(found)


def first_date(text: str, start: int = 0, end: int | None = None) -> str | None:
    found = find_dates(text, start, end)
    return found[0][2] if found else None


def _iso(match: re.Match) -> str | None:
    groups = match.groupdict()
    year = groups["year"]
    if groups.get("d"):
        day, month = int(groups["d"]), int(groups["m"])
    else:
        month = _MONTHS.get(groups["month"].lower()) if groups.get("month") else None
        day = int(groups["day"]) if groups.get("day") else None
    if month is None:
        return year
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year}-{month:02d}"
    if not 1 <= day <= 31:
        return None
    return f"{year}-{month:02d}-{day:02d}"
