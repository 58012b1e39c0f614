"""The SPARQL editor's starting points: each saved query as a plain SPARQL text the endpoint
runs as it is, its header turned into comments that name its parameters, and the parameters
bound to their examples by a VALUES block placed first in the outermost WHERE group (the
standard way, as for a store elsewhere), so that the text gives the saved query's answer for
its example."""

from __future__ import annotations

from collections.abc import Mapping

from imet_kg.errors import ImetKgError
from imet_kg.query.binding import bind_parameters
from imet_kg.query.saved import SavedQuery
from imet_kg.remote.values import with_values
from imet_kg.store.queryable import QueryableGraph
from imet_kg.terms import OxTerm


def starting_point(graph: QueryableGraph, query: SavedQuery, prefixes: Mapping[str, str]) -> str:
    """The saved query as the editor offers it."""
    examples = {p.name: p.example for p in query.parameters if p.example is not None}
    try:
        bindings: dict[str, OxTerm] = bind_parameters(graph, query, examples, prefixes)
    except ImetKgError:  # an example this store does not hold: the parameters stay unbound
        bindings = {}
    notes = [f"# {query.name}: {query.summary}"]
    for parameter in query.parameters:
        bound = f"_{parameter.name}" in bindings
        what = parameter.description or f"a {parameter.type}"
        notes.append(
            f"# ?_{parameter.name}: {what}"
            + (
                f" Bound to its example, {parameter.example}, by the VALUES block below."
                if bound
                else " Unbound here."
            )
        )
    notes.append(f"# The same query with a form for its values: queries/{query.name} on this site.")
    body = "\n".join(line for line in query.sparql.splitlines() if not line.startswith("#+"))
    return "\n".join(notes) + "\n" + with_values(body.lstrip("\n"), bindings)
