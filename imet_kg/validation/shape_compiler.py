"""SHACL constraints as SPARQL: the group that binds a shape's focus nodes, the expression that
tests a value against one value constraint, and SHACL-SPARQL queries prepared for the store
(prefixes declared, $PATH and the component's parameters substituted, $this pre-bound).

Which SHACL terms the compiled engine supports is decided here: a shape that uses any other
term of the SHACL namespace is refused by name before validation starts, never skipped, and
so is a SPARQL query that SHACL forbids with pre-binding (MINUS, VALUES, SERVICE, an
assignment to a pre-bound variable, a subquery that does not project $this)."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from imet_kg.errors import ImetKgError
from imet_kg.sparql.algebra import MINUS, SERVICE, VALUES, operators
from imet_kg.sparql.tokens import Token, tokens
from imet_kg.terms import to_oxigraph
from imet_kg.validation.written import canonical, datatype_test, query_term

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
NODE_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
COMPARISONS: dict[rdflib.term.Node, str] = {
    SH.minInclusive: ">=",
    SH.minExclusive: ">",
    SH.maxInclusive: "<=",
    SH.maxExclusive: "<",
}
# Constraints tested on each value node alone, by one SPARQL expression.
VALUE_TESTS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH["in"],
    SH.languageIn,
    SH.minLength,
    SH.maxLength,
    *COMPARISONS,
}
# Constraints on the set of value nodes, or on value nodes against other shapes.
SET_CONSTRAINTS = {
    SH.minCount,
    SH.maxCount,
    SH.hasValue,
    SH.uniqueLang,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.closed,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.node,
    SH.property,
    SH.qualifiedValueShape,
    SH.sparql,
}
# SHACL terms that go with a constraint above, or describe a shape without constraining it.
COMPANIONS = {
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.path,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.prefixes,
    SH.declare,
    SH.select,
    SH.ask,
    SH.parameter,
    SH.labelTemplate,
    SH.validator,
    SH.nodeValidator,
    SH.propertyValidator,
    SH.shapesGraph,
    SH.suggestedShapesGraph,
    SH.entailment,
}
PRE_BOUND = {"this", "currentShape", "shapesGraph", "PATH", "value"}
_FORBIDDEN = {"MINUS", "VALUES", "SERVICE"}


class UnsupportedShape(ImetKgError):
    """A shape uses a construct the compiled engine does not support."""


def name(node: rdflib.term.Node | None) -> str:
    return f"<{node}>" if isinstance(node, rdflib.URIRef) else str(node)


def shape_label(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """A shape as a reader finds it: its IRI, or a blank shape by the shape that holds it and
    its path."""
    if not isinstance(shape, rdflib.BNode):
        return name(shape)
    path = shapes.value(shape, SH.path)
    for link in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        owner = shapes.value(None, link, shape)
        if owner is not None:
            where = f" [sh:path {name(path)}]" if path is not None else " []"
            return f"{shape_label(shapes, owner)} {name(link)}{where}"
    return f"a blank shape{f' with sh:path {name(path)}' if path is not None else ''}"


def sparql_term(node: rdflib.term.Node, written: bool) -> str:
    """A constant of the shapes graph in a query (as written, when the data is)."""
    if isinstance(node, rdflib.BNode):
        raise UnsupportedShape(f"a blank node cannot stand in a query: {node}")
    return query_term(node) if written else str(to_oxigraph(node))


def members(shapes: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    return list(Collection(shapes, head))


# rdf:type/rdfs:subClassOf* in a query: instances of a class and of its subclasses.
RDF_TYPE = f"<{RDF.type}>"
SUBCLASS = f"<{RDFS.subClassOf}>"


def target_pattern(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """A group that binds ?this to each focus node of the shape once, or None when the shape
    has no target."""
    branches = [
        f"{{ ?this {RDF_TYPE}/{SUBCLASS}* {sparql_term(c, False)} }}"
        for c in sorted(shapes.objects(shape, SH.targetClass), key=str)
    ]
    is_class = (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes
    if is_class and isinstance(shape, rdflib.URIRef):
        branches.append(f"{{ ?this {RDF_TYPE}/{SUBCLASS}* {sparql_term(shape, False)} }}")
    nodes = sorted(shapes.objects(shape, SH.targetNode), key=str)
    if nodes:
        branches.append(
            "{ VALUES ?this { " + " ".join(sparql_term(n, True) for n in nodes) + " } }"
        )
    branches += [
        f"{{ ?this {sparql_term(p, False)} ?target_object }}"
        for p in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str)
    ]
    branches += [
        f"{{ ?target_subject {sparql_term(p, False)} ?this }}"
        for p in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str)
    ]
    if not branches:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"


def value_test(
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    parameter: rdflib.term.Node,
    argument: rdflib.term.Node,
    v: str,
    written: bool,
) -> str:
    """A SPARQL expression true when the value `v` conforms to one value constraint."""
    if parameter == SH["class"]:
        return f"EXISTS {{ {v} {RDF_TYPE}/{SUBCLASS}* {sparql_term(argument, False)} }}"
    if parameter == SH.datatype:
        test = _datatype_test(argument, v)
        return datatype_test(v, str(argument), test) if written else test
    if parameter == SH.nodeKind:
        if argument not in NODE_KINDS:
            raise UnsupportedShape(f"{name(shape)}: unknown node kind {argument}")
        return NODE_KINDS[argument].format(v=v)
    if parameter in COMPARISONS:
        value = canonical(v) if written else v
        limit = sparql_term(argument, False)
        return f"(!isBlank({v}) && !isIRI({v}) && {value} {COMPARISONS[parameter]} {limit})"
    if parameter == SH.pattern:
        flags = shapes.value(shape, SH.flags)
        regex = f"REGEX(STR({v}), {sparql_term(rdflib.Literal(str(argument)), False)}"
        regex += f", {sparql_term(rdflib.Literal(str(flags)), False)})" if flags else ")"
        return f"(!isBlank({v}) && {regex})"
    if parameter == SH["in"]:
        listed = members(shapes, argument)
        if not listed:
            return "false"
        return "(" + " || ".join(f"sameTerm({v}, {sparql_term(m, written)})" for m in listed) + ")"
    if parameter == SH.languageIn:
        tags = " || ".join(
            f"langMatches(lang({v}), {sparql_term(t, False)})" for t in members(shapes, argument)
        )
        return f"(isLiteral({v}) && ({tags or 'false'}))"
    if parameter in (SH.minLength, SH.maxLength):
        operator = ">=" if parameter == SH.minLength else "<="
        return f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {integer(argument)})"
    raise UnsupportedShape(f"{name(shape)}: {name(parameter)} is not a value constraint")


def _datatype_test(datatype: rdflib.term.Node, v: str) -> str:
    if datatype == RDF.langString:
        return f'(isLiteral({v}) && lang({v}) != "")'
    base = f"(isLiteral({v}) && datatype({v}) = {sparql_term(datatype, False)}"
    if datatype in _CASTABLE:
        # A cast from the lexical form fails for an ill-formed literal such as "x"^^xsd:integer.
        return f"{base} && !isBlank({sparql_term(datatype, False)}(STR({v}))))"
    return base + ")"


def integer(argument: rdflib.term.Node) -> int:
    value = argument.toPython() if isinstance(argument, rdflib.Literal) else None
    if not isinstance(value, int):
        raise UnsupportedShape(f"expected an integer, found {argument!r}")
    return value


def is_true(node: rdflib.term.Node | None) -> bool:
    """Whether a shape's boolean is the literal true (as the SHACL test suite reads it: the
    lexical form "true", not any other form of the same value)."""
    return isinstance(node, rdflib.Literal) and str(node) == "true"


@dataclass(frozen=True)
class PreparedQuery:
    """A SHACL-SPARQL query ready for the store: its text with $this still a variable, and
    whether $this may be bound by joining the focus nodes first (else per focus node)."""

    text: str
    joinable: bool

    def for_focus(self, focus: str) -> str:
        """The text with every $this/?this replaced by the focus node's term (pre-binding),
        dropped from SELECT clauses, where a constant cannot stand."""
        return _substitute(self.text, {"this": focus})

    def bound(self, bindings: dict[str, str]) -> str:
        """The text with each variable of `bindings` pre-bound to its term."""
        return _substitute(self.text, bindings)


def prepare_query(
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    owner: rdflib.term.Node,
    text: str,
    bindings: dict[str, str],
) -> PreparedQuery:
    """A SHACL-SPARQL query (a constraint's or a validator's) with its prefixes, and every
    pre-bound variable but $this substituted by the terms in `bindings`. Refused, naming the
    shape, when SHACL forbids it with pre-binding."""
    found = list(tokens(text))
    _refuse_forbidden(found, shape)
    text = _prefixes(shapes, owner) + _substitute(text, bindings)
    # The second layer, from a real parse: holds where the text hides a keyword (\u0053ERVICE).
    try:
        used = operators(text, origin=name(shape))
    except ImetKgError as error:
        raise UnsupportedShape(f"{name(shape)}: its SPARQL query does not parse: {error}") from None
    for operator, word in ((SERVICE, "SERVICE"), (MINUS, "MINUS"), (VALUES, "VALUES")):
        if operator in used:
            raise UnsupportedShape(f"{name(shape)}: {word} in a SPARQL constraint is not allowed")
    return PreparedQuery(text, _joinable(found))


def _refuse_forbidden(found: list[Token], shape: rdflib.term.Node) -> None:
    selects = [i for i, t in enumerate(found) if t.kind == "name" and t.text.upper() == "SELECT"]
    for i, token in enumerate(found):
        word = token.text.upper() if token.kind == "name" else ""
        if word in _FORBIDDEN:
            raise UnsupportedShape(f"{name(shape)}: {word} in a SPARQL constraint is not allowed")
        assigned = found[i + 1] if word == "AS" and i + 1 < len(found) else None
        if assigned is not None and assigned.kind == "variable" and assigned.text[1:] in PRE_BOUND:
            raise UnsupportedShape(f"{name(shape)}: a SPARQL constraint assigns to {assigned.text}")
    for start in selects[1:]:
        projected = set()
        for token in found[start + 1 :]:
            if (token.kind == "name" and token.text.upper() in ("WHERE",)) or token.text == "{":
                break
            if token.kind == "variable":
                projected.add(token.text[1:])
        if "this" not in projected:
            raise UnsupportedShape(
                f"{name(shape)}: a subquery of a SPARQL constraint must project $this"
            )


def _joinable(found: list[Token]) -> bool:
    """Whether $this can be bound by a join at the start of the outermost group: true when the
    query has no subquery and $this occurs in no group of its own other than FILTER EXISTS,
    FILTER NOT EXISTS and OPTIONAL, whose groups see the outer bindings."""
    depth = 0
    opened_by: list[str] = []
    previous = ""
    for token in found:
        if token.text == "{":
            opened_by.append(previous)
            depth += 1
        elif token.text == "}":
            if opened_by:
                opened_by.pop()
            depth -= 1
        elif (token.kind == "name" and token.text.upper() == "SELECT" and depth > 0) or (
            token.kind == "variable"
            and token.text[1:] == "this"
            and depth > 1
            and any(o not in ("EXISTS", "OPTIONAL") for o in opened_by[1:])
        ):
            return False
        previous = token.text.upper()
    return True


def _substitute(text: str, bindings: dict[str, str]) -> str:
    """Every variable token named in `bindings` replaced by its term (bound(?var) by true),
    except in a SELECT clause's projection, where it is dropped (a SELECT left with nothing
    becomes SELECT *)."""
    if not bindings:
        return text
    found = list(tokens(text))
    pieces: list[str] = []
    last = 0
    in_projection = False
    projected = 0
    skip_until = -1
    for i, token in enumerate(found):
        if token.start < skip_until:
            continue
        upper = token.text.upper()
        if (
            token.kind == "name"
            and upper == "BOUND"
            and i + 3 < len(found)
            and found[i + 1].text == "("
            and found[i + 2].kind == "variable"
            and found[i + 2].text[1:] in bindings
            and found[i + 3].text == ")"
        ):
            pieces.append(text[last : token.start] + "(true)")
            last = skip_until = found[i + 3].start + 1
            continue
        if token.kind == "name" and upper == "SELECT":
            in_projection, projected = True, 0
        elif in_projection and (token.text == "{" or (token.kind == "name" and upper == "WHERE")):
            if projected == 0:
                pieces.append(text[last : token.start] + " * ")
                last = token.start
            in_projection = False
        elif in_projection and token.kind not in ("variable", "name"):
            projected += 1  # an expression: (... AS ?x)
        if token.kind == "variable" and token.text[1:] in bindings:
            pieces.append(text[last : token.start])
            if not in_projection:
                pieces.append(bindings[token.text[1:]])
            last = token.start + len(token.text)
        elif in_projection and token.kind == "variable":
            projected += 1
    pieces.append(text[last:])
    return "".join(pieces)


def _prefixes(shapes: rdflib.Graph, owner: rdflib.term.Node) -> str:
    """PREFIX lines for the declarations of the owner's sh:prefixes, following owl:imports."""
    lines = set()
    seen: set[rdflib.term.Node] = set()
    pending = list(shapes.objects(owner, SH.prefixes))
    while pending:
        source = pending.pop()
        if source in seen:
            continue
        seen.add(source)
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.add(f"PREFIX {prefix}: <{namespace}>\n")
        pending += list(shapes.objects(source, OWL.imports))
    return "".join(sorted(lines))


def message_text(template: str, row: dict[str, str]) -> str:
    """A sh:message with {?var} and {$var} replaced by the values of the result's row."""
    for variable, value in row.items():
        template = template.replace(f"{{?{variable}}}", value).replace(f"{{${variable}}}", value)
    return template
