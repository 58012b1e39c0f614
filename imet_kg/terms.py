"""RDF terms: conversion between pyoxigraph (the store) and rdflib (serialisers, pySHACL),
terms as text, compact names, and typed literals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from imet_kg.namespaces import XSD, XSD_STRING

TYPE_CHECKING = False
if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Identifier

# rdflib is imported by the functions that convert to or from it, so that querying, which
# never does, does not pay for loading it.

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_rdflib(term: OxTerm | ox.Triple | ox.DefaultGraph) -> Identifier:
    """One pyoxigraph term as the equal rdflib term."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            # RDF 1.1: a simple literal is an xsd:string; rdflib keeps them apart.
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"no rdflib equivalent for {term!r}")


def to_oxigraph(term: rdflib.term.Node) -> OxTerm:
    """One rdflib term as the equal pyoxigraph term (a blank node keeps its label)."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"no pyoxigraph equivalent for {term!r}")


def oxigraph_triples(graph: rdflib.Graph) -> list[ox.Triple]:
    """The triples of an rdflib graph as pyoxigraph triples."""
    return [
        ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in graph
    ]


def rdflib_graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph holding the given pyoxigraph triples."""
    import rdflib

    graph = rdflib.Graph()
    for triple in triples:
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph


def term_text(term: OxTerm | None, prefixes: Mapping[str, str] | None = None) -> str:
    """A term as text: an IRI as itself (as a prefixed name when `prefixes` are given), a
    literal as its lexical form, a blank node as _:id, nothing as the empty string."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value, prefixes) if prefixes else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def typed(value: str, datatype: str) -> ox.Literal:
    """`value` as a literal of the XSD datatype named `datatype` ("gYear", "integer", ...)."""
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def compact(iri: str, prefixes: Mapping[str, str]) -> str:
    """The IRI as prefix:local with the longest matching namespace, else the IRI itself."""
    best = ""
    best_prefix = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    local = iri[len(best) :]
    if best and local and "/" not in local and "#" not in local:
        return f"{best_prefix}:{local}"
    return iri
