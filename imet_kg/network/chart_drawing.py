"""The charts as pictures for reports (SVG or PNG, drawn by matplotlib from the same data the
pages draw): text stays text in SVG, every event is labelled with its date and kind, and the
caption names the source."""

from __future__ import annotations

import io
import textwrap
from typing import Any

INK, OFFICIAL, EVENT, AI, LOST = "#1f4e79", "#b5651d", "#a4161a", "#8a8a8a", "#f3e3c3"
PALETTE = [
    "#4e79a7",
    "#f28e2c",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc949",
    "#af7aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ab",
]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "imet-kg"  # the same picture, the same bytes
    import matplotlib.pyplot as plt

    return plt


def _fiscal_ticks(axes: Any, years: list[int]) -> None:
    step = 2 if max(years) - min(years) > 12 else 1
    ticks = list(range(min(years), max(years) + 1, step))
    axes.set_xticks(ticks, [f"FY{year}" for year in ticks], fontsize=8)
    axes.set_xlim(min(years) - 0.6, max(years) + 0.6)


def _money(value: float, _position: object = None) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:g}{suffix}"
    return f"${value:g}"


def _finish(plt: Any, figure: Any, caption: str, image_format: str) -> bytes:
    figure.text(0.01, 0.01, "\n".join(textwrap.wrap(caption, 160)), fontsize=7, color="#555")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format, dpi=150, metadata=_metadata(image_format))
    plt.close(figure)
    return buffer.getvalue()


def _metadata(image_format: str) -> dict[str, Any]:
    # no creation date in the file: the same chart is the same file
    return {"Date": None} if image_format == "svg" else {}


def draw_country(chart: dict[str, Any], image_format: str) -> bytes:
    """Students and reported cost by fiscal year: line items (line), official totals
    (diamonds), lost years shaded, dated events as dashed lines labelled at the top."""
    from matplotlib.ticker import FuncFormatter

    plt = _pyplot()
    years = [entry["year"] for entry in chart["years"]]
    rows = max((event["row"] for event in chart["events"]), default=-1) + 1
    figure, panels = plt.subplots(2, 1, figsize=(12, 7.2 + 0.3 * rows), sharex=True)
    panels_spec = (
        ("students", "officialStudents", "students"),
        ("cost", "officialCost", "reported cost (US$)"),
    )
    for axes, (measure, official, label) in zip(panels, panels_spec, strict=True):
        for entry in chart["years"]:
            if entry["status"] == "no data":
                axes.axvspan(entry["year"] - 0.5, entry["year"] + 0.5, color=LOST, zorder=0)
        known = [(e["year"], e[measure]) for e in chart["years"] if e[measure] is not None]
        axes.plot(
            *zip(*known, strict=True),
            color=INK,
            marker="o",
            markersize=3.5,
            linewidth=2,
            label="line items",
        )
        totals = [(e["year"], e[official]) for e in chart["years"] if e[official] is not None]
        if totals:
            axes.scatter(
                *zip(*totals, strict=True),
                marker="D",
                s=36,
                facecolors="none",
                edgecolors=OFFICIAL,
                linewidths=1.5,
                zorder=3,
                label="official total",
            )
        top = max([value for _, value in known + totals] or [1]) * 1.1
        axes.set_ylim(0, top)
        for event in chart["events"]:
            colour = AI if event["aiOnly"] else EVENT
            axes.axvline(event["x"], color=colour, linestyle="--", linewidth=1.2)
        axes.set_ylabel(label)
        axes.grid(axis="y", color="#e5e5e5")
        if measure == "cost":
            axes.yaxis.set_major_formatter(FuncFormatter(_money))
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    for event in chart["events"]:
        panels[0].annotate(
            f"{event['kind']} {event['date']}",
            (event["x"], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4 + 11 * (rows - 1 - event["row"])),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            color=AI if event["aiOnly"] else EVENT,
            annotation_clip=False,
        )
    panels[0].legend(loc="upper left", fontsize=8, frameon=False)
    _fiscal_ticks(panels[1], years)
    panels[1].set_xlabel("US fiscal year (October to September)")
    figure.suptitle(chart["title"], x=0.01, ha="left", fontsize=12)
    figure.subplots_adjust(left=0.08, right=0.98, top=0.9 - 0.025 * rows, bottom=0.12, hspace=0.15)
    sources = sorted({source["title"] for event in chart["events"] for source in event["sources"]})
    caption = f"Source: {chart['source']}."
    if sources:
        caption += " Events: " + "; ".join(sources) + "."
    if chart["undatedEvents"]:
        caption += f" {chart['undatedEvents']} undated events are not marked."
    return _finish(plt, figure, caption, image_format)


def draw_school(chart: dict[str, Any], image_format: str) -> bytes:
    """Students by fiscal year, stacked by country (the countries with the most first)."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(12, 5.5))
    years = sorted({bar["year"] for bar in chart["bars"]})
    base = dict.fromkeys(years, 0)
    for index, country in enumerate(chart["order"]):
        heights = dict.fromkeys(years, 0)
        for bar in chart["bars"]:
            if bar["country"] == country:
                heights[bar["year"]] = bar["students"]
        axes.bar(
            years,
            [heights[y] for y in years],
            bottom=[base[y] for y in years],
            color=PALETTE[index % len(PALETTE)],
            label=country,
            width=0.85,
        )
        for year in years:
            base[year] += heights[year]
    axes.set_ylabel("students")
    axes.legend(
        fontsize=8,
        frameon=False,
        ncol=min(5, len(chart["order"])),
        loc="upper left",
        bbox_to_anchor=(0, 1.12),
    )
    axes.grid(axis="y", color="#e5e5e5")
    axes.set_axisbelow(True)
    _fiscal_ticks(axes, years)
    figure.suptitle(chart["title"], x=0.01, ha="left", fontsize=12)
    figure.subplots_adjust(left=0.07, right=0.98, top=0.82, bottom=0.15)
    return _finish(plt, figure, f"Source: {chart['source']}.", image_format)


def draw_programme(chart: dict[str, Any], image_format: str) -> bytes:
    """The programme's students and reported cost by fiscal year; floors in orange."""
    from matplotlib.ticker import FuncFormatter

    plt = _pyplot()
    figure, panels = plt.subplots(2, 1, figsize=(12, 7), sharex=True)
    years = [entry["year"] for entry in chart["years"]]
    colours = [OFFICIAL if e["short"] or e["lost"] else INK for e in chart["years"]]
    for axes, (measure, label) in zip(
        panels, (("students", "students"), ("cost", "reported cost (US$)")), strict=True
    ):
        axes.bar(years, [e[measure] or 0 for e in chart["years"]], color=colours, width=0.85)
        axes.set_ylabel(label)
        axes.grid(axis="y", color="#e5e5e5")
        axes.set_axisbelow(True)
        if measure == "cost":
            axes.yaxis.set_major_formatter(FuncFormatter(_money))
    _fiscal_ticks(panels[1], years)
    figure.suptitle(chart["title"], x=0.01, ha="left", fontsize=12)
    figure.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.13, hspace=0.12)
    floors = ", ".join(f"FY{e['year']}" for e in chart["years"] if e["short"] or e["lost"])
    caption = f"Source: {chart['source']}."
    if floors:
        caption += f" Orange (a floor): {floors}."
    return _finish(plt, figure, caption, image_format)
