"""The documentation: the site builds offline with MkDocs in strict mode (a warning fails
it), its reference is generated from the code, every command's help carries an example, the
architecture page names only files that exist, and the README stays a front page."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from imet_kg.cli import cli

from .conftest import ROOT
from .test_boundaries import LAYERS


def commands(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, child in sorted(command.commands.items()):
            yield from commands(child, f"{path} {name}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "docs.py"), "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "WARNING" not in built.stdout + built.stderr
    return output


def test_every_page_in_docs_is_built(site: Path) -> None:
    for page in (ROOT / "docs").rglob("*.md"):
        built = site / page.relative_to(ROOT / "docs").with_suffix(".html")
        assert built.is_file(), built


def test_the_site_works_offline(site: Path) -> None:
    """Scripts, styles and fonts come from the site itself: nothing is fetched elsewhere."""
    fetched = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(https?:)?//", re.I)
    for page in site.rglob("*.html"):
        assert not fetched.search(page.read_text(encoding="utf-8")), page


def test_the_cli_reference_is_every_command_s_own_help(site: Path) -> None:
    page = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    for path, command in commands(cli, "imet-kg"):
        assert f"<code>{path}</code>" in page, path
        first_line = (command.help or "").strip().split("\n")[0][:40]
        assert first_line.replace("'", "&#x27;") in page or first_line in page, path


def test_every_command_s_help_carries_an_example() -> None:
    for path, command in commands(cli, "imet-kg"):
        if isinstance(command, click.Group) and path == "imet-kg":
            continue
        help_text = command.help or ""
        assert re.search(r"Examples?:\n", help_text), f"{path} --help has no example"
        example = help_text.split("xample", 1)[1]
        assert f"imet-kg {path.split(' ', 1)[1].split(' ')[0]}" in example, path


def test_the_http_and_saved_query_references_are_generated(site: Path) -> None:
    from imet_kg.layout import Layout
    from imet_kg.query.saved import load_saved_queries

    api = (site / "reference" / "http-api.html").read_text(encoding="utf-8")
    listing = (site / "reference" / "saved-queries.html").read_text(encoding="utf-8")
    for query in load_saved_queries(Layout(ROOT).queries_dir):
        assert f"/api/queries/{query.name}" in api
        assert f"<code>{query.name}</code>" in listing
    ontology = (site / "reference" / "ontology.html").read_text(encoding="utf-8")
    assert "imet:TrainingRecord" in ontology


def test_the_architecture_page_names_real_files_and_every_package() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package in LAYERS:
        assert f"`{package}`" in text, package
    paths = re.findall(r"`((?:imet_kg|graph|tests|ontology|queries)/[^`*]+?)`", text)
    assert len(paths) > 20
    for path in paths:
        assert (ROOT / path.rstrip("/")).exists(), path
    for task in ("answer format", "location rule", "a page of the site", "RDF export format"):
        assert task in text, task


def test_the_readme_is_a_front_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 120
    assert "./scripts/run" in readme
    assert "./scripts/test" in readme
    for page in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / page).is_file(), page
