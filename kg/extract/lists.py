"""Lists in running text: the bulleted or numbered items that follow a line announcing them.

Statements and reviews announce a list in a sentence ("The review makes five recommendations:",
"Key themes highlighted during the review include:") and set its items below, each opening
with a bullet (the clean view turns it into a line break, see ``kg.text.starts_bullet_item``),
a hyphen or a printed number ("2."). Recommendations (``recommendation_lists``) and a
document's themes (``themes``) read them the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import Segment, starts_bullet_item

NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")
DASH = re.compile(r"^-\s+")
PREAMBLE_LINES = 4  # lines of prose or headings allowed between the announcement and the first item


@dataclass
class ListItem:
    number: int | None
    start: int
    end: int
    parts: list[str] = field(default_factory=list)


def continues_item(text: str) -> bool:
    """A line that can only continue the item above: it opens in lower case or with a bracket."""
    return text[:1].islower() or text[:1] in "(["


def items_after(clean: str, document: list[Segment], index: int) -> list[ListItem]:
    """The items of the list that starts at ``document[index]``, a few lines of prose or headings
    after it; a line in lower case continues the item above, any other line ends the list."""
    items: list[ListItem] = []
    preamble = 0
    for line in document[index:]:
        numbered = NUMBERED.match(line.text)
        if numbered or starts_bullet_item(clean, line):
            dash = DASH.match(line.text)
            offset = numbered.end() if numbered else (dash.end() if dash else 0)
            items.append(
                ListItem(
                    int(numbered.group(1)) if numbered else None,
                    line.start + offset,
                    line.end,
                    [line.text[offset:]],
                )
            )
        elif items and continues_item(line.text):
            items[-1].end = line.end
            items[-1].parts.append(line.text)
        elif items or preamble >= PREAMBLE_LINES:
            break
        else:
            preamble += 1
    return items
