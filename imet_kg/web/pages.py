"""Pages and resources: the home page, every /id/... resource in HTML or RDF, the ontology,
the network views, and a 404 page that helps."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse

from imet_kg.media import DATASET, GRAPH, Format, dump_files
from imet_kg.namespaces import (
    BASE,
    DCTERMS,
    ONTOLOGY,
    ONTOLOGY_IRI,
    OWL,
    ontology_graph,
    prefixes,
)
from imet_kg.network.chart_data import country_training, place_rows, school_training
from imet_kg.sparql import internal_query
from imet_kg.store.formats import serialise_triples
from imet_kg.terms import OxTerm, compact, term_text
from imet_kg.web.negotiation import EXTENSIONS, PAGE, Choice, answer_format, choose
from imet_kg.web.problems import Problem
from imet_kg.web.protection import INLINE_SCRIPT_POLICY
from imet_kg.web.site import Site

# The dumps of the whole graph by file name, with their media types and export formats.
DUMP_MEDIA = {file: entry.media_type for file, entry in dump_files().items()}


def split_extension(path: str) -> tuple[str, Format | None]:
    for extension, entry in EXTENSIONS.items():
        if path.endswith(extension):
            return path[: -len(extension)], entry
    return path, None


def negotiate(request: Request, forced: Format | None) -> Choice:
    """A page or RDF, from ?format=, the path's extension or Accept."""
    return answer_format(request, (GRAPH, DATASET), page=True, forced=forced)


def rdf_response(site: Site, triples: list[ox.Triple], choice: Choice) -> Response:
    data = serialise_triples(triples, choice.format.name, site.layout)
    return Response(data, media_type=choice.media_type, headers={"Vary": "Accept"})


def home(request: Request) -> Response:
    site: Site = request.app.state.site
    return site.page(
        request,
        "home.html",
        triples=site.triples,
        groups=site.entity_groups,
        dumps=[
            *(
                (f"{name}.gz", f"{DUMP_MEDIA[name]}, gzip")
                for name in ("imet-kg.nq", "imet-kg.trig")
            ),
            *DUMP_MEDIA.items(),
        ],
        programme_chart=site.programme_chart,
    )


def resource(request: Request) -> Response:
    site: Site = request.app.state.site
    path, forced = split_extension(request.path_params["path"])
    try:
        node = ox.NamedNode(f"{BASE}id/{path}")
    except ValueError:  # not an IRI at all (a space, '<', a lone '%'...): nothing is named so
        return not_found(site, request, path)
    if not site.graph.contains_subject(node):
        return not_found(site, request, path)
    choice = negotiate(request, forced)
    if choice.format is not PAGE:
        return rdf_response(site, _describe(site, node), choice)
    return resource_page(site, request, node)


def _describe(site: Site, node: ox.NamedNode) -> list[ox.Triple]:
    answer = site.graph.query(internal_query("describe-entity"), substitutions={"_entity": node})
    assert isinstance(answer, list)
    return answer


def resource_page(site: Site, request: Request, node: ox.NamedNode) -> HTMLResponse:
    names = prefixes(site.layout.context_file)
    bind = {"_entity": node}
    outgoing = site.graph.select(internal_query("resource-outgoing"), substitutions=bind).dicts()
    incoming = site.graph.select(internal_query("resource-incoming"), substitutions=bind).dicts()
    claims = site.graph.select(internal_query("resource-claims"), substitutions=bind).dicts()
    place_years = site.graph.select(
        internal_query("resource-place-years"), substitutions=bind
    ).dicts()
    records = site.graph.select(internal_query("resource-records"), substitutions=bind).dicts()
    is_country = node.value.startswith(f"{BASE}id/country/")
    training, by_year = _place_tables(site, request, place_years, by_year=not is_country)
    types = [
        row["valueLabel"].value if row["valueLabel"] else compact(row["value"].value, names)
        for row in outgoing
        if row["property"] and row["property"].value.endswith("#type") and row["value"]
    ]
    base = str(request.url).split("?")[0]
    alternates = [
        (entry.media_type, f"{base}{ext}") for ext, entry in EXTENSIONS.items() if entry is not PAGE
    ]
    label = site.graph.label(node) or compact(node.value, names)
    country_years = _country_years(site, node) if is_country else []
    return site.page(
        request,
        "resource.html",
        iri=node.value,
        label=label,
        country_chart=country_training(site.graph, site.layout, node, label)
        if country_years
        else None,
        place_chart=school_training(place_rows(site.graph, place_years), label)
        if by_year
        else None,
        types=types,
        alternates=alternates,
        outgoing=[_link_row(site, request, row, "value", names) for row in outgoing],
        incoming=[_link_row(site, request, row, "subject", names) for row in incoming],
        claims=_group_claims(site, request, claims),
        training=training,
        records=_record_summary(site, request, node, records),
        is_country=is_country,
        country_years=country_years,
        units=_units(site, request, node),
        unit=_unit_training(site, request, node) if _is_unit(node) else None,
        by_year=by_year,
        network=any(
            t in ("programme", "bureau", "agency", "government department", "legislature", "school")
            for t in types
        ),
    )


def _units(site: Site, request: Request, node: ox.NamedNode) -> dict[str, str] | None:
    """How many units the records print of a country, with the saved query that lists
    them, or how many a report edition prints; None when they print none."""
    rows = site.graph.select(internal_query("resource-units"), substitutions={"_entity": node}).rows
    counts = {term_text(row[1]).rsplit("#", 1)[-1]: term_text(row[2]) for row in rows}
    if counts.get("unitOf", "0") != "0":
        code = node.value.rsplit("/", 1)[1]
        return {
            "count": counts["unitOf"],
            "href": f"{site.base(request)}queries/country-units?" + urlencode({"country": code}),
        }
    if counts.get("mentionedIn", "0") != "0":
        return {"count": counts["mentionedIn"], "href": ""}
    return None


def _is_unit(node: ox.NamedNode) -> bool:
    return node.value.startswith(f"{BASE}id/unit/")


# The most records a unit's page lists (the largest, a US unit, has some thousands: its
# page lists the first and says how to get them all).
UNIT_RECORDS = 500


def _unit_training(site: Site, request: Request, node: ox.NamedNode) -> dict[str, Any]:
    """A unit's training records in date order (the saved query unit-training), with the
    dated events about the unit and how many of the records came before and after each."""
    query = site.saved_query("unit-training")
    rows = site.graph.select(query.sparql, substitutions={"_unit": node}).dicts()
    records: dict[str, dict[str, str]] = {}
    events: dict[str, dict[str, Any]] = {}
    for row in rows:
        record = term_text(row["record"])
        if record not in records:
            place = row["place"]
            edition, page = term_text(row["edition"]), term_text(row["page"])
            records[record] = {
                "href": site.local(request, record),
                "year": term_text(row["year"]),
                "dates": " to ".join(
                    term_text(row[name]) for name in ("startDate", "endDate") if row[name]
                ),
                "course": term_text(row["course"]),
                "place": term_text(row["placeLabel"]),
                "place_href": site.local(request, place.value) if place is not None else "",
                "students": term_text(row["students"]),
                "cost": term_text(row["reportedCostUSD"]),
                "cited": f"FMTR {edition}" + (f", p. {page}" if page else ""),
                "relations": "",
            }
        event = row["event"]
        if not isinstance(event, ox.NamedNode):
            continue
        relation = term_text(row["relation"])
        entry = events.setdefault(
            event.value,
            {
                "href": site.local(request, event.value),
                "date": term_text(row["eventDate"]),
                "label": term_text(row["eventSays"]) or site.graph.label(event) or event.value,
                "sources": term_text(row["eventSources"]),
                "counts": {},
            },
        )
        entry["counts"][relation] = entry["counts"].get(relation, 0) + 1
        shown = f"{relation} {entry['date']}"
        records[record]["relations"] = "; ".join(
            part for part in (records[record]["relations"], shown) if part
        )
    listed = list(records.values())
    return {
        "records": listed[:UNIT_RECORDS],
        "count": len(listed),
        "events": sorted(events.values(), key=lambda e: str(e["date"])),
        "query": f"{site.base(request)}queries/unit-training?" + urlencode({"unit": node.value}),
    }


def _country_years(site: Site, node: ox.NamedNode) -> list[dict[str, str]]:
    """The country's own training per fiscal year: line items, official total, status."""
    rows = site.graph.select(
        internal_query("resource-country-years"), substitutions={"_entity": node}
    ).dicts()
    return [
        {
            "year": term_text(row["year"]),
            "status": term_text(row["status"]),
            "status_label": term_text(row["statusLabel"]),
            "students": term_text(row["students"]) if row["students"] is not None else "no data",
            "cost": term_text(row["cost"]) if row["cost"] is not None else "no data",
            "official_students": term_text(row["officialStudents"]),
            "official_cost": term_text(row["officialCost"]),
            "note": term_text(row["gapNote"]),
        }
        for row in rows
    ]


def _place_tables(
    site: Site, request: Request, rows: list[dict[str, OxTerm | None]], by_year: bool
) -> tuple[list[dict[str, str]], dict[str, Any] | None]:
    """Students trained at a place by country, most first, from the place's figures by
    country and year, read in one pass: over every year (with the reported cost and the
    years), and, when `by_year`, by fiscal year (columns) with the share of the years'
    located line items that could not be placed."""
    countries: dict[str, dict[str, Any]] = {}
    for row in rows:
        country, year, students, cost = (
            term_text(row[key]) for key in ("country", "year", "students", "cost")
        )
        entry = countries.get(country)
        if entry is None:
            entry = countries[country] = {
                "href": site.local(request, country),
                "country": site.graph.label(ox.NamedNode(country)) or country,
                "total": 0,
                "cost": Decimal(0),
                "cells": {},
            }
        entry["total"] += int(students)
        entry["cost"] += Decimal(cost)
        entry["cells"][year] = students
    ordered = sorted(countries.values(), key=lambda entry: (-entry["total"], entry["country"]))
    training = [
        {
            "href": entry["href"],
            "country": entry["country"],
            "students": str(entry["total"]),
            # written as SPARQL writes a decimal sum: no trailing zeros, no exponent
            "cost": format(entry["cost"].normalize(), "f"),
            "years": f"{min(entry['cells'])}-{max(entry['cells'])}",
        }
        for entry in ordered
    ]
    if not by_year or not rows:
        return training, None
    years = sorted({year for entry in ordered for year in entry["cells"]})
    located, unplaced = site.placement_coverage(years[0], years[-1])
    table = {
        "years": years,
        "rows": [
            {**entry, "cells": {year: entry["cells"].get(year, "") for year in years}}
            for entry in ordered
        ],
        "located": located,
        "unplaced": unplaced,
        "share": f"{100 * unplaced / located:.1f}%" if located else "0%",
    }
    return training, table


def _record_summary(
    site: Site, request: Request, node: ox.NamedNode, rows: list[dict[str, OxTerm | None]]
) -> dict[str, str] | None:
    """How many training records name the entity, and for a country the link to its training
    by fiscal year; None when no record does."""
    if not rows or not rows[0]["records"]:
        return None
    row = rows[0]
    summary = {
        "count": term_text(row["records"]),
        "years": f"FY{term_text(row['firstYear'])}-FY{term_text(row['lastYear'])}",
    }
    if node.value.startswith(f"{BASE}id/country/"):
        code = node.value.rsplit("/", 1)[1]
        summary["by_year"] = f"{site.base(request)}queries/country-training?country={code}"
        if site.training is not None:
            summary["browse"] = f"{site.base(request)}training?" + urlencode({"country": code})
    elif site.training is not None and node.value.startswith(
        tuple(f"{BASE}id/{kind}/" for kind in ("school", "place", "installation"))
    ):
        place = node.value.removeprefix(f"{BASE}id/")
        summary["browse"] = f"{site.base(request)}training?" + urlencode({"place": place})
    return summary


def _link_row(
    site: Site, request: Request, row: dict[str, Any], key: str, names: dict[str, str]
) -> dict[str, str]:
    term = row[key]
    label = row.get(f"{key}Label")
    prop = row["property"]
    shown = (
        label.value
        if label is not None
        else (compact(term.value, names) if isinstance(term, ox.NamedNode) else term.value)
    )
    if isinstance(term, ox.Literal) and term.language:
        shown = f"{term.value} @{term.language}"
    return {
        "property": prop.value,
        "property_label": row["propertyLabel"].value
        if row.get("propertyLabel")
        else compact(prop.value, names),
        f"{key}_label": shown,
        "href": site.local(request, term.value) if isinstance(term, ox.NamedNode) else "",
    }


def _group_claims(site: Site, request: Request, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The claims, each with its sources as a person reads them (label, publisher, caveats,
    AI-written) and the claims other sources make against it; those more sources state
    first."""
    claims: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["claim"].value, row["role"].value)
        claim = claims.setdefault(
            key,
            {
                "iri": row["claim"].value,
                "kind": row["kind"].value,
                "role": row["role"].value,
                "says": row["says"].value,
                "when": row["when"].value if row["when"] else "",
                "sources": [],
                "disputed_by": [],
            },
        )
        known = site.sources.get(row["file"].value)
        source = {
            "iri": row["source"].value,
            "label": known.label if known else row["file"].value,
            "note": "; ".join(p for p in (known.publisher, known.caveats) if p) if known else "",
            "ai": row["aiWritten"].value == "true",
        }
        if source not in claim["sources"]:
            claim["sources"].append(source)
        against = row.get("against")
        if against is not None:
            entry = {
                "href": site.local(request, against.value),
                "label": site.graph.label(against) or against.value.rsplit("/", 1)[-1],
            }
            if entry not in claim["disputed_by"]:
                claim["disputed_by"].append(entry)
    for claim in claims.values():
        claim["ai_only"] = all(source["ai"] for source in claim["sources"])
    return sorted(claims.values(), key=lambda claim: -len(claim["sources"]))


def not_found(site: Site, request: Request, path: str) -> Response:
    if choose(request.headers.get("accept"), ["text/html", "text/plain"]) != "text/html":
        return PlainTextResponse(
            f"No resource is known as /id/{path}. Browse {site.base(request)} or query "
            f"{site.base(request)}sparql.",
            status_code=404,
        )
    words = path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")[:100]
    rows = (
        site.graph.select(
            internal_query("entity-suggestions"), substitutions={"_words": ox.Literal(words)}
        ).rows
        if words
        else ()
    )
    # Entities of the kind the path names first (/id/agency/... suggests agencies), then others.
    kind = f"{BASE}id/{path.split('/', 1)[0]}/"
    found = sorted(
        {(row[0].value, row[1].value) for row in rows if row[0] and row[1]},
        key=lambda entry: (not entry[0].startswith(kind), entry[1]),
    )
    suggestions = found[:12]
    return site.page(
        request, "notfound.html", status=404, path=f"/id/{path}", suggestions=suggestions
    )


def ontology(request: Request) -> Response:
    site: Site = request.app.state.site
    _, forced = split_extension(request.url.path)
    choice = negotiate(request, forced)
    if choice.format is not PAGE:
        graph_node = ox.NamedNode(ontology_graph(site.layout.ontology_file.stem))
        triples = [
            q.triple for q in site.graph.store.quads_for_pattern(None, None, None, graph_node)
        ]
        return rdf_response(site, triples, choice)
    names = prefixes(site.layout.context_file)
    rows = site.graph.select(internal_query("ontology-terms")).dicts()
    sections: dict[str, list[dict[str, str]]] = {"class": [], "property": []}
    for row in rows:

        def shorten(value: Any) -> str:
            return ", ".join(compact(iri, names) for iri in value.value.split()) if value else ""

        sections[term_text(row["kind"])].append(
            {
                "local": term_text(row["term"]).removeprefix(ONTOLOGY),
                "label": term_text(row["label"]),
                "definition": term_text(row["definition"]),
                "specialises": shorten(row["specialises"]),
                "domains": shorten(row["domains"]),
                "ranges": shorten(row["ranges"]),
            }
        )
    onto = ox.NamedNode(ONTOLOGY_IRI)

    def value(predicate: str) -> str:
        for quad in site.graph.store.quads_for_pattern(onto, ox.NamedNode(predicate), None):
            return quad.object.value  # type: ignore[union-attr]
        return ""

    return site.page(
        request,
        "ontology.html",
        title=value(f"{DCTERMS}title"),
        description=value(f"{DCTERMS}description"),
        version=value(f"{OWL}versionIRI"),
        licence=value(f"{DCTERMS}license"),
        sections=list(sections.items()),
    )


def network_view(request: Request) -> Response:
    from imet_kg.network.interactive import network_page
    from imet_kg.network.projections import project, projection_queries

    site: Site = request.app.state.site
    name = request.path_params["name"]
    key = f"network:{name}"
    if key not in site.cache:
        if name not in projection_queries(site.layout):
            raise Problem(404, f"No network view named {name!r}.")
        site.cache[key] = network_page(project(site.graph, site.layout, name)).encode("utf-8")
    return Response(
        site.cache[key],
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": INLINE_SCRIPT_POLICY},
    )


async def dump(request: Request) -> Response:
    """A dump of the whole graph, kept gzip-compressed in the store's folder, where the
    process started by the build or import writes them all; one not written yet is written
    on this request (for a graph held in memory, in a scratch folder removed when the server
    stops). NAME.gz is the file; NAME is its content, sent compressed to a client that
    accepts gzip and unpacked as it is read to one that does not."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import FileResponse

    from imet_kg.store.dumps import ensure_dump

    site: Site = request.app.state.site
    name = request.path_params["name"]
    plain = name.removesuffix(".gz")
    if plain not in DUMP_MEDIA:
        known = [*DUMP_MEDIA, *(f"{file}.gz" for file in DUMP_MEDIA)]
        raise Problem(404, f"No dump named {name!r}; the dumps are " + ", ".join(known))
    packed = f"{plain}.gz"
    path = await run_in_threadpool(ensure_dump, site.graph, site.dump_dir, packed, site.layout)
    if name == packed:
        return FileResponse(path, media_type="application/gzip", filename=name)
    media = DUMP_MEDIA[plain]
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        return FileResponse(
            path, media_type=media, filename=name, headers={"Content-Encoding": "gzip"}
        )
    return StreamingResponse(_unpacked(path), media_type=media)


def _unpacked(path: Path) -> Iterator[bytes]:
    import gzip

    with gzip.open(path, "rb") as packed:
        while chunk := packed.read(1 << 20):
            yield chunk
