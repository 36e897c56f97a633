"""Personal names: where one starts and ends, what is part of it and what is not.

A name is two to four capitalised words ("Ann Hale-Ashby", "Tom O'Neill", "Rita O’Kane",
"Joe Marsh-Tate", "Rachel de Souza"), a hyphen at a line end joining its parts ("Hale-" + "Ashby"). Honorifics
before it ("Sir", "Dr", "Ms") and post-nominals after it ("QPM", "OBE", "CBE", "QC", "BSc") are not
part of it: ``kg/data/roles.json`` lists both. Whether a capitalised phrase is a name at all is
for the caller's context to decide; ``looks_like_person`` gives the gazetteer's view (a known
given name, no organisation, area or role word).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .. import datafiles, lexicon
from ..claims import Span

_APOSTROPHES = "'’"
# One word of a name: "Reed", "McAvoy", "O'Neill", "O’Kane", "Hale-Ashby", "Hale-\nAshby".
_WORD = r"(?:(?:Mc|Mac|O['’]|D['’])?[A-Z][a-zà-öø-ÿ'’]+(?:-\s*\n?\s*[A-Z][a-zà-öø-ÿ'’]+)?)"
_INITIAL = r"(?:[A-Z]\.?)"
_GAP = r"(?:[ \t]*\n?[ \t]*(?<=\s))"
_FIRST_NAME_ONLY = re.compile(rf"{_WORD}")


@dataclass(frozen=True)
class Name:
    text: str  # as the graph labels it: spaces collapsed, a line-end hyphen joined
    span: Span


@cache
def surname_particles() -> str:
    """An alternation of the lower-case words a surname may open with ("de", "van")."""
    return "|".join(re.escape(word) for word in datafiles.roles().surname_particles)


@cache
def _name() -> re.Pattern:
    return re.compile(rf"{_WORD}(?:{_GAP}(?:{_INITIAL}{_GAP})?(?:(?:{surname_particles()}) )*{_WORD}){{1,3}}")


@cache
def _not_name_words() -> frozenset[str]:
    return frozenset(w.lower() for w in datafiles.roles().not_name_words)


@cache
def _modifiers() -> frozenset[str]:
    return frozenset(datafiles.roles().modifiers)


@cache
def post_nominals() -> frozenset[str]:
    return frozenset(datafiles.roles().post_nominals)


@cache
def _honorific_regex() -> re.Pattern:
    words = sorted(lexicon.honorifics(), key=len, reverse=True)
    return re.compile(r"(?:(?:" + "|".join(re.escape(w) for w in words) + r")\.?[ \t]+)+")


@cache
def _honorific_end_regex() -> re.Pattern:
    return re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(w) for w in lexicon.honorifics()) + r")\.?[ \t]+$")


def honorific_before(clean: str, start: int) -> bool:
    """Whether an honorific ends right before ``start`` ("Dr ", "Councillor ")."""
    return bool(_honorific_end_regex().search(clean[max(0, start - 40) : start]))


class LabelWords:
    """Organisation labels, asked whether a name is whole words of one ("Thames Valley" of
    "Thames Valley Police"). Only the labels holding the name's first word are searched: a scan
    of them all for each name grew with the square of a long text's length."""

    def __init__(self, labels: Iterable[str]) -> None:
        self._labels = list(labels)
        self._by_word: dict[str, list[int]] = {}
        for index, text in enumerate(self._labels):
            for word in dict.fromkeys(re.findall(r"\w+", text)):
                self._by_word.setdefault(word, []).append(index)

    def hold(self, name: str) -> bool:
        """Whether ``name`` stands in a label with no word character either side."""
        first = re.match(r"\w+", name)
        candidates = (
            self._labels
            if first is None
            else [self._labels[index] for index in self._by_word.get(first.group(), ())]
        )
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        return any(pattern.search(text) for text in candidates)


def skip_honorifics(clean: str, position: int, limit: int) -> int:
    match = _honorific_regex().match(clean, position, limit)
    return match.end() if match else position


def label(text: str) -> str:
    """The graph's form of a name as printed: line-end hyphens joined, spaces collapsed."""
    text = re.sub(r"-\s*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def name_at(clean: str, position: int, limit: int) -> Name | None:
    """The name starting at ``position`` (after any honorific), trimmed of words that are not
    name words (a role or organisation word after the surname), or None."""
    start = skip_honorifics(clean, position, limit)
    if clean[limit - 1 : limit] == "-":  # "Thomson-" at a line end, "Jones" on the next line
        limit = len(clean) if clean.find("\n", limit + 1) < 0 else clean.find("\n", limit + 1)
    match = _name().match(clean, start, limit)
    if match is None:
        return None
    words = list(re.finditer(rf"{_WORD}|{_INITIAL}", match.group()))
    keep = 1
    for index, word in enumerate(words[1:], 1):
        if word.group() == words[0].group():
            break  # "Ann Hale Ann Hale": a caption repeating the name
        if _is_name_word(word.group()):
            keep = index + 1
        else:
            break
    if keep < 2:
        return None
    end = start + words[keep - 1].end()
    return Name(label(clean[start:end]), Span(start, end))


def _is_name_word(word: str) -> bool:
    plain = word.rstrip(".")
    if plain in post_nominals() or plain.lower() in _not_name_words() or plain in _modifiers():
        return False
    return not lexicon.role_regex().fullmatch(plain)


@cache
def aside() -> re.Pattern:
    """A bracket after a name that is neither the name nor a role: a photo caption or a party
    ("(pictured left)", "(Labour)"; ``roles.json`` name_asides)."""
    words = "|".join(re.escape(word) for word in datafiles.roles().name_asides)
    return re.compile(rf"\s*\((?:{words})\b[^()\n]{{0,30}}\)")


def post_nominals_end(clean: str, end: int, limit: int) -> int:
    """The offset after any post-nominals (or a photo caption's "(pictured)") that follow a name
    ("Name QPM, ...", "Name, CBE is", "Name (pictured), role")."""
    pattern = re.compile(r",?[ \t]*\n?[ \t]*(?<=[\s,])(?P<word>[A-Z][A-Za-z]{1,5})\b")
    while True:
        caption = aside().match(clean, end, limit)  # "Name (pictured), role"
        if caption:
            end = caption.end()
            continue
        match = pattern.match(clean, end, limit)
        if match is None or match.group("word") not in post_nominals():
            return end
        end = match.end()


def looks_like_person(name: str) -> bool:
    """A known given name first, and no word of an area, organisation or role."""
    words = name.split()
    if words[0] not in lexicon.given_names():
        return False
    return is_plain_name(name)


def is_plain_name(name: str) -> bool:
    """No word of the name is an area, organisation or role word."""
    if lexicon.area_regex().fullmatch(name.split()[-1]) or lexicon.area_regex().fullmatch(name):
        return False
    return (
        all(_is_name_word(w) for w in name.split()[1:]) and name.split()[0].lower() not in _not_name_words()
    )
