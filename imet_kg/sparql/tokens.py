"""A lexer for SPARQL texts the project itself sends (finding a query's form, or the brace
that opens its WHERE group to place a VALUES block). It skips comments, strings and IRIs so
that a keyword is only seen where it is one. It decides nothing about what a query may do:
the public endpoint's guard parses queries (`query_guard`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from imet_kg.tuples import NamedTuple

# A variable's characters are ASCII letters, digits and "_", U+00B7, and U+00C0 to U+FFFF,
# written as the characters they are not: the range written out costs the compiler a bitmap
# of 65,000 characters, most of a fresh process's time in this module.
_TOKEN = r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<variable>[?$][^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\xb6\xb8-\xbf\U00010000-\U0010ffff]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()\[\],;.]*)?|:[^\s{}()\[\],;.]*)
  | (?P<other>\S)
    """


@functools.cache
def _lexer() -> re.Pattern[str]:
    # Compiled when first used: a fresh process running one query need not compile it.
    return re.compile(_TOKEN, re.VERBOSE | re.DOTALL)


class Token(NamedTuple):
    kind: str
    text: str
    start: int = 0


def tokens(sparql: str) -> Iterator[Token]:
    for match in _lexer().finditer(sparql):
        kind = match.lastgroup or "other"
        if kind != "comment":
            yield Token(kind, match.group(0), match.start())


def declares_dataset(sparql: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED), outside strings,
    comments and IRIs."""
    if "from" not in sparql.lower():
        return False  # no such word anywhere, so no such keyword
    if len(sparql) <= REMEMBERED_TEXT:
        return _declares_dataset(sparql)
    return _scan_for_from(sparql)


# The longest text whose answers are remembered: a saved query's text is asked about at every
# run, and a lexer pass over it costs more than the store answering many of them.
REMEMBERED_TEXT = 16_384


@functools.lru_cache(maxsize=256)
def _declares_dataset(sparql: str) -> bool:
    return _scan_for_from(sparql)


def _scan_for_from(sparql: str) -> bool:
    return any(token.kind == "name" and token.text.upper() == "FROM" for token in tokens(sparql))
