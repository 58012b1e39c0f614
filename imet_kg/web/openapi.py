"""The OpenAPI document of the saved-query API, generated from the queries' headers."""

from __future__ import annotations

from imet_kg.query.results import RESULT_MEDIA_TYPES
from imet_kg.query.saved import Parameter, SavedQuery

_SCHEMAS = {
    "entity": {"type": "string", "description": "an IRI, prefixed name, label or code"},
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "pattern": "^-?\\d{4}(-\\d{2}(-\\d{2})?)?$"},
    "year": {"type": "string", "pattern": "^-?\\d{4}$"},
}
_ERROR = {"description": "a message saying what is wrong", "content": {"text/plain": {}}}


def openapi_document(queries: list[SavedQuery], server: str, version: str) -> dict[str, object]:
    paths: dict[str, object] = {
        "/sparql": {
            "get": {
                "summary": "SPARQL 1.1 query endpoint (read-only)",
                "operationId": "sparql",
                "parameters": [
                    {"name": "query", "in": "query", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "query results", "content": _result_content()},
                    "400": _ERROR,
                    "403": _ERROR,
                },
            }
        }
    }
    paths["/api/search"] = _search_path()
    paths["/training.{extension}"] = _training_path()
    for query in queries:
        paths[f"/api/queries/{query.name}"] = {
            "get": {
                "summary": query.summary,
                "description": query.description,
                "operationId": query.name.replace("-", "_"),
                "tags": list(query.tags),
                "parameters": [_parameter(p) for p in query.parameters],
                "responses": {
                    "200": {"description": "the query's rows", "content": _result_content()},
                    "400": _ERROR,
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "imet-kg saved queries",
            "version": version,
            "description": "Saved SPARQL queries over the IMET knowledge graph; every answer "
            "names the source documents of its claims.",
            "license": {
                "name": "CC BY-SA 4.0",
                "url": "https://creativecommons.org/licenses/by-sa/4.0/",
            },
        },
        "servers": [{"url": server}],
        "paths": paths,
    }


def _search_path() -> dict[str, object]:
    """The full-text search the pages' type-ahead uses."""
    from imet_kg.search.kinds import DEFAULT_LIMIT, KINDS, MAX_LIMIT, MAX_WORDS

    def parameter(name: str, schema: dict[str, object], description: str) -> dict[str, object]:
        return {"name": name, "in": "query", "description": description, "schema": schema}

    hit = {
        "type": "object",
        "properties": {
            name: {"type": "string"} for name in ("kind", "label", "context", "iri", "url")
        }
        | {"country": {"type": "string"}, "score": {"type": "number"}},
    }
    return {
        "get": {
            "summary": "Find entities, courses and training records by the words of their names",
            "description": "Each word matches the start of a word of a label, a printed name or "
            "a claim's text (case, accents and the units' abbreviations folded); results are "
            "ranked by BM25, entities before records.",
            "operationId": "search",
            "tags": ["search"],
            "parameters": [
                parameter(
                    "q",
                    {"type": "string", "maxLength": 200},
                    f"the words to find (at most {MAX_WORDS})",
                )
                | {"required": True},
                parameter(
                    "type",
                    {"type": "string", "enum": list(KINDS)},
                    "only results of this kind (repeat the parameter for several)",
                ),
                parameter("country", {"type": "string"}, "only results of this country"),
                parameter(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    f"at most this many results (default {DEFAULT_LIMIT})",
                ),
            ],
            "responses": {
                "200": {
                    "description": "the results, best first",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "query": {"type": "string"},
                                    "results": {"type": "array", "items": hit},
                                },
                            }
                        }
                    },
                },
                "400": _ERROR,
                "503": _ERROR,
            },
        }
    }


def _training_path() -> dict[str, object]:
    """The training records of a filtered view, whole."""
    from imet_kg.search.training import FACETS, NONE, SORTABLE

    facets = [
        {
            "name": facet.parameter,
            "in": "query",
            "description": f"{facet.heading}: records with any of the values given (repeat the "
            f"parameter); '{NONE}' asks for records without one",
            "schema": {"type": "array", "items": {"type": "string"}},
            "style": "form",
            "explode": True,
        }
        for facet in FACETS
    ]
    return {
        "get": {
            "summary": "The training records of the reports, filtered by facets, whole",
            "description": "Every record the filters select (all facets at once), one per row "
            "or object, streamed: the same view as the /training page, in every column.",
            "operationId": "training_records",
            "tags": ["training"],
            "parameters": [
                {
                    "name": "extension",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["csv", "json"]},
                },
                *facets,
                {
                    "name": "_sort",
                    "in": "query",
                    "description": "the column to sort by",
                    "schema": {"type": "string", "enum": list(SORTABLE)},
                },
                {"name": "_desc", "in": "query", "schema": {"type": "string", "enum": ["1"]}},
            ],
            "responses": {
                "200": {
                    "description": "the records",
                    "content": {"text/csv": {}, "application/json": {}},
                },
                "400": _ERROR,
                "503": _ERROR,
            },
        }
    }


def _parameter(parameter: Parameter) -> dict[str, object]:
    schema: dict[str, object] = dict(_SCHEMAS[parameter.type])
    if parameter.default is not None:
        schema["default"] = parameter.default
    entry: dict[str, object] = {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required,
        "description": parameter.description,
        "schema": schema,
    }
    if parameter.example is not None:
        entry["example"] = parameter.example
    return entry


def _result_content() -> dict[str, object]:
    return {media: {} for media in RESULT_MEDIA_TYPES}
