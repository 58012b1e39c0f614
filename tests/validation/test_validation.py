"""Validation of the real graph and of broken copies, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import SH

from imet_kg import KnowledgeGraph, Layout, assemble, validate
from imet_kg.cli.commands import cli
from imet_kg.validation.formats import render

from ..conftest import replace_in

SOURCELESS = (
    '    rdfs:comment "IMET was established as part of the Arms Export Control Act."@en ;\n'
    "    dcterms:source source:seed-004 ."
)


def drop_source(layout: Layout) -> None:
    replace_in(
        layout.graph_dir / "legislation.ttl",
        SOURCELESS,
        '    rdfs:comment "IMET was established as part of the Arms Export Control Act."@en .',
    )


def test_real_graph_conforms(layout: Layout, graph: KnowledgeGraph) -> None:
    report = validate(graph, layout)
    assert report.conforms
    assert report.results == ()


def test_claim_without_source_names_file_entity_and_shape(project_copy: Layout) -> None:
    drop_source(project_copy)
    graph, _ = assemble(project_copy)
    report = validate(graph, project_copy)
    assert not report.conforms
    [violation] = report.violations
    assert violation.focus == "claim:aeca-establishes-imet"
    assert violation.rule == "imetsh:ClaimShape"
    assert violation.path == "dcterms:source"
    assert "dcterms:source" in violation.message
    assert violation.files == (str(project_copy.graph_dir / "legislation.ttl"),)


def test_cli_validate_exit_codes(project_copy: Layout) -> None:
    runner = CliRunner()
    valid = runner.invoke(cli, ["--root", str(project_copy.root), "validate"])
    assert valid.exit_code == 0, valid.output
    assert "Valid" in valid.output

    drop_source(project_copy)
    broken = runner.invoke(cli, ["--root", str(project_copy.root), "validate"])
    assert broken.exit_code == 1
    assert "legislation.ttl" in broken.output
    assert "claim:aeca-establishes-imet" in broken.output
    assert "imetsh:ClaimShape" in broken.output
    assert "1 violation" in broken.output


def test_report_formats(project_copy: Layout) -> None:
    drop_source(project_copy)
    graph, _ = assemble(project_copy)
    report = validate(graph, project_copy)

    document = json.loads(render(report, "json"))
    assert document["conforms"] is False
    assert document["results"][0]["focus"] == "claim:aeca-establishes-imet"

    turtle = rdflib.Graph().parse(data=render(report, "turtle"), format="turtle")
    assert (None, SH.conforms, rdflib.Literal(False)) in turtle
    [result] = turtle.subjects(SH.resultSeverity, SH.Violation)
    claim = rdflib.URIRef("https://w3id.org/imet-kg/id/claim/aeca-establishes-imet")
    assert turtle.value(result, SH.focusNode) == claim
    assert turtle.value(result, SH.resultPath) == rdflib.URIRef("http://purl.org/dc/terms/source")
    assert turtle.value(result, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent
    assert turtle.value(result, SH.sourceShape) is not None
    report_ns = rdflib.Namespace("https://w3id.org/imet-kg/report#")
    place = turtle.value(result, report_ns.definedIn)
    assert str(turtle.value(place, report_ns.file)).endswith("legislation.ttl")
    lines = (project_copy.graph_dir / "legislation.ttl").read_text(encoding="utf-8").splitlines()
    line = turtle.value(place, report_ns.line)
    assert isinstance(line, rdflib.Literal)
    assert lines[int(line) - 1].startswith("claim:aeca-establishes-imet ")


def test_cli_validate_json_on_real_graph() -> None:
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"conforms": True, "violations": 0, "results": []}


def test_class_without_specialisation_is_reported_but_disjoint_roots_are_not(
    project_copy: Layout,
) -> None:
    replace_in(project_copy.ontology_file, "    rdfs:subClassOf org:Organization ;\n", "")
    replace_in(
        project_copy.ontology_file,
        "imet:GovernmentDepartment a owl:Class ;\n    rdfs:subClassOf imet:Body ;\n",
        "imet:GovernmentDepartment a owl:Class ;\n",
    )
    graph, _ = assemble(project_copy)
    report = validate(graph, project_copy, engine="compiled")
    flagged = [
        r.focus for r in report.results if r.rule == "check:missing-specialisation-violation"
    ]
    assert flagged == ["imet:GovernmentDepartment"]  # imet:Body is one of the disjoint roots


def test_the_library_chooses_the_engine_by_size(graph: KnowledgeGraph) -> None:
    """pySHACL for the curated graph, the compiled shapes from COMPILED_FROM_QUADS up, as the
    command line does; an unknown engine is refused by name."""
    from imet_kg.validation.run import COMPILED_FROM_QUADS, choose_engine

    assert len(graph.store) < COMPILED_FROM_QUADS
    assert choose_engine(graph) == "pyshacl"
    assert choose_engine(graph, "compiled") == "compiled"
    bigger = KnowledgeGraph()
    filler = ox.NamedNode("urn:filler")
    bigger.store.bulk_extend(
        ox.Quad(ox.NamedNode(f"urn:s{i}"), filler, ox.Literal(str(i)), ox.DefaultGraph())
        for i in range(COMPILED_FROM_QUADS)
    )
    assert choose_engine(bigger) == "compiled"
    with pytest.raises(ValueError, match="fastest"):
        choose_engine(graph, "fastest")


def test_validate_reads_a_current_store_in_place_and_a_stale_one_from_the_files(
    project_copy: Layout, tmp_path: Path
) -> None:
    """A store built from the curated files as they are is validated as it stands; once a
    file changes, the files are read afresh and the store's imports copied beside them, so
    the edit is what validation sees."""
    from imet_kg.store.persistent import write_store

    curated, _ = assemble(project_copy)
    record = ox.NamedNode("https://w3id.org/imet-kg/id/training/x")
    imported = [ox.Triple(record, ox.NamedNode("urn:test:p"), ox.Literal("1"))]
    store = tmp_path / "store"
    write_store(
        store, curated, project_copy, {"https://w3id.org/imet-kg/graph/import/test": imported}
    )
    arguments = ["--root", str(project_copy.root), "--store", str(store), "validate"]
    current = CliRunner().invoke(cli, arguments)
    assert current.exit_code == 0, current.output
    assert "(1 imported)" in current.stderr
    drop_source(project_copy)
    stale = CliRunner().invoke(cli, arguments)
    assert stale.exit_code == 1
    assert "claim:aeca-establishes-imet" in stale.stdout
    assert "(1 imported)" in stale.stderr
