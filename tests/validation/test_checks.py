"""The ontology and data hygiene checks (`ontology/checks/*-violation.rq`): silent on the real
graph, and each one fires on a case built to break it."""

from __future__ import annotations

from pathlib import Path

import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.namespaces import prefixes
from imet_kg.pipeline.load import load_project
from imet_kg.validation.checks import load_checks, run_checks

from ..conftest import DATA

CASES = sorted((DATA / "checks").glob("*.ttl"))


def test_every_check_has_a_case(layout: Layout) -> None:
    checked = {c.read_text(encoding="utf-8").split(" | ")[0].split("check:")[1] for c in CASES}
    names = {check.name for check in load_checks(layout.checks_dir)}
    assert names - {"ontology-metadata-violation"} <= checked


def test_real_graph_passes_every_check(layout: Layout, graph: KnowledgeGraph) -> None:
    found = run_checks(graph, load_checks(layout.checks_dir), prefixes(layout.context_file))
    assert found == []


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.stem)
def test_check_fires(layout: Layout, case: Path) -> None:
    header = case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    rule, focus = (part.strip() for part in header.split(" | "))
    graph = load_project(layout)
    graph.load_file(case, "urn:test:case")
    found = run_checks(graph, load_checks(layout.checks_dir), {})
    assert any(v.rule == rule and v.focus == focus for v in found), found


def test_missing_ontology_metadata_is_reported(project_copy: Layout) -> None:
    from ..conftest import replace_in

    replace_in(
        project_copy.ontology_file,
        "    owl:versionIRI <https://w3id.org/imet-kg/ontology/0.1.0> ;\n",
        "",
    )
    graph = load_project(project_copy)
    found = run_checks(graph, load_checks(project_copy.checks_dir), {})
    assert [v.message for v in found if v.rule == "check:ontology-metadata-violation"] == [
        "has no owl:versionIRI"
    ]
