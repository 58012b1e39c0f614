"""The one table of formats: names unique within a kind, and the command line's choices, the
server's negotiation and the dumps all derived from it (a format added to the table is
offered everywhere it applies)."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.cli.commands import cli
from imet_kg.media import (
    DATASET,
    FORMATS,
    GRAPH,
    NETWORK,
    PEOPLE,
    REPORT,
    RESULTS,
    find,
    formats,
    names,
)
from imet_kg.web.app import create_app

from .conftest import DATA


def test_names_are_unique_within_a_kind_and_extensions_within_rdf() -> None:
    kinds = {entry.kind for entry in FORMATS}
    for kind in kinds:
        assert len(names(kind)) == len(formats(kind))
    rdf = formats(GRAPH, DATASET)
    assert len({entry.extension for entry in rdf}) == len(rdf)
    with pytest.raises(ValueError, match="use one of ttl, nt"):
        find(GRAPH, "n3")


def choices(*path: str, option: str = "--format") -> tuple[str, ...]:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        found = command.commands[name]
        command = found
    [parameter] = [p for p in command.params if option in getattr(p, "opts", ())]
    assert isinstance(parameter.type, click.Choice)
    return tuple(parameter.type.choices)


def test_the_command_line_offers_every_format_of_the_table() -> None:
    assert choices("export") == names(GRAPH, DATASET)
    assert choices("validate") == names(REPORT)
    assert choices("network", "export") == names(NETWORK)
    assert set(choices("query")) == set(names(PEOPLE, RESULTS, GRAPH))
    assert set(choices("sparql")) == set(names(PEOPLE, RESULTS, GRAPH))


@pytest.fixture(scope="module")
def client(graph: KnowledgeGraph, layout: Layout) -> Iterator[TestClient]:
    with TestClient(create_app(graph, layout, query_processes=1)) as running:
        yield running


@pytest.mark.parametrize("entry", formats(GRAPH), ids=lambda entry: entry.name)
def test_every_rdf_format_is_offered_by_resources_and_the_endpoint(
    client: TestClient, entry: object
) -> None:
    from imet_kg.media import Format

    assert isinstance(entry, Format)
    by_extension = client.get(f"/id/agency/dod{entry.extension}")
    assert by_extension.status_code == 200
    assert by_extension.headers["content-type"].startswith(entry.media_type)
    construct = (DATA / "protocol" / "construct-legislation.rq").read_text(encoding="utf-8")
    answer = client.get(
        "/sparql", params={"query": construct}, headers={"Accept": entry.media_type}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(entry.media_type)
