"""Literals as written. Oxigraph stores typed literals by value: "4.0"^^xsd:decimal comes back
as "4", "05"^^xsd:byte as "5"^^xsd:integer. SHACL judges and reports values as written, so
data loaded for validation keeps every literal the store would change as a stand-in
("4.0"^^<urn:imet-kg:written:valid:...#decimal>) that carries the lexical form, the datatype
and whether the form is valid for it; the compiled queries read stand-ins through
`canonical` and `datatype_test`, and results turn them back into the literals as written."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import rdflib
import rdflib.util
from rdflib.namespace import XSD

from imet_kg.terms import OxTerm, to_oxigraph, to_rdflib

WRITTEN = "urn:imet-kg:written:"
_VALID = f"{WRITTEN}valid:"
_INVALID = f"{WRITTEN}invalid:"

# Integer types and the ranges their values must fall in.
_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
_TIMES = {
    "dateTime": re.compile(
        rf"-?[0-9]{{4,}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(\.[0-9]+)?{_ZONE}"
    ),
    "date": re.compile(rf"-?[0-9]{{4,}}-[0-9]{{2}}-[0-9]{{2}}{_ZONE}"),
    "time": re.compile(rf"[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(\.[0-9]+)?{_ZONE}"),
    "gYear": re.compile(rf"-?[0-9]{{4,}}{_ZONE}"),
    "gYearMonth": re.compile(rf"-?[0-9]{{4,}}-[0-9]{{2}}{_ZONE}"),
}
_DOUBLE = re.compile(r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF|NaN)|-INF")


def valid(literal: rdflib.Literal) -> bool:
    """Whether the lexical form is valid for its XSD datatype (types rdflib knows otherwise)."""
    if literal.ill_typed:
        return False
    datatype = str(literal.datatype or "")
    local = datatype.removeprefix(str(XSD))
    text = str(literal)
    if local in _RANGES:
        if not _INTEGER.fullmatch(text):
            return False
        low, high = _RANGES[local]
        number = int(text)
        return (low is None or number >= low) and (high is None or number <= high)
    if local == "decimal":
        if not _DECIMAL.fullmatch(text):
            return False
        try:
            Decimal(text)
        except InvalidOperation:
            return False
        return True
    if local in ("double", "float"):
        return bool(_DOUBLE.fullmatch(text))
    if local == "boolean":
        return text in ("true", "false", "1", "0")
    if local in _TIMES and not _TIMES[local].fullmatch(text):
        return False
    return not literal.ill_typed


def read_as_written(path: Path, rdf_format: str | None = None) -> rdflib.Graph:
    """An RDF file parsed with every literal as written: rdflib would otherwise normalise
    lexical forms as it reads them ("1"^^xsd:boolean as "true")."""
    previous = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        graph = rdflib.Graph(bind_namespaces="none")
        return graph.parse(path, format=rdf_format or rdflib.util.guess_format(str(path)))
    finally:
        rdflib.NORMALIZE_LITERALS = previous


def load_as_written(graph: rdflib.Graph) -> list[ox.Triple]:
    """The graph's triples for the validation store, each literal the store would change, and
    each ill-formed one, replaced by its stand-in."""
    typed = sorted(
        {
            o
            for o in graph.objects()
            if isinstance(o, rdflib.Literal) and o.datatype is not None and o.language is None
        },
        key=str,
    )
    changed = _changed_by_store(typed) | {literal for literal in typed if not valid(literal)}
    triples = []
    for s, p, o in graph:
        obj = stand_in(o) if isinstance(o, rdflib.Literal) and o in changed else to_oxigraph(o)
        triples.append(ox.Triple(to_oxigraph(s), to_oxigraph(p), obj))  # type: ignore[arg-type]
    return triples


def _changed_by_store(literals: list[rdflib.Literal]) -> set[rdflib.Literal]:
    """The literals Oxigraph would store in another form: found by storing them."""
    scratch = ox.Store()
    predicate = ox.NamedNode(f"{WRITTEN}value")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"{WRITTEN}{i}"), predicate, to_oxigraph(lit), ox.DefaultGraph())
        for i, lit in enumerate(literals)
    )
    changed = set()
    for quad in scratch:
        index = int(quad.subject.value.removeprefix(WRITTEN))
        written = literals[index]
        stored = quad.object
        assert isinstance(stored, ox.Literal)
        if stored.value != str(written) or stored.datatype.value != str(written.datatype):
            changed.add(written)
    return changed


def stand_in(literal: rdflib.Literal) -> ox.Literal:
    """The stand-in of a literal the store would change."""
    flag = _VALID if valid(literal) else _INVALID
    return ox.Literal(str(literal), datatype=ox.NamedNode(f"{flag}{literal.datatype}"))


def query_term(node: rdflib.term.Node) -> str:
    """A constant of the shapes graph in a query, as a stand-in where the store would change
    it, so that sameTerm compares it with the data as written."""
    if (
        isinstance(node, rdflib.Literal)
        and node.datatype is not None
        and not node.language
        and (not valid(node) or node in _changed_by_store([node]))
    ):
        return str(stand_in(node))
    return str(to_oxigraph(node))


def as_written(term: OxTerm) -> rdflib.term.Node:
    """A term of the store as written in the data: a stand-in turned back into its literal."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(WRITTEN):
        datatype = term.datatype.value.removeprefix(_VALID).removeprefix(_INVALID)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype), normalize=False)
    return to_rdflib(term)


def canonical(v: str) -> str:
    """A SPARQL expression: the value of `v` for comparisons (a stand-in as the typed literal
    it stands for, which the engine then reads by value)."""
    return (
        f'IF(isLiteral({v}) && STRSTARTS(STR(DATATYPE({v})), "{WRITTEN}"), '
        f'STRDT(STR({v}), IRI(REPLACE(STR(DATATYPE({v})), "^{WRITTEN}(in)?valid:", ""))), {v})'
    )


def datatype_test(v: str, datatype: str, plain_test: str) -> str:
    """A SPARQL expression: true when `v` has `datatype` and a valid lexical form, reading a
    stand-in by what it carries and any other value by `plain_test`."""
    return (
        f'IF(isLiteral({v}) && STRSTARTS(STR(DATATYPE({v})), "{WRITTEN}"), '
        f'STR(DATATYPE({v})) = "{_VALID}{datatype}", {plain_test})'
    )
