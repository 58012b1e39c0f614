"""Asking the graph: saved queries (SPARQL files in queries/ with a YAML header declaring
typed parameters), parameters bound from the words a user gives, ad-hoc SPARQL, and the
answer formats (a table with labels beside IRIs, CSV, TSV, JSON, XML, Markdown; graphs as
Turtle or N-Triples).

Contract: every query runs against a `QueryableGraph`, so the same call works on the
embedded store and on a remote one. Imports the store and the ground floor.
"""

from __future__ import annotations

from imet_kg.lazy import lazy_exports

TYPE_CHECKING = False

if TYPE_CHECKING:
    from imet_kg.query.binding import ParameterError, bind_parameters
    from imet_kg.query.run import run_saved_query, run_sparql, run_sparql_capped
    from imet_kg.query.saved import Parameter, SavedQuery, find_saved_query, load_saved_queries

_EXPORTS = {
    "SavedQuery": "imet_kg.query.saved",
    "Parameter": "imet_kg.query.saved",
    "load_saved_queries": "imet_kg.query.saved",
    "find_saved_query": "imet_kg.query.saved",
    "bind_parameters": "imet_kg.query.binding",
    "ParameterError": "imet_kg.query.binding",
    "run_saved_query": "imet_kg.query.run",
    "run_sparql": "imet_kg.query.run",
    "run_sparql_capped": "imet_kg.query.run",
}

__all__ = [
    "Parameter",
    "ParameterError",
    "SavedQuery",
    "bind_parameters",
    "find_saved_query",
    "load_saved_queries",
    "run_saved_query",
    "run_sparql",
    "run_sparql_capped",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
