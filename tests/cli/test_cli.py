"""The command line: every command documented, help fast to load, stats printed."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from click.testing import CliRunner

from imet_kg import KnowledgeGraph
from imet_kg.cli.commands import cli

from ..conftest import ROOT, cli_run, loaded_after


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in cli.commands:
        assert command in result.output


def test_help_does_not_import_heavy_libraries() -> None:
    heavy = ("rdflib", "pyshacl", "pyoxigraph", "rich", "owlready2")
    loaded, _ = loaded_after(cli_run(["--help"]), heavy)
    assert loaded == []


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"imet-kg (\w+)", readme))
    assert set(cli.commands) <= documented


def test_stats_json() -> None:
    result = CliRunner().invoke(cli, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["claims"] >= 70
    assert summary["entities_by_class"]["imet:Country"] == 9
    assert set(summary["claims_by_source"]) == {
        "000_fc129664c0adaa1d.txt",
        "001_358cadeb3b244d6b.txt",
        "002_bd488ab840eb77a1.txt",
        "003_acfba072ead0065f.txt",
        "004_e378425d7da17817.txt",
    }
    assert summary["graphs"]["derived/construct-roles"] > 0


def test_sizes_count_distinct_triples_and_each_graph() -> None:
    graph = KnowledgeGraph()
    a, b = ox.NamedNode("urn:a"), ox.NamedNode("urn:b")
    one, two = ox.NamedNode("urn:graph:1"), ox.NamedNode("urn:graph:2")
    graph.store.extend(
        [ox.Quad(a, b, a, one), ox.Quad(a, b, a, two), ox.Quad(a, b, b, two), ox.Quad(b, b, b, two)]
    )
    assert len(graph) == 3, "the triple stated in both graphs counts once"
    assert graph.graph_sizes() == {"urn:graph:1": 1, "urn:graph:2": 3}


def test_stats_table() -> None:
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 0, result.output
    assert "claims" in result.output
    assert "imet:RoleClaim" in result.output


def test_missing_root_is_an_error(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["--root", "/nonexistent/imet", "validate"])
    assert result.exit_code == 2


def test_root_without_graph_files_is_an_error(tmp_path: object) -> None:
    import pathlib

    root = pathlib.Path(str(tmp_path))
    (root / "ontology").mkdir()
    (root / "ontology" / "imet.ttl").write_text("")
    (root / "graph").mkdir()
    result = CliRunner().invoke(cli, ["--root", str(root), "validate"])
    assert result.exit_code == 2
    assert "no curated .ttl files" in result.output
