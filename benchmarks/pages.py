"""Page latency on the full store, as an analyst meets it: `imet-kg serve` is started on the
store, and each page of the explorer (a country with its chart, a school, a unit, the record
browser with and without filters, saved queries as pages, search, the SPARQL editor) is asked
for once (the first request, which may compute what later ones reuse), then many times more
without validators (the server computing the page each time, or answering from its answer
cache), and once with the ETag the first answer gave (304). The target is a page in under
300 ms at p50 after the first request. Writes benchmarks/results/pages-DATE.*.

    python -m benchmarks.pages [--store PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.http_client import Client, free_port, process
from benchmarks.record import header, save
from imet_kg.layout import default_layout
from imet_kg.store.persistent import default_store

TARGETS = {"page p50 ms": 300.0}
PAGES = [
    "/",
    "/id/country/PK",
    "/id/country/EG",
    "/id/school/whinsec",
    "/id/unit/NG/guards-brigade",
    "/training",
    "/training?country=SA",
    "/training?country=PK&year=2018",
    "/training?year=2019&_sort=students&_desc=1",
    "/training?course=ENGLISH+LANGUAGE&_page=3",
    "/queries",
    "/queries/country-training?country=EG",
    "/queries/school-ranking?year=2019",
    "/queries/course-catalogue?_sort=totalStudents&_desc=1",
    "/search?q=lackland",
    "/sparql",
]


def timed(client: Client, path: str, headers: dict[str, str] | None = None) -> tuple[float, Any]:
    started = time.perf_counter()
    reply = client.exchange("GET", path, headers={"Accept": "text/html", **(headers or {})})
    return (time.perf_counter() - started) * 1000, reply


def measure(port: int, repeat: int, pages: list[str]) -> list[dict[str, object]]:
    client = Client("127.0.0.1", port)
    rows: list[dict[str, object]] = []
    for path in pages:
        first, reply = timed(client, path)
        if reply.status != 200:
            raise RuntimeError(f"{path} answered {reply.status}: {reply.body[:200]!r}")
        times = sorted(timed(client, path)[0] for _ in range(repeat))
        etag = reply.headers.get("etag")  # none on /sparql: the endpoint is never cached
        revalidated, again = timed(client, path, {"If-None-Match": etag} if etag else None)
        rows.append(
            {
                "page": path,
                "bytes": len(reply.body),
                "first_ms": round(first, 1),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
                "304_ms": round(revalidated, 1),
                "304": again.status == 304,
            }
        )
    return rows


def run(store: Path, repeat: int, pages: list[str] | None = None) -> dict[str, object]:
    port = free_port()
    command = [sys.executable, "-m", "imet_kg.cli.commands", "--store", str(store), "serve"]
    command += ["--port", str(port)]
    with process(command, port, "/"):
        rows = measure(port, repeat, pages or PAGES)
    worst = max(float(str(row["p50_ms"])) for row in rows)
    return {
        **header("pages"),
        "store": str(store.resolve()),
        "figures": {"pages": rows, "page p50 ms": worst},
        "targets": TARGETS,
    }


def markdown(report: dict[str, Any]) -> str:
    figures = report["figures"]
    lines = [
        f"# Page latency, {report['date']}",
        "",
        f"Machine: {report['machine']}.",
        "",
        "| page | bytes | first ms | p50 ms | p95 ms | 304 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in figures["pages"]:
        lines.append(
            f"| `{row['page']}` | {row['bytes']:,} | {row['first_ms']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['304_ms'] if row['304'] else 'no 304'} |"
        )
    lines += [
        "",
        f"Worst p50 after the first request: {figures['page p50 ms']} ms (target: under "
        f"{report['targets']['page p50 ms']:g} ms).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=30)
    arguments = parser.parse_args()
    store = arguments.store or default_store(default_layout())
    report = run(store, arguments.repeat)
    save("pages", report, markdown(report))


if __name__ == "__main__":
    main()
