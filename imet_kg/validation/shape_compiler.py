"""SHACL shapes compiled to SPARQL SELECT queries, one per constraint, so that a store such as
Oxigraph validates millions of triples in one pass over each constraint instead of one focus
node at a time.

Each query returns the focus nodes that break its constraint as ?this, with the offending
?value and, for SPARQL constraints that project it, the ?path. The compiler knows the SHACL
Core components and SPARQL-based constraints the shapes use; any other is refused, naming the
shape, so a new kind of constraint can never be skipped in silence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from imet_kg.errors import ImetKgError

# Datatypes whose lexical forms the store can check by casting from a string.
_CASTABLE = {
    XSD[name]
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "boolean",
        "date",
        "dateTime",
        "time",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gMonthDay",
        "gDay",
    ]
}
_NODE_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_COMPARISONS: dict[rdflib.term.Node, str] = {
    SH.minInclusive: ">=",
    SH.minExclusive: ">",
    SH.maxInclusive: "<=",
    SH.maxExclusive: "<",
}
_VALUE_COMPONENTS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH["in"],
    SH.languageIn,
    SH.minLength,
    SH.maxLength,
    SH["or"],
    SH["and"],
    SH["not"],
    SH.xone,
    *_COMPARISONS,
}
# Every constraint parameter the compiler knows: the value constraints and those on a whole
# focus node's values.
_SUPPORTED = {*_VALUE_COMPONENTS, SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang, SH.sparql}
# Shape properties that describe rather than constrain.
_DESCRIPTIVE = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.message,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.severity,
    SH.deactivated,
    SH.path,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.flags,
}


class UnsupportedShape(ImetKgError):
    """A shape uses a constraint the compiler does not know."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint of one shape as a query over the data graph."""

    node_shape: rdflib.term.Node
    shape: rdflib.term.Node
    component: rdflib.URIRef
    path: rdflib.URIRef | None
    message: str | None
    severity: rdflib.URIRef
    sparql: str


def compile_shapes(shapes: rdflib.Graph) -> list[CompiledConstraint]:
    """Every active constraint of every node shape with a target, in a stable order."""
    compiled: list[CompiledConstraint] = []
    for node_shape in sorted(_targeted_shapes(shapes), key=str):
        if _deactivated(shapes, node_shape):
            continue
        target = _target_pattern(shapes, node_shape)
        compiled += _compile_shape(shapes, node_shape, node_shape, target, None)
        for prop in sorted(shapes.objects(node_shape, SH.property), key=str):
            if _deactivated(shapes, prop):
                continue
            path = shapes.value(prop, SH.path)
            if not isinstance(path, rdflib.URIRef):
                raise UnsupportedShape(
                    f"{_name(node_shape)}: only predicate paths are supported, not {path!r}"
                )
            compiled += _compile_shape(shapes, node_shape, prop, target, path)
    return compiled


def _targeted_shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    found = {s for t in targets for s in shapes.subjects(t, None)}
    found |= {
        s for s in shapes.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, RDFS.Class) in shapes
    }
    return found


def _deactivated(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    flag = shapes.value(shape, SH.deactivated)
    return isinstance(flag, rdflib.Literal) and flag.toPython() is True


def _target_pattern(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """A group that binds ?this to each focus node of the shape once."""
    branches = [
        f"{{ ?this {_RDF_TYPE}/{_SUBCLASS}* {term(c)} }}"
        for c in sorted(shapes.objects(shape, SH.targetClass), key=str)
    ]
    if (shape, RDF.type, RDFS.Class) in shapes:
        branches.append(f"{{ ?this {_RDF_TYPE}/{_SUBCLASS}* {term(shape)} }}")
    branches += [
        f"{{ VALUES ?this {{ {term(n)} }} }}"
        for n in sorted(shapes.objects(shape, SH.targetNode), key=str)
    ]
    branches += [
        f"{{ ?this {term(p)} ?target_object }}"
        for p in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str)
    ]
    branches += [
        f"{{ ?target_subject {term(p)} ?this }}"
        for p in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str)
    ]
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"


def _compile_shape(
    shapes: rdflib.Graph,
    node_shape: rdflib.term.Node,
    shape: rdflib.term.Node,
    target: str,
    path: rdflib.URIRef | None,
) -> Iterator[CompiledConstraint]:
    message = _message(shapes, shape)
    severity = shapes.value(shape, SH.severity) or SH.Violation
    assert isinstance(severity, rdflib.URIRef)
    for predicate in sorted(set(shapes.predicates(shape, None)), key=str):
        if predicate in _DESCRIPTIVE:
            continue
        if predicate not in _SUPPORTED:
            raise UnsupportedShape(f"{_name(node_shape)}: {_name(predicate)} is not supported")
        for argument in sorted(shapes.objects(shape, predicate), key=str):
            if predicate == SH.sparql:
                if _deactivated(shapes, argument):
                    continue
                own = _message(shapes, argument) or message
                yield CompiledConstraint(
                    node_shape,
                    shape,
                    SH.SPARQLConstraintComponent,
                    path,
                    own,
                    severity,
                    _sparql_constraint(shapes, node_shape, argument, target, path),
                )
                continue
            sparql = _core_query(shapes, shape, predicate, argument, target, path)
            component = _component(predicate)
            yield CompiledConstraint(node_shape, shape, component, path, message, severity, sparql)


def _component(parameter: rdflib.term.Node) -> rdflib.URIRef:
    """The Core component a parameter belongs to: sh:minCount, sh:MinCountConstraintComponent."""
    local = str(parameter).removeprefix(str(SH))
    return rdflib.URIRef(f"{SH}{local[:1].upper()}{local[1:]}ConstraintComponent")


def _core_query(
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    predicate: rdflib.term.Node,
    argument: rdflib.term.Node,
    target: str,
    path: rdflib.URIRef | None,
) -> str:
    if predicate == SH.minCount:
        count = _integer(argument)
        if path is None:
            raise UnsupportedShape(f"{_name(shape)}: sh:minCount needs a property shape")
        if count == 1:
            missing = f"FILTER NOT EXISTS {{ ?this {term(path)} ?v }}"
            return f"SELECT ?this WHERE {{ {target} {missing} }}"
        return (
            f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {term(path)} ?v }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {count})"
        )
    if predicate == SH.maxCount:
        if path is None:
            raise UnsupportedShape(f"{_name(shape)}: sh:maxCount needs a property shape")
        return (
            f"SELECT ?this WHERE {{ {target} ?this {term(path)} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {_integer(argument)})"
        )
    if predicate == SH.hasValue:
        if path is None:
            return f"SELECT ?this WHERE {{ {target} FILTER(!sameTerm(?this, {term(argument)})) }}"
        return (
            f"SELECT ?this WHERE {{ {target} "
            f"FILTER NOT EXISTS {{ ?this {term(path)} {term(argument)} }} }}"
        )
    if predicate == SH.uniqueLang:
        if not (isinstance(argument, rdflib.Literal) and argument.toPython() is True):
            return "SELECT ?this WHERE { FILTER(false) }"
        if path is None:
            raise UnsupportedShape(f"{_name(shape)}: sh:uniqueLang needs a property shape")
        return (
            f"SELECT DISTINCT ?this WHERE {{ {target} ?this {term(path)} ?a, ?b "
            'FILTER(lang(?a) != "" && lang(?a) = lang(?b) && !sameTerm(?a, ?b)) }'
        )
    test = _value_test(shapes, shape, predicate, argument, "?value")
    if path is None:
        return (
            f"SELECT ?this ?value WHERE {{ {target} BIND(?this AS ?value) "
            f"FILTER(!COALESCE({test}, false)) }}"
        )
    return (
        f"SELECT ?this ?value WHERE {{ {target} ?this {term(path)} ?value "
        f"FILTER(!COALESCE({test}, false)) }}"
    )


def _value_test(
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    predicate: rdflib.term.Node,
    argument: rdflib.term.Node,
    v: str,
) -> str:
    """A SPARQL expression true when the value conforms to one value constraint."""
    if predicate == SH["class"]:
        return f"EXISTS {{ {v} {_RDF_TYPE}/{_SUBCLASS}* {term(argument)} }}"
    if predicate == SH.datatype:
        return _datatype_test(argument, v)
    if predicate == SH.nodeKind:
        if argument not in _NODE_KINDS:
            raise UnsupportedShape(f"{_name(shape)}: unknown node kind {argument!r}")
        return _NODE_KINDS[argument].format(v=v)
    if predicate in _COMPARISONS:
        return f"({v} {_COMPARISONS[predicate]} {term(argument)})"
    if predicate == SH.pattern:
        flags = shapes.value(shape, SH.flags)
        regex = f"REGEX(STR({v}), {term(rdflib.Literal(str(argument)))}"
        regex += f", {term(rdflib.Literal(str(flags)))})" if flags is not None else ")"
        return f"(!isBlank({v}) && {regex})"
    if predicate == SH["in"]:
        members = _list(shapes, argument)
        if not members:
            return "false"
        return "(" + " || ".join(f"sameTerm({v}, {term(m)})" for m in members) + ")"
    if predicate == SH.languageIn:
        tags = " || ".join(f"langMatches(lang({v}), {term(t)})" for t in _list(shapes, argument))
        return f"(isLiteral({v}) && ({tags or 'false'}))"
    if predicate in (SH.minLength, SH.maxLength):
        operator = ">=" if predicate == SH.minLength else "<="
        return f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {_integer(argument)})"
    if predicate in (SH["or"], SH["and"], SH.xone):
        tests = [_shape_test(shapes, member, v) for member in _list(shapes, argument)]
        if predicate == SH.xone:
            return "(" + " + ".join(f"IF({t}, 1, 0)" for t in tests) + " = 1)"
        joiner = " || " if predicate == SH["or"] else " && "
        empty = "false" if predicate == SH["or"] else "true"
        return "(" + (joiner.join(tests) or empty) + ")"
    if predicate == SH["not"]:
        return f"!{_shape_test(shapes, argument, v)}"
    raise UnsupportedShape(f"{_name(shape)}: {_name(predicate)} is not supported")


def _shape_test(shapes: rdflib.Graph, shape: rdflib.term.Node, v: str) -> str:
    """True when the value conforms to a shape made only of value constraints (as in sh:or)."""
    tests = []
    for predicate, argument in sorted(shapes.predicate_objects(shape), key=str):
        if predicate in _DESCRIPTIVE:
            continue
        if predicate not in _VALUE_COMPONENTS:
            raise UnsupportedShape(
                f"{_name(shape)}: {_name(predicate)} inside sh:or, sh:and, sh:not or sh:xone "
                "is not supported"
            )
        tests.append(f"COALESCE({_value_test(shapes, shape, predicate, argument, v)}, false)")
    return "(" + (" && ".join(tests) or "true") + ")"


def _datatype_test(datatype: rdflib.term.Node, v: str) -> str:
    if datatype == RDF.langString:
        return f'(isLiteral({v}) && lang({v}) != "")'
    base = f"(isLiteral({v}) && datatype({v}) = {term(datatype)}"
    if datatype in _CASTABLE:
        # A cast from the lexical form fails for an ill-formed literal such as "x"^^xsd:integer.
        return f"{base} && !isBlank({term(datatype)}(STR({v}))))"
    return base + ")"


def _sparql_constraint(
    shapes: rdflib.Graph,
    node_shape: rdflib.term.Node,
    constraint: rdflib.term.Node,
    target: str,
    path: rdflib.URIRef | None,
) -> str:
    """The constraint's SELECT with the focus nodes bound first in its outermost group, which is
    how SHACL pre-binds $this; the prefixes its sh:prefixes declare are added in front."""
    select = shapes.value(constraint, SH.select)
    if select is None:
        raise UnsupportedShape(f"{_name(node_shape)}: a SPARQL constraint without sh:select")
    text = str(select)
    if "$PATH" in text:
        if path is None:
            raise UnsupportedShape(f"{_name(node_shape)}: $PATH outside a property shape")
        text = text.replace("$PATH", term(path))
    opening = text.find("{")
    if opening < 0:
        raise UnsupportedShape(f"{_name(node_shape)}: a SPARQL constraint without a WHERE group")
    body = text[: opening + 1] + f" {target} " + text[opening + 1 :]
    return _prefixes(shapes, constraint) + body


def _prefixes(shapes: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


def _message(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    messages = sorted(shapes.objects(shape, SH.message), key=str)
    english = [m for m in messages if isinstance(m, rdflib.Literal) and m.language == "en"]
    chosen = english or messages
    return str(chosen[0]) if chosen else None


def _list(shapes: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    return list(Collection(shapes, head))


def _integer(argument: rdflib.term.Node) -> int:
    value = argument.toPython() if isinstance(argument, rdflib.Literal) else None
    if not isinstance(value, int):
        raise UnsupportedShape(f"expected an integer, found {argument!r}")
    return value


def _name(node: rdflib.term.Node) -> str:
    return f"<{node}>" if isinstance(node, rdflib.URIRef) else str(node)


def term(node: rdflib.term.Node) -> str:
    """The node in SPARQL syntax (N-Triples form)."""
    if isinstance(node, rdflib.URIRef | rdflib.Literal):
        return node.n3()
    raise UnsupportedShape(f"a blank node cannot stand in a query: {node!r}")


_RDF_TYPE = term(RDF.type)
_SUBCLASS = term(RDFS.subClassOf)
