"""The named graphs an import of the training records writes, and what their statements are:
plain (subject, predicate, object) tuples of terms, which cost next to nothing to build
(a pyoxigraph triple with a literal object costs microseconds), each made a quad once, by
`store.loading`, as the store bulk-loads them."""

from __future__ import annotations

from imet_kg.namespaces import GRAPH
from imet_kg.store.loading import Statement as LoadedStatement

IMPORT_GRAPH = f"{GRAPH}import/fmtr"
FIGURES_GRAPH = f"{GRAPH}import/fmtr-figures"
ENTITIES_GRAPH = f"{GRAPH}import/fmtr-entities"
UNITS_GRAPH = f"{GRAPH}import/fmtr-units"
FMTR_GRAPHS = (IMPORT_GRAPH, FIGURES_GRAPH, ENTITIES_GRAPH, UNITS_GRAPH)

# What an import graph yields: (subject, predicate, object) tuples, or triples.
Statement = LoadedStatement
