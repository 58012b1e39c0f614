"""Turning the words a user gives for a parameter into the RDF term it stands for.

Values are converted to terms and bound through SPARQL substitution: quotes, braces, `#` or
newlines in a value are data, never query text."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.namespaces import ONTOLOGY, XSD
from imet_kg.query.saved import Parameter, SavedQuery
from imet_kg.sparql import internal_query
from imet_kg.store.names import name_key
from imet_kg.terms import OxTerm, compact

TYPE_CHECKING = False
if TYPE_CHECKING:
    from imet_kg.store.queryable import QueryableGraph

_DATE_FORMS = {
    re.compile(r"-?[0-9]{4}"): "gYear",
    re.compile(r"-?[0-9]{4}-[0-9]{2}"): "gYearMonth",
    re.compile(r"-?[0-9]{4}-[0-9]{2}-[0-9]{2}"): "date",
}
# A prefixed name; its local part may hold slashes (unit:NG/guards-brigade), as the
# project's own identifiers do, though SPARQL's grammar would want them escaped.
# How many of the entities an ambiguous name names an error lists.
MAX_LISTED = 10
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):([^\s]*)$")


class ParameterError(ImetKgError):
    """A parameter that is missing, unknown, of the wrong type, or names no single entity."""


def bind_parameters(
    graph: QueryableGraph,
    query: SavedQuery,
    values: Mapping[str, str],
    prefixes: Mapping[str, str],
) -> dict[str, OxTerm]:
    """The variable bindings for a run of the query: given values, else defaults."""
    unknown = sorted(set(values) - {p.name for p in query.parameters})
    if unknown:
        declared = ", ".join(p.name for p in query.parameters) or "none"
        raise ParameterError(
            f"{query.name}: unknown parameter {unknown[0]!r} (declared: {declared})"
        )
    bindings: dict[str, OxTerm] = {}
    for parameter in query.parameters:
        text = values.get(parameter.name, parameter.default)
        if text is None:
            if parameter.required:
                example = (
                    f", for example --param {parameter.name}={parameter.example}"
                    if parameter.example
                    else ""
                )
                raise ParameterError(
                    f"{query.name}: parameter {parameter.name!r} is required{example}"
                )
            continue
        bindings[parameter.variable] = to_term(graph, parameter, text, prefixes)
    return bindings


def to_term(
    graph: QueryableGraph, parameter: Parameter, text: str, prefixes: Mapping[str, str]
) -> OxTerm:
    """One value as a term of the parameter's type."""
    kind = parameter.type
    if kind == "string":
        return ox.Literal(text)
    if kind == "integer":
        return _typed(parameter, text, "integer", re.compile(r"[+-]?[0-9]+"))
    if kind == "decimal":
        return _typed(parameter, text, "decimal", re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"))
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ParameterError(f"parameter {parameter.name!r} takes true or false, not {text!r}")
        return ox.Literal(text.lower(), datatype=ox.NamedNode(f"{XSD}boolean"))
    if kind == "year":
        return _typed(parameter, text, "gYear", re.compile(r"-?[0-9]{4}"))
    if kind == "date":
        for pattern, datatype in _DATE_FORMS.items():
            if pattern.fullmatch(text):
                return ox.Literal(text, datatype=ox.NamedNode(f"{XSD}{datatype}"))
        raise ParameterError(
            f"parameter {parameter.name!r} takes a date as YYYY, YYYY-MM or YYYY-MM-DD, "
            f"not {_shorten(text)!r}"
        )
    if kind == "iri":
        return _iri(parameter, text, prefixes)
    return resolve_entity(graph, parameter, text, prefixes)


def _typed(parameter: Parameter, text: str, datatype: str, pattern: re.Pattern[str]) -> ox.Literal:
    if not pattern.fullmatch(text):  # ASCII digits only, and nothing after them
        raise ParameterError(
            f"parameter {parameter.name!r} takes an xsd:{datatype}, not {_shorten(text)!r}"
        )
    return ox.Literal(text, datatype=ox.NamedNode(f"{XSD}{datatype}"))


def _iri(parameter: Parameter, text: str, prefixes: Mapping[str, str]) -> ox.NamedNode:
    expanded = expand(text, prefixes)
    if expanded is None:
        raise ParameterError(
            f"parameter {parameter.name!r} takes an IRI or a prefixed name, not {_shorten(text)!r}"
        )
    return expanded


def expand(text: str, prefixes: Mapping[str, str]) -> ox.NamedNode | None:
    """A full IRI or a prefixed name with a known prefix as a named node, else None."""
    candidate = text
    match = _PREFIXED.match(text)
    if match and match.group(1) in prefixes:
        candidate = prefixes[match.group(1)] + match.group(2)
    elif not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        return None
    try:
        return ox.NamedNode(candidate)
    except ValueError:
        return None


def resolve_entity(
    graph: QueryableGraph, parameter: Parameter, text: str, prefixes: Mapping[str, str]
) -> ox.NamedNode:
    """The one entity an IRI, prefixed name, label, code or slug names."""
    cls = expand(parameter.class_name, prefixes) if parameter.class_name else None
    iri = expand(text, prefixes)
    if iri is not None:
        if not graph.contains_subject(iri):
            raise ParameterError(f"parameter {parameter.name!r}: no entity {text!r} in the graph")
        if cls is not None and not _is_instance(graph, iri, cls):
            raise ParameterError(
                f"parameter {parameter.name!r}: {text!r} is not a {compact(cls.value, prefixes)}"
            )
        return iri
    # The index of names first (one exact lookup); a store written without one is scanned.
    result = graph.select(
        internal_query("resolve-name"), substitutions={"_key": ox.Literal(name_key(text))}
    )
    if not result.rows and not graph.select(internal_query("has-name-index")).rows:
        result = graph.select(
            internal_query("resolve-entity"), substitutions={"_text": ox.Literal(text)}
        )
    candidates = [
        row
        for row in result.rows
        if isinstance(row[0], ox.NamedNode) and (cls is None or _is_instance(graph, row[0], cls))
    ]
    if len(candidates) > 1 and cls is None:
        # A unit's name is printed in the records, often as an agency or country is named
        # ("Department of Defense" of South Africa); a name that also names an entity other
        # than a unit names that entity. A unit is asked for by its own class or identifier.
        unit = ox.NamedNode(f"{ONTOLOGY}Unit")
        others = [
            row
            for row in candidates
            if isinstance(row[0], ox.NamedNode) and not _is_instance(graph, row[0], unit)
        ]
        if len(others) == 1:
            candidates = others
    kind = f" {compact(cls.value, prefixes)}" if cls is not None else ""
    if not candidates:
        close = suggestions(graph, text, cls, prefixes)
        hint = f"; did you mean {'; '.join(close)}?" if close else ""
        raise ParameterError(
            f"parameter {parameter.name!r}: no{kind} entity is named {_shorten(text)!r}{hint}"
        )
    if len(candidates) > 1:
        listed = "; ".join(
            f"{compact(row[0].value, prefixes)} ({row[1].value if row[1] else 'no label'})"
            for row in candidates[:MAX_LISTED]
            if row[0] is not None
        )
        more = len(candidates) - MAX_LISTED
        if more > 0:  # a unit name printed in many countries ("Army")
            listed += f"; and {more} more (give the IRI or prefixed name)"
        raise ParameterError(
            f"parameter {parameter.name!r}: {_shorten(text)!r} names several entities: {listed}"
        )
    entity = candidates[0][0]
    assert isinstance(entity, ox.NamedNode)
    return entity


def suggestions(
    graph: QueryableGraph,
    text: str,
    cls: ox.NamedNode | None,
    prefixes: Mapping[str, str],
    limit: int = 5,
) -> list[str]:
    """The entities (of the class, when given) whose names are closest to the words, each as
    "label (prefixed name)", closest first."""
    import difflib

    bindings = {"_class": cls} if cls is not None else {}
    names: dict[str, tuple[str, str]] = {}
    for entity, name, label, _ in graph.select(
        internal_query("entity-names"), substitutions=bindings
    ).rows:
        if isinstance(entity, ox.NamedNode) and name is not None:
            shown = label.value if label is not None else name.value
            names.setdefault(name.value.lower(), (entity.value, shown))
    found: list[str] = []
    for match in difflib.get_close_matches(text.lower(), list(names), n=limit * 3, cutoff=0.6):
        iri, shown = names[match]
        entry = f"{shown} ({compact(iri, prefixes)})"
        if entry not in found:
            found.append(entry)
    return found[:limit]


def _is_instance(graph: QueryableGraph, entity: ox.NamedNode, cls: ox.NamedNode) -> bool:
    answer = graph.query(
        internal_query("is-instance"), substitutions={"_entity": entity, "_class": cls}
    )
    return answer is True


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
