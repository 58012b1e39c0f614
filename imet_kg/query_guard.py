"""What the public endpoint refuses before a query runs: updates, SERVICE calls to other
hosts, LOAD, and FROM / FROM NAMED (or protocol graph parameters) naming anything but the
dataset's own graphs. A small lexer skips comments, strings and IRIs, so that a keyword is
only seen where it is one."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from imet_kg.errors import ImetKgError

_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"}
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<variable>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()\[\],;.]*)?|:[^\s{}()\[\],;.]*)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryRefused(ImetKgError):
    """A query the endpoint will not run; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        super().__init__(detail)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int = 0


def tokens(sparql: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind != "comment":
            yield Token(kind, match.group(0), match.start())


def check_query(sparql: str, own_graphs: Collection[str]) -> None:
    """Raise QueryRefused when the query would write, leave the dataset, or read a file."""
    words = list(tokens(sparql))
    for index, token in enumerate(words):
        if token.kind != "name":
            continue
        keyword = token.text.upper()
        if keyword in _UPDATE_KEYWORDS:
            raise QueryRefused(403, f"this endpoint is read-only: {keyword} is refused")
        if keyword == "SERVICE":
            raise QueryRefused(
                400,
                "SERVICE is refused: the endpoint answers from its own data "
                "and calls no other host",
            )
        if keyword == "FROM":
            following = words[index + 1 : index + 3]
            if following and following[0].kind == "name" and following[0].text.upper() == "NAMED":
                following = following[1:]
            target = following[0] if following else None
            if target is None or target.kind != "iri":
                raise QueryRefused(
                    400, "FROM and FROM NAMED take a full <IRI> of one of the dataset's graphs"
                )
            check_graph(target.text[1:-1], own_graphs)


def check_graph(iri: str, own_graphs: Collection[str]) -> None:
    if iri.lower().startswith("file:"):
        raise QueryRefused(400, f"<{iri}> is refused: the endpoint reads no local files")
    if iri not in own_graphs:
        raise QueryRefused(
            400, f"<{iri}> is not one of the dataset's graphs; see the service description for them"
        )
