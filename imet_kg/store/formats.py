"""Serialising the whole graph (ontology, curated data, derived triples) in the standard RDF
formats."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from imet_kg.fileio import atomic_write, staged
from imet_kg.layout import Layout
from imet_kg.media import dump_files
from imet_kg.namespaces import prefixes
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import rdflib_graph

# Format name to the file an export writes (imet-kg.ttl, ...): every RDF format of the table.
EXPORT_FORMATS = {entry.name: file for file, entry in dump_files().items()}

_OXIGRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
}


# Above this size JSON-LD is written by pyoxigraph, streaming and in expanded form: compacting
# with the context (through rdflib) holds the whole graph in memory several times over.
COMPACT_JSONLD_LIMIT = 200_000


_DATASET_FORMATS = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}


def serialise(graph: KnowledgeGraph, export_format: str, layout: Layout) -> bytes:
    """The graph in one format; TriG and N-Quads keep the named graphs, the others give their
    union."""
    if export_format in _DATASET_FORMATS:
        rdf_format = _DATASET_FORMATS[export_format]
        names = prefixes(layout.context_file) if export_format == "trig" else None
        return _bytes(ox.serialize(graph.quads(), format=rdf_format, prefixes=names))
    return serialise_triples(graph.triples(), export_format, layout)


def serialise_triples(triples: list[ox.Triple], export_format: str, layout: Layout) -> bytes:
    """Triples as Turtle, N-Triples, RDF/XML or JSON-LD compacted with the project context;
    in TriG or N-Quads, as the default graph of a dataset."""
    if export_format in _DATASET_FORMATS:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        names = prefixes(layout.context_file) if export_format == "trig" else None
        return _bytes(ox.serialize(quads, format=_DATASET_FORMATS[export_format], prefixes=names))
    if export_format in _OXIGRAPH_FORMATS:
        rdf_format = _OXIGRAPH_FORMATS[export_format]
        used = prefixes(layout.context_file) if rdf_format is not ox.RdfFormat.N_TRIPLES else None
        return _bytes(ox.serialize(triples, format=rdf_format, prefixes=used))
    if export_format == "jsonld":
        context = json.loads(layout.context_file.read_text(encoding="utf-8"))["@context"]
        text = rdflib_graph(triples).serialize(format="json-ld", context=context, auto_compact=True)
        return text.encode("utf-8")
    raise ValueError(f"unknown export format {export_format!r}; use one of {list(EXPORT_FORMATS)}")


def _bytes(data: bytes | None) -> bytes:
    """pyoxigraph returns the bytes when given no output stream."""
    if data is None:
        raise RuntimeError("the serialiser wrote to no buffer")
    return data


def export(graph: KnowledgeGraph, export_format: str, output: Path, layout: Layout) -> Path:
    """Write the graph to output, all or nothing: small graphs through memory, large ones
    streamed by pyoxigraph into a temporary file that is renamed into place."""
    if export_format not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {export_format!r}; use one of {list(EXPORT_FORMATS)}"
        )
    if len(graph.store) <= COMPACT_JSONLD_LIMIT:
        atomic_write(output, serialise(graph, export_format, layout))
        return output
    names = prefixes(layout.context_file)
    with staged(output) as temporary:
        if export_format in _DATASET_FORMATS:
            used = names if export_format == "trig" else None
            ox.serialize(graph.store, temporary, _DATASET_FORMATS[export_format], prefixes=used)
        else:
            rdf_format = {**_OXIGRAPH_FORMATS, "jsonld": ox.RdfFormat.JSON_LD}[export_format]
            used = names if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
            ox.serialize(graph.distinct_triples(), temporary, rdf_format, prefixes=used)
    return output
