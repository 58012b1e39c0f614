"""The project's IRIs: the ontology namespace, resource and named-graph bases, and the prefix
table (read from the JSON-LD context, so that one file declares the prefixes)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

BASE = "https://w3id.org/imet-kg/"
ONTOLOGY = f"{BASE}ontology#"
ONTOLOGY_IRI = f"{BASE}ontology"
RESOURCE = f"{BASE}id/"
GRAPH = f"{BASE}graph/"
SHAPES = f"{BASE}shapes#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
QB = "http://purl.org/linked-data/cube#"
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"


def ontology_graph(name: str) -> str:
    """The named graph holding an ontology file's triples."""
    return f"{GRAPH}ontology/{name}"


def curated_graph(name: str) -> str:
    """The named graph holding a curated file's triples."""
    return f"{GRAPH}curated/{name}"


def derived_graph(rule: str) -> str:
    """The named graph holding the triples one derivation rule produced."""
    return f"{GRAPH}derived/{rule}"


@cache
def prefixes(context_file: Path) -> dict[str, str]:
    """Prefix to namespace, from the plain string entries of the JSON-LD context."""
    context = json.loads(context_file.read_text(encoding="utf-8"))["@context"]
    return {key: value for key, value in context.items() if isinstance(value, str)}
