"""The named graphs an import of the training records writes. Their statements are plain
(subject, predicate, object) tuples of terms (`store.loading.Statement`), which cost next to
nothing to build, each made a quad once as the store bulk-loads them."""

from __future__ import annotations

from imet_kg.namespaces import GRAPH

IMPORT_GRAPH = f"{GRAPH}import/fmtr"
FIGURES_GRAPH = f"{GRAPH}import/fmtr-figures"
ENTITIES_GRAPH = f"{GRAPH}import/fmtr-entities"
UNITS_GRAPH = f"{GRAPH}import/fmtr-units"
FMTR_GRAPHS = (IMPORT_GRAPH, FIGURES_GRAPH, ENTITIES_GRAPH, UNITS_GRAPH)
