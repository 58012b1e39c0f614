"""The endpoint's guard, from the parse: what it refuses, where, and with which status."""

from __future__ import annotations

import pytest

from imet_kg.sparql.text import MAX_NESTING, nesting_depth, normalise
from imet_kg.web.guard import QueryRefused, check_query, check_size, parse

OWN = {"https://w3id.org/imet-kg/graph/curated/agencies"}


def test_line_ends_are_normalised_for_parser_and_engine_alike() -> None:
    assert normalise("a\r\nb\rc\n") == "a\nb\nc\n"
    # after normalising, a comment ended by a lone CR no longer hides what follows it
    hidden = "SELECT * WHERE { ?s ?p ?o #x\rSERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }"
    with pytest.raises(QueryRefused, match="SERVICE is refused"):
        check_query(normalise(hidden), OWN)


@pytest.mark.parametrize(
    "where",
    [
        "SERVICE <http://h/> { ?s ?p ?o }",
        "OPTIONAL { SERVICE SILENT <http://h/> { ?s ?p ?o } }",
        "FILTER NOT EXISTS { SERVICE <http://h/> { ?s ?p ?o } }",
        "BIND(EXISTS { SERVICE <http://h/> { ?s ?p ?o } } AS ?e)",
        "{ SELECT * WHERE { SERVICE ?x { ?s ?p ?o } } }",
        "?s ?p true.SERVICE <http://h/> { ?a ?b ?c }",
    ],
)
def test_service_is_found_wherever_it_sits(where: str) -> None:
    sparql = f"SELECT * WHERE {{ {where} }}"
    assert parse(sparql).services == 1
    with pytest.raises(QueryRefused) as refused:
        check_query(sparql, OWN)
    assert refused.value.status == 400


def test_words_that_only_look_like_keywords_pass() -> None:
    allowed = 'SELECT ?service WHERE { ?service <urn:p> "SERVICE <http://h/> { }" } # SERVICE <x>'
    assert check_query(allowed, OWN).services == 0


def test_updates_are_refused_as_read_only() -> None:
    for update in ("LOAD <http://h/x.ttl>", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        with pytest.raises(QueryRefused) as refused:
            check_query(update, OWN)
        assert refused.value.status == 403


def test_dataset_clauses_name_only_own_graphs() -> None:
    graph = next(iter(OWN))
    parsed = check_query(f"SELECT * FROM <{graph}> FROM NAMED <{graph}> WHERE {{ }}", OWN)
    assert parsed.default_graphs == (graph,)
    assert parsed.named_graphs == (graph,)
    for clause in ("FROM <file:///etc/passwd>", "FROM NAMED <http://127.0.0.1/g>"):
        with pytest.raises(QueryRefused, match=r"reads no local files|not one of the dataset"):
            check_query(f"SELECT * {clause} WHERE {{ }}", OWN)


def test_a_text_that_does_not_parse_is_refused_with_its_place() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * WHERE {\n  ?s ?p \n}", OWN)
    assert refused.value.status == 400
    assert refused.value.syntax
    assert str(refused.value).startswith("query:")


def test_size_and_nesting_are_bounded_before_parsing() -> None:
    assert nesting_depth("{ ( [ ] ) } { }") == 3
    assert nesting_depth("} } { {") == 2
    check_size("{" * MAX_NESTING)
    with pytest.raises(QueryRefused, match=f"nests brackets {MAX_NESTING + 1} deep"):
        check_size("{" * (MAX_NESTING + 1))
    with pytest.raises(QueryRefused, match="the query is 12 bytes; a query may have 10"):
        check_size("ASK { } # é", max_bytes=10)
