"""Official statistics beside the documents: an open-data CSV as W3C Data Cube observations.

Implements the last paragraph of "Areas and official geography" in ONTOLOGY.md. ``read_stats``
turns a CSV in the layout of DfE's and Ofsted's open data (one row per area and period)
into the named graph ``https://w3id.org/sgkg/graph/stats/<name>``:

- one ``qb:Observation`` per row, ``sdmx-dimension:refArea`` the area's
  statistics.data.gov.uk IRI (the IRI an sg:Area is ``owl:sameAs``),
  ``sdmx-dimension:refPeriod`` the row's ``time_period`` (an xsd:gYear for "2023", the
  text otherwise, e.g. "202223"), one value per numeric column (a ``qb:MeasureProperty``
  labelled with the column's name) and one per other column that is not a code or a name
  (a ``qb:DimensionProperty``, e.g. a breakdown such as "characteristic");
- the ``qb:DataSet`` and its ``qb:DataStructureDefinition``.

A row's area is its ``new_la_code`` (GSS), else its ``old_la_code`` (DfE), else its
authority name (``la_name`` and the like), resolved by ``kg.geography`` at the row's period;
rows of regional or national figures use ``region_code``/``region_name`` or
``country_code``. Suppressed cells ("c", "x", "z", ".", ":", "low", "u", and empty cells)
are absent values, never zeros. Rows whose area cannot be resolved, and repeats of a row
already read, are not turned into observations: ``StatsImport.problems`` lists each.

``save`` keeps the graph in ``<out>/.kg/stats/`` (sorted N-Quads and a TriG block, as the
build cache keeps a document's graph), where every later ``kg build`` finds it
(``graph_files``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Literal, Namespace, URIRef

from . import geography
from .cache import sorted_quads, trig_block
from .errors import InputError
from .export import GraphFiles, write_atomically
from .outdir import check_out_folder, create_out_folder, mark_build_folder
from .vocab import DCTERMS, GRAPH, RDF, RDFS, XSD, mint, slugify

QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
STATS_FOLDER = Path(".kg") / "stats"

SUPPRESSED = frozenset({"", "c", "x", "z", ".", ":", "low", "u", "~"})
# Columns that say where or when a row is, never measures or breakdowns.
_TIME = "time_period"
_AREA_CODES = ("new_la_code", "old_la_code")
_AREA_NAMES = ("la_name", "local_authority", "local_authority_name", "authority", "area_name", "la")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class Problem:
    """A row that gave no observation: its line in the file and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class StatsImport:
    """One CSV read as a Data Cube: the graph's IRI and triples, and what was read."""

    name: str
    source: str
    graph: URIRef
    triples: set = field(default_factory=set)
    observations: int = 0
    measures: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    suppressed: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class StatsGraph:
    """A statistics graph kept in ``<out>/.kg/stats/``: its name, IRI, files and counts."""

    name: str
    iri: str
    key: str
    source: str
    triples: int
    observations: int
    folder: Path

    @property
    def files(self) -> GraphFiles:
        return GraphFiles(self.iri, self.folder / f"{self.key}.nq", self.folder / f"{self.key}.trig")


def stats_graph_iri(name: str) -> URIRef:
    """``https://w3id.org/sgkg/graph/stats/<name>``."""
    return GRAPH[f"stats/{name}"]


def read_stats(path: Path, name: str | None = None) -> StatsImport:
    """The CSV at ``path`` as the Data Cube graph ``stats/<name>`` (``name``: the file's stem, slugged).

    Raises InputError when the file cannot be read as CSV, ``name`` is not a short lower-case
    slug, or no column says which area a row is about.
    """
    name = name if name is not None else slugify(path.stem)
    if not _NAME.match(name):
        raise InputError(f"--name {name!r}: use lower-case letters, digits, '-' and '_' (at most 64)")
    header, rows = _read_csv(path)
    columns = _Columns.of(header, rows)
    imported = StatsImport(
        name, path.name, stats_graph_iri(name), measures=columns.measures, dimensions=columns.dimensions
    )
    dataset = mint("dataset", name)
    _describe_dataset(imported, dataset, columns)
    seen: dict[tuple, int] = {}
    for line, row in rows:
        _read_row(imported, dataset, columns, line, row, seen)
    return imported


def save(out_dir: Path, imported: StatsImport) -> StatsGraph:
    """Keep ``imported`` in ``<out>/.kg/stats/`` in place of any earlier graph of the same name.

    The folder becomes an sgkg build folder (``kg.outdir``) if it is not one yet; InputError
    for a non-empty folder that is not one, as for a build."""
    check_out_folder(out_dir)
    create_out_folder(out_dir)
    folder = out_dir / STATS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    mark_build_folder(out_dir)
    lines, quads = sorted_quads(imported.graph, imported.triples)
    body = b"".join(lines)
    key = f"{imported.name}.{hashlib.sha256(body).hexdigest()[:16]}"
    write_atomically(folder / f"{key}.nq", body)
    write_atomically(folder / f"{key}.trig", trig_block(quads))
    record = {
        "name": imported.name,
        "graph": str(imported.graph),
        "key": key,
        "source": imported.source,
        "triples": len(lines),
        "observations": imported.observations,
    }
    write_atomically(folder / f"{imported.name}.json", json.dumps(record, sort_keys=True))
    _remove_unlisted(folder)
    return _graph(folder, record)


def remove(out_dir: Path, name: str) -> bool:
    """Forget the statistics graph ``name``; False when there was none."""
    folder = out_dir / STATS_FOLDER
    record = folder / f"{name}.json"
    if not record.is_file():
        return False
    record.unlink()
    _remove_unlisted(folder)
    return True


def graphs(out_dir: Path) -> list[StatsGraph]:
    """The statistics graphs kept in ``out_dir``, by name."""
    folder = out_dir / STATS_FOLDER
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        graph = _graph(folder, record)
        if graph.files.quads.is_file() and graph.files.trig.is_file():
            found.append(graph)
    return found


def _graph(folder: Path, record: dict) -> StatsGraph:
    return StatsGraph(
        record["name"],
        record["graph"],
        record["key"],
        record["source"],
        record["triples"],
        record["observations"],
        folder,
    )


def _remove_unlisted(folder: Path) -> None:
    keys = set()
    for path in folder.glob("*.json"):
        try:
            keys.add(json.loads(path.read_text(encoding="utf-8"))["key"])
        except (OSError, ValueError, KeyError):
            continue
    for path in folder.iterdir():
        if path.suffix in (".nq", ".trig") and path.stem not in keys:
            path.unlink(missing_ok=True)


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (column names folded to snake case) and the rows with their line numbers."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp1252")
        except UnicodeDecodeError as error:
            raise InputError(f"{path}: not UTF-8 or Windows-1252 text ({error})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_column(cell) for cell in next(reader)]
    except StopIteration:
        raise InputError(f"{path}: empty file, no header row") from None
    except csv.Error as error:
        raise InputError(f"{path}: not CSV ({error})") from None
    if len(set(header)) != len(header) or "" in header:
        raise InputError(f"{path}: the header row has empty or repeated column names")
    rows = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, dict(zip(header, (cell.strip() for cell in cells)))))
    except csv.Error as error:
        raise InputError(f"{path}: not CSV at line {reader.line_num} ({error})") from None
    return header, rows


def _column(cell: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", cell.strip().lower()).strip("_")


@dataclass(frozen=True)
class _Columns:
    """Which column does what: area keys, period, measures (numeric) and dimensions (the rest)."""

    area_codes: tuple[str, ...]
    area_name: str | None
    time: str | None
    measures: tuple[str, ...]
    dimensions: tuple[str, ...]

    @classmethod
    def of(cls, header: list[str], rows: list[tuple[int, dict[str, str]]]) -> _Columns:
        area_codes = tuple(column for column in _AREA_CODES if column in header)
        area_name = next((column for column in _AREA_NAMES if column in header), None)
        if not area_codes and area_name is None:
            raise InputError(
                "no column says which area a row is about: expected new_la_code, old_la_code or la_name "
                f"(the columns are {', '.join(header)})"
            )
        placed = {*area_codes, area_name, _TIME, "time_identifier", "geographic_level"}
        others = [
            column for column in header if column not in placed and not column.endswith(("_code", "_name"))
        ]
        values = {column: [row.get(column, "") for _, row in rows] for column in others}
        measures = tuple(column for column in others if _numeric(values[column]))
        dimensions = tuple(
            column
            for column in others
            if column not in measures and any(v.lower() not in SUPPRESSED for v in values[column])
        )
        return cls(area_codes, area_name, _TIME if _TIME in header else None, measures, dimensions)


def _numeric(values: list[str]) -> bool:
    present = [value.replace(",", "") for value in values if value.lower() not in SUPPRESSED]
    return bool(present) and all(_NUMBER.match(value) for value in present)


def _describe_dataset(imported: StatsImport, dataset: URIRef, columns: _Columns) -> None:
    triples, name = imported.triples, imported.name
    structure = mint("structure", name)
    triples |= {
        (dataset, RDF.type, QB.DataSet),
        (dataset, RDFS.label, Literal(name)),
        (dataset, DCTERMS.source, Literal(imported.source)),
        (dataset, QB.structure, structure),
        (structure, RDF.type, QB.DataStructureDefinition),
        (structure, RDFS.label, Literal(f"{name}: structure")),
    }
    components = [("refArea", QB.dimension, SDMX_DIMENSION.refArea)]
    if columns.time:
        components.append(("refPeriod", QB.dimension, SDMX_DIMENSION.refPeriod))
    components += [(column, QB.dimension, _dimension(name, column)) for column in columns.dimensions]
    components += [(column, QB.measure, _measure(name, column)) for column in columns.measures]
    for column, role, prop in components:
        component = mint("component", name, column)
        triples |= {
            (structure, QB.component, component),
            (component, RDF.type, QB.ComponentSpecification),
            (component, RDFS.label, Literal(f"{name}: {column}")),
            (component, role, prop),
        }
        if role == QB.measure:
            triples |= {
                (prop, RDF.type, QB.MeasureProperty),
                (prop, RDFS.label, Literal(column)),
                (prop, RDFS.range, XSD.decimal),
            }
        elif prop != SDMX_DIMENSION.refArea and prop != SDMX_DIMENSION.refPeriod:
            triples |= {(prop, RDF.type, QB.DimensionProperty), (prop, RDFS.label, Literal(column))}


def _read_row(
    imported: StatsImport, dataset: URIRef, columns: _Columns, line: int, row: dict[str, str], seen: dict
) -> None:
    period = row.get(columns.time, "") if columns.time else ""
    area = _area(row, columns, period)
    if isinstance(area, str):
        imported.problems.append(Problem(line, area))
        return
    label, ref_area = area
    dimensions = tuple(row.get(column, "") for column in columns.dimensions)
    key = (str(ref_area), period, dimensions)
    if key in seen:
        imported.problems.append(
            Problem(line, f"repeats line {seen[key]} ({label}, {period or 'no period'}): skipped")
        )
        return
    seen[key] = line
    node = mint(
        "observation",
        imported.name,
        str(ref_area).rsplit("/", 1)[-1],
        period or "all",
        *(value or "none" for value in dimensions),
    )
    triples = imported.triples
    triples |= {
        (node, RDF.type, QB.Observation),
        (node, QB.dataSet, dataset),
        (node, SDMX_DIMENSION.refArea, ref_area),
        (
            node,
            RDFS.label,
            Literal(", ".join([f"{imported.name}: {label}", *filter(None, [period, *dimensions])])),
        ),
    }
    if period:
        triples.add((node, SDMX_DIMENSION.refPeriod, _period(period)))
    for column, value in zip(columns.dimensions, dimensions):
        if value:
            triples.add((node, _dimension(imported.name, column), Literal(value)))
    for column in columns.measures:
        value = row.get(column, "")
        if value.lower() in SUPPRESSED:
            imported.suppressed += 1
        else:
            triples.add((node, _measure(imported.name, column), _number(value)))
    imported.observations += 1


def _area(row: dict[str, str], columns: _Columns, period: str) -> tuple[str, URIRef] | str:
    """(label, statistics IRI) of the row's area, or why it has none."""
    for column in columns.area_codes:
        code = row.get(column, "")
        if code:
            found = geography.authority_by_code(code, period)
            return (
                (found.name, found.statistics_iri)
                if found
                else f"{column} {code!r} is no local authority's code"
            )
    name = row.get(columns.area_name, "") if columns.area_name else ""
    if name:
        found = geography.authority(name, period)
        return (
            (found.name, found.statistics_iri)
            if found
            else f"{columns.area_name} {name!r} is no local authority's name"
        )
    for column in ("region_code", "country_code"):
        place = geography.place_by_code(row.get(column, "")) if row.get(column) else None
        if place is not None:
            return place.name, place.statistics_iri
    place = geography.place_by_name(row.get("region_name", "") or row.get("country_name", ""))
    if place is not None:
        return place.name, place.statistics_iri
    return "no area code or name"


def _period(period: str) -> Literal:
    return Literal(period, datatype=XSD.gYear) if re.fullmatch(r"\d{4}", period) else Literal(period)


def _number(value: str) -> Literal:
    value = value.replace(",", "")
    try:
        number = Decimal(value)
    except InvalidOperation:  # checked by _numeric: cannot happen for a measure column
        raise InputError(f"{value!r} is not a number") from None
    if number == number.to_integral_value() and "." not in value:
        return Literal(str(int(number)), datatype=XSD.integer)
    return Literal(format(number.normalize(), "f") if "." in value else value, datatype=XSD.decimal)


def _measure(name: str, column: str) -> URIRef:
    return mint("measure", name, column)


def _dimension(name: str, column: str) -> URIRef:
    return mint("dimension", name, column)
