"""Search latency on the full store: searches people type (a unit, a school at a base, a
country, a course, a letter or two of type-ahead, a common word), each run many times in one
process against the index beside the store, with p50 and p95; the target is a search under
10 ms. Writes benchmarks/results/search-DATE.*.

    python -m benchmarks.search [--store PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.record import header, save
from imet_kg.layout import default_layout
from imet_kg.search.lookup import SearchIndex
from imet_kg.store.persistent import default_store

TARGETS = {"search p50 ms": 10.0}
# (words, options): what analysts type, from a whole name to the first letters.
SEARCHES: list[tuple[str, dict[str, Any]]] = [
    ("guards brigade", {}),
    ("guards bde", {"country": "NG"}),
    ("lackland", {"kinds": ["school"]}),
    ("school of the americas", {}),
    ("pakistan", {}),
    ("department of defense", {}),
    ("human rights instructor", {}),
    ("fort benning", {}),
    ("army", {}),
    ("army", {"kinds": ["record"]}),
    ("g", {}),
    ("ni", {"kinds": ["country"]}),
    ("defen", {}),
]


def measure(index: SearchIndex, repeat: int) -> list[dict[str, object]]:
    """Each search's p50 and p95 over `repeat` runs after one unmeasured run, with how many
    results it gave."""
    rows: list[dict[str, object]] = []
    for words, options in SEARCHES:
        hits = index.search(words, **options)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            index.search(words, **options)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        rows.append(
            {
                "search": words,
                "options": options,
                "results": len(hits),
                "first": hits[0].label if hits else None,
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
            }
        )
    return rows


def run(store: Path, repeat: int) -> dict[str, object]:
    started = time.perf_counter()
    index = SearchIndex(store)
    opened = (time.perf_counter() - started) * 1000
    try:
        rows = measure(index, repeat)
        size = index.size
    finally:
        index.close()
    worst = max(float(str(row["p50_ms"])) for row in rows)
    return {
        **header("search"),
        "store": str(store.resolve()),
        "figures": {
            "documents": size,
            "open ms": round(opened, 2),
            "searches": rows,
            "search p50 ms": worst,
        },
        "targets": TARGETS,
    }


def markdown(report: dict[str, Any]) -> str:
    figures = report["figures"]
    lines = [
        f"# Search latency, {report['date']}",
        "",
        f"Machine: {report['machine']}.",
        "",
        f"{figures['documents']:,} documents; the index opens in {figures['open ms']} ms.",
        "",
        "| search | options | results | first | p50 ms | p95 ms |",
        "| --- | --- | ---: | --- | ---: | ---: |",
    ]
    for row in figures["searches"]:
        lines.append(
            f"| `{row['search']}` | {row['options'] or ''} | {row['results']} | "
            f"{row['first'] or ''} | {row['p50_ms']} | {row['p95_ms']} |"
        )
    lines += [
        "",
        f"Worst p50: {figures['search p50 ms']} ms (target: at most "
        f"{report['targets']['search p50 ms']:g} ms).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    store = arguments.store or default_store(default_layout())
    report = run(store, arguments.repeat)
    save("search", report, markdown(report))


if __name__ == "__main__":
    main()
