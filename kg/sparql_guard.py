"""Checks a SPARQL query's text must pass before the engine sees it (``kg serve``, ``kg query``).

Two things pyoxigraph does with a query that no caller of sgkg wants done unasked:

- ``SERVICE <url> { ... }`` makes the engine send the pattern to ``url`` over HTTP and
  hand the reply back: from a shared endpoint, a way to reach any address the server
  can (a port scanner, a proxy into the local network). ``uses_service`` finds the
  keyword without parsing the query, erring on the side of finding it.
- Brackets nested a few thousand deep overflow the parser's stack and kill the process
  (SIGSEGV at 3,000 ``{``); ``nesting_depth`` measures them so that a query nested past
  ``MAX_NESTING`` is refused with a message instead.

Both scan the text the way the SPARQL grammar's lexer does: strings, IRIs and comments
are skipped. SERVICE is looked for twice: in the text as it is (as pyoxigraph reads it)
and with its ``\\u`` / ``\\U`` escapes decoded (as SPARQL 1.1, section 19.2, says they
are everywhere in a query), so neither ``\\u0053ERVICE`` nor an escaped quote that would
open a string in one reading but not the other hides it.
"""

from __future__ import annotations

import re

from .errors import QueryError

# Deeper than any query a person writes (the library's deepest is 4), far short of the
# depth that overflows pyoxigraph's parser (figures: docs/benchmarks.md).
MAX_NESTING = 200

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# One token at a time, in the lexer's order of preference at a given position: long
# strings, short strings, IRIs, comments, then words (keywords, names, variables).
_TOKEN = re.compile(
    r"""
    (?P<skip>
        '''(?:[^'\\]|\\.|'(?!''))*'''
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'
      | "(?:[^"\\\n\r]|\\.)*"
      | <[^<>"{}|^`\\\x00-\x20]*>
      | \#[^\n\r]*
    )
  | (?P<word>[?$]?[A-Za-z_\u00C0-\U000EFFFF][\w\-.:\u00B7\u00C0-\U000EFFFF]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
    """,
    re.VERBOSE,
)


def check_query(text: str, *, allow_service: bool = False) -> None:
    """Raise QueryError when ``text`` nests deeper than MAX_NESTING or, unless
    ``allow_service``, asks for a SERVICE (a federated query to another endpoint)."""
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise QueryError(f"query nested {depth} brackets deep; the limit is {MAX_NESTING}")
    if not allow_service and uses_service(text):
        raise QueryError(
            "SERVICE (a federated query to another endpoint) is refused: this server does not fetch "
            "other addresses unless started with --allow-service"
        )


def uses_service(text: str) -> bool:
    """True when the keyword SERVICE occurs in ``text`` outside strings, IRIs and comments."""
    return any(
        kind == "word" and value.upper() == "SERVICE"
        for version in (text, _unescaped(text))
        for kind, value in _tokens(version)
    )


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` outside strings, IRIs and comments."""
    depth = deepest = 0
    for kind, _ in _tokens(text):
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
    return deepest


def _tokens(text: str):
    for match in _TOKEN.finditer(text):
        yield match.lastgroup, match.group()


def _unescaped(text: str) -> str:
    def code_point(match: re.Match) -> str:
        value = int(match[1] or match[2], 16)
        return chr(value) if value <= 0x10FFFF else match[0]

    return _ESCAPE.sub(code_point, text)
