"""A chart for the command line: the entity named, its data, its picture."""

from __future__ import annotations

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.namespaces import prefixes
from imet_kg.network import chart_data as data
from imet_kg.network import chart_drawing as drawing
from imet_kg.query.binding import resolve_entity
from imet_kg.query.saved import Parameter
from imet_kg.sparql import internal_query
from imet_kg.store.queryable import QueryableGraph

CHART_FORMATS = ("svg", "png")


def render_training(
    graph: QueryableGraph,
    layout: Layout,
    image_format: str,
    *,
    country: str | None = None,
    school: str | None = None,
) -> bytes:
    """The training chart of a country, of a school (or any place that trains), or, with
    neither, of the whole programme, as SVG or PNG."""
    if image_format not in CHART_FORMATS:
        raise ImetKgError(f"a chart is drawn as {' or '.join(CHART_FORMATS)}, not {image_format}")
    names = prefixes(layout.context_file)
    if country and school:
        raise ImetKgError("give --country or --school, not both")
    if country:
        node = resolve_entity(
            graph, Parameter("country", "entity", class_name="imet:Country"), country, names
        )
        label = graph.label(node) or country
        chart = data.country_training(graph, layout, node, label)
        if not chart["years"]:
            raise ImetKgError(f"{label} has no training figures: run 'imet-kg import fmtr' first")
        return drawing.draw_country(chart, image_format)
    if school:
        node = resolve_entity(graph, Parameter("school", "entity"), school, names)
        label = graph.label(node) or school
        rows = graph.select(
            internal_query("resource-place-years"), substitutions={"_entity": node}
        ).dicts()
        chart = data.school_training(data.place_rows(graph, rows), label)
        if not chart["bars"]:
            raise ImetKgError(f"no training is placed at {label} in the imported records")
        return drawing.draw_school(chart, image_format)
    chart = data.programme_training(graph)
    if not chart["years"]:
        raise ImetKgError("no training figures: run 'imet-kg import fmtr' first")
    return drawing.draw_programme(chart, image_format)
