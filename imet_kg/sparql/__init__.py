"""SPARQL text as the project itself handles it, on the ground floor for every package:
the library's own queries shipped inside the package (`imet_kg/sparql/*.rq`, read by
`internal_query`), a lexer for the texts the project sends (`tokens`), and the checks that
need no parser: line ends, size and nesting (`text`)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent


def internal_query(name: str) -> str:
    """The text of imet_kg/sparql/NAME.rq (read from the package's folder: importlib's
    resource readers cost a fresh process more than the query)."""
    return (_HERE / f"{name}.rq").read_text(encoding="utf-8")
