"""Typed RDF literals as the importers write them."""

from __future__ import annotations

import pyoxigraph as ox

from imet_kg.namespaces import XSD


def typed(value: str, datatype: str) -> ox.Literal:
    """`value` as a literal of the XSD datatype named `datatype` ("gYear", "integer", ...)."""
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
