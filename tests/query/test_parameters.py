"""Parameters are bound as RDF terms, never spliced into the query: hostile values come back
as plain values; wrong, missing and ambiguous values are clear errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from imet_kg import KnowledgeGraph, Layout
from imet_kg.cli.commands import cli
from imet_kg.namespaces import prefixes
from imet_kg.query.binding import ParameterError, bind_parameters
from imet_kg.query.saved import parse_saved_query
from imet_kg.store.graph import QueryResult

from ..conftest import DATA

GOOD = DATA / "queries" / "good"

HOSTILE = [
    'x" } ; DROP GRAPH <urn:x> ; #',
    "> }",
    "# not a comment",
    "first line\nsecond line\r\nthird",
    "'single' \"double\" \\backslash",
    "?_text $_count <https://w3id.org/imet-kg/id/country/PK>",
    "} UNION { ?s ?p ?o } #",
    "a" * 100_000,
]


def run(graph: KnowledgeGraph, layout: Layout, name: str, values: dict[str, str]) -> object:
    query = parse_saved_query(GOOD / f"{name}.rq")
    bindings = bind_parameters(graph, query, values, prefixes(layout.context_file))
    return graph.query(query.sparql, substitutions=bindings)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_string_is_a_plain_value(graph: KnowledgeGraph, layout: Layout, value: str) -> None:
    before = len(graph)
    answer = run(graph, layout, "echo", {"text": value})
    assert isinstance(answer, QueryResult)
    [(text, count, length)] = answer.rows
    assert text is not None
    assert text.value == value
    assert count is not None
    assert count.value == "0"
    assert length is not None
    assert int(length.value) == len(value)
    assert len(graph) == before


@pytest.mark.parametrize("value", HOSTILE[:7], ids=range(7))
def test_hostile_entity_names_nothing(graph: KnowledgeGraph, layout: Layout, value: str) -> None:
    with pytest.raises(ParameterError, match="no imet:Country entity is named"):
        run(graph, layout, "ask", {"country": value})


@pytest.mark.parametrize(
    "value",
    # Unicode digits (fullwidth, Arabic-Indic, Devanagari) and a trailing newline are not
    # the ASCII lexical form xsd:integer has, though Python's \d and int() take them.
    ["1 } UNION { ?s ?p ?o", "3.5", "", "1e3", "\uff11\uff12", "\u0661\u0662", "\u0967", "12\n"],
)
def test_integer_of_the_wrong_form_is_refused(
    graph: KnowledgeGraph, layout: Layout, value: str
) -> None:
    with pytest.raises(ParameterError, match="takes an xsd:integer"):
        run(graph, layout, "echo", {"text": "x", "count": value})


def test_entity_by_code_label_prefixed_name_and_iri(graph: KnowledgeGraph, layout: Layout) -> None:
    for value in (
        "PK",
        "Pakistan",
        "pakistan",
        "country:PK",
        "https://w3id.org/imet-kg/id/country/PK",
    ):
        assert run(graph, layout, "ask", {"country": value}) is True
    assert run(graph, layout, "ask", {"country": "Cameroon"}) is False


def test_entity_of_the_wrong_class_is_refused(graph: KnowledgeGraph, layout: Layout) -> None:
    with pytest.raises(ParameterError, match="is not a imet:Country"):
        run(graph, layout, "ask", {"country": "agency:dod"})


def test_missing_and_unknown_parameters(graph: KnowledgeGraph, layout: Layout) -> None:
    with pytest.raises(ParameterError, match="'country' is required"):
        run(graph, layout, "ask", {})
    with pytest.raises(ParameterError, match="unknown parameter 'colour'"):
        run(graph, layout, "ask", {"country": "PK", "colour": "red"})


def test_ambiguous_words_list_the_candidates() -> None:
    result = CliRunner().invoke(cli, ["query", "sources-of", "--param", "entity=administers"])
    assert result.exit_code == 2
    assert "names several entities" in result.output
    assert "role:administers" in result.output
    assert "imet:administers" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["query", "country-timeline"], "'country' is required"),
        (["query", "country-timeline", "-p", "country=PK", "-p", "x=1"], "unknown parameter 'x'"),
        (["query", "country-timeline", "-p", "country"], "is not KEY=VALUE"),
        (["query", "country-timeline", "-p", "country=Narnia"], "no imet:Country entity"),
        (["query", "no-such-query"], "no saved query named 'no-such-query'"),
    ],
)
def test_cli_parameter_errors_exit_2(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 2
    assert message in result.output
