"""`imet-kg query` and `imet-kg sparql`: listing, acceptance answers, every output format,
every query form, and clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from imet_kg import KnowledgeGraph, Layout
from imet_kg.cli.commands import cli

from ..conftest import DATA, ROOT, cli_run, loaded_after

ID = "https://w3id.org/imet-kg/id/"


def invoke(*arguments: str) -> str:
    result = CliRunner().invoke(cli, list(arguments))
    assert result.exit_code == 0, result.output
    return result.output


def test_list_names_every_saved_query_with_parameters() -> None:
    listed = json.loads(invoke("query", "--list", "--format", "json"))
    names = {entry["name"] for entry in listed}
    assert names == {path.stem for path in (ROOT / "queries").glob("*.rq")}
    timeline = next(entry for entry in listed if entry["name"] == "country-timeline")
    assert timeline["parameters"][0]["name"] == "country"
    assert timeline["parameters"][0]["type"] == "entity"
    table = invoke("query", "--list")
    assert "who-administers" in table
    assert "country: entity" in table


def test_who_administers_json_lists_roles_and_sources() -> None:
    document = json.loads(invoke("query", "who-administers", "--format", "json"))
    rows = document["results"]["bindings"]
    roles = {
        (row["holder"]["value"], row["roleLabel"]["value"]): row["sources"]["value"] for row in rows
    }
    assert "001_358cadeb3b244d6b.txt" in roles[(f"{ID}agency/pm", "administers")]
    assert "000_fc129664c0adaa1d.txt" in roles[(f"{ID}agency/dod", "administers")]
    assert "004_e378425d7da17817.txt" in roles[(f"{ID}agency/dsca", "oversees implementation")]
    assert "003_acfba072ead0065f.txt" in roles[(f"{ID}agency/pm", "directs policy")]


def test_country_timeline_for_pakistan() -> None:
    text = invoke("query", "country-timeline", "--param", "country=PK", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    dated = {row["when"]: row for row in rows if row["when"]}
    assert dated["2017-09"]["kinds"] == "announcement"
    assert dated["2018-08"]["kinds"] == "suspension"
    assert dated["2019-12"]["kinds"] == "resumption"
    assert set(dated["2018-08"]["sources"].split(", ")) == {
        "000_fc129664c0adaa1d.txt",
        "002_bd488ab840eb77a1.txt",
        "003_acfba072ead0065f.txt",
    }
    order = [row["when"] for row in rows if row["when"]]
    assert order == sorted(order)
    assert "_country" not in rows[0]


def test_row_formats() -> None:
    tsv = invoke("query", "sources", "--format", "tsv").splitlines()
    assert tsv[0].split("\t")[:3] == ["?file", "?title", "?aiGenerated"]
    assert len(tsv) == 6
    assert tsv[1].split("\t")[0].startswith('"0')  # a literal in its RDF syntax
    markdown = invoke("query", "sources", "--format", "md").splitlines()
    assert markdown[0].startswith("| file | title |")
    assert markdown[1].startswith("| --- |")
    wide = CliRunner().invoke(cli, ["query", "schools"], env={"COLUMNS": "400"})
    assert "Western Hemisphere Institute for Security Cooperation (school:whinsec)" in wide.output
    assert wide.output.rstrip().endswith("10 rows")


def test_table_shows_labels_beside_iris() -> None:
    result = CliRunner().invoke(cli, ["query", "who-administers"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert "Bureau of Political-Military Affairs (agency:pm)" in result.output
    assert "holderLabel" not in result.output


def test_sparql_select_ask_construct_describe(tmp_path: Path) -> None:
    select = invoke(
        "sparql",
        "SELECT ?a WHERE { ?a <https://w3id.org/imet-kg/ontology#oversees> ?p }",
        "--format",
        "csv",
    )
    assert select.splitlines() == ["a", f"{ID}agency/dsca"]
    assert invoke("sparql", "ASK { ?s ?p ?o }") == "true\n"
    assert json.loads(invoke("sparql", "ASK { <urn:x> ?p ?o }", "--format", "json")) == {
        "head": {},
        "boolean": False,
    }
    construct = invoke(
        "sparql",
        "CONSTRUCT { ?a <urn:p> ?p } "
        "WHERE { ?a <https://w3id.org/imet-kg/ontology#administers> ?p }",
    )
    parsed = rdflib.Graph().parse(data=construct, format="turtle")
    assert len(parsed) == 2
    query_file = tmp_path / "describe.rq"
    query_file.write_text(f"DESCRIBE <{ID}country/EG>")
    described = invoke("sparql", "--file", str(query_file), "--format", "jsonld")
    graph = rdflib.Graph().parse(data=described, format="json-ld")
    assert (rdflib.URIRef(f"{ID}country/EG"), None, None) in graph


def test_sparql_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    query_file = tmp_path / "broken.rq"
    query_file.write_text("SELECT ?x WHERE {\n  ?x ?y\n  FILTER( }\n")
    result = CliRunner().invoke(cli, ["sparql", "--file", str(query_file)])
    assert result.exit_code == 2
    assert f"{query_file}:3:" in result.output


def test_sparql_usage_errors() -> None:
    both = CliRunner().invoke(cli, ["sparql", "ASK {}", "--file", __file__])
    assert both.exit_code == 2
    neither = CliRunner().invoke(cli, ["sparql"])
    assert neither.exit_code == 2
    graph_format_for_rows = CliRunner().invoke(cli, ["sparql", "SELECT * {}", "--format", "ttl"])
    assert graph_format_for_rows.exit_code == 2
    assert "CONSTRUCT or DESCRIBE" in graph_format_for_rows.output


def test_deeply_nested_query_is_refused_not_crashed(tmp_path: Path) -> None:
    """Oxigraph's parser overflows its stack a few thousand levels down: the command line
    refuses such a query with exit 2 instead of a segfault (run as a real process, since a
    segfault would take the test runner with it)."""
    import subprocess
    import sys

    query_file = tmp_path / "nested.rq"
    query_file.write_text("SELECT * WHERE " + "{ " * 20_000 + "?s ?p ?o" + " }" * 20_000)
    imet_kg = str(Path(sys.executable).with_name("imet-kg"))
    result = subprocess.run(
        [imet_kg, "--root", str(ROOT), "sparql", "--file", str(query_file)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert f"{query_file}: the query nests brackets 20000 deep" in result.stderr


def test_sparql_prints_at_most_max_rows() -> None:
    """An unbounded query is capped as the server caps it, and says so; --max-rows 0 prints
    every row. The cap applies to CONSTRUCT's triples too."""
    runner = CliRunner()
    everything = "SELECT * WHERE { ?s ?p ?o }"
    capped = runner.invoke(cli, ["sparql", everything, "--max-rows", "5", "--format", "csv"])
    assert capped.exit_code == 0, capped.output
    assert len(capped.stdout.splitlines()) == 6  # the header and five rows
    assert "Showing the first 5 rows: the answer has more" in capped.stderr
    whole = runner.invoke(cli, ["sparql", everything, "--max-rows", "0", "--format", "csv"])
    assert len(whole.stdout.splitlines()) > 1000
    assert "Showing the first" not in whole.stderr
    exact = runner.invoke(
        cli,
        [
            "sparql",
            "SELECT ?a WHERE { ?a <https://w3id.org/imet-kg/ontology#oversees> ?p }",
            "--max-rows",
            "1",
            "--format",
            "csv",
        ],
    )
    assert exact.stdout.splitlines() == ["a", f"{ID}agency/dsca"]
    assert "Showing the first" not in exact.stderr  # one row, the whole answer
    triples = runner.invoke(
        cli, ["sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--max-rows", "7", "--format", "nt"]
    )
    assert len(triples.stdout.splitlines()) == 7
    assert "Showing the first 7 rows" in triples.stderr


@pytest.mark.parametrize(
    ("answer_format", "media_type"),
    [
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
    ],
)
def test_the_command_line_and_the_server_write_the_same_bytes(
    graph: KnowledgeGraph, layout: Layout, answer_format: str, media_type: str
) -> None:
    """One writer for the SPARQL results formats: the same answer is the same bytes, from
    `imet-kg sparql` and from the endpoint."""
    from starlette.testclient import TestClient

    from imet_kg.web.app import create_app

    sparql = (DATA / "answers" / "mixed-terms.rq").read_text(encoding="utf-8")
    printed = CliRunner().invoke(cli, ["sparql", sparql, "--format", answer_format])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.count("pakistan-suspended-2018") >= 3
    with TestClient(create_app(graph, layout, query_processes=1)) as client:
        served = client.get("/sparql", params={"query": sparql}, headers={"Accept": media_type})
    assert served.status_code == 200
    assert served.headers["content-type"].startswith(media_type)
    assert printed.stdout_bytes.rstrip(b"\n") == served.content.rstrip(b"\n")
    if answer_format == "csv":
        assert b"\r\n" in served.content  # SPARQL 1.1 CSV ends lines with CRLF


@pytest.mark.parametrize(
    "arguments",
    [
        ["query", "sources", "--format", "csv"],
        ["query", "country-timeline", "--param", "country=PK", "--format", "json"],
        ["sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "--format", "tsv"],
    ],
    ids=["saved", "with-words", "sparql"],
)
def test_querying_does_not_load_rdflib(arguments: list[str]) -> None:
    """The query path needs only the store: rdflib and pySHACL stay unloaded (they cost more
    than the query), and so does YAML (the saved queries' headers are indexed)."""
    loaded, printed = loaded_after(cli_run(arguments), ("rdflib", "pyshacl", "yaml"))
    assert loaded == []
    assert "https://w3id.org/imet-kg/" in printed  # it did answer
