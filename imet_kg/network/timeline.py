"""A country's events on a time axis, from the `country-timeline` saved query: dated events
at their date (a decade as a span), undated ones just after the event their source says
they followed, labels staggered so that they do not overlap."""

from __future__ import annotations

import html
import io
import re
import textwrap
from dataclasses import dataclass

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.media import PICTURE, names
from imet_kg.namespaces import prefixes
from imet_kg.network.pages import fill
from imet_kg.network.style import edge_style
from imet_kg.query.binding import resolve_entity
from imet_kg.query.run import run_saved_query
from imet_kg.query.saved import Parameter
from imet_kg.store.graph import QueryResult
from imet_kg.store.queryable import QueryableGraph
from imet_kg.terms import term_text

TIMELINE_FORMATS = names(PICTURE)


@dataclass(frozen=True)
class TimelineEvent:
    when: str
    kinds: str
    kind: str
    summary: str
    sources: str
    event: str
    follows: str
    date_text: str

    @property
    def decade(self) -> bool:
        return self.when.endswith("s")


def timeline_events(graph: QueryableGraph, layout: Layout, country: str) -> list[TimelineEvent]:
    """The country's events in date order; an error when there are none."""
    events = country_events(graph, layout, country)
    if not events:
        raise ImetKgError(f"no events are recorded for {country!r}")
    return events


def country_events(graph: QueryableGraph, layout: Layout, country: str) -> list[TimelineEvent]:
    """The country's events in date order (the country-timeline saved query), maybe none."""
    _, answer = run_saved_query(graph, layout, "country-timeline", {"country": country})
    if not isinstance(answer, QueryResult):
        raise ImetKgError("country-timeline must be a SELECT query")
    return [
        TimelineEvent(
            when=term_text(row["when"]),
            kinds=term_text(row["kinds"]),
            kind=term_text(row["kind"]),
            summary=term_text(row["summary"]),
            sources=term_text(row["sources"]),
            event=term_text(row["event"]),
            follows=term_text(row["follows"]),
            date_text=term_text(row["dateText"]),
        )
        for row in answer.dicts()
    ]


def position(when: str) -> float | None:
    """A date as a fractional year: 2018-08 is 2018.625; a decade sits at its middle."""
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(s)?$", when)
    if not match:
        return None
    year = int(match.group(1))
    if match.group(4):
        return year + 5.0
    if match.group(2):
        month = int(match.group(2))
        day = int(match.group(3) or 15)
        return year + (month - 1) / 12 + (day - 1) / 365
    return year + 0.5


def place(events: list[TimelineEvent]) -> list[tuple[TimelineEvent, float, bool]]:
    """Each event with its x position and whether the position is only 'after another'."""
    placed: dict[str, float] = {}
    result = []
    for event in events:
        x = position(event.when)
        inferred = x is None
        if x is None:
            x = placed.get(event.follows, max(placed.values(), default=2000.0)) + 0.6
        placed[event.event] = x
        result.append((event, x, inferred))
    return result


def draw(events: list[TimelineEvent], title: str, image_format: str) -> bytes:
    """One row per event, in order, so that no two labels can overlap."""
    import matplotlib

    matplotlib.use("Agg")
    # Text stays text in SVG, so that it can be searched, selected and read aloud.
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt

    placed = place(events)
    xs = [x for _, x, _ in placed]
    low, high = min(xs) - 6, max(xs) + 2
    figure, axes = plt.subplots(figsize=(13, 1.2 + 0.85 * len(placed)))
    for row, (event, x, inferred) in enumerate(placed):
        y = len(placed) - row
        colour = edge_style(event.kind)["color"]
        axes.axhline(y, color="#eeeeee", linewidth=0.8, zorder=0)
        if event.decade:
            axes.plot([x - 5, x + 5], [y, y], color=colour, linewidth=7, alpha=0.35)
        axes.scatter(
            [x],
            [y],
            s=70,
            zorder=3,
            color="white" if inferred else colour,
            edgecolors=colour,
            linewidths=1.6,
        )
        when = event.when or event.date_text or f"after {_short(event.follows)}"
        summary = textwrap.shorten(event.summary, width=110, placeholder="…")
        axes.annotate(
            f"{when}  {event.kinds}\n{summary}\n[{event.sources}]",
            (x, y),
            xytext=(10, 0),
            textcoords="offset points",
            fontsize=8,
            va="center",
            ha="left",
            color="#222",
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": colour, "lw": 0.8},
            annotation_clip=False,
        )
    axes.set_ylim(0.3, len(placed) + 0.7)
    axes.set_xlim(low, high)
    axes.get_yaxis().set_visible(False)
    for side in ("left", "right", "top"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, fontsize=12, loc="left")
    axes.set_xlabel(
        "year (hollow marker: undated, placed after the event the source says it followed)"
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format, bbox_inches="tight", dpi=110)
    plt.close(figure)
    return buffer.getvalue()


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def timeline_page(events: list[TimelineEvent], title: str) -> str:
    """A self-contained HTML page with the timeline drawn as SVG and its events as a table."""
    svg = draw(events, title, "svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(value)}</td>"
            for value in (event.when or event.date_text, event.kinds, event.summary, event.sources)
        )
        + "</tr>"
        for event in events
    )
    return fill("timeline.html", {"TITLE": html.escape(title), "SVG": svg, "ROWS": rows})


def render_timeline(
    graph: QueryableGraph, layout: Layout, country: str, image_format: str
) -> bytes:
    if image_format not in TIMELINE_FORMATS:
        raise ImetKgError(
            f"unknown timeline format {image_format!r}; use one of {TIMELINE_FORMATS}"
        )
    events = timeline_events(graph, layout, country)
    entity = resolve_entity(
        graph,
        Parameter("country", "entity", class_name="imet:Country"),
        country,
        prefixes(layout.context_file),
    )
    title = f"What happened to {graph.label(entity) or country} in IMET, according to the sources"
    if image_format == "html":
        return timeline_page(events, title).encode("utf-8")
    return draw(events, title, image_format)
