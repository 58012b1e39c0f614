"""The library's own SPARQL files, shipped inside the package (imet_kg/sparql/*.rq)."""

from __future__ import annotations

from importlib import resources


def internal_query(name: str) -> str:
    """The text of imet_kg/sparql/NAME.rq."""
    return resources.files("imet_kg").joinpath("sparql", f"{name}.rq").read_text(encoding="utf-8")
