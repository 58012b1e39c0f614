"""The index of names: every label, code and IRI slug of every entity, normalised (spacing and
case folded), kept as triples in a named graph of its own and rebuilt whenever a store or the
curated graph is written, so that turning a user's words into an entity is one exact lookup
in the store's own index rather than a scan that lower-cases every label.

The names of an entity (an IRI subject) are the values of its labels (preferred, alternative,
hidden: the names the sources print) and codes (ISO alpha-2 and alpha-3, notation, identifier,
file name, public-law number), and, for the project's own entities that have a preferred
label, the last segment of the IRI. They are gathered from the statements as they pass
(`NameIndex.see`): an import sees them on their way into the store and writes the index in
the same load, instead of querying the store for them afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from imet_kg.namespaces import DCTERMS, GRAPH, INDEX, ONTOLOGY, RDFS, RESOURCE, SKOS

INDEX_GRAPH = f"{GRAPH}index/names"
KEY = f"{INDEX}key"

_PREFERRED = ox.NamedNode(f"{SKOS}prefLabel")
# The predicates whose values name their subject.
NAMING = frozenset(
    ox.NamedNode(iri)
    for iri in (
        f"{SKOS}prefLabel",
        f"{SKOS}altLabel",
        f"{SKOS}hiddenLabel",
        f"{RDFS}label",
        f"{ONTOLOGY}isoCode",
        f"{SKOS}notation",
        f"{DCTERMS}identifier",
        f"{ONTOLOGY}fileName",
        "http://data.europa.eu/eli/ontology#id_local",
    )
)


def name_key(text: str) -> str:
    """A name as the index keeps it: runs of white space as one space, case folded."""
    return " ".join(text.split()).casefold()


class NameIndex:
    """The names of the statements seen, as the index's quads."""

    def __init__(self) -> None:
        self._names: set[tuple[ox.NamedNode, str]] = set()

    def see(self, subject: object, predicate: ox.NamedNode, value: object) -> None:
        """One statement whose predicate is one of NAMING (any other is not looked at)."""
        if not isinstance(subject, ox.NamedNode):
            return
        if isinstance(value, ox.Literal | ox.NamedNode):
            self._names.add((subject, value.value))
        if predicate == _PREFERRED and subject.value.startswith(RESOURCE):
            self._names.add((subject, subject.value.rsplit("/", 1)[1]))

    def see_all(self, quads: Iterable[ox.Quad]) -> None:
        for quad in quads:
            if quad.predicate in NAMING:
                self.see(quad.subject, quad.predicate, quad.object)

    def quads(self) -> Iterator[ox.Quad]:
        """The index's quads, one for each entity and distinct key."""
        graph, key = ox.NamedNode(INDEX_GRAPH), ox.NamedNode(KEY)
        keys = {(entity, name_key(name)) for entity, name in self._names}
        for entity, text in keys:
            yield ox.Quad(entity, key, ox.Literal(text), graph)


def index_names(store: ox.Store) -> int:
    """Rebuild the index of names over everything else in the store; the number of keys."""
    graph = ox.NamedNode(INDEX_GRAPH)
    if graph in set(store.named_graphs()):
        store.remove_graph(graph)
    names = NameIndex()
    for predicate in NAMING:
        names.see_all(store.quads_for_pattern(None, predicate, None))
    quads = list(names.quads())
    store.bulk_extend(quads)  # the store is being written: no transaction needed
    return len(quads)
