"""The gazetteers of ``kg/data/`` and the theme scheme of the ontology, compiled once.

Everything the extractors match against lives in data files; this module only turns
them into regular expressions and lookup tables. Nothing here knows a particular
document.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rdflib import URIRef
from rdflib.namespace import SKOS

from . import datafiles
from .datafiles import Organisations, RoleTitle
from .resources import load_lines, ontology_graph
from .vocab import THEME

# re's own parser, for what a pattern's matches must start with or hold (figures:
# docs/benchmarks.md): re._parser since Python 3.11, sre_parse before.
_sre_parser = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")


def alternation(
    phrases: Iterable[str],
    *,
    flexible_apostrophe: bool = True,
    plural: bool = False,
    possessive: bool = False,
) -> str:
    """A regex alternation of literal phrases, longest first, whole words; with ``possessive``
    also a phrase followed by "'s" ("Barnsley's children"), the match without it.

    With ``flexible_apostrophe`` an apostrophe in a phrase also matches a lost one
    ("Children's" matches "Childrens" and "Children s").

    When every phrase starts with an ASCII letter or digit, the phrases are grouped by that
    character, each group behind a lookahead on it and all behind a lookahead on any of them,
    so re turns most positions down with a test or two instead of one per phrase. The matches
    are those of the plain alternation, with or without IGNORECASE: a group holds the phrases
    whose first characters differ at most in case, in their longest-first order, and no
    character can start phrases of two groups.
    """
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    lookahead = initial_lookahead(ordered)
    if lookahead:
        groups: dict[str, list[str]] = {}
        for phrase in ordered:
            groups.setdefault(phrase[0].lower(), []).append(phrase)
        body = "|".join(
            initial_lookahead(group)
            + "(?:"
            + "|".join(_phrase_pattern(p, flexible_apostrophe) for p in group)
            + ")"
            for group in groups.values()
        )
    else:
        body = "|".join(_phrase_pattern(p, flexible_apostrophe) for p in ordered)
    end = r"(?![\w]|'(?!s\b))" if possessive else r"(?![\w'])"
    return r"(?<![\w'])" + lookahead + "(?:" + body + r")" + ("s?" if plural else "") + end


def initial_lookahead(phrases: Iterable[str]) -> str:
    """ "(?=[CDc])" for phrases starting "C", "D" or "c": a test every phrase's match passes,
    with or without IGNORECASE. Empty unless every phrase starts with an ASCII letter or digit
    (which ``re.escape`` leaves as it is)."""
    initials = {phrase[:1] for phrase in phrases}
    if not initials or not all(initial.isascii() and initial.isalnum() for initial in initials):
        return ""
    return "(?=[" + "".join(sorted(initials)) + "])"


def _phrase_pattern(phrase: str, flexible_apostrophe: bool) -> str:
    pattern = re.escape(phrase).replace(r"\ ", r"\s+")
    return pattern.replace("'", "'?") if flexible_apostrophe else pattern


class PatternSet:
    """Several regexes found with one scan of the text, each match exactly as the pattern's own
    ``finditer`` gives it (overlaps between patterns included).

    A lookahead alternation of all the patterns finds, in one pass, every position where one
    of them matches; each pattern is then tried only at those positions. Scanning a text once
    instead of once per pattern is what makes it cheaper. The patterns must share their flags
    and have no groups (an alternation of them would renumber groups and clash on names),
    unless ``starts`` is given: a pattern that matches (empty) at every position where one of
    the patterns can match, and maybe others, in one scan cheaper than theirs.

    A long text is scanned only for the patterns it may match (``may_match``): of the 51 kinds
    of assessment, a long document holds the words of a dozen or so.
    """

    def __init__(self, patterns: Sequence[re.Pattern], starts: re.Pattern | None = None):
        self.patterns = tuple(patterns)
        self._given_starts = starts is not None
        if starts is None:
            if len({pattern.flags for pattern in patterns}) > 1 or any(
                pattern.groups for pattern in patterns
            ):
                raise ValueError("a PatternSet needs patterns with the same flags and no groups")
            starts = _scan(self.patterns)
        self._starts = starts
        self._subset_starts: dict[tuple[int, ...], re.Pattern] = {}

    def finditer_each(self, text: str) -> list[list[re.Match]]:
        """For each pattern, in order, ``list(pattern.finditer(text))``."""
        present = tuple(range(len(self.patterns)))
        starts = self._starts
        if len(text) >= SUBSET_MIN_CHARACTERS:
            folded = ascii_folded(text)
            present = tuple(i for i in present if may_match(self.patterns[i], text, folded))
            if not self._given_starts and len(present) < len(self.patterns):
                starts = self._starts_of(present)
        found: list[list[re.Match]] = [[] for _ in self.patterns]
        if present:
            positions = [start.start() for start in starts.finditer(text)]
            for index in present:
                found[index] = _matches_at(self.patterns[index], text, positions)
        return found

    def _starts_of(self, subset: tuple[int, ...]) -> re.Pattern:
        if subset not in self._subset_starts:
            if len(self._subset_starts) >= _SUBSETS_KEPT:
                self._subset_starts.clear()
            self._subset_starts[subset] = _scan([self.patterns[index] for index in subset])
        return self._subset_starts[subset]


# From this length on, a PatternSet scans a text only for the patterns it may match: compiling
# the scan of a subset (about 3 ms) then costs less than scanning for all of them saves
# (docs/benchmarks.md). The scans of the last subsets are kept.
SUBSET_MIN_CHARACTERS = 100_000
_SUBSETS_KEPT = 32


def _scan(patterns: Sequence[re.Pattern]) -> re.Pattern:
    """A pattern that matches, empty, where one of ``patterns`` matches (see PatternSet)."""
    alternation = "|".join(f"(?:{pattern.pattern})" for pattern in patterns)
    # Most positions hold no character any pattern starts with: a lookahead on those
    # characters turns them down before the alternation is tried.
    firsts = first_characters(patterns)
    initial = f"(?={firsts})" if firsts else ""
    # When every pattern starts at a word boundary, so does the scan: one test turns down the
    # positions inside words.
    if patterns and all(_starts_at_boundary(pattern) for pattern in patterns):
        initial = r"\b" + initial
    return re.compile(f"{initial}(?=(?:{alternation}))", patterns[0].flags if patterns else 0)


def _starts_at_boundary(pattern: re.Pattern) -> bool:
    """Does every match of ``pattern`` start at a word boundary (it opens with ``\\b``)?"""
    items = _sre_parser.parse(pattern.pattern, pattern.flags)
    return len(items) > 0 and str(items[0][0]) == "AT" and str(items[0][1]) == "AT_BOUNDARY"


class _Unknown(Exception):
    """A part of a pattern whose first characters ``first_characters`` does not work out."""


def first_characters(patterns: Sequence[re.Pattern]) -> str | None:
    """A regex of one character that every non-empty match of each of ``patterns`` starts
    with, as character classes with the case-sensitivity of the patterns' parts ("(?i:[i])" for
    ``(?i:i)``); None when a pattern can match the empty string or holds something before its
    first character this does not read (a back reference, a class like ``\\w``, other flags)."""
    ranges: list[tuple[int, int, bool]] = []
    for pattern in patterns:
        try:
            found, empty = _firsts(
                _sre_parser.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.I)
            )
        except _Unknown:
            return None
        if empty or not found:
            return None
        ranges += found
    classes = []
    for ignore_case in (False, True):
        chosen = sorted({(low, high) for low, high, case in ranges if case == ignore_case})
        if chosen:
            body = "".join(
                re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
                for low, high in chosen
            )
            classes.append(f"(?{'i' if ignore_case else '-i'}:[{body}])")
    return "|".join(classes)


def _firsts(items, ignore_case: bool) -> tuple[list[tuple[int, int, bool]], bool]:
    """The (low, high, ignore case) character ranges a parsed sequence can start with, and
    whether it can match the empty string."""
    ranges: list[tuple[int, int, bool]] = []
    for op, value in items:
        name = str(op)
        if name == "LITERAL":
            return ranges + [(value, value, ignore_case)], False
        if name == "IN":
            for item, item_value in value:
                if str(item) == "LITERAL":
                    ranges.append((item_value, item_value, ignore_case))
                elif str(item) == "RANGE":
                    ranges.append((*item_value, ignore_case))
                else:
                    raise _Unknown
            return ranges, False
        if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero-width: the character after decides
            continue
        if name == "SUBPATTERN":
            _, added, removed, body = value
            if (added | removed) & ~re.I:
                raise _Unknown
            found, empty = _firsts(body, bool(added & re.I) or (ignore_case and not removed & re.I))
        elif name == "ATOMIC_GROUP":
            found, empty = _firsts(value, ignore_case)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            least, _, body = value
            found, empty = _firsts(body, ignore_case)
            empty = empty or least == 0
        elif name == "BRANCH":
            found, empty = [], False
            for alternative in value[1]:
                more, alternative_empty = _firsts(alternative, ignore_case)
                found += more
                empty = empty or alternative_empty
        else:
            raise _Unknown
        ranges += found
        if not empty:
            return ranges, False
    return ranges, True


def required_literals(pattern: re.Pattern) -> tuple[tuple[str, bool], ...] | None:
    """Runs of ASCII characters of which every match of ``pattern`` holds at least one, each
    with whether it matches in any case (then given in lower case); None when there are none.
    For "a(?:bc|de)" that is ("bc", "de") or ("a",), whichever is the more telling (the one
    whose shortest run is longest). A text that lacks them all holds no match: ``may_match``."""
    try:
        found = _requirement(_sre_parser.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.I))
    except _Unknown:
        return None
    return tuple(found) if found else None


_Requirement = list[tuple[str, bool]]  # literals, one of which every match holds


def _requirement(items, ignore_case: bool) -> _Requirement | None:
    """The most telling requirement of a parsed sequence: one of its runs of literal
    characters, or the requirement of a part it always matches (a group, a repeat at least
    once, an alternation whose every alternative has one)."""
    candidates: list[_Requirement] = []
    current: list[str] = []
    for op, value in list(items) + [(None, None)]:
        name = str(op)
        if name == "LITERAL":
            current.append(chr(value))
            continue
        if current:
            run = "".join(current)
            if run.isascii():
                candidates.append([(run.lower() if ignore_case else run, ignore_case)])
            current = []
        part = None
        if name == "SUBPATTERN":
            _, added, removed, body = value
            if (added | removed) & ~re.I:
                raise _Unknown
            part = _requirement(body, bool(added & re.I) or (ignore_case and not removed & re.I))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and value[0] >= 1:
            part = _requirement(value[2], ignore_case)
        elif name == "ATOMIC_GROUP":
            part = _requirement(value, ignore_case)
        elif name == "BRANCH":
            alternatives = [_requirement(alternative, ignore_case) for alternative in value[1]]
            if all(alternatives):
                part = sorted(
                    {literal for alternative in alternatives if alternative for literal in alternative}
                )
        if part:
            candidates.append(part)
    return max(candidates, key=lambda c: (min(len(run) for run, _ in c), -len(c)), default=None)


def may_match(pattern: re.Pattern, text: str, folded: str | None = None) -> bool:
    """False when ``text`` (or any slice of a text searched within it) cannot hold a match of
    ``pattern``: it lacks every literal ``required_literals`` gives. Far cheaper than a search
    with a long pattern that most sentences do not match. ``folded`` is ``ascii_folded(text)``,
    when the caller has it."""
    _, exact, in_any_case = _literal_filter(pattern)
    if not exact and not in_any_case:
        return True
    for run in exact:
        if run in text:
            return True
    if in_any_case:
        folded = ascii_folded(text) if folded is None else folded
        for run in in_any_case:
            if run in folded:
                return True
    return False


# The filters of the patterns asked about, by the pattern's id: hashing a long compiled pattern
# costs more than the check itself. Each entry holds its pattern, so no id is reused; the
# patterns asked about are the extractors' compiled ones, a few hundred at most.
_FILTERS: dict[int, tuple[re.Pattern, tuple[str, ...], tuple[str, ...]]] = {}


def _literal_filter(pattern: re.Pattern) -> tuple[re.Pattern, tuple[str, ...], tuple[str, ...]]:
    """(pattern, runs to find as they are, runs to find in the folded text)."""
    entry = _FILTERS.get(id(pattern))
    if entry is None or entry[0] is not pattern:
        literals = required_literals(pattern) or ()
        entry = (
            pattern,
            tuple(run for run, fold in literals if not fold),
            tuple(run for run, fold in literals if fold),
        )
        _FILTERS[id(pattern)] = entry
    return entry


@lru_cache(maxsize=256)  # a sentence is tried with several patterns in a row
def ascii_folded(text: str) -> str:
    """``text`` in lower case, each character that re's IGNORECASE takes for an ASCII letter
    written as that letter ("\u017f" as "s", the Kelvin sign as "k"): an ASCII run a pattern
    matches in any case is in it wherever the pattern matches in ``text``."""
    if text.isascii():
        return text.lower()
    twins = {ord(c): twin for c in set(text) if not c.isascii() and (twin := _ascii_twin(c))}
    return (text.translate(twins) if twins else text).lower()


@lru_cache(maxsize=4096)
def _ascii_twin(character: str) -> str | None:
    return next((letter for letter, pattern in _ASCII_LETTERS if pattern.fullmatch(character)), None)


_ASCII_LETTERS = [(letter, re.compile(letter, re.IGNORECASE)) for letter in "abcdefghijklmnopqrstuvwxyz"]


def _matches_at(pattern: re.Pattern, text: str, positions: list[int]) -> list[re.Match]:
    """What ``pattern.finditer(text)`` gives, knowing it can only match at ``positions``."""
    matches: list[re.Match] = []
    resume = 0
    for position in positions:
        if position < resume:
            continue
        match = pattern.match(text, position)
        if match is None:
            continue
        if match.end() == position:
            return list(pattern.finditer(text))  # an empty match: finditer's own rule decides what follows
        matches.append(match)
        resume = match.end()
    return matches


@cache
def areas() -> tuple[str, ...]:
    return load_lines("areas.txt")


@cache
def areas_by_fold() -> dict[str, str]:
    return {fold(area): area for area in areas()}


def canonical_area(surface: str) -> str:
    """The gazetteer spelling of an area name matched in the text."""
    return areas_by_fold().get(fold(surface)) or _SPACES.sub(" ", surface.strip())


def area_in(text: str, start: int = 0, end: int | None = None) -> str | None:
    """The first area named in ``text[start:end]``, in its gazetteer spelling."""
    match = area_regex().search(text, start, len(text) if end is None else end)
    return canonical_area(match.group()) if match else None


@cache
def area_regex() -> re.Pattern:
    return re.compile(alternation(areas(), possessive=True))


@cache
def given_names() -> frozenset[str]:
    return frozenset(name for line in load_lines("given_names.txt") for name in line.split())


@cache
def role_titles() -> dict[str, RoleTitle]:
    """Role titles by lower-cased title or short form ("det supt")."""
    entries = datafiles.roles().titles
    return {form.lower(): entry for entry in entries for form in (entry.title, *entry.short_forms)}


@cache
def role_regex() -> re.Pattern:
    """A role title, optionally after modifiers, optionally continued by 'for/of <Capitalised words>'
    or 'for/of <a portfolio>' ("cabinet member for children", "director of children's social care")
    or 'of the council's <...> committee'."""
    data = datafiles.roles()
    modifiers = (
        initial_lookahead(data.modifiers) + "(?:" + "|".join(re.escape(m) for m in data.modifiers) + ")"
    )
    titles = alternation(
        [form for entry in data.titles for form in (entry.title, *entry.short_forms)], plural=True
    )
    portfolios = alternation(data.portfolios)
    continuation = (
        r"(?:\s+(?:for|of)\s+(?:the\s+)?(?:[A-Z][\w']*|(?i:children'?s services))(?:\s+(?:and\s+|&\s+)?[A-Z][\w']*)*"
        # a list of briefs: "for Children, Young People and Education" (not "of X, Name, said")
        r"(?:(?:,\s+[A-Z][\w']*(?:\s+[A-Z][\w']*)*)+,?\s+(?:and|&)\s+[A-Z][\w']*(?:\s+[A-Z][\w']*)*)?"
        rf"|\s+(?:for|of)\s+(?i:{portfolios})"
        r"|\s+of\s+the\s+(?:council|authority)'?s\s+[\w ,'-]{1,60}?\s+(?:committee|board|panel))?"
    )
    heads = "|".join(re.escape(h) for h in data.title_heads)
    other_titles = rf"(?<=, )(?:[A-Z][\w'-]+ ){{1,4}}(?:{heads})(?=,)"
    # A role starts a word (not "vice Chair" inside "Service Chair"); the boundary first also
    # turns down most positions before the modifiers and titles are tried (docs/benchmarks.md).
    return re.compile(rf"\b(?P<role>(?i:(?:{modifiers}\s+)*{titles}){continuation}|{other_titles})")


@cache
def honorifics() -> tuple[str, ...]:
    return datafiles.roles().honorifics


@dataclass(frozen=True)
class NationalBody:
    label: str
    cls: str
    names: tuple[str, ...]
    acronyms: tuple[str, ...]


@cache
def national_bodies() -> tuple[NationalBody, ...]:
    return tuple(
        NationalBody(entry.label, entry.cls, (entry.label, *entry.aliases), entry.acronyms)
        for entry in datafiles.organisations().national
    )


@cache
def national_name_regex() -> re.Pattern:
    names = [name for body in national_bodies() for name in body.names]
    # A proper name also before "'s" ("Ofsted's report"); not "the Government's guide".
    proper = [name for name in names if not name.lower().startswith("the ")]
    common = [name for name in names if name.lower().startswith("the ")]
    return re.compile(alternation(proper, possessive=True) + "|" + alternation(common))


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
        (re.compile(entry.pattern.replace("'", "'?")), entry.cls) for entry in datafiles.organisations().heads
    )


@cache
def any_organisation_head() -> re.Pattern:
    """All head rules as one pattern: does a name end like an organisation's?"""
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in organisation_heads()))


@cache
def organisation_rules() -> Organisations:
    return datafiles.organisations()


_CUE_TOKEN = re.compile(r"[\w']+|&")


class CueIndex:
    """Finds cue phrases in text in one pass over its words, whatever the number of phrases.

    Words compare in lower case with apostrophes dropped ("Children's" = "childrens"); a cue
    written in capitals ("SEND", "MARAC") only matches in capitals, so the verb "send" is not
    the acronym. Each hit is (start, end, tag, number of words in the cue as written: "pre-birth" is one).
    """

    def __init__(self, phrases: list[tuple[str, str]]):
        # By the key of the first word: (the keys of all the words, the positions of the words
        # whose form is checked, tag, number of words as written), longest first.
        self._by_first: dict[str, list[tuple[tuple[str, ...], tuple[int, ...], str, int]]] = {}
        for phrase, tag in phrases:
            words = [w.group() for w in _CUE_TOKEN.finditer(phrase)]
            if not words:
                continue
            keys = tuple(_word_key(w) for w in words)
            # "SEND" only in capitals; "families'" only with its possessive apostrophe.
            exact = tuple(k for k, w in enumerate(words) if (len(w) > 1 and w.isupper()) or w.endswith("'"))
            self._by_first.setdefault(keys[0], []).append((keys, exact, tag, len(phrase.split())))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, int]]:
        """The hits in ``text[start:end]`` (``start`` >= 0), with offsets into ``text``."""
        tokens, keys = _words(text[start:end] if start or end is not None else text)
        by_first = self._by_first
        hits = []
        for index in [index for index, key in enumerate(keys) if key in by_first]:
            for words, exact, tag, written_words in by_first[keys[index]]:
                stop = index + len(words)
                if len(words) > 1 and keys[index:stop] != words:
                    continue
                if exact and not all(_same_form(tokens[index + k][2]) for k in exact):
                    continue
                hits.append((start + tokens[index][0], start + tokens[stop - 1][1], tag, written_words))
        return hits

    def tags(self, text: str) -> set[str]:
        return {tag for _, _, tag, _ in self.find(text)}


@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[tuple[tuple[int, int, str], ...], tuple[str, ...]]:
    """The words of ``text`` as (start, end, word), and their comparison keys.

    Kept for the last texts seen: the cue, service-word and theme indexes all read the same
    sentences, so each sentence is split once. (The word pattern has no lookaround, so the
    words of a slice are the words of the text inside it.)
    """
    tokens = tuple((m.start(), m.end(), m.group()) for m in _CUE_TOKEN.finditer(text))
    return tokens, tuple(word.lower().replace("'", "") for _, _, word in tokens)  # as _word_key


def _same_form(token: str) -> bool:
    """A token that keeps what an exact cue word insists on: capitals, or a closing apostrophe."""
    return token.endswith("'") or (len(token) > 1 and token == token.upper())


def _word_key(word: str) -> str:
    return word.lower().replace("'", "")


@cache
def theme_cues() -> CueIndex:
    """Every theme's cue words, tagged with the theme id."""
    return CueIndex([(cue, theme_id) for theme_id, _, cues in _theme_cues() for cue in cues])


@cache
def _theme_cues() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    ontology = ontology_graph()
    found = []
    for concept in sorted(
        {node for node in ontology.subjects(SKOS.broader, None) if isinstance(node, URIRef)}
    ):
        if not str(concept).startswith(str(THEME)):
            continue
        cues = tuple(sorted(str(label) for label in ontology.objects(concept, SKOS.altLabel)))
        if cues:
            found.append(
                (str(concept)[len(str(THEME)) :], str(ontology.value(concept, SKOS.prefLabel)), cues)
            )
    return tuple(found)


_LEADING_THE = re.compile(r"^the\s+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """A comparison key for names: lower case, apostrophes and 'the' dropped, '&' as 'and', spaces folded."""
    text = text.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = _LEADING_THE.sub("", text.strip())
    return _SPACES.sub(" ", text).strip()
