"""`imet-kg shacl DATA SHAPES` and the standard report: any file against any shapes, with the
exit statuses documented, and a Turtle report whose results carry every property SHACL
defines, compared with the W3C suite's own expected reports."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import SH

from imet_kg.cli import cli

from ..conftest import DATA
from .test_shacl_suite import CASES, SUITE, expected_key

FILES = DATA / "shacl-command"

# Cases with blank paths, values, nested shapes and SPARQL, read back from the Turtle report.
REPORTED = (
    "core/path/path-sequence-001",
    "core/path/path-inverse-001",
    "core/node/class-001",
    "core/property/qualifiedValueShape-001",
    "core/node/datatype-002",
    "sparql/node/sparql-001",
)


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
@pytest.mark.parametrize("name", REPORTED)
def test_the_turtle_report_is_the_suite_s_report(engine: str, name: str) -> None:
    [case] = [c for c in CASES if c.name == name]
    run = CliRunner().invoke(
        cli, ["shacl", str(case.data), str(case.shapes), "--engine", engine, "--format", "turtle"]
    )
    assert run.exit_code == (0 if case.conforms else 1), run.output
    report = rdflib.Graph().parse(data=run.stdout, format="turtle")
    [root] = report.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert report.value(root, SH.conforms) == rdflib.Literal(case.conforms)
    found = [expected_key(report, r) for r in report.objects(root, SH.result)]
    assert Counter(found) == Counter(case.results)


def test_conforming_data_exits_0_and_json_names_the_standard_terms() -> None:
    shapes, good, bad = (FILES / name for name in ("shapes.ttl", "good.ttl", "bad.ttl"))
    assert CliRunner().invoke(cli, ["shacl", str(good), str(shapes)]).exit_code == 0
    run = CliRunner().invoke(cli, ["shacl", str(bad), str(shapes), "--format", "json"])
    assert run.exit_code == 1
    [result] = json.loads(run.stdout)["results"]
    assert result["shacl"]["focusNode"] == "<https://example.org/b>"
    assert result["shacl"]["resultPath"] == "<https://example.org/n>"
    assert result["shacl"]["sourceConstraintComponent"] == f"<{SH.MinCountConstraintComponent}>"
    [place] = result["definedIn"]
    assert Path(place["file"]).resolve() == bad.resolve()
    assert place["line"] == 3


def test_a_file_that_does_not_parse_exits_2_with_its_line() -> None:
    broken = FILES / "broken.ttl"
    run = CliRunner().invoke(cli, ["shacl", str(broken), str(broken)])
    assert run.exit_code == 2
    assert f"{broken}:2:" in run.output


def test_an_unsupported_shape_exits_2_naming_it() -> None:
    case = SUITE / "sparql" / "pre-binding" / "shapesGraph-001.ttl"
    run = CliRunner().invoke(cli, ["shacl", str(case), str(case)])
    assert run.exit_code == 2
    assert "TestShape" in run.output
    assert "$shapesGraph" in run.output
