"""The web application: linked-data pages and resources under /id/, the SPARQL 1.1
Protocol endpoint, the saved-query API with its OpenAPI document, VoID and the dumps; and
what keeps a public server answering: the guard that decides from a real parse what a query
may do, query processes that cannot reach the network and are stopped at their time limit,
and limits on every client.

Contract: `create_app(graph, layout)` builds a Starlette application; every refusal is an
HTTP status with a message naming the parameter. starlette, jinja2 and uvicorn are used here
only. Imports network, query, the store and the ground floor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imet_kg.lazy import lazy_exports

if TYPE_CHECKING:
    from imet_kg.web.app import create_app
    from imet_kg.web.endpoint import Limits

_EXPORTS = {
    "create_app": "imet_kg.web.app",
    "Limits": "imet_kg.web.endpoint",
}

__all__ = [
    "Limits",
    "create_app",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
