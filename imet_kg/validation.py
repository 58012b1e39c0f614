"""Validation: the SHACL shapes (through pySHACL) and the `*-violation.rq` hygiene checks,
gathered into one report that names the file, the entity, the rule and the message."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SH

from imet_kg.layout import Layout
from imet_kg.namespaces import prefixes
from imet_kg.store import KnowledgeGraph, QueryResult, parse_file
from imet_kg.terms import compact, display, rdflib_graph, to_rdflib


@dataclass(frozen=True)
class Violation:
    """One failed rule on one entity."""

    focus: str
    rule: str
    message: str
    severity: str = "Violation"
    path: str | None = None
    value: str | None = None
    files: tuple[str, ...] = ()
    component: str | None = None

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.files[0] if self.files else "~", self.focus, self.rule, self.message)


@dataclass(frozen=True)
class ValidationReport:
    """Everything validation found. `conforms` is false when any result is a violation."""

    results: tuple[Violation, ...]

    @property
    def violations(self) -> tuple[Violation, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def conforms(self) -> bool:
        return not self.violations


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


ENGINES = ("pyshacl", "compiled")


def validate(
    graph: KnowledgeGraph, layout: Layout, engine: str = "pyshacl", *, checks: bool = True
) -> ValidationReport:
    """Validate the whole graph against the shapes and (unless `checks` is false) the hygiene
    checks, with pySHACL or with the shapes compiled to SPARQL and run by the store (the same
    results, at scale)."""
    names = prefixes(layout.context_file)
    shapes = rdflib_graph(parse_file(layout.shapes_file))
    if engine == "pyshacl":
        results = run_shapes(graph, shapes, names)
    elif engine == "compiled":
        results = run_compiled(graph, shapes, names)
    else:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {ENGINES}")
    if checks:
        results += run_checks(graph, load_checks(layout.checks_dir), names)
    return ValidationReport(tuple(sorted(results, key=Violation.sort_key)))


def run_shapes(
    graph: KnowledgeGraph, shapes: rdflib.Graph, names: dict[str, str]
) -> list[Violation]:
    import pyshacl  # heavy: imported only when validating

    data = rdflib_graph(graph.triples())
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
    )
    return [
        _violation_from_result(graph, shapes, report, result, names)
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]


def run_compiled(
    graph: KnowledgeGraph, shapes: rdflib.Graph, names: dict[str, str]
) -> list[Violation]:
    """The shapes as SPARQL queries over the store: one query per constraint, run on as many
    threads as there are cores (the store evaluates queries outside Python's lock)."""
    from imet_kg.shape_compiler import CompiledConstraint, compile_shapes

    constraints = compile_shapes(shapes)

    def run(constraint: CompiledConstraint) -> QueryResult:
        origin = f"shape {_shape_name(shapes, constraint.node_shape, names)}"
        return graph.select(constraint.sparql, origin=origin)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        answers = list(pool.map(run, constraints))
    results = []
    for constraint, answer in zip(constraints, answers, strict=True):
        rule = _shape_name(shapes, constraint.node_shape, names)
        message = constraint.message or _default_message(constraint.component)
        severity = str(constraint.severity).removeprefix(str(SH))
        component = _show(constraint.component, names)
        # A node shape's SPARQL result names its focus as the value, as in pySHACL.
        focus_is_value = (
            constraint.path is None and constraint.component == SH.SPARQLConstraintComponent
        )
        for row in answer.dicts():
            focus = row.get("this")
            if focus is None:
                continue
            value = row.get("value")
            if value is None and focus_is_value:
                value = focus
            found_path = row.get("path")
            path = to_rdflib(found_path) if found_path is not None else constraint.path
            focus_node = to_rdflib(focus)
            results.append(
                Violation(
                    focus=_show(focus_node, names),
                    rule=rule,
                    message=message,
                    severity=severity,
                    path=_show(path, names) if isinstance(path, rdflib.URIRef) else None,
                    value=_show(to_rdflib(value), names) if value is not None else None,
                    files=_files(graph, focus_node),
                    component=component,
                )
            )
    return list(dict.fromkeys(results))


def _default_message(component: rdflib.URIRef) -> str:
    name = str(component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    return f"does not conform (sh:{name[:1].lower()}{name[1:]})"


def _violation_from_result(
    graph: KnowledgeGraph,
    shapes: rdflib.Graph,
    report: rdflib.Graph,
    result: rdflib.term.Node,
    names: dict[str, str],
) -> Violation:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    message = report.value(result, SH.resultMessage)
    severity = report.value(result, SH.resultSeverity)
    shape = report.value(result, SH.sourceShape)
    component = report.value(result, SH.sourceConstraintComponent)
    return Violation(
        focus=_show(focus, names),
        rule=_shape_name(shapes, shape, names),
        message=str(message) if message is not None else "does not conform",
        severity=str(severity).removeprefix(str(SH)) if severity is not None else "Violation",
        path=_show(path, names) if isinstance(path, rdflib.URIRef) else None,
        value=_show(value, names) if value is not None else None,
        files=_files(graph, focus),
        component=_show(component, names) if component is not None else None,
    )


def _shape_name(shapes: rdflib.Graph, shape: rdflib.term.Node | None, names: dict[str, str]) -> str:
    """A node shape by its name; a property shape by the node shape it belongs to."""
    if isinstance(shape, rdflib.URIRef):
        return _show(shape, names)
    owner = shapes.value(None, SH.property, shape) if shape is not None else None
    if isinstance(owner, rdflib.URIRef):
        return _show(owner, names)
    return "anonymous shape"


def _show(term: rdflib.term.Node | None, names: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        extra = {"imetsh": "https://w3id.org/imet-kg/shapes#", "sh": str(SH)}
        return compact(str(term), names | extra)
    return str(term)


def _files(graph: KnowledgeGraph, focus: rdflib.term.Node | None) -> tuple[str, ...]:
    if not isinstance(focus, rdflib.URIRef):
        return ()
    return tuple(_relative(path) for path in graph.files_defining(str(focus)))


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run_checks(
    graph: KnowledgeGraph, checks: list[Check], names: dict[str, str]
) -> list[Violation]:
    violations = []
    for check in checks:
        result = graph.select(check.sparql, origin=str(check.path))
        for row in result.dicts():
            entity = row.get("entity")
            message = row.get("message")
            focus = display(entity, names)
            iri = entity.value if entity is not None else ""
            violations.append(
                Violation(
                    focus=focus,
                    rule=f"check:{check.name}",
                    message=message.value if message is not None else check.name,
                    files=tuple(_relative(p) for p in graph.files_defining(iri)),
                )
            )
    return violations
