"""The saved queries: every file parses with a summary and runs, every one has its expected
answer on the seed graph asserted, and malformed headers are errors naming file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from imet_kg import KnowledgeGraph, Layout
from imet_kg.namespaces import prefixes
from imet_kg.query.headers import INDEX, header_text, write_index
from imet_kg.query.run import run_saved_query
from imet_kg.query.saved import QueryHeaderError, load_saved_queries, parse_saved_query
from imet_kg.store.graph import QueryResult
from imet_kg.terms import term_text

from ..conftest import DATA, ROOT

EXPECTATIONS: list[dict[str, Any]] = yaml.safe_load(
    (DATA / "saved_queries.yaml").read_text(encoding="utf-8")
)
# Columns built by GROUP_CONCAT: their order is the engine's, so they compare sorted.
LISTS = {"sources", "sourcesA", "sourcesB", "partners", "focusAreas", "kinds", "formerNames"}
BAD = sorted((DATA / "queries" / "bad").glob("*.rq"))
QUERIES = sorted((ROOT / "queries").glob("*.rq"))


def cells(result: QueryResult, columns: list[str], names: dict[str, str]) -> list[str]:
    index = [result.variables.index(column) for column in columns]
    rows = []
    for row in result.rows:
        values = []
        for i, column in zip(index, columns, strict=True):
            value = term_text(row[i], names)
            if column in LISTS and value:
                value = ", ".join(sorted(value.split(", ")))
            values.append(value)
        rows.append(" | ".join(values))
    return rows


def test_there_are_saved_queries() -> None:
    assert len(QUERIES) >= 12


@pytest.mark.parametrize("path", QUERIES, ids=lambda path: path.stem)
def test_saved_query_parses_and_runs(graph: KnowledgeGraph, layout: Layout, path: Path) -> None:
    query = parse_saved_query(path)
    assert query.summary
    assert query.description
    assert query.tags
    for parameter in query.parameters:
        assert parameter.example or parameter.default, f"{parameter.name} needs an example"
    values = {p.name: p.example for p in query.parameters if p.required and p.example}
    _, answer = run_saved_query(graph, layout, query.name, values)
    assert isinstance(answer, QueryResult)
    if "training" in query.tags:
        # Answered from the imported records: their figures are asserted in test_import.py.
        # Without records there is no figure (event-impact still lists the events, with their
        # years empty: not covered by any report).
        figures = {"totalStudents", "reportedCostUSD", "records", "rows", "lineItemStudents"}
        assert all(row[name] is None for row in answer.dicts() for name in figures & set(row))
        if "event" not in answer.variables:
            assert answer.rows == ()
    else:
        assert answer.rows, f"{query.name} returns no rows on the seed graph"


def test_every_saved_query_has_an_expected_answer(layout: Layout) -> None:
    """Over the curated graph, in saved_queries.yaml; a query over the training records has
    its test in tests/sources/test_import.py (TRAINING_QUERY_TESTS)."""
    covered = {case["query"] for case in EXPECTATIONS}
    for query in load_saved_queries(layout.queries_dir):
        if "training" not in query.tags:
            assert query.name in covered, f"{query.name} has no expected answer"


@pytest.mark.parametrize(
    "case", EXPECTATIONS, ids=lambda case: f"{case['query']}{case.get('params') or ''}"
)
def test_saved_query_answer(graph: KnowledgeGraph, layout: Layout, case: dict[str, Any]) -> None:
    _, answer = run_saved_query(graph, layout, case["query"], case.get("params", {}))
    assert isinstance(answer, QueryResult)
    found = cells(answer, case["columns"], prefixes(layout.context_file))
    expected = list(case["rows"])
    if not case.get("ordered"):
        found, expected = sorted(found), sorted(expected)
    assert found == expected


@pytest.mark.parametrize("path", BAD, ids=lambda path: path.stem)
def test_malformed_header_names_file_and_line(path: Path) -> None:
    header = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect-error: ")
    line, fragment = header.split(" | ", 1)
    with pytest.raises(QueryHeaderError) as caught:
        parse_saved_query(path)
    assert caught.value.path == path
    assert caught.value.line == int(line), str(caught.value)
    assert fragment in caught.value.detail
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_query_is_parsed_again_only_when_its_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "counted.rq"
    path.write_text("#+ summary: First wording\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    first = parse_saved_query(path)
    assert parse_saved_query(path) is first, "unchanged file: the parsed query is reused"
    path.write_text(
        "#+ summary: Second, longer wording\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8"
    )
    assert parse_saved_query(path).summary == "Second, longer wording"
    path.write_text("#+ summary: [unclosed\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryHeaderError):
        parse_saved_query(path)


def test_the_header_index_holds_every_saved_query_as_yaml_reads_it() -> None:
    """queries/headers.json is current: `python -m imet_kg.query.headers queries` rewrites
    it after a header changes."""
    index = json.loads((ROOT / "queries" / INDEX).read_text(encoding="utf-8"))["headers"]
    texts = set()
    for path in sorted((ROOT / "queries").glob("*.rq")):
        lines = path.read_text(encoding="utf-8").splitlines()
        text = header_text([line for line in lines if line.startswith("#+")])
        texts.add(text)
        assert index.get(text) == yaml.safe_load(text), f"{path.name}: rewrite {INDEX}"
    assert set(index) == texts, f"{INDEX} holds headers no query has"


def test_a_header_not_in_the_index_is_read_as_written(tmp_path: Path) -> None:
    body = "#+ summary: Indexed\n#+ tags: [a]\nSELECT ?s WHERE { ?s ?p ?o }\n"
    (tmp_path / "q.rq").write_text(body, encoding="utf-8")
    write_index(tmp_path)
    assert parse_saved_query(tmp_path / "q.rq").tags == ("a",)
    # Another header, the index unchanged: it is read by YAML, never taken from the index.
    changed = body.replace("[a]", "[b, c]").replace("Indexed", "Changed since")
    (tmp_path / "q.rq").write_text(changed, encoding="utf-8")
    query = parse_saved_query(tmp_path / "q.rq")
    assert (query.summary, query.tags) == ("Changed since", ("b", "c"))
    (tmp_path / "r.rq").write_text("#+ summary: [unclosed\nASK {}\n", encoding="utf-8")
    with pytest.raises(QueryHeaderError, match=r"r\.rq:1: malformed header"):
        parse_saved_query(tmp_path / "r.rq")


def test_an_index_that_lies_is_not_believed_for_other_text(tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text("#+ summary: Real\nASK {}\n", encoding="utf-8")
    (tmp_path / INDEX).write_text(
        json.dumps({"headers": {"summary: Other": {"summary": "Forged"}}}), encoding="utf-8"
    )
    assert parse_saved_query(tmp_path / "q.rq").summary == "Real"
    (tmp_path / INDEX).write_text("{not json", encoding="utf-8")
    assert parse_saved_query(tmp_path / "q.rq").summary == "Real"
