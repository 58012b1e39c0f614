"""The hygiene checks: `*-violation.rq` files whose every row is a violation of the rule
the file states."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from imet_kg.namespaces import CHECKS
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import term_text
from imet_kg.validation.report import ShapeResult, Violation, lines_of, relative


@dataclass(frozen=True)
class Check:
    """A hygiene query: every row it returns is a violation of the rule its file states."""

    name: str
    path: Path
    sparql: str


def load_checks(directory: Path) -> list[Check]:
    return [
        Check(path.stem, path, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*-violation.rq"))
    ]


def run_checks(
    graph: KnowledgeGraph, checks: list[Check], names: dict[str, str]
) -> list[Violation]:
    violations = []
    for check in checks:
        result = graph.select(check.sparql, origin=str(check.path))
        for row in result.dicts():
            entity = row.get("entity")
            message = row.get("message")
            focus = term_text(entity, names)
            iri = entity.value if entity is not None else ""
            text = message.value if message is not None else check.name
            standard = ShapeResult(
                focus=rdflib.URIRef(iri) if iri else rdflib.URIRef(CHECKS),
                source_shape=rdflib.URIRef(f"{CHECKS}{check.name}"),
                component=SH.SPARQLConstraintComponent,
                messages=(rdflib.Literal(text),),
            )
            violations.append(
                Violation(
                    focus=focus,
                    rule=f"check:{check.name}",
                    message=text,
                    files=tuple(relative(p) for p in graph.files_defining(iri)),
                    result=standard,
                    lines=lines_of(graph, standard.focus) if iri else (),
                )
            )
    return violations
