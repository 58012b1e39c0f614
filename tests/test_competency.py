"""Competency questions from the seed documents, each a SPARQL file under
tests/data/competency/ with its expected answer in its header:

    # question: Who directs the policies underlying IMET?
    # ordered                       (optional: the row order matters)
    # expect: agency:pm             (one line per row; columns separated by ' | ')
"""

from __future__ import annotations

from pathlib import Path

import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.namespaces import prefixes
from imet_kg.terms import term_text

from .conftest import DATA

QUESTIONS = sorted((DATA / "competency").glob("*.rq"))


def header(path: Path) -> tuple[str, bool, list[str]]:
    question, ordered, expected = "", False, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# question: "):
            question = line.removeprefix("# question: ")
        elif line == "# ordered":
            ordered = True
        elif line.startswith("# expect: "):
            expected.append(line.removeprefix("# expect: "))
    assert question, f"{path} needs a '# question:' line"
    assert expected, f"{path} needs at least one '# expect:' line"
    return question, ordered, expected


def test_at_least_25_questions() -> None:
    assert len(QUESTIONS) >= 25


@pytest.mark.parametrize("path", QUESTIONS, ids=lambda path: path.stem)
def test_competency_question(graph: KnowledgeGraph, layout: Layout, path: Path) -> None:
    question, ordered, expected = header(path)
    sparql = path.read_text(encoding="utf-8")
    names = prefixes(layout.context_file)
    if "\nASK" in sparql:
        answers = [str(graph.ask(sparql, origin=str(path))).lower()]
    else:
        result = graph.select(sparql, origin=str(path))
        answers = [" | ".join(term_text(term, names) for term in row) for row in result.rows]
    if not ordered:
        answers, expected = sorted(answers), sorted(expected)
    assert answers == expected, question
