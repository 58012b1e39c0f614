"""What validation finds. The engines give SHACL's own results (`ShapeResult`: focus node,
path, value, source shape, constraint component, severity, messages, in the terms of the data
and shapes graphs); a report names each for a curator (compact names, the files that define
the entity) and gathers them (`Violation`, `ValidationReport`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import compact


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL validation result. `path` is the result path as the shapes graph has it (an
    IRI, or the blank node of a complex path) and `path_text` that path in SPARQL syntax."""

    focus: rdflib.term.Node
    source_shape: rdflib.term.Node
    component: rdflib.URIRef
    severity: rdflib.URIRef = SH.Violation
    path: rdflib.term.Node | None = None
    path_text: str | None = None
    value: rdflib.term.Node | None = None
    messages: tuple[rdflib.Literal, ...] = ()


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
    # SHACL's own result behind the finding, in RDF terms, for the standard report formats.
    result: ShapeResult | None = field(default=None, compare=False)
    # Where the focus is defined: (file, line), when it is in a file.
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)

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


def shape_name(shapes: rdflib.Graph, shape: rdflib.term.Node | None, names: dict[str, str]) -> str:
    """A node shape by its name; a property shape by the node shape it belongs to."""
    if isinstance(shape, rdflib.URIRef):
        return show(shape, names)
    owner = shapes.value(None, SH.property, shape) if shape is not None else None
    if isinstance(owner, rdflib.URIRef):
        return show(owner, names)
    return "anonymous shape"


def show(term: rdflib.term.Node | None, names: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        extra = {"imetsh": "https://w3id.org/imet-kg/shapes#", "sh": str(SH)}
        return compact(str(term), names | extra)
    return str(term)


def files_of(graph: KnowledgeGraph, focus: rdflib.term.Node | None) -> tuple[str, ...]:
    if not isinstance(focus, rdflib.URIRef):
        return ()
    return tuple(relative(path) for path in graph.files_defining(str(focus)))


def lines_of(graph: KnowledgeGraph, focus: rdflib.term.Node | None) -> tuple[tuple[str, int], ...]:
    """(file, line) where each file that defines the focus starts its description: the first
    line that opens with the focus's IRI or prefixed name."""
    if not isinstance(focus, rdflib.URIRef):
        return ()
    found = []
    for path in graph.files_defining(str(focus)):
        line = definition_line(path, str(focus))
        if line is not None:
            found.append((relative(path), line))
    return tuple(found)


def definition_line(path: Path, iri: str) -> int | None:
    """The first line of a Turtle file that opens with the IRI, written in full or with one of
    the file's prefixes."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    forms = {f"<{iri}>"}
    for prefix, namespace in _PREFIX.findall(text):
        if iri.startswith(namespace):
            forms.add(f"{prefix}:{iri.removeprefix(namespace)}")
    for number, line in enumerate(text.splitlines(), start=1):
        if any(
            line.startswith(form) and line[len(form) : len(form) + 1] in (" ", "\t", "")
            for form in forms
        ):
            return number
    return None


_PREFIX = re.compile(r"@prefix\s+([A-Za-z][\w.-]*|):\s*<([^>]*)>", re.IGNORECASE)


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def violation(
    result: ShapeResult,
    graph: KnowledgeGraph,
    shapes: rdflib.Graph,
    names: dict[str, str],
    fallback: str,
) -> Violation:
    """A SHACL result as a curator reads it: compact names, the shape a property shape belongs
    to, the message in English where there is one, and the files that define the focus."""
    english = [m for m in result.messages if m.language in (None, "en")]
    texts = [str(m) for m in english or result.messages]
    message = texts[0] if texts else fallback
    return Violation(
        result=result,
        lines=lines_of(graph, result.focus),
        focus=show(result.focus, names),
        rule=shape_name(shapes, result.source_shape, names),
        message=message,
        severity=str(result.severity).removeprefix(str(SH)),
        path=show(result.path, names)
        if isinstance(result.path, rdflib.URIRef)
        else result.path_text,
        value=show(result.value, names) if result.value is not None else None,
        files=files_of(graph, result.focus),
        component=show(result.component, names),
    )


def default_message(component: rdflib.URIRef) -> str:
    """A message for a result whose shape gives none: the constraint that failed."""
    local = str(component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    return f"does not conform (sh:{local[:1].lower()}{local[1:]})"
