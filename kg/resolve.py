"""Mentions -> one organisation per real thing, within a document and across documents.

Implements the identity rules of ONTOLOGY.md ("the same real-world thing mentioned in
several documents gets one IRI"). A label is a pure function of what the text says
plus the document's area, so two documents naming the same body agree on its label
and so on its IRI:
- national bodies take their gazetteer label ("HMI Probation" -> "His Majesty's
  Inspectorate of Probation");
- typography is normalised ("Children s" -> "Children's", "Safeguarding Children's
  Board" -> "Safeguarding Children Board");
- a generic name ("the Health and Wellbeing Board", "Children's Services") takes the
  document's main area as a prefix, so it never merges across areas;
- acronyms are resolved within their document only: from a definition "Name (ACR)",
  else from the initials of one organisation named in the same document.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import geography, lexicon
from .claims import Assessment, Organisation, Span
from .spans import SpanSet
from .text import lines
from .vocab import LOCAL_AUTHORITY, ORGANIZATION

if TYPE_CHECKING:  # the mentions come from kg.extract, which imports this module
    from .extract.organisations import OrganisationMention

_ACRONYM_TOKEN = re.compile(r"(?<![\w-])(?:[A-Z]{2,}[a-z]?[A-Z]*|[A-Z][a-z][A-Z]+)(?:\s+[A-Z]{2,})?(?![\w-])")
_FILE_NAME_WORDS = re.compile(r"[^a-z0-9]+")
_AREA_MAX_WORDS = 5  # "Bournemouth, Christchurch and Poole" is the longest area name in words
_AREA_AFTER = re.compile(r" (?:for|in) (?:the )?")
_DATELINE = re.compile(
    r"[ ]*(?P<place>[A-Z][A-Z'.&-]*(?:[ ][A-Z][A-Z'.&-]*){0,4})[ ]*(?:-|,[ ]*(?:\d|[A-Z][a-z]+[ ]\d))"
)
_INITIAL_SKIP = {"and", "&"}
_INITIAL_SKIP_SMALL = {"and", "&", "of", "for", "the", "upon"}


def main_area(clean: str) -> str | None:
    """The area the document is mostly about: the one its content (not its furniture, such as
    a publisher's postal address) names most often, the first named on a tie."""
    counts: Counter = Counter()
    first_seen: dict[str, int] = {}
    for line in lines(clean):
        if line.boilerplate:
            continue
        for match in lexicon.area_regex().finditer(clean, line.start, line.end):
            area = lexicon.canonical_area(match.group())
            counts[area] += 1
            first_seen.setdefault(area, match.start())
        dateline = _DATELINE.match(clean, line.start, line.end)
        placed = lexicon.areas_by_fold().get(lexicon.fold(dateline.group("place"))) if dateline else None
        if dateline and placed:  # "LEEDS - The council has ...": a news dateline names its place in capitals
            counts[placed] += 1
            first_seen.setdefault(placed, dateline.start("place"))
    if not counts:
        return None
    return max(
        sorted(counts, key=lambda area: first_seen[area]), key=lambda area: (counts[area], -first_seen[area])
    )


def area_of_file_name(path: Path) -> str | None:
    """The one local authority area a document's file name names ("council-brighton-and-hove.txt"),
    for a text that names none: a council's own press release says "the council" and "the city"
    and leaves its name to the address it is published at (docs/quality.md, "Areas")."""
    words = [word for word in _FILE_NAME_WORDS.split(path.stem.lower()) if word]
    found: list[tuple[int, int, str]] = []
    for start in range(len(words)):
        for end in range(min(len(words), start + _AREA_MAX_WORDS), start, -1):
            area = _areas_by_words().get(" ".join(words[start:end]))
            if area:
                found.append((start, end, area))
                break
    longest = [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and o != f for o in found)]
    named = {area for _, _, area in longest}
    return named.pop() if len(named) == 1 else None


@cache
def _areas_by_words() -> dict[str, str]:
    """Local authority areas keyed by their lower-case words ("southend on sea")."""
    return {
        " ".join(w for w in _FILE_NAME_WORDS.split(area.lower()) if w): area
        for area in lexicon.areas()
        if geography.authority(area) is not None
    }


def areas_about(
    main: str | None, organisations: dict[str, Organisation], assessments: list[Assessment]
) -> list[str]:
    """The areas a document is about: its main area, those assessed and those its organisations
    serve, in that order. A place named in passing is not one (docs/quality.md, "Areas")."""
    named = [main] + [a.area for a in assessments] + [o.area for o in organisations.values() if o.spans]
    return list(dict.fromkeys(area for area in named if area))


def resolve_organisations(
    clean: str, mentions: list[OrganisationMention], area: str | None, on: str | None
) -> tuple[dict[str, Organisation], dict[Span, str]]:
    """Organisations of one document by key, and the key each mention span resolved to; ``on``
    is the document's date, which decides what its area's council was."""
    organisations: dict[str, Organisation] = {}
    resolved: dict[Span, str] = {}
    previous: tuple[OrganisationMention, Organisation] | None = None
    for mention in mentions:
        organisation = _organisation_for(clean, mention, area)
        if organisation is None:
            previous = None
            continue
        kept = organisations.setdefault(organisation.key, organisation)
        kept.spans.append(mention.span)
        if mention.acronym:
            kept.alt_labels.add(mention.acronym)
        kept.alt_labels.update(name for name in mention.alt_labels if name != kept.label)
        if _is_other_name(mention, kept):
            kept.alt_labels.add(canonical_name(mention.name))
        if previous and _is_department_of(clean, previous[0], mention):
            kept.unit_of = previous[1].key
        resolved[mention.span] = kept.key
        previous = (mention, kept)
    _resolve_acronyms(clean, organisations, resolved)
    _merge_generic_services(mentions, organisations, resolved)
    _imply_council(clean, organisations, area, on)
    _tie_departments(organisations)
    return organisations, resolved


def _merge_generic_services(
    mentions, organisations: dict[str, Organisation], resolved: dict[Span, str]
) -> None:
    """ "the safeguarding partnership" where the text also names "Bexley Safeguarding Children
    Partnership": the one organisation of its class and area that the text names outright."""
    generic = {resolved[m.span] for m in mentions if m.generic and m.span in resolved}
    referring = {resolved[m.span] for m in mentions if m.refers_to_named and m.span in resolved}
    for key in sorted(referring):
        service = organisations[key]
        named = [
            k
            for k, o in organisations.items()
            if k not in generic and o.cls == service.cls and o.area == service.area and o.spans
        ]
        if len(named) != 1:
            continue
        target = organisations[named[0]]
        target.spans.extend(service.spans)
        for span, resolved_key in resolved.items():
            if resolved_key == key:
                resolved[span] = target.key
        del organisations[key]


def _tie_departments(organisations: dict[str, Organisation]) -> None:
    """ "<Area> Children's Services" beside the one council of that area is that council's department."""
    for department in organisations.values():
        if department.unit_of or not department.label.endswith("Children's Services"):
            continue
        councils = [o.key for o in organisations.values() if o.area == department.area and is_council(o)]
        if len(councils) == 1:
            department.unit_of = councils[0]


def is_council(organisation: Organisation) -> bool:
    """A council itself ("Leeds City Council", "London Borough of Bexley"), not one of its departments."""
    return organisation.cls == LOCAL_AUTHORITY and bool(_council_name().search(organisation.label))


@cache
def _council_name() -> re.Pattern:
    prefixes = lexicon.alternation(lexicon.organisation_rules().council_prefixes, flexible_apostrophe=False)
    return re.compile(rf"\bCouncil$|^(?:{prefixes})\s")


def _imply_council(
    clean: str, organisations: dict[str, Organisation], area: str | None, on: str | None
) -> None:
    """An inspection report calls the council it inspects "the local authority" and may never give
    its name: where the text so refers to a council and names none of the main area, that area's
    council is implied (``council_name``), also called by the area's name (docs/quality.md, "Themes
    and areas of a whole document")."""
    if area is None or any(is_council(o) and o.area == area for o in organisations.values()):
        return
    references = [Span(m.start(), m.end()) for m in _council_reference().finditer(clean)]
    if references:
        label = council_name(area, on)
        organisations[label] = Organisation(
            label, LOCAL_AUTHORITY, area, {area} | ({f"{area} Council"} - {label}), references
        )


def council_name(area: str, on: str | None) -> str:
    """The name of an area's council where the text gives none: "Kent County Council" for a
    two-tier county (GSS code E10..., every such council is so named), "<Area> Council" for other
    authorities, whose councils are named in too many ways to guess ("Leeds City Council",
    "London Borough of Barnet", "North Yorkshire Council" since it became unitary in 2023)."""
    found = geography.authority(area, on)
    county = found is not None and found.gss_code.startswith(_COUNTY_CODE)
    return f"{area} County Council" if county else f"{area} Council"


_COUNTY_CODE = "E10"  # ONS: the GSS entity code of non-metropolitan (two-tier) counties


@cache
def _council_reference() -> re.Pattern:
    return re.compile(lexicon.organisation_rules().council_references, re.IGNORECASE)


def _is_other_name(mention: OrganisationMention, organisation: Organisation) -> bool:
    """A proper other name worth an altLabel: not the label, not a generic phrase like "County Council"."""
    name = canonical_name(mention.name)
    return lexicon.fold(name) != lexicon.fold(organisation.label) and (
        mention.national is not None or not _is_generic(name)
    )


def _organisation_for(clean: str, mention: OrganisationMention, area: str | None) -> Organisation | None:
    if mention.national:
        body = next(b for b in lexicon.national_bodies() if b.label == mention.national)
        return Organisation(body.label, body.cls, None, set(body.acronyms))
    name = canonical_name(mention.name)
    if _internal_body().search(name):
        return None  # a council's own board or children's council, not an organisation of its own
    stated = _area_after(clean, mention.span)
    area = stated[0] if stated else area
    if mention.generic:
        written = {clean[mention.span.start : stated[1]]} if stated else set()  # "LSCB for Devon"
        return Organisation(f"{area} {name}" if area else name, mention.cls or classify(name), area, written)
    if mention.cls is None and len(name.split()) == 1:
        return None  # "Police ...", "Charity reaction": a head word alone names no one
    cls = mention.cls or classify(name)
    name_area = lexicon.area_in(name)
    if name_area is None and _is_generic(name):
        if area is None:
            return None  # "the Health and Wellbeing Board" of no known area names nothing
        name, name_area = f"{area} {name}", area
        cls = classify(name)
    if cls == ORGANIZATION:
        retyped = _context_class(clean, mention.span, name)
        if retyped is None:
            return None
        cls = retyped
    return Organisation(name, cls, name_area)


def _area_after(clean: str, span: Span) -> tuple[str, int] | None:
    """The area a name without one is given just after it ("the LSCB for Devon"), and where
    the phrase ends."""
    match = _AREA_AFTER.match(clean, span.end)
    if match is None:
        return None
    named = lexicon.area_regex().match(clean, match.end())
    return (lexicon.canonical_area(named.group()), named.end()) if named else None


@cache
def _internal_body() -> re.Pattern:
    return re.compile(lexicon.organisation_rules().internal_bodies)


@lru_cache(maxsize=4096)  # a long document names the same organisations again and again
def canonical_name(surface: str) -> str:
    """The label for a local organisation name as written: typography normalised."""
    name = re.sub(r"\s+", " ", surface.replace("\u2019", "'")).strip()
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"\bChildren(?:'| )?s\b", "Children's", name)
    name = re.sub(r"\bSafeguarding Children's (Board|Partnership)\b", r"Safeguarding Children \1", name)
    name = re.sub(r"'s$", "", name)
    return name


@lru_cache(maxsize=4096)
def classify(name: str) -> str:
    """The most specific contract class for an organisation name, from the head rules."""
    for pattern, cls in lexicon.organisation_heads():
        if pattern.search(name):
            return cls
    return ORGANIZATION


def _context_class(clean: str, span: Span, name: str) -> str | None:
    """Retype a name with only a generic head by cue words in its sentence; None drops it."""
    sentence_start = max(clean.rfind(".", 0, span.start), clean.rfind("\n", 0, span.start)) + 1
    sentence_end = min(
        i for i in (clean.find(".", span.end), clean.find("\n", span.end), len(clean)) if i >= 0
    )
    sentence = clean[sentence_start:sentence_end].lower()
    for rule in lexicon.organisation_rules().context_classes:
        if re.search(rule.head, name) and any(cue in sentence for cue in rule.cues):
            return rule.cls
    if re.search(r"\bBoard$", name) and len(name.split()) >= 3:
        return ORGANIZATION
    if re.search(lexicon.organisation_rules().kept_heads, name) and len(name.split()) >= 2:
        return ORGANIZATION
    return None


def _is_generic(name: str) -> bool:
    generic = set(lexicon.organisation_rules().generic_words)
    return all(word.lower() in generic for word in name.split())


def _is_department_of(clean: str, owner: OrganisationMention, mention: OrganisationMention) -> bool:
    """True for "<Council>'s <Department>": the mention follows its owner's possessive."""
    between = clean[owner.span.end : mention.span.start]
    return between in ("'s ", "' ")


def _resolve_acronyms(clean: str, organisations: dict[str, Organisation], resolved: dict[Span, str]) -> None:
    """Tie undefined acronyms ("HSCP", "HIOW CRC") to the one organisation whose initials they are."""
    defined = {alt: key for key, org in organisations.items() for alt in org.alt_labels if alt.isupper()}
    # Spans added below are acronyms already passed: only the spans resolved before can cover a later one.
    named = SpanSet(resolved)
    initials = _InitialsIndex(organisations)
    for match in _ACRONYM_TOKEN.finditer(clean):
        span = Span(match.start(), match.end())
        if named.covers(span.start):
            continue
        acronym = match.group()
        key = defined.get(acronym) or initials.owner(acronym)
        if key is None:
            continue
        organisations[key].alt_labels.add(acronym)
        organisations[key].spans.append(span)
        resolved[span] = key


class _InitialsIndex:
    """The organisations by the initials of their labels, and by the endings (three letters
    or more) of those initials, made once: a look at every organisation for each acronym
    took time quadratic in a long document's length."""

    def __init__(self, organisations: dict[str, Organisation]) -> None:
        self._exact: dict[str, set[str]] = {}
        self._ending: dict[str, set[str]] = {}
        for key, organisation in organisations.items():
            for initials in _initials(organisation.label):
                self._exact.setdefault(initials, set()).add(key)
                for cut in range(1, len(initials) - 2):
                    self._ending.setdefault(initials[cut:], set()).add(key)

    def owner(self, acronym: str) -> str | None:
        """The one organisation whose initials are the acronym's letters, else the one whose
        initials end with them (three letters or more); None when there is none or several."""
        letters = re.sub(r"[^A-Za-z]", "", acronym).upper()
        if len(letters) < 2:
            return None
        exact = self._exact.get(letters, set())
        if len(exact) == 1:
            return next(iter(exact))
        ending = self._ending.get(letters, set()) if len(letters) >= 3 else set()
        if not exact and len(ending) == 1:
            return next(iter(ending))
        return None


def _initials(label: str) -> set[str]:
    words = [w for w in re.split(r"[\s-]+", label.replace("'s", "")) if w]
    every = "".join(w[0] for w in words if w.lower() not in _INITIAL_SKIP).upper()
    content = "".join(w[0] for w in words if w.lower() not in _INITIAL_SKIP_SMALL).upper()
    return {every, content}


def resolve_reference(text: str, organisations: dict[str, Organisation]) -> str | None:
    """The organisation a phrase like "the Board", "the council" or "Partnership" stands for in this
    document: the only organisation of the class the phrase names (patterns in organisations.json)."""
    for rule in lexicon.organisation_rules().reference_phrases:
        if not re.search(rule.pattern, text):
            continue
        candidates = [
            key
            for key, o in organisations.items()
            if o.cls == rule.cls
            and o.spans
            and o.unit_of is None
            and (rule.ending is None or o.label.endswith(rule.ending))
        ]
        if len(candidates) == 1:
            return candidates[0]
    return None
