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
CHECKS = f"{BASE}checks#"  # the hygiene checks, standing as shapes in a SHACL report
REPORT = f"{BASE}report#"  # what a validation report adds to SHACL's terms: file and line
INDEX = f"{BASE}index#"  # the index of names

# The vocabularies the project's code names terms of (the data and queries declare their own
# prefixes, from ontology/context.jsonld).
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = f"{RDF}type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = f"{XSD}string"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
PROV = "http://www.w3.org/ns/prov#"
QB = "http://purl.org/linked-data/cube#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
XML = "http://www.w3.org/XML/1998/namespace"


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
