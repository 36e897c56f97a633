"""Organisation mentions: national bodies by gazetteer, local ones by their head noun.

A local organisation name is a run of capitalised words ending in a head from
``kg/data/organisations.json`` ("... Council", "... Constabulary", "... Safeguarding
Children Partnership"). Leading words that are not part of the name (role titles,
honorifics, "The") are trimmed; an area name inside the run starts the name
("Chief Constable Hampshire Constabulary" -> "Hampshire Constabulary").
Acronyms defined in brackets after a name are recorded with it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate

from .. import datafiles, lexicon
from ..claims import Span
from ..datafiles import AreaAcronym, Service
from ..vocab import LOCAL_AUTHORITY

_WORD = r"(?:[A-Z][\w'-]*|&)"
_CONNECTOR = r"(?:of|for|and|&|upon)"
_CHUNK = re.compile(rf"{_WORD}(?: +(?:{_CONNECTOR} +)*{_WORD})*")
_TOKEN = re.compile(r"[^ ]+")
# NHS bodies named after several areas keep their commas: "NHS Shropshire, Telford and Wrekin Integrated Care Board".
_NHS_LISTED = re.compile(
    r"\bNHS (?:[A-Z][\w'-]*,? (?:and |& |of |the )?){1,8}?(?:Integrated Care Board|Clinical Commissioning Group|(?:NHS )?(?:Foundation )?Trust)\b"
)
_ACRONYM_AFTER = re.compile(r"\s*\((?P<acronym>[A-Z][A-Za-z&]*[A-Z])\)")
_ORGANISATION_WORDS = frozenset(
    {
        "nhs",
        "north",
        "south",
        "east",
        "west",
        "central",
        "greater",
        "royal",
        "university",
        "hospitals",
        "of",
        "the",
        "and",
        "&",
        "mid",
        "inner",
    }
)


@dataclass(frozen=True)
class OrganisationMention:
    """A name in the text that denotes an organisation, before resolution."""

    span: Span
    name: str  # the name as written in the clean view, trimmed
    national: str | None = None  # label of a national body, when it is one
    acronym: str | None = None  # an acronym defined right after it: "Name (ACR)"
    cls: str | None = None  # a class the text gives it ("X, the ... charity"), when its name has no head
    generic: bool = False  # a local service named without its area ("CAMHS"): it takes the document's area
    refers_to_named: bool = (
        False  # "the safeguarding partnership": the one of its class the text names, if any
    )
    alt_labels: tuple[str, ...] = ()  # other names it is known by ("CAMHS", "Croydon CCG")


def find_organisation_mentions(clean: str, excluded: list[Span]) -> list[OrganisationMention]:
    """Every organisation mention in the clean view, in text order, outside ``excluded`` spans."""
    mentions = _national_mentions(clean) + _local_mentions(clean) + _apposition_mentions(clean)
    in_excluded = _overlaps_one_of(excluded)
    mentions = [m for m in mentions if not in_excluded(m.span)]
    return _without_overlaps(mentions)


def _national_mentions(clean: str) -> list[OrganisationMention]:
    found = []
    for match in lexicon.national_name_regex().finditer(clean):
        body = lexicon.national_by_name().get(lexicon.fold(match.group()))
        if body:
            found.append(
                OrganisationMention(
                    Span(match.start(), match.end()),
                    match.group(),
                    body.label,
                    _acronym_after(clean, match.end()),
                )
            )
    acronyms = {acronym for body in lexicon.national_bodies() for acronym in body.acronyms}
    for match in re.finditer(r"\b[A-Z][A-Za-z]{1,7}\b", clean):
        if match.group() not in acronyms:
            continue  # most capitalised words: no need to fold and look them up
        body = lexicon.national_by_name().get(lexicon.fold(match.group()))
        if body and match.group() in body.acronyms:
            found.append(OrganisationMention(Span(match.start(), match.end()), match.group(), body.label))
    return found


@cache
def _job_word() -> re.Pattern:
    """A job word after a name ("Inspector"): the name is part of a job title."""
    return re.compile(r" (?:" + "|".join(map(re.escape, datafiles.roles().job_words)) + r")s?\b")


@cache
def _departments() -> tuple[re.Pattern, re.Pattern]:
    """ "Herefordshire children's services" and "children's services in Dorset", in any case."""
    area = lexicon.area_regex().pattern
    services = r"(?i:children'?s\s+services)"
    return re.compile(rf"(?P<area>{area})\s+{services}"), re.compile(rf"{services}\s+in\s+(?P<area>{area})")


def _department_mentions(clean: str) -> list[OrganisationMention]:
    found = []
    for pattern in _departments():
        for match in pattern.finditer(clean):
            name = f"{match.group('area')} Children's Services"
            found.append(OrganisationMention(Span(match.start(), match.end()), name))
    return found


@cache
def _appositions() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(rule.pattern), rule.cls) for rule in lexicon.organisation_rules().apposition)


def _apposition_mentions(clean: str) -> list[OrganisationMention]:
    """Names without a head noun that the text calls a charity; then every other use of those names."""
    named: dict[str, str] = {}
    for pattern, cls in _appositions():
        for match in pattern.finditer(clean):
            name = match.group("name")
            words = name.split()
            while words and (
                words[0] in lexicon.organisation_rules().stop_words
                or lexicon.role_regex().fullmatch(words[0])
            ):
                words = words[1:]
            if words and words[0] not in lexicon.given_names():
                named.setdefault(" ".join(words), cls)
    found = []
    for name, cls in named.items():
        for match in re.finditer(rf"(?<![\w']){re.escape(name)}(?![\w])", clean):
            found.append(OrganisationMention(Span(match.start(), match.end()), name, cls=cls))
    return found


@cache
def _council_prefix_regex() -> re.Pattern:
    """ "London Borough of Bexley", "Metropolitan Borough of Rotherham" (and a trailing "Council")."""
    prefixes = lexicon.alternation(lexicon.organisation_rules().council_prefixes, flexible_apostrophe=False)
    return re.compile(rf"(?:{prefixes})\s+(?:the\s+)?(?:{lexicon.area_regex().pattern})(?:\s+Council\b)?")


def _council_prefix_mentions(clean: str) -> list[OrganisationMention]:
    return [
        OrganisationMention(Span(m.start(), m.end()), m.group(), cls=LOCAL_AUTHORITY)
        for m in _council_prefix_regex().finditer(clean)
    ]


_LONGER_NAME_BEFORE = re.compile(r"(?:\b[A-Z][\w'-]*|\band|&),? $")


@cache
def _area_acronym_regex() -> tuple[re.Pattern, dict[str, AreaAcronym]]:
    """ "Croydon CCG": an area and a health body's acronym."""
    rules = {rule.acronym: rule for rule in lexicon.organisation_rules().area_acronyms}
    acronyms = "|".join(sorted(map(re.escape, rules), key=len, reverse=True))
    return re.compile(rf"(?P<area>{lexicon.area_regex().pattern})\s+(?P<acronym>{acronyms})\b"), rules


def _area_acronym_mentions(clean: str) -> list[OrganisationMention]:
    pattern, rules = _area_acronym_regex()
    found = []
    for match in pattern.finditer(clean):
        if _LONGER_NAME_BEFORE.search(clean, max(0, match.start() - 40), match.start()):
            continue  # "NHS Nottingham and Nottinghamshire ICB": the end of a longer name
        rule = rules[match.group("acronym")]
        name = f"{lexicon.canonical_area(match.group('area'))} {rule.head}"
        found.append(
            OrganisationMention(
                Span(match.start(), match.end()),
                name,
                cls=rule.cls,
                alt_labels=(re.sub(r"\s+", " ", match.group()),),
            )
        )
    return found


@cache
def _service_regexes() -> tuple[tuple[re.Pattern, Service], ...]:
    found = []
    for service in lexicon.organisation_rules().services:
        names = [service.pattern] + [re.escape(acronym) for acronym in service.acronyms]
        acronyms = "".join(f"|{name}" for name in names[1:])
        found.append((re.compile(rf"(?<![\w'])(?:(?i:{service.pattern}){acronyms})(?![\w'])"), service))
    return tuple(found)


def _service_mentions(clean: str) -> list[OrganisationMention]:
    """Local services named without their area, in any case ("child and adolescent mental health services")."""
    return [
        OrganisationMention(
            Span(m.start(), m.end()),
            service.label,
            cls=service.cls,
            generic=True,
            refers_to_named=service.refers_to_named,
            alt_labels=(service.label, *service.acronyms),
        )
        for (_, service), matches in zip(_service_regexes(), _service_patterns().finditer_each(clean))
        for m in matches
    ]


@cache
def _service_patterns() -> lexicon.PatternSet:
    return lexicon.PatternSet([pattern for pattern, _ in _service_regexes()])


def _local_mentions(clean: str) -> list[OrganisationMention]:
    capitalised = _capitalised_view(clean)
    found = (
        _department_mentions(clean)
        + _council_prefix_mentions(clean)
        + _area_acronym_mentions(clean)
        + _service_mentions(clean)
        + [
            OrganisationMention(Span(m.start(), m.end()), m.group(), None, _acronym_after(clean, m.end()))
            for m in _NHS_LISTED.finditer(capitalised)
            if "," in m.group()
        ]
        + [
            OrganisationMention(Span(m.start(), m.end()), m.group(), None, _acronym_after(clean, m.end()))
            for m in _areas_listed().finditer(capitalised)
        ]
    )
    for chunk in _CHUNK.finditer(capitalised):
        words = [
            (m.group(), chunk.start() + m.start(), chunk.start() + m.end())
            for m in _TOKEN.finditer(chunk.group())
        ]
        found.extend(_names_in_chunk(capitalised, words))
    return found


@cache
def _areas_listed() -> re.Pattern:
    """A health body named after a list of areas with no "NHS" before it: "Bedfordshire, Luton
    and Milton Keynes Integrated Care Board", "Shropshire, Telford and Wrekin ICB"'s full name."""
    area = lexicon.area_regex().pattern
    return re.compile(
        rf"\b(?:{area})(?:,\s+(?:{area}))+(?:,?\s+(?:and|&)\s+(?:{area}))?\s+"
        r"(?:Integrated Care Board|Clinical Commissioning Group|(?:NHS )?(?:Foundation )?Trust)\b"
    )


@cache
def _lower_case_tail() -> re.Pattern:
    """A capitalised word and the lower-case rest of a name in an inspectorate's house style:
    "Croydon| health services NHS trust", "Sutton| clinical commissioning group"."""
    rules = lexicon.organisation_rules()
    words = "|".join(map(re.escape, rules.lower_case_words))
    heads = "|".join(map(re.escape, sorted(rules.lower_case_heads, key=len, reverse=True)))
    return re.compile(rf"\b[A-Z][\w'-]* (?P<tail>(?:(?:{words}) )*(?:{heads}))\b")


_LOWER_CONNECTORS = frozenset({"and", "of", "the", "for"})


def _capitalised_view(clean: str) -> str:
    """``clean`` with the lower-case rest of each house-style name capitalised ("Croydon Health
    Services NHS Trust"), same length, so the name is found and labelled as if printed so."""
    pattern = _lower_case_tail()
    if not lexicon.may_match(pattern, clean):
        return clean

    def capitalise(match: re.Match) -> str:
        start = match.start("tail") - match.start()
        tail = " ".join(
            word if word in _LOWER_CONNECTORS or word.isupper() else word[:1].upper() + word[1:]
            for word in match.group("tail").split(" ")
        )
        return match.group()[:start] + tail

    return pattern.sub(capitalise, clean)


def _names_in_chunk(clean: str, words: list[tuple[str, int, int]]) -> list[OrganisationMention]:
    found = []
    first = 0
    while first < len(words):
        last, end = _first_head(clean, words, first)
        if last is None:
            break
        start_index = _name_start(clean, words, first, last)
        if _job_word().match(clean, end):
            start_index = None  # "a Children's Services Inspector": part of a job title
        if start_index is not None:
            start = words[start_index][1]
            name = clean[start:end]
            found.append(OrganisationMention(Span(start, end), name, None, _acronym_after(clean, end)))
        first = last + 1
    return found


def _first_head(clean: str, words, first: int) -> tuple[int | None, int]:
    """The first name (from word ``first``) that ends in an organisation head, extended while a
    longer name still does ("... NHS Foundation" -> "... NHS Foundation Trust"), up to an 'and'.

    Returns the index of its last word and its end offset.
    """
    start = words[first][1]
    for index in range(first, len(words)):
        word, _, end = words[index]
        if word.endswith("'s") and _has_head(clean[start : end - 2]):
            return index, end - 2  # "Hampshire County Council's Children's Services"
        if _has_head(clean[start:end]):
            return _longest(clean, words, start, index), words[_longest(clean, words, start, index)][2]
    return None, 0


def _longest(clean: str, words, start: int, index: int) -> int:
    """The last word of the longest name from ``start`` that still ends in a head. An "and"
    ends the search ("Kent Police and Medway Council"), unless the head goes on with "of" to
    name places ("University Hospitals of Derby and Burton NHS Foundation Trust")."""
    best = index
    places_follow = index + 1 < len(words) and words[index + 1][0] == "of"
    after_and = None  # past an "and", the longer name must end in a head of its own
    for later in range(index + 1, len(words)):
        word = words[later][0]
        if word.lower() in {"and", "&"}:
            if not places_follow:
                break
            after_and = after_and or words[later][2] + 1
            continue
        if word.endswith("'s"):
            break
        end = words[later][2]
        if _has_head(clean[start:end]) and (after_and is None or _has_head(clean[after_and:end])):
            best = later
    return best


@lru_cache(maxsize=4096)
def _has_head(name: str) -> bool:
    """Does ``name`` end like an organisation's? Kept for the last names asked: a name is tried
    word by word at every mention, and documents name the same organisations again and again."""
    return lexicon.any_organisation_head().search(name) is not None


def _name_start(clean: str, words, first: int, last: int) -> int | None:
    """Where the name begins within words[first..last], or None when the run is a role title.

    The first area name starts the name unless only organisation words precede it
    ("NHS West Hampshire ..."); otherwise leading role titles, honorifics, a person's
    name and "The" are trimmed.
    """
    index = _first_area_start(clean, words, first, last)
    rules = lexicon.organisation_rules()
    name_end = words[last][2]
    while index <= last:
        word = words[index][0]
        role_match = lexicon.role_regex().match(clean, words[index][1])
        if role_match and role_match.end() >= name_end - 2:
            owner = _owner_after_title(role_match.group())
            if owner is None:
                return None  # "Director of Children's Services" is a role, not an organisation
            index = _index_after(words, role_match.start() + owner, index)
            continue
        if word.endswith(("'s", "’s")) and index < last:
            owned = lexicon.role_regex().match(clean, words[index + 1][1])
            if owned and owned.end() >= name_end - 2:
                return None  # "Kent's Director of Children's Services": the area's role
        if (
            word in rules.stop_words
            or word in lexicon.honorifics()
            or word.lower() in {"of", "for", "and", "&", "upon"}
        ):
            index += 1
        elif role_match:
            index = _index_after(words, role_match.end(), index)
        elif (
            word in lexicon.given_names()
            and index + 1 < last
            and words[index + 1][0][:1].isupper()
            and not _has_head(words[index + 1][0])  # "Kingston Hospital ...": a place, not a person
        ):
            index += 2  # a person's name before an organisation's
        else:
            return index
    return None


# Bodies named after no local authority area, whose name a title's "of" may run into.
_OWNER_CLASSES = frozenset({"PoliceForce", "HealthBody", "ProbationService", "Charity"})
_TITLE_OF = re.compile(r"\s+(?:of|at)\s+(?:the\s+)?")


def _owner_after_title(role: str) -> int | None:
    """Where the organisation starts in a role that runs into it ("Deputy Chief Constable of
    South Yorkshire Police"): after a known title and "of" or "at", when the rest ends like a
    police force, a health body, a probation service or a charity; else None (a title's brief:
    "Director of Children's Services")."""
    if lexicon.role_titles().get(role.lower()):
        return None
    for link in _TITLE_OF.finditer(role):
        title, rest = role[: link.start()], role[link.end() :]
        if not lexicon.role_regex().fullmatch(title):
            continue
        if any(
            cls in _OWNER_CLASSES and pattern.search(rest) for pattern, cls in lexicon.organisation_heads()
        ):
            return link.end()
        return None
    return None


def _first_area_start(clean: str, words, first: int, last: int) -> int:
    area = lexicon.area_regex().search(clean, words[first][1], words[last][2])
    if area is None:
        return first
    candidate = _index_after(words, area.start(), first)
    if all(words[k][0].lower() in _ORGANISATION_WORDS for k in range(first, candidate)):
        return first
    place = first + 1 if words[first][0] in {"and", "&"} else first  # "... Police and Humber and ..."
    if candidate - place == 2 and words[place + 1][0] == "and" and _is_place_word(words[place][0]):
        return place  # "Avon and Somerset Constabulary", "Humber and North Yorkshire ICB"
    return candidate


def _is_place_word(word: str) -> bool:
    """A capitalised word before "and <area>" that can only be another place of a joint name:
    no organisation, acronym, plural ("Partners and Kent Police"), generic or stop word, role,
    honorific or given name."""
    rules = lexicon.organisation_rules()
    return not (
        word.isupper()
        or word.endswith(("s", "'", "’"))
        or _has_head(word)
        or lexicon.fold(word) in lexicon.national_by_name()
        or word.lower() in rules.generic_words
        or word in rules.stop_words
        or word in lexicon.honorifics()
        or word in lexicon.given_names()
        or lexicon.role_regex().fullmatch(word)
    )


def _index_after(words, offset: int, index: int) -> int:
    while index < len(words) and words[index][1] < offset:
        index += 1
    return index


def _acronym_after(clean: str, end: int) -> str | None:
    match = _ACRONYM_AFTER.match(clean, end)
    return match.group("acronym") if match else None


def _overlaps_one_of(spans: list[Span]):
    """A test of whether a span overlaps one of ``spans``, in log time (a scan of them all
    for each mention took time quadratic in the document's length): the spans in order of
    start, with the furthest end reached so far."""
    ordered = sorted(spans, key=lambda span: span.start)
    starts = [span.start for span in ordered]
    reach = list(accumulate((span.end for span in ordered), max))

    def overlaps(span: Span) -> bool:
        before_end = bisect_left(starts, span.end) - 1  # the last of those starting before span ends
        return before_end >= 0 and reach[before_end] > span.start

    return overlaps


def _without_overlaps(mentions: list[OrganisationMention]) -> list[OrganisationMention]:
    """Keep the longest of overlapping mentions (national first on ties), in text order.

    The kept spans never overlap, so in order of start their ends are in order too: a new
    span overlaps one of them exactly when it overlaps the last that starts before it ends."""
    ordered = sorted(mentions, key=lambda m: (-(m.span.end - m.span.start), m.national is None, m.span.start))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[OrganisationMention] = []
    for mention in ordered:
        span = mention.span
        before_end = bisect_left(starts, span.end)
        if before_end and ends[before_end - 1] > span.start:
            continue
        at = bisect_left(starts, span.start)
        starts.insert(at, span.start)
        ends.insert(at, span.end)
        kept.append(mention)
    return sorted(kept, key=lambda m: m.span.start)
