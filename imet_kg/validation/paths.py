"""SHACL property paths: read from the shapes graph into SPARQL property-path syntax, which
the compiled engine queries with and which names a path in a report when it is not a
single predicate."""

from __future__ import annotations

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from imet_kg.errors import ImetKgError

_UNARY = {
    SH.inversePath: "^{}",
    SH.zeroOrMorePath: "{}*",
    SH.oneOrMorePath: "{}+",
    SH.zeroOrOnePath: "{}?",
}


class UnsupportedPath(ImetKgError):
    """A path node that is not a well-formed SHACL property path."""


def sparql_path(graph: rdflib.Graph, path: rdflib.term.Node) -> str:
    """The SHACL path at `path` as a SPARQL property path: <p>, (<a>/<b>), (<a>|<b>), ^<p>..."""
    if isinstance(path, rdflib.URIRef):
        return path.n3()
    if not isinstance(path, rdflib.BNode):
        raise UnsupportedPath(f"{path!r} is not a SHACL path")
    if (path, RDF.first, None) in graph:
        members = [sparql_path(graph, member) for member in Collection(graph, path)]
        if len(members) < 2:
            raise UnsupportedPath("a sequence path needs at least two members")
        return "(" + "/".join(members) + ")"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        members = [sparql_path(graph, member) for member in Collection(graph, alternatives)]
        if len(members) < 2:
            raise UnsupportedPath("an alternative path needs at least two members")
        return "(" + "|".join(members) + ")"
    for predicate, form in _UNARY.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            text = sparql_path(graph, inner)
            wrapped = text if isinstance(inner, rdflib.URIRef) else f"({text})"
            return form.format(wrapped)
    raise UnsupportedPath(f"the blank node {path} is not a SHACL path")
