"""Publication dates as a file states them -> the contract's ``dcterms:date`` lexical forms.

Returns ``YYYY-MM-DD`` (xsd:date), ``YYYY-MM`` (xsd:gYearMonth) or ``YYYY`` (xsd:gYear),
as precise as the value allows, or None when the value is not a real date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_ISO = re.compile(r"^\s*(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T\s].*)?\s*$")
_DAY_MONTH_YEAR = re.compile(r"^\s*(?:\w+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"^\s*([A-Za-z]+)\.?,?\s+(\d{4})\s*$")
# Outside these years a "date" is a typo or a product number, not a publication date.
_EARLIEST_YEAR = 1900
_LATEST_YEAR = 2100


def normalise_date(value: str) -> str | None:
    """``"2023-05-04T09:00:00Z"`` -> ``"2023-05-04"``, ``"4 May 2023"`` -> ``"2023-05-04"``,
    ``"May 2023"`` -> ``"2023-05"``; None for anything else."""
    iso = _ISO.match(value)
    if iso:
        return _checked(int(iso[1]), _int(iso[2]), _int(iso[3]))
    day_month_year = _DAY_MONTH_YEAR.match(value)
    if day_month_year and day_month_year[2].lower() in _MONTHS:
        return _checked(int(day_month_year[3]), _MONTHS[day_month_year[2].lower()], int(day_month_year[1]))
    month_year = _MONTH_YEAR.match(value)
    if month_year and month_year[1].lower() in _MONTHS:
        return _checked(int(month_year[2]), _MONTHS[month_year[1].lower()], None)
    return None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _checked(year: int, month: int | None, day: int | None) -> str | None:
    if year < _EARLIEST_YEAR or year > _LATEST_YEAR:
        return None
    try:
        if day is not None and month is not None:
            return dt.date(year, month, day).isoformat()
        if month is not None:
            return dt.date(year, month, 1).isoformat()[:7]
    except ValueError:
        return None
    return f"{year:04d}"
