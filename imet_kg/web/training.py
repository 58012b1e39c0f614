"""The training-record browser: /training lists the records of the training reports with a
count beside every value of each facet (country, region, fiscal year, school or place,
course, programme code, record status), filters combined in the URL (any of a facet's chosen
values, all facets at once), sorted by any column, in pages of 50, each record linked to its
page and its report edition and page; /training.csv and /training.json give the whole
filtered view, streamed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from imet_kg.namespaces import BASE
from imet_kg.search.training import (
    COLUMNS,
    FACET_BY_PARAMETER,
    FACETS,
    NONE,
    SORTABLE,
    TrainingTable,
    View,
)
from imet_kg.web.problems import Problem
from imet_kg.web.site import Site

PAGE_ROWS = 50
# The columns of a download: every column but the cost as a number (the cost is as printed).
DOWNLOAD_COLUMNS = tuple(column for column in COLUMNS if column != "cost_value")
DOWNLOADS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
_VIEW = ("_sort", "_desc", "_page")
# Chosen values of one facet at most, and the longest value.
MAX_CHOSEN = 50
MAX_VALUE = 300


def read_view(query: str) -> View:
    """The view a URL's query asks for; 400 naming a parameter that is unknown, repeated
    where it may not be, or of the wrong form."""
    filters: dict[str, list[str]] = {}
    sort, descending, page = None, False, 1
    for key, values in parse_qs(query, keep_blank_values=True).items():
        if key in _VIEW:
            if len(values) > 1:
                raise Problem(400, f"parameter {key!r} is given {len(values)} times")
            value = values[0]
            if key == "_sort" and value:
                if value not in SORTABLE:
                    raise Problem(
                        400,
                        f"parameter '_sort' takes one of {', '.join(SORTABLE)}, not {value[:40]!r}",
                    )
                sort = value
            elif key == "_desc":
                descending = value not in ("", "0", "false")
            elif key == "_page" and value:
                if not value.isdigit() or len(value) > 6 or int(value) < 1:
                    raise Problem(400, f"parameter '_page' takes a page number, not {value[:20]!r}")
                page = int(value)
            continue
        if key not in FACET_BY_PARAMETER:
            known = ", ".join([*FACET_BY_PARAMETER, *_VIEW])
            raise Problem(400, f"unknown parameter {key[:40]!r} (known: {known})")
        chosen = [value.strip() for value in values if value.strip()]
        if len(chosen) > MAX_CHOSEN:
            raise Problem(400, f"parameter {key!r} is given more than {MAX_CHOSEN} values")
        for value in chosen:
            if len(value) > MAX_VALUE:
                raise Problem(400, f"a value of parameter {key!r} is longer than {MAX_VALUE}")
            if key == "year" and value != NONE and not (value.isdigit() and len(value) == 4):
                raise Problem(400, f"parameter 'year' takes a fiscal year, not {value[:20]!r}")
        if chosen:
            filters[key] = list(dict.fromkeys(chosen))
    ordered = tuple(
        (facet.parameter, tuple(filters[facet.parameter]))
        for facet in FACETS
        if facet.parameter in filters
    )
    return View(ordered, sort, descending, page)


def _link(base: str, view: View, **changes: Any) -> str:
    """The browser's URL for `view` changed by `changes` (a facet's values as a tuple, or
    _sort, _desc, _page)."""
    filters = dict(view.filters)
    state: dict[str, str] = {
        "_sort": view.sort or "",
        "_desc": "1" if view.descending else "",
        "_page": str(view.page) if view.page > 1 else "",
    }
    for key, value in changes.items():
        if key in state:
            state[key] = value
        else:
            filters[key] = value
    pairs = [
        (facet.parameter, value) for facet in FACETS for value in filters.get(facet.parameter, ())
    ]
    pairs += [(key, state[key]) for key in _VIEW if state[key]]
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _table(site: Site) -> TrainingTable:
    table = site.training
    if table is None:
        raise Problem(
            503,
            "this store has no table of training records: run 'imet-kg import fmtr FILE' "
            "(or 'imet-kg build' over an imported store) to write one",
        )
    return table


async def training_page(request: Request) -> Response:
    site: Site = request.app.state.site
    table = _table(site)
    view = read_view(request.url.query)
    base = f"{site.base(request)}training"

    def gather() -> dict[str, Any]:
        totals = table.totals(view)
        pages = max(1, -(-totals.records // PAGE_ROWS))
        shown = view._replace(page=min(view.page, pages))
        facets = []
        for facet in FACETS:
            values, count = table.facet(view, facet)
            chosen = view.chosen(facet.parameter)
            facets.append(
                {
                    "heading": facet.heading,
                    "parameter": facet.parameter,
                    "count": count,
                    "options": [
                        {
                            "label": value.label,
                            "count": value.records,
                            "chosen": value.chosen,
                            "href": _link(
                                base,
                                view,
                                _page="",
                                **{
                                    facet.parameter: tuple(v for v in chosen if v != value.value)
                                    if value.chosen
                                    else (*chosen, value.value)
                                },
                            ),
                        }
                        for value in values
                    ],
                }
            )
        active = [
            {
                "heading": FACET_BY_PARAMETER[parameter].heading,
                "label": label,
                "href": _link(
                    base, view, _page="", **{parameter: tuple(v for v in values if v != value)}
                ),
            }
            for parameter, values in view.filters
            for value, label in zip(values, table.labels(parameter, values), strict=True)
        ]
        return {
            "totals": totals,
            "pages": pages,
            "view": shown,
            "facets": facets,
            "active": active,
            "rows": [_row(site, request, row) for row in table.rows(shown, PAGE_ROWS)],
        }

    found = await run_in_threadpool(gather)
    shown: View = found["view"]
    query = request.url.query
    return site.page(
        request,
        "training.html",
        **found,
        size=table.size,
        columns=[
            {
                "name": name,
                "label": label,
                "sorted": shown.sort == name,
                "descending": shown.descending,
                "href": _link(
                    base,
                    shown,
                    _sort=name,
                    _desc="1" if shown.sort == name and not shown.descending else "",
                    _page="",
                ),
            }
            for name, label in SORTABLE.items()
        ],
        page_link=lambda number: _link(base, shown, _page=str(number) if number > 1 else ""),
        clear=base,
        downloads=[
            (
                extension.upper(),
                f"{base}.{extension}" + (f"?{_filters_only(query)}" if query else ""),
            )
            for extension in DOWNLOADS
        ],
        permalink=_link(base, shown),
    )


def _filters_only(query: str) -> str:
    """A query without the page's own parameters (a download is the whole view)."""
    pairs = [
        (key, value)
        for key, values in parse_qs(query, keep_blank_values=True).items()
        if key in FACET_BY_PARAMETER
        for value in values
    ]
    return urlencode(pairs)


def _row(site: Site, request: Request, row: dict[str, object]) -> dict[str, object]:
    def local(iri: object) -> str:
        return site.local(request, str(iri)) if iri else ""

    country = f"{BASE}id/country/{row['country']}" if row["country"] else ""
    edition = str(row["edition"])
    return {
        **row,
        "href": local(row["record"]),
        "country_href": local(country),
        "place_href": local(row["place"]),
        "edition_href": local(f"{BASE}id/source/fmtr-{edition}") if edition else "",
        "cited": f"FMTR {edition}" + (f", p. {row['page']}" if row["page"] is not None else ""),
        "dates": " to ".join(str(row[k]) for k in ("start_date", "end_date") if row[k]),
    }


async def training_download(request: Request) -> Response:
    site: Site = request.app.state.site
    table = _table(site)
    extension = request.path_params["extension"]
    if extension not in DOWNLOADS:
        raise Problem(404, f"the records download as {' or '.join(DOWNLOADS)}, not {extension!r}")
    view = read_view(request.url.query)
    if view.page > 1:
        raise Problem(400, "parameter '_page' is for the page, not a download")
    writer = _csv_chunks if extension == "csv" else _json_chunks

    def chunks() -> Iterator[bytes]:
        return writer(table.all_rows(view))

    stream = await site.downloads.produce(chunks, wait=site.limits.seconds)
    return StreamingResponse(
        stream,
        media_type=DOWNLOADS[extension],
        headers={"Content-Disposition": f'attachment; filename="imet-training.{extension}"'},
    )


_KEPT = [COLUMNS.index(column) for column in DOWNLOAD_COLUMNS]
_BATCH = 500


def _csv_chunks(rows: Iterator[tuple[object, ...]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(DOWNLOAD_COLUMNS)
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if row[i] is None else row[i] for i in _KEPT])
        if count % _BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _json_chunks(rows: Iterator[tuple[object, ...]]) -> Iterator[bytes]:
    parts = ["["]
    for count, row in enumerate(rows):
        record = {DOWNLOAD_COLUMNS[n]: row[i] for n, i in enumerate(_KEPT)}
        parts.append(("," if count else "") + "\n" + json.dumps(record, ensure_ascii=False))
        if len(parts) >= _BATCH:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("\n]\n")
    yield "".join(parts).encode("utf-8")
