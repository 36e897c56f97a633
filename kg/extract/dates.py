"""Dates as precise as the text gives them: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""

from __future__ import annotations

import calendar
import re

from ..claims import Span
from ..lexicon import initial_lookahead
from ..spans import SpanSet

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# The lookahead on a month's first letter lets re turn most positions down with one test, not
# one per month name; it admits the same characters as the names do (case folding included).
_MONTH = (
    initial_lookahead(_MONTHS) + r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
)
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
    day: int | None
    month: int | None
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


_RANGE_END = rf"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}"
_RANGE = re.compile(
    rf"\b(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+(?P<m1>[A-Za-z]{{3,9}})\.?)?(?:,?\s+(?P<y1>(?:19|20)\d\d))?"
    rf"\s*(?:to|and|until|-|\u2500|\u2013)\s*{_RANGE_END}\b",
    re.IGNORECASE,
)
_INSPECTION_LABEL = re.compile(
    r"(?:\binspection dates?\s*:?|\bdates? of (?:the )?(?:inspection|visit)\s*:?|\bbetween|\btook place (?:from|between|on)|"
    r"\b(?:visit|inspection) (?:to [^.\n]{0,80}? )?on|\bcarried out (?:from|between|on))\s*$",
    re.IGNORECASE,
)
_LABEL_WINDOW = 120
_OWN_DATES_WINDOW = 4000


def date_ranges(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """Ranges of days ("13 to 24 March 2023", "16 September - 8 October 2014", "31 January and
    1 February 2018") as (start, end, first ISO day, last ISO day); the first day takes the
    month and year of the last where it gives none."""
    end = len(text) if end is None else end
    found = []
    for match in _RANGE.finditer(text, start, end):
        last = _iso(match)
        month = _MONTHS.get((match.group("m1") or "").lower().rstrip("."))
        if last is None or (match.group("m1") and month is None):
            continue
        first = f"{match.group('y1') or last[:4]}-{month or int(last[5:7]):02d}-{int(match.group('d1')):02d}"
        if first <= last and 1 <= int(match.group("d1")) <= 31:
            found.append((match.start(), match.end(), first, last))
    return found


def inspection_dates(text: str) -> str | None:
    """The first day of the inspection a report or letter is about, where its opening gives the
    dates ("Inspection dates: 13 to 24 March 2023", "Between 8 and 12 October 2018, Ofsted ...",
    "a focused visit ... on 19 March 2019"); None where it does not."""
    window = min(len(text), _OWN_DATES_WINDOW)
    candidates = [(s, value) for s, _, value, _ in date_ranges(text, 0, window)]
    candidates += [(s, value) for s, _, value in find_dates(text, 0, window) if len(value) == 10]
    for start, value in sorted(candidates):
        if _INSPECTION_LABEL.search(text[max(0, start - _LABEL_WINDOW) : start]):
            return value
    return None


_SEASONS = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}
_RELATIVE = re.compile(
    r"\b(?<!the )(?<!over )(?<!past )(?P<which>last|this|earlier this|later this)\s+(?P<unit>year|"
    + "|".join(_SEASONS)
    + "|"
    + "|".join(name for name in _MONTHS if len(name) > 3 or name == "may")
    + r")\b"
    r"|\b(?P<today>today|yesterday)\b"
    # "in January", "on 5 March": a month with no year is the last such month up to the document's
    r"|\b(?:in|during|on)\s+(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?-i:(?P<bare>"
    + "|".join(name.capitalize() for name in _MONTHS if len(name) > 3 or name == "may")
    + r"))\b(?!,?\s+(?:\d{4}|\d{1,2}\b))",
    re.IGNORECASE,
)


def relative_dates(
    text: str, document_date: str | None, start: int = 0, end: int | None = None
) -> list[tuple[int, int, str]]:
    """Dates given relative to the document's own ("last August", "last spring", "earlier this
    year", "today", a month with no year: "in January") as (start, end, ISO value), as precise
    as they allow; none without a document date to count from."""
    if not document_date:
        return []
    year = int(document_date[:4])
    month = int(document_date[5:7]) if len(document_date) >= 7 else None
    found = []
    for match in _RELATIVE.finditer(text, start, len(text) if end is None else end):
        if match.group("today"):
            if match.group("today").lower() == "today":
                found.append((match.start(), match.end(), document_date))
            continue
        if match.group("bare"):
            number = _MONTHS[match.group("bare").lower()]
            when = year - 1 if month is not None and number > month else year
            value = f"{when}-{number:02d}"
            if match.group("day"):
                if not 1 <= int(match.group("day")) <= calendar.monthrange(when, number)[1]:
                    continue  # "on 30 February": no day
                value += f"-{int(match.group('day')):02d}"
            found.append((match.start(), match.end(), value))
            continue
        which, unit = match.group("which").lower(), match.group("unit").lower()
        if unit == "year":
            found.append((match.start(), match.end(), str(year - 1 if which == "last" else year)))
            continue
        number = _MONTHS.get(unit) or _SEASONS[unit]
        # "last August" in February 2015 is August 2014; in October 2015, August 2015.
        back = which == "last" and (month is None or number >= month)
        when = year - 1 if back else year
        found.append((match.start(), match.end(), f"{when}-{number:02d}" if unit in _MONTHS else str(when)))
    return found
