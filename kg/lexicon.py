"""The gazetteers of ``kg/data/`` and the theme scheme of the ontology, compiled once.

Everything the extractors match against lives in data files; this module only turns
them into regular expressions and lookup tables. Nothing here knows a particular
document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import Graph
from rdflib.namespace import SKOS

from .resources import load_json, load_lines, ontology_dir
from .vocab import THEME


def alternation(phrases, *, flexible_apostrophe: bool = True, plural: bool = False) -> str:
    """A regex alternation of literal phrases, longest first, whole words.

    With ``flexible_apostrophe`` an apostrophe in a phrase also matches a lost one
    ("Children's" matches "Childrens" and "Children s").
    """
    escaped = []
    for phrase in sorted(set(phrases), key=lambda p: (-len(p), p)):
        pattern = re.escape(phrase).replace(r"\ ", r"\s+")
        if flexible_apostrophe:
            pattern = pattern.replace("'", "'?")
        escaped.append(pattern)
    return r"(?<![\w'])(?:" + "|".join(escaped) + r")" + ("s?" if plural else "") + r"(?![\w'])"


@cache
def areas() -> tuple[str, ...]:
    return load_lines("areas.txt")


@cache
def area_regex() -> re.Pattern:
    return re.compile(alternation(areas()))


@cache
def given_names() -> frozenset[str]:
    return frozenset(name for line in load_lines("given_names.txt") for name in line.split())


@dataclass(frozen=True)
class RoleTitle:
    title: str
    organisation_class: str | None
    fallback_class: str | None = None


@cache
def role_titles() -> dict[str, RoleTitle]:
    """Role titles by lower-cased title."""
    data = load_json("roles.json")
    return {
        entry["title"].lower(): RoleTitle(entry["title"], entry["organisation_class"], entry.get("fallback_class"))
        for entry in data["titles"]
    }


@cache
def role_regex() -> re.Pattern:
    """A role title, optionally after modifiers, optionally continued by 'for/of <Capitalised words>'."""
    data = load_json("roles.json")
    modifiers = "|".join(re.escape(m) for m in data["modifiers"])
    titles = alternation([entry["title"] for entry in data["titles"]], plural=True)
    continuation = r"(?:\s+(?:for|of)\s+(?:the\s+)?(?:[A-Z][\w']*|(?i:children'?s services))(?:\s+(?:and\s+|&\s+)?[A-Z][\w']*)*)?"
    return re.compile(rf"(?P<role>(?i:(?:(?:{modifiers})\s+)*{titles}){continuation})")


@cache
def honorifics() -> tuple[str, ...]:
    return tuple(load_json("roles.json")["honorifics"])


@dataclass(frozen=True)
class NationalBody:
    label: str
    cls: str
    names: tuple[str, ...]
    acronyms: tuple[str, ...]


@cache
def national_bodies() -> tuple[NationalBody, ...]:
    return tuple(
        NationalBody(entry["label"], entry["class"], (entry["label"], *entry["aliases"]), tuple(entry["acronyms"]))
        for entry in load_json("organisations.json")["national"]
    )


@cache
def national_name_regex() -> re.Pattern:
    names = [name for body in national_bodies() for name in body.names]
    return re.compile(alternation(names))


@cache
def national_by_name() -> dict[str, NationalBody]:
    table: dict[str, NationalBody] = {}
    for body in national_bodies():
        for name in body.names:
            table[fold(name)] = body
        for acronym in body.acronyms:
            table[fold(acronym)] = body
    return table


@cache
def organisation_heads() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple(
        (re.compile(entry["pattern"].replace("'", "'?")), entry["class"])
        for entry in load_json("organisations.json")["heads"]
    )


@cache
def organisation_rules() -> dict:
    return load_json("organisations.json")


@cache
def cue_regex(phrases: tuple[str, ...]) -> re.Pattern:
    return re.compile(alternation(phrases), re.IGNORECASE)


@dataclass(frozen=True)
class Theme:
    theme_id: str
    label: str
    cues: re.Pattern


@cache
def themes() -> tuple[Theme, ...]:
    """The themes of the ontology's scheme whose ``skos:altLabel``s are their cue words."""
    ontology = Graph().parse(ontology_dir() / "sgkg.ttl", format="turtle")
    found = []
    for concept in sorted(set(ontology.subjects(SKOS.broader, None))):
        if not str(concept).startswith(str(THEME)):
            continue
        cues = [str(label) for label in ontology.objects(concept, SKOS.altLabel)]
        label = str(ontology.value(concept, SKOS.prefLabel))
        if cues:
            found.append(Theme(str(concept)[len(str(THEME)):], label, re.compile(alternation(cues), re.IGNORECASE)))
    return tuple(found)


def fold(text: str) -> str:
    """A comparison key for names: lower case, apostrophes and 'the' dropped, '&' as 'and', spaces folded."""
    text = text.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()
