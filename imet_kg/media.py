"""Every format the project writes, in one table: the name the command line uses, what the
format holds, its media type and its file extension. The command line's choices, the server's
content negotiation, the exports and dumps, and the VoID description are derived from it, so
a format added here is offered everywhere it applies."""

from __future__ import annotations

from imet_kg.tuples import NamedTuple

# What a format holds.
GRAPH = "graph"  # RDF triples: the union of the named graphs, or a CONSTRUCT's answer
DATASET = "dataset"  # RDF quads: the named graphs kept apart
RESULTS = "results"  # SPARQL 1.1 query results (SELECT rows, ASK booleans)
PEOPLE = "people"  # query rows for reading: labels beside IRIs
NETWORK = "network"  # a projection for network tools
PICTURE = "picture"  # a drawing of a projection or a timeline
REPORT = "report"  # a validation report


class Format(NamedTuple):
    """One format: unique by name within its kind."""

    name: str
    kind: str
    media_type: str
    extension: str
    title: str


FORMATS: tuple[Format, ...] = (
    Format("ttl", GRAPH, "text/turtle", ".ttl", "Turtle"),
    Format("nt", GRAPH, "application/n-triples", ".nt", "N-Triples"),
    Format("jsonld", GRAPH, "application/ld+json", ".jsonld", "JSON-LD"),
    Format("xml", GRAPH, "application/rdf+xml", ".rdf", "RDF/XML"),
    Format("trig", DATASET, "application/trig", ".trig", "TriG"),
    Format("nq", DATASET, "application/n-quads", ".nq", "N-Quads"),
    Format("json", RESULTS, "application/sparql-results+json", ".srj", "SPARQL results JSON"),
    Format("xml", RESULTS, "application/sparql-results+xml", ".srx", "SPARQL results XML"),
    Format("csv", RESULTS, "text/csv", ".csv", "SPARQL results CSV"),
    Format("tsv", RESULTS, "text/tab-separated-values", ".tsv", "SPARQL results TSV"),
    Format("table", PEOPLE, "text/plain", ".txt", "a table with labels beside IRIs"),
    Format("md", PEOPLE, "text/markdown", ".md", "a Markdown table"),
    Format("graphml", NETWORK, "application/graphml+xml", ".graphml", "GraphML"),
    Format("gexf", NETWORK, "application/gexf+xml", ".gexf", "GEXF"),
    Format("json", NETWORK, "application/json", ".json", "node-link JSON"),
    Format("dot", NETWORK, "text/vnd.graphviz", ".dot", "Graphviz DOT"),
    Format("svg", PICTURE, "image/svg+xml", ".svg", "SVG"),
    Format("png", PICTURE, "image/png", ".png", "PNG"),
    Format("html", PICTURE, "text/html", ".html", "an interactive page that works offline"),
    Format("text", REPORT, "text/plain", ".txt", "findings for a curator"),
    Format("json", REPORT, "application/json", ".json", "findings for programs"),
    Format("turtle", REPORT, "text/turtle", ".ttl", "a SHACL validation report"),
)

# The file every dump and export of the whole graph is named after.
DUMP_STEM = "imet-kg"


def formats(*kinds: str) -> tuple[Format, ...]:
    """The formats of the given kinds, kind by kind in the order given."""
    return tuple(entry for kind in kinds for entry in FORMATS if entry.kind == kind)


def names(*kinds: str) -> tuple[str, ...]:
    """The command line's names for the formats of the given kinds, without repeats."""
    return tuple(dict.fromkeys(entry.name for entry in formats(*kinds)))


def find(kind: str, name: str) -> Format:
    """The format of `kind` named `name`; ValueError naming the choices when there is none."""
    for entry in formats(kind):
        if entry.name == name:
            return entry
    raise ValueError(f"unknown {kind} format {name!r}; use one of {', '.join(names(kind))}")


def media_types(*kinds: str) -> dict[str, str]:
    """Media type to format name, for the formats of the given kinds."""
    return {entry.media_type: entry.name for entry in formats(*kinds)}


# Media types clients send for a format under another name: most HTTP clients ask for
# application/json, and SPARQL clients for application/xml, when they mean results.
ALIASES: dict[str, dict[str, str]] = {
    RESULTS: {"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
    GRAPH: {"application/json": "jsonld", "application/xml": "xml", "text/xml": "xml"},
}


# Names clients put in a format parameter for our formats (SPARQLWrapper sends format=turtle,
# format=n3, or a list of media types).
SYNONYMS = {
    "turtle": "ttl",
    "n3": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "rdf": "xml",
    "rdfxml": "xml",
    "rdf+xml": "xml",
    "rdf/xml": "xml",
    "nquads": "nq",
    "n-quads": "nq",
}


def dump_files() -> dict[str, Format]:
    """The dumps of the whole graph by file name (imet-kg.ttl, ...): every RDF format."""
    return {f"{DUMP_STEM}{entry.extension}": entry for entry in formats(GRAPH, DATASET)}
