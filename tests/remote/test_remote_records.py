"""The training records of Pakistan, Egypt and Saudi Arabia pushed to Oxigraph's server and
Virtuoso: on both, every saved query (with and without its optional parameters) answers as
the embedded store does, row for row (the lists a GROUP_CONCAT joins compared as sets: SPARQL
leaves their order to the engine), and an answer longer than Virtuoso's cap is refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from click.testing import CliRunner

from imet_kg import KnowledgeGraph, Layout
from imet_kg.cli.commands import cli
from imet_kg.query.run import run_saved_query
from imet_kg.query.saved import SavedQuery
from imet_kg.remote.client import RemoteGraph
from imet_kg.remote.protocol import RemoteError
from imet_kg.store.graph import QueryResult
from imet_kg.store.persistent import open_store

from ..conftest import DATA
from .engines import ENGINES, Engine, VirtuosoServer
from .test_remote import SAVED, holding, parameter_sets, same_rows


@pytest.fixture(scope="module")
def records(analyst_store: Path, layout: Layout) -> KnowledgeGraph:
    return open_store(analyst_store, layout)


@pytest.fixture(scope="module", params=sorted(ENGINES))
def holding_records(
    request: pytest.FixtureRequest,
    records: KnowledgeGraph,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp(f"{request.param}-records")
    with holding(request.param, records, folder) as running:
        yield running


@pytest.mark.parametrize("query", SAVED, ids=lambda query: query.name)
def test_every_saved_query_over_the_records_answers_alike(
    holding_records: Engine,
    records: KnowledgeGraph,
    layout: Layout,
    query: SavedQuery,
) -> None:
    remote = RemoteGraph(holding_records.query_endpoint)
    for values in parameter_sets(query):
        _, here = run_saved_query(records, layout, query.name, values)
        _, there = run_saved_query(remote, layout, query.name, values)
        same_rows(here, there, f"{query.name} {values}", holding_records, query.sparql)


def test_an_answer_longer_than_virtuoso_s_cap_is_refused(
    holding_records: Engine, records: KnowledgeGraph
) -> None:
    """Every statement of the records' graphs is more than Virtuoso's 10,000 rows."""
    sparql = (DATA / "remote" / "project-statements.rq").read_text(encoding="utf-8")
    expected = len(records.select(sparql).rows)
    assert expected > VirtuosoServer.MAX_ROWS
    remote = RemoteGraph(holding_records.query_endpoint)
    if isinstance(holding_records, VirtuosoServer):
        with pytest.raises(RemoteError, match="cut the answer"):
            remote.select(sparql)
    else:
        assert len(remote.select(sparql).rows) == expected


def test_school_ranking_for_2019_from_both_engines(
    holding_records: Engine, records: KnowledgeGraph, layout: Layout, analyst_store: Path
) -> None:
    """The acceptance example, as typed: `imet-kg --endpoint URL query school-ranking
    --param year=2019` prints the rows the embedded store gives (numbers compared as
    numbers, the report editions as a set)."""
    command = ["query", "school-ranking", "--param", "year=2019", "--format", "csv"]
    runner = CliRunner()
    local = runner.invoke(cli, ["--store", str(analyst_store), *command])
    remote = runner.invoke(cli, ["--endpoint", holding_records.query_endpoint, *command])
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    here, there = (list(csv.reader(io.StringIO(result.output))) for result in (local, remote))
    assert here[0] == there[0]
    assert "placeLabel" in here[0]
    assert len(here) > 6

    def canonical(rows: list[list[str]]) -> list[tuple[str, ...]]:
        columns = rows[0]
        return sorted(
            tuple(cell_value(cell, name) for cell, name in zip(row, columns, strict=True))
            for row in rows[1:]
        )

    assert canonical(there) == canonical(here)
    _, result = run_saved_query(records, layout, "school-ranking", {"year": "2019"})
    assert isinstance(result, QueryResult)
    assert len(result.rows) == len(here) - 1


def cell_value(cell: str, column: str) -> str:
    """A number in one form (engines write 5.6069E+5 or 560690), a list of editions sorted,
    anything else as written."""
    if column == "sources":
        return " ".join(sorted(cell.split()))
    try:
        return str(Decimal(cell).normalize())
    except InvalidOperation:
        return cell
