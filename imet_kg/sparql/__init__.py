"""SPARQL text as the project itself handles it, on the ground floor for every package:
the library's own queries shipped inside the package (`imet_kg/sparql/*.rq`, read by
`internal_query`), a lexer for the texts the project sends (`tokens`), and the checks that
need no parser: line ends, size and nesting (`text`)."""

from __future__ import annotations

from importlib import resources


def internal_query(name: str) -> str:
    """The text of imet_kg/sparql/NAME.rq."""
    return resources.files("imet_kg.sparql").joinpath(f"{name}.rq").read_text(encoding="utf-8")
