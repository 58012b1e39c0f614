"""A SPARQL 1.1 store elsewhere: push the graph to it through the Graph Store Protocol, and
ask it the same queries as the embedded store through the SPARQL Protocol, parameters bound
as an inline VALUES block.

Contract: `RemoteGraph` is a `QueryableGraph`; a refused connection fails at once, a server
error is retried. Imports the store and the ground floor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imet_kg.lazy import lazy_exports

if TYPE_CHECKING:
    from imet_kg.remote.client import RemoteGraph, export_remote
    from imet_kg.remote.protocol import RemoteError, Transport
    from imet_kg.remote.pushing import PushReport, push

_EXPORTS = {
    "RemoteGraph": "imet_kg.remote.client",
    "RemoteError": "imet_kg.remote.protocol",
    "Transport": "imet_kg.remote.protocol",
    "push": "imet_kg.remote.pushing",
    "PushReport": "imet_kg.remote.pushing",
    "export_remote": "imet_kg.remote.client",
}

__all__ = [
    "PushReport",
    "RemoteError",
    "RemoteGraph",
    "Transport",
    "export_remote",
    "push",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
