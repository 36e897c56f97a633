"""RDF/XML read with entity expansion bounded: the check before pyoxigraph parses a file.

pyoxigraph's RDF/XML parser expands the entities a file's DTD declares, entities within
entities too, with no limit ("billion laughs"; figures: docs/benchmarks.md). Files written
by ontology editors declare entities only as short names for namespaces
(``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``), so ``check_entities`` lets those
through and refuses, before anything is parsed: an entity whose text refers to another entity, parameter and external entities (``%``, ``SYSTEM``, ``PUBLIC``), and
references that would add more than MAX_EXPANSION characters in all.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError

MAX_EXPANSION = 16 * 1024 * 1024
_SUFFIXES = frozenset({".rdf", ".owl", ".xml"})
_DECLARATION = re.compile(
    rb"<!ENTITY\s+(?P<percent>%\s+)?(?P<name>[^\s%\"'>]+)\s+(?P<rest>[^>]*)>", re.DOTALL
)
# A reference to a named entity (character references, &#...;, expand to one character).
_REFERENCE = re.compile(rb"&([^#;\s][^;\s]*);")
_PREDEFINED = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_QUOTED = re.compile(rb"""^(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')\s*$""", re.DOTALL)


def is_rdf_xml(path: Path) -> bool:
    return path.suffix.lower() in _SUFFIXES


def check_entities(path: Path) -> None:
    """Raise InputError when the RDF/XML file at ``path`` declares entities that expand
    without bound (see the module's docstring); do nothing for any other file."""
    if not is_rdf_xml(path):
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from error
    if b"<!ENTITY" not in data:
        return
    values: dict[bytes, bytes] = {}
    for declaration in _DECLARATION.finditer(data):
        quoted = _QUOTED.match(declaration["rest"])
        if declaration["percent"] or quoted is None:
            raise InputError(
                f"{path}: declares a parameter or external entity ({declaration['name'].decode('utf-8', 'replace')}); refused"
            )
        values[declaration["name"]] = quoted["double"] if quoted["double"] is not None else quoted["single"]
    for name, value in values.items():
        if any(reference not in _PREDEFINED for reference in _REFERENCE.findall(value)):
            raise InputError(
                f"{path}: entity {name.decode('utf-8', 'replace')} refers to another entity; refused (nested entities can expand without bound)"
            )
    added = sum(len(value) * data.count(b"&" + name + b";") for name, value in values.items())
    if added > MAX_EXPANSION:
        raise InputError(
            f"{path}: its entities would expand by {added // (1024 * 1024)} MB; the limit is {MAX_EXPANSION // (1024 * 1024)} MB"
        )
