"""Shared fixtures: the project layout, the assembled graph, and editable copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout, RuleReport, assemble

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def layout() -> Layout:
    return Layout(ROOT)


@pytest.fixture(scope="session")
def assembled(layout: Layout) -> tuple[KnowledgeGraph, RuleReport]:
    return assemble(layout)


@pytest.fixture(scope="session")
def graph(assembled: tuple[KnowledgeGraph, RuleReport]) -> KnowledgeGraph:
    return assembled[0]


@pytest.fixture
def project_copy(tmp_path: Path) -> Layout:
    """A copy of ontology/ and graph/ that a test may break."""
    for folder in ("ontology", "graph"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Layout(tmp_path)


def value(term: object) -> str:
    """The text of an IRI, blank node or literal (never an RDF-star triple here)."""
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal), term
    return term.value


def subject(term: object) -> ox.NamedNode | ox.BlankNode:
    assert isinstance(term, ox.NamedNode | ox.BlankNode), term
    return term


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit a copied data file, failing loudly if the text to replace is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
