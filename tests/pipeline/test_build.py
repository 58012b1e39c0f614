"""The build writes every export when the graph is valid, and nothing otherwise; malformed
Turtle is reported with file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from imet_kg import EXPORT_FORMATS, Layout, RdfSyntaxError, build
from imet_kg.cli.commands import cli
from imet_kg.pipeline.load import load_project

from ..conftest import replace_in


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_build_writes_every_format(layout: Layout, tmp_path: Path) -> None:
    result = build(layout, tmp_path / "dist")
    assert result.validation.conforms
    assert sorted(p.name for p in result.outputs) == sorted(EXPORT_FORMATS.values())
    assert sorted(snapshot(tmp_path / "dist")) == sorted(EXPORT_FORMATS.values())
    assert all(p.stat().st_size > 1000 for p in result.outputs)


def test_build_with_violation_writes_nothing(project_copy: Layout, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "imet-kg.ttl").write_text("previous build\n")
    replace_in(project_copy.graph_dir / "countries.ttl", 'imet:isoCode "PK"', 'imet:isoCode "pk"')
    result = CliRunner().invoke(
        cli, ["--root", str(project_copy.root), "build", "--output", str(dist)]
    )
    assert result.exit_code == 1
    assert "imetsh:CountryShape" in result.output
    assert "nothing was written" in result.output
    assert snapshot(dist) == {"imet-kg.ttl": b"previous build\n"}


def test_malformed_turtle_names_file_line_and_column(project_copy: Layout) -> None:
    path = project_copy.graph_dir / "agencies.ttl"
    replace_in(
        path,
        'skos:prefLabel "Defense Security Cooperation Agency"@en ;',
        'skos:prefLabel "Defense Security Cooperation Agency@en ;',
    )
    with pytest.raises(RdfSyntaxError) as caught:
        load_project(project_copy)
    error = caught.value
    assert error.path == path
    line = next(
        number
        for number, text in enumerate(path.read_text().splitlines(), start=1)
        if "Defense Security Cooperation Agency@en" in text
    )
    assert error.line == line
    assert error.column is not None
    assert str(error).startswith(f"{path}:{line}:{error.column}: ")


def test_malformed_turtle_exits_2_and_leaves_dist_untouched(
    project_copy: Layout, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    first = CliRunner().invoke(
        cli, ["--root", str(project_copy.root), "build", "--output", str(dist)]
    )
    assert first.exit_code == 0, first.output
    before = snapshot(dist)
    replace_in(
        project_copy.graph_dir / "events.ttl",
        "claim:pakistan-reinstated a",
        "claim:pakistan-reinstated a a",
    )
    second = CliRunner().invoke(
        cli, ["--root", str(project_copy.root), "build", "--output", str(dist)]
    )
    assert second.exit_code == 2
    assert "events.ttl:" in second.output
    assert snapshot(dist) == before
