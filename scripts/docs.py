"""Build the documentation site with MkDocs in strict mode (a warning fails the build), offline.

The pages under docs/ are copied to a staging folder, where every `<!-- generated: NAME -->`
line is replaced by a page part generated from the project itself, so that the reference
cannot drift from what it describes: the command line from each command's own --help, the
HTTP API from the OpenAPI document the server serves, the saved queries from their headers,
and the ontology from ontology/imet.ttl.

    python scripts/docs.py [--output DIR]     # default: site/
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!-- generated: ([a-z-]+) -->$", re.MULTILINE)
HELP_WIDTH = 96


def cli_reference() -> str:
    """Every command's --help, in the order a reader meets them, each under its own heading."""
    import click

    from imet_kg.cli import cli

    def walk(
        command: click.Command, name: str, parent: click.Context | None
    ) -> Iterator[tuple[str, str]]:
        context = click.Context(
            command,
            info_name=name,
            parent=parent,
            terminal_width=HELP_WIDTH,
            max_content_width=HELP_WIDTH,
        )
        yield context.command_path, command.get_help(context)
        if isinstance(command, click.Group):
            for child_name in command.list_commands(context):
                child = command.get_command(context, child_name)
                if child is not None and not child.hidden:
                    yield from walk(child, child_name, context)

    parts = []
    for path, text in walk(cli, "imet-kg", None):
        parts.append(f"### `{path}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


def saved_query_table() -> str:
    """The saved queries of queries/, with their summaries and parameters."""
    from imet_kg.layout import Layout
    from imet_kg.query.saved import load_saved_queries

    rows = ["| query | answers | parameters | tags |", "| --- | --- | --- | --- |"]
    for query in load_saved_queries(Layout(ROOT).queries_dir):
        parameters = ", ".join(
            f"`{p.name}` ({p.type}{'' if p.required else ', optional'})" for p in query.parameters
        )
        tags = ", ".join(query.tags)
        rows.append(f"| `{query.name}` | {_cell(query.summary)} | {parameters or '-'} | {tags} |")
    return "\n".join(rows) + "\n"


def http_api() -> str:
    """The operations of the OpenAPI document the server serves at /openapi.json."""
    from imet_kg.layout import Layout
    from imet_kg.query.saved import load_saved_queries
    from imet_kg.web.openapi import openapi_document

    queries = load_saved_queries(Layout(ROOT).queries_dir)
    document: dict[str, Any] = openapi_document(queries, "http://127.0.0.1:8000", "current")
    parts = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            parts.append(f"### `{method.upper()} {path}`\n\n{operation['summary']}\n")
            if operation.get("description"):
                parts.append(f"{operation['description']}\n")
            if operation["parameters"]:
                parts.append("| parameter | required | type | description |")
                parts.append("| --- | --- | --- | --- |")
                for parameter in operation["parameters"]:
                    schema = parameter.get("schema", {})
                    parts.append(
                        f"| `{parameter['name']}` | {'yes' if parameter.get('required') else 'no'}"
                        f" | {schema.get('type', '')} | {_cell(parameter.get('description', ''))} |"
                    )
                parts.append("")
            statuses = ", ".join(sorted(operation["responses"]))
            parts.append(f"Statuses: {statuses}.\n")
    return "\n".join(parts)


def ontology_reference() -> str:
    """The classes and properties of the ontology with their labels and definitions."""
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    from imet_kg.namespaces import ONTOLOGY

    graph = rdflib.Graph().parse(ROOT / "ontology" / "imet.ttl")

    def terms(kinds: tuple[rdflib.URIRef, ...]) -> list[rdflib.URIRef]:
        found = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
        return sorted(
            t for t in found if isinstance(t, rdflib.URIRef) and str(t).startswith(ONTOLOGY)
        )

    def name(term: rdflib.term.Node | None) -> str:
        if term is None:
            return ""
        text = (
            graph.namespace_manager.normalizeUri(term)
            if isinstance(term, rdflib.URIRef)
            else str(term)
        )
        return f"`{text}`"

    def row(term: rdflib.URIRef, extra: list[str]) -> str:
        definition = graph.value(term, SKOS.definition) or graph.value(term, RDFS.comment) or ""
        cells = [
            name(term),
            str(graph.value(term, RDFS.label) or ""),
            _cell(str(definition)),
            *extra,
        ]
        return "| " + " | ".join(cells) + " |"

    parts = [
        "## Classes",
        "",
        "| class | label | definition | specialises |",
        "| --- | --- | --- | --- |",
    ]
    for term in terms((OWL.Class,)):
        parents = ", ".join(
            name(p)
            for p in sorted(
                p for p in graph.objects(term, RDFS.subClassOf) if isinstance(p, rdflib.URIRef)
            )
        )
        parts.append(row(term, [parents]))
    parts += [
        "",
        "## Properties",
        "",
        "| property | label | definition | domain | range |",
        "| --- | --- | --- | --- | --- |",
    ]
    for term in terms((OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)):
        parts.append(
            row(term, [name(graph.value(term, RDFS.domain)), name(graph.value(term, RDFS.range))])
        )
    return "\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


GENERATORS: dict[str, Callable[[], str]] = {
    "cli": cli_reference,
    "saved-queries": saved_query_table,
    "http-api": http_api,
    "ontology": ontology_reference,
}


def stage(folder: Path) -> None:
    """Copy docs/ and mkdocs.yml into `folder`, with every generated part filled in."""
    shutil.copytree(ROOT / "docs", folder / "docs")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    for page in (folder / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        unknown = set(MARKER.findall(text)) - set(GENERATORS)
        if unknown:
            raise SystemExit(f"{page.name}: no generator named {', '.join(sorted(unknown))}")
        filled = MARKER.sub(lambda match: GENERATORS[match.group(1)](), text)
        page.write_text(filled, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "site")
    arguments = parser.parse_args(argv)
    output = arguments.output.resolve()
    with tempfile.TemporaryDirectory() as staging:
        stage(Path(staging))
        built = subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "--clean",
                "--site-dir",
                str(output),
            ],
            cwd=staging,
            check=False,
        )
    return built.returncode


if __name__ == "__main__":
    sys.exit(main())
