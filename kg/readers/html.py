"""HTML pages -> the main content as readable text, plus the page's title and publication date.

Page furniture (navigation, headers and footers, scripts, styles, cookie banners, adverts,
"Donate"/"Download"/"Share" links) is dropped as listed in ``kg/data/html-boilerplate.json``.
The text keeps a blank line between blocks (paragraphs, headings, list items, table rows);
list items start with "• " and table cells are separated by a tab.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import deque
from functools import cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .. import datafiles
from . import Extracted, Unreadable
from .dates import normalise_date
from .text import decode_text, reject_binary

# The encoding a page declares: <meta charset>, <meta http-equiv content="...; charset=">, or
# an XHTML file's XML declaration.
_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset|<\?xml[^>]+encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
# Browsers read these labels as Windows-1252 (WHATWG Encoding), and so do we.
_AS_CP1252 = frozenset({"ascii", "iso8859-1", "cp1252"})
# Python codecs that decode str to str or bytes to bytes text, not a web page's charset:
# a page declaring one (UTF-7 can smuggle markup past filters) is read as if it declared none.
_NOT_CHARSETS = frozenset(
    {
        "idna",
        "punycode",
        "unicode-escape",
        "raw-unicode-escape",
        "utf-7",
        "mbcs",
        "oem",
        "undefined",
        "palmos",
    }
)
_SPACES = re.compile(r"\s+")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_PUNCTUATION = re.compile(r"[^\w\s]")
_TITLE_SOURCES = (("title", None), ('meta[property="og:title"]', "content"), ("h1", None))
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)
_CELLS = frozenset({"td", "th"})
# Boilerplate removed by class, id or role must be small next to the page's content: a
# wrapper such as ``class="layout has-sidebar"`` around everything is not furniture.
_MAX_BOILERPLATE_SHARE = 0.5
# Elements nested deeper than this are flattened before parsing: the HTML parser's scope
# checks and the text of every nested node make the work grow with the square of the
# depth (figures: docs/benchmarks.md). Real pages nest a few dozen deep.
MAX_NESTING = 200
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>")
# Elements that never hold others, or whose end tag the parser implies (a <p> or <li> left
# open is closed by the next one), so they add no depth when counted from the tags.
_NO_DEPTH = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "rb",
        "rt",
        "rp",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "html",
        "head",
        "body",
    }
)


@cache
def _rules() -> datafiles.HtmlBoilerplate:
    return datafiles.html_boilerplate()


def read_html(raw: bytes) -> Extracted:
    """Extract an HTML page's main content. Raises Unreadable for binary content."""
    text, warnings = _decode_html(raw)
    text, flattened = flatten_deep_nesting(text)
    if flattened:
        warnings += (
            f"{flattened} elements nested over {MAX_NESTING} deep were flattened (their text is kept)",
        )
    tree = LexborHTMLParser(text)
    title = _title(tree)
    date = _date(tree)
    root = _main_root(tree)
    if root is None:
        raise Unreadable("HTML without a body, no text to map")
    _drop_boilerplate(root, inside_article=root.tag != "body")
    return Extracted(
        text=_TextBuilder().render(root), media_type="text/html", title=title, date=date, warnings=warnings
    )


def _decode_html(raw: bytes) -> tuple[str, tuple[str, ...]]:
    """The page's text in the charset it declares, else as a text file is decoded; and a
    warning when a declared charset is unknown, not a text encoding (rot13, zlib, base64,
    hex) or does not decode the bytes."""
    declared = _CHARSET.search(raw[:4096])
    if not declared or raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(raw)[0], ()
    label = declared[1].decode("ascii")
    name = _charset(label)
    if name is not None:
        try:
            text = raw.decode(name)
        except (UnicodeError, LookupError):
            pass  # the declaration is wrong; detect as for a text file
        else:
            reject_binary(text)
            return text, ()
    text, encoding = decode_text(raw)
    return text, (f"declared charset {label!r} is unknown, not a text encoding or wrong; read as {encoding}",)


def _charset(label: str) -> str | None:
    """The Python codec for a declared charset label, or None when it is not a text charset."""
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("_", "-") in _NOT_CHARSETS:
        return None
    return "cp1252" if info.name in _AS_CP1252 else info.name


def flatten_deep_nesting(text: str) -> tuple[str, int]:
    """``text`` with the start tags that would nest deeper than MAX_NESTING replaced by a
    space, and how many were; unchanged (0) for a page within the limit.

    Depth is counted from the tags alone, in one pass, so the cost is linear: elements
    that hold nothing or whose end tag is implied (``_NO_DEPTH``) add none, and an end
    tag closes the innermost element counted.
    """
    depth = 0
    dropped: list[tuple[int, int]] = []
    for tag in _TAG.finditer(text):
        name = tag[2].lower()
        if name in _NO_DEPTH or tag[3]:
            continue
        if tag[1]:
            depth = max(0, depth - 1)
        elif depth >= MAX_NESTING:
            dropped.append(tag.span())
        else:
            depth += 1
    if not dropped:
        return text, 0
    pieces, start = [], 0
    for begin, end in dropped:
        pieces.append(text[start:begin])
        pieces.append(" ")
        start = end
    pieces.append(text[start:])
    return "".join(pieces), len(dropped)


def _title(tree: LexborHTMLParser) -> str | None:
    """``<title>``, else ``og:title``, else the first ``<h1>``. When ``<title>`` is
    ``og:title`` plus a site name ("Report findings - Example.org"), ``og:title``."""
    found = [_stated(tree, selector, attribute) for selector, attribute in _TITLE_SOURCES]
    title, og_title = found[0], found[1]
    if title and og_title and og_title in title:
        return og_title
    return next((value for value in found if value), None)


def _stated(tree: LexborHTMLParser, selector: str, attribute: str | None) -> str | None:
    node = tree.css_first(selector)
    if node is None:
        return None
    value = node.attributes.get(attribute) if attribute else node.text(deep=True)
    return _SPACES.sub(" ", value or "").strip() or None


def _date(tree: LexborHTMLParser) -> str | None:
    stated: dict[str, str] = {}
    for meta in tree.css("meta"):
        key = (
            meta.attributes.get("property") or meta.attributes.get("name") or meta.attributes.get("itemprop")
        )
        content = meta.attributes.get("content")
        if key and content:
            stated.setdefault(key.strip().lower(), content)
    for key in _rules().date_meta:
        date = normalise_date(stated[key]) if key in stated else None
        if date:
            return date
    for script in tree.css('script[type="application/ld+json"]'):
        date = _json_ld_date(script.text(deep=True))
        if date:
            return date
    for node in tree.css("time"):
        date = normalise_date(node.attributes.get("datetime") or node.text(deep=True))
        if date:
            return date
    return None


def _json_ld_date(source: str) -> str | None:
    try:
        data = json.loads(source)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return None
    pending = deque([data])
    while pending:
        item = pending.popleft()
        if isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str) and normalise_date(value):
                return normalise_date(value)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def _main_root(tree: LexborHTMLParser) -> LexborNode | None:
    node: LexborNode | None
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body
    if body is None:
        return None
    body_length = len(body.text(deep=True).strip())
    for selector in _rules().main_selectors:
        node = tree.css_first(selector)
        # A <main> that holds a sliver of the page is a misuse; the body is the safer root.
        if node is not None and len(node.text(deep=True).strip()) * 4 >= body_length:
            return node
    return body


def _drop_boilerplate(root: LexborNode, *, inside_article: bool) -> None:
    rules = _rules()
    tags = rules.drop_tags + (rules.drop_inside_article if inside_article else rules.drop_outside_article)
    for node in root.css(", ".join(tags) + ', [hidden], [aria-hidden="true"]'):
        node.decompose()
    root_length = max(1, len(root.text(deep=True)))
    roles = set(rules.drop_roles)
    tokens = set(rules.drop_tokens)
    for node in root.css("[class], [id], [role]"):
        if node.parent is None or not _is_furniture(node, roles, tokens):
            continue
        if len(node.text(deep=True)) <= root_length * _MAX_BOILERPLATE_SHARE:
            node.decompose()
    texts = set(rules.drop_texts)
    prefixes = rules.drop_text_prefixes
    longest = rules.drop_prefixed_text_max_length
    for node in root.css("a, p, li, span, div, strong, h2, h3, h4"):
        if node.parent is None:
            continue
        text = node.text(deep=True)
        if len(text) <= longest and (_normal_text(text) in texts or _normal_text(text).startswith(prefixes)):
            node.decompose()


def _is_furniture(node: LexborNode, roles: set[str], tokens: set[str]) -> bool:
    attributes = node.attributes
    if (attributes.get("role") or "").strip().lower() in roles:
        return True
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}".lower()
    return any(token in tokens for token in _TOKEN_SPLIT.split(names))


def _normal_text(text: str) -> str:
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text.lower())).strip()


class _TextBuilder:
    """Walks the DOM without recursion (pages nest deeply) and joins its text into blocks."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.current: list[str] = []

    def render(self, root: LexborNode) -> str:
        pending: list[tuple[LexborNode, bool]] = [(root, False)]
        while pending:
            node, leaving = pending.pop()
            if leaving:
                self._end_block(keep_bullet=False)
                continue
            if node.is_text_node:
                self.current.append(_SPACES.sub(" ", node.text_content or ""))
            elif node.is_element_node:
                self._enter(node, pending)
        self._end_block(keep_bullet=False)
        return "\n\n".join(self.blocks)

    def _enter(self, node: LexborNode, pending: list[tuple[LexborNode, bool]]) -> None:
        tag = node.tag
        if tag == "br":
            self.current.append("\n")
            return
        if tag == "pre":
            self._end_block(keep_bullet=False)
            self.blocks.append(node.text(deep=True).strip("\n"))
            return
        if tag in _CELLS and self.current:
            self.current.append("\t")
        if tag in _BLOCKS:
            self._end_block(keep_bullet=True)
            if tag == "li":
                self.current.append("• ")
            pending.append((node, True))
        children = []
        child = node.first_child
        while child is not None:
            children.append(child)
            child = child.next
        pending.extend((child, False) for child in reversed(children))

    def _end_block(self, *, keep_bullet: bool) -> None:
        lines = (line.strip(" ") for line in "".join(self.current).split("\n"))
        block = "\n".join(line for line in lines if line)
        if block.strip("• \t"):
            self.blocks.append(block)
            self.current = []
        else:
            # Entering a block inside a list item (<li><p>...</p></li>): the bullet goes with it.
            self.current = ["• "] if keep_bullet and "•" in block else []
