"""Official geography: which local authority an area name or code means, on a given date.

Implements "Areas and official geography" of ONTOLOGY.md: every sg:Area that is a local
authority area gets ``sg:gssCode``, ``sg:dfeCode``, ``owl:sameAs`` its
statistics.data.gov.uk IRI and ``sg:region`` (an sg:Area with its E12 code); an authority
that ended is ``dcterms:isReplacedBy`` its successors. The facts come from
``kg/data/local-authorities.csv`` (source named in its header), ``area-aliases.csv`` and
``countries.csv``.

Names resolve as documents write them: "Herefordshire", "Herefordshire Council", "London
Borough of Camden", "Bristol, City of", "BCP". Identity depends on the date: where one name
has several authorities (North Yorkshire is E10000023 until 31 March 2023 and E06000065
from 1 April 2023), the one in being on the date is chosen; a year or a month stands for
its first day; without a date, the latest of them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from rdflib import Literal, URIRef

from .datafiles import csv_rows
from .resources import data_path
from .vocab import DCTERMS, OWL, RDF, RDFS, SG, SKOS, mint

STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"

# Words around an authority's name that do not change which authority it is, folded.
_SUFFIXES = (
    "metropolitan borough council",
    "metropolitan district council",
    "county borough council",
    "borough council",
    "county council",
    "city council",
    "district council",
    "unitary authority",
    "council",
    "local authority",
    "childrens services",
    "childrens social care",
    "city of",
    "borough",
)
_PREFIXES = (
    "london borough of",
    "royal borough of",
    "metropolitan borough of",
    "borough of",
    "city and county of",
    "city of",
    "county of",
    "council of",
    "the",
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")
DFE_CODE = re.compile(r"^\d{3}$")


@dataclass(frozen=True)
class Place:
    """A region or country: its ONS name and GSS code."""

    name: str
    gss_code: str

    @property
    def statistics_iri(self) -> URIRef:
        return URIRef(STATISTICAL_GEOGRAPHY + self.gss_code)

    @property
    def iri(self) -> URIRef:
        return mint("area", self.name)


@dataclass(frozen=True)
class Authority:
    """One row of ``local-authorities.csv``: a local authority area as it was between two dates."""

    name: str
    gss_code: str
    dfe_code: str
    region: Place
    authority_type: str
    other_names: tuple[str, ...]
    valid_from: dt.date | None
    valid_until: dt.date | None
    replaced_by: tuple[str, ...]

    @property
    def statistics_iri(self) -> URIRef:
        """``http://statistics.data.gov.uk/id/statistical-geography/<gss_code>``."""
        return URIRef(STATISTICAL_GEOGRAPHY + self.gss_code)

    def in_being(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@lru_cache(maxsize=8192)
def authority(name: str, on: str | dt.date | None = None) -> Authority | None:
    """The local authority ``name`` means on the date ``on`` (ISO text, year or month allowed).

    None when no authority goes by that name, with or without "Council" and the like.
    Kept for the last names asked: the mapper asks for the same few areas again and again.
    """
    for key in _keys(name):
        candidates = _by_name().get(key)
        if candidates:
            return _on(candidates, _day(on))
    return None


def authority_by_code(code: str, on: str | dt.date | None = None) -> Authority | None:
    """The authority with GSS code ``code`` (e.g. "E06000019") or DfE code (e.g. "884"); a DfE
    code kept through a reorganisation (North Yorkshire's 815) is resolved by the date."""
    candidates = _by_code().get(code.strip().upper())
    return _on(candidates, _day(on)) if candidates else None


def place_by_code(code: str) -> Place | None:
    """The region (E12...) or country (E92...) with GSS code ``code``."""
    return _places_by(lambda place: place.gss_code).get(code.strip().upper())


def place_by_name(name: str) -> Place | None:
    """The region or country named ``name`` ("South West", "England"), any case."""
    return _places_by(lambda place: _fold(place.name)).get(_fold(name))


def successors(ended: Authority) -> tuple[Authority, ...]:
    """The authorities that replaced ``ended``, as they were the day after it ended."""
    if ended.valid_until is None:
        return ()
    after = ended.valid_until + dt.timedelta(days=1)
    found = (authority(name, after) for name in ended.replaced_by)
    return tuple(successor for successor in found if successor is not None)


def area_iri(label: str, found: Authority | None) -> URIRef:
    """The sg:Area IRI of an area a document calls ``label``: ``id/area/<label>``, except for an
    authority that ended and left its name to a successor (North Yorkshire until 2023), which
    adds its GSS code (``id/area/north-yorkshire-e10000023``) so the two stay apart."""
    if found is not None and _name_passed_on(found):
        return mint("area", label, found.gss_code)
    return mint("area", label)


def authority_iri(found: Authority) -> URIRef:
    """The sg:Area IRI of an authority known by its ONS name (a successor)."""
    return area_iri(found.name, found)


def official_geography(node: URIRef, label: str, found: Authority) -> frozenset[tuple]:
    """The triples that tie the sg:Area ``node`` (labelled ``label``) to ``found``'s codes,
    region and successors, with each region and successor described as an sg:Area."""
    return _official_geography(node, label, found)


@cache
def _official_geography(node: URIRef, label: str, found: Authority) -> frozenset[tuple]:
    triples = {
        (node, SG.gssCode, Literal(found.gss_code)),
        (node, OWL.sameAs, found.statistics_iri),
        (node, SG.region, found.region.iri),
    }
    if found.dfe_code:
        triples.add((node, SG.dfeCode, Literal(found.dfe_code)))
    if found.name != label:
        triples.add((node, SKOS.altLabel, Literal(found.name)))
    triples |= _place(found.region)
    for successor in successors(found):
        successor_node = authority_iri(successor)
        triples.add((node, DCTERMS.isReplacedBy, successor_node))
        triples |= {
            (successor_node, RDF.type, SG.Area),
            (successor_node, RDFS.label, Literal(successor.name)),
        }
        triples |= _official_geography(successor_node, successor.name, successor)
    return frozenset(triples)


def _place(place: Place) -> set[tuple]:
    return {
        (place.iri, RDF.type, SG.Area),
        (place.iri, RDFS.label, Literal(place.name)),
        (place.iri, SG.gssCode, Literal(place.gss_code)),
        (place.iri, OWL.sameAs, place.statistics_iri),
    }


@cache
def authorities() -> tuple[Authority, ...]:
    """Every row of ``kg/data/local-authorities.csv``, in file order."""
    return tuple(_authority(row) for row in _rows("local-authorities.csv", _AUTHORITY_COLUMNS))


@cache
def places() -> tuple[Place, ...]:
    """The regions of the authorities and the countries of ``countries.csv``, by GSS code."""
    found = {row.region.gss_code: row.region for row in authorities()}
    found.update(
        {
            row["gss_code"]: Place(row["name"], row["gss_code"])
            for row in _rows("countries.csv", ("name", "gss_code"))
        }
    )
    return tuple(found[code] for code in sorted(found))


def _authority(row: dict[str, str]) -> Authority:
    return Authority(
        name=row["name"],
        gss_code=row["gss_code"],
        dfe_code=row["dfe_la_code"],
        region=Place(row["region"], row["region_gss"]),
        authority_type=row["authority_type"],
        other_names=_split(row["also_known_as"]),
        valid_from=dt.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
        valid_until=dt.date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
        replaced_by=_split(row["replaced_by"]),
    )


@cache
def _by_code() -> dict[str, tuple[Authority, ...]]:
    """GSS or DfE code -> the authorities that had it (a DfE code can outlive a reorganisation)."""
    index: dict[str, list[Authority]] = {}
    for row in authorities():
        for code in filter(None, (row.gss_code, row.dfe_code)):
            index.setdefault(code, []).append(row)
    return {code: tuple(rows) for code, rows in index.items()}


def _places_by(key) -> dict[str, Place]:
    return {key(place): place for place in places()}


@cache
def _by_name() -> dict[str, tuple[Authority, ...]]:
    """Folded name -> the authorities that go by it (several where a name outlived a reorganisation)."""
    index: dict[str, list[Authority]] = {}
    aliases: dict[str, list[str]] = {}
    for row in _rows("area-aliases.csv", ("name", "alias")):
        aliases.setdefault(row["name"], []).append(row["alias"])
    for authority in authorities():
        for name in (authority.name, *authority.other_names, *aliases.get(authority.name, ())):
            index.setdefault(_fold(name), []).append(authority)
    return {key: tuple(dict.fromkeys(rows)) for key, rows in index.items()}


_AUTHORITY_COLUMNS = (
    "name",
    "gss_code",
    "dfe_la_code",
    "region",
    "region_gss",
    "authority_type",
    "also_known_as",
    "valid_from",
    "valid_until",
    "replaced_by",
)


def _rows(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    return csv_rows(name, data_path(name).read_text(encoding="utf-8"), columns)


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"['’.]", "", text.replace("&", " and "))
    return _NON_WORD.sub(" ", text).strip()


def _keys(name: str) -> Iterable[str]:
    """The folded name, then the same with the words around a name taken off, one at a time."""
    key = _fold(name)
    yield key
    changed = True
    while changed and key:
        changed = False
        for suffix in _SUFFIXES:
            if key.endswith(" " + suffix):
                key, changed = key[: -len(suffix) - 1], True
                yield key
        for prefix in _PREFIXES:
            if key.startswith(prefix + " "):
                key, changed = key[len(prefix) + 1 :], True
                yield key


def _day(on: str | dt.date | None) -> dt.date | None:
    """The first day of an ISO date, year-month or year; None for no date or an unreadable one."""
    if on is None or isinstance(on, dt.date):
        return on
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", on.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


def _on(candidates: Iterable[Authority], day: dt.date | None) -> Authority:
    """The candidate in being on ``day`` (without one, the latest); else the nearest in time."""
    ordered = sorted(candidates, key=lambda row: (row.valid_from or dt.date.min, row.gss_code))
    if day is None:
        return ordered[-1]
    for row in ordered:
        if row.in_being(day):
            return row
    before = [row for row in ordered if row.valid_from is not None and day < row.valid_from]
    return before[0] if before else ordered[-1]


def _name_passed_on(found: Authority) -> bool:
    """True for an ended authority whose name a later authority took over."""
    return found.valid_until is not None and any(
        other.valid_from is not None and other.valid_from > found.valid_until
        for other in _by_name().get(_fold(found.name), ())
    )
