"""Themes: the ontology's theme concepts whose cue words (``skos:altLabel``) the text uses.

A finding or recommendation carries every theme it has a cue for. A document's
``dcterms:subject`` is a theme it discusses substantively: cue evidence worth at least
``MIN_WEIGHT`` and at least ``MIN_SHARE`` of all the document's cue evidence, where a phrase
of several words ("early help", "safe sleeping") weighs 2 and a single word ("baby",
"autistic") weighs 1; or a cue in its title; or a theme of one of its findings or
recommendations that holds ``MIN_SHARE`` of the evidence; or a theme of an item of a list the
text announces as its themes ("Key themes highlighted during the review include:", data in
``kg/data/themes.json``). The share keeps a long report, which names every theme in passing,
to the themes it dwells on (docs/quality.md, "Themes").
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from .. import datafiles, lexicon
from ..text import Segment, lines
from .lists import items_after

MIN_WEIGHT = 2
MIN_SHARE = 0.03


def themes_in(text: str) -> list[str]:
    """The ids of the themes with a cue in ``text``, sorted."""
    return sorted(lexicon.theme_cues().tags(text))


def document_themes(
    clean: str, sentences: list[Segment], title: str | None, claimed: list[list[str]]
) -> list[str]:
    """The themes a document substantively discusses, sorted by id."""
    counts: Counter = Counter()
    for sentence in sentences:
        if sentence.boilerplate:
            continue
        for _, _, theme_id, words in lexicon.theme_cues().find(clean, sentence.start, sentence.end):
            counts[theme_id] += 2 if words > 1 else 1
    share = MIN_SHARE * sum(counts.values())
    strong = {theme for theme, count in counts.items() if count >= max(MIN_WEIGHT, share)}
    strong.update(themes_in(title or ""))
    strong.update(_listed_themes(clean))
    strong.update(theme for themes in claimed for theme in themes if counts[theme] >= share)
    return sorted(strong)


@cache
def _list_lead() -> re.Pattern:
    return re.compile(datafiles.themes().list_lead, re.IGNORECASE)


def _listed_themes(clean: str) -> set[str]:
    """The themes of the items of each list the text announces as its themes."""
    document = [line for line in lines(clean) if not line.boilerplate]
    found: set[str] = set()
    for index, line in enumerate(document):
        if _list_lead().search(line.text):
            for item in items_after(clean, document, index + 1):
                found.update(themes_in(clean[item.start : item.end]))
    return found
