"""Scaling: synthetic records at several multiples of the real data (0.1, 1 and 10 times by
default), each imported, validated and queried in fresh processes, with time and peak memory,
and whether each grows linearly with the number of records. Writes
benchmarks/results/scaling-DATE.*.

    python -m benchmarks.scaling [--scales 0.1,1,10]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.record import header, save
from benchmarks.synthetic import generate
from imet_kg.layout import default_layout
from imet_kg.sources.fmtr.records import default_records_path
from imet_kg.store.versions import versions_dir

# The saved queries that read every record; the others touch the curated graph only.
QUERIES = ("country-training", "school-ranking", "course-catalogue", "event-impact")
# Growth exponents up to this count as linear (1.0 is exactly linear).
LINEAR = 1.15


def import_step(records: Path, store: Path) -> dict[str, float]:
    from imet_kg.sources.fmtr.importer import import_fmtr

    layout = default_layout()
    start = time.perf_counter()
    summary = import_fmtr(layout, records, store)
    return {
        "import seconds": time.perf_counter() - start,
        "records": summary.coverage.rows,
        "triples": summary.triples,
    }


def query_step(store: Path) -> dict[str, float]:
    from imet_kg.query.run import run_saved_query
    from imet_kg.query.saved import load_saved_queries
    from imet_kg.store.persistent import open_store
    from imet_kg.validation.run import validate

    layout = default_layout()
    start = time.perf_counter()
    graph = open_store(store, layout)
    figures = {"store open seconds": time.perf_counter() - start}
    start = time.perf_counter()
    report = validate(graph, layout, engine="compiled")
    figures["full validation seconds"] = time.perf_counter() - start
    if not report.conforms:
        raise SystemExit(f"{store}: the synthetic records break the shapes")
    saved = {query.name: query for query in load_saved_queries(layout.queries_dir)}
    for name in QUERIES:
        values = {p.name: p.example for p in saved[name].parameters if p.required and p.example}
        start = time.perf_counter()
        run_saved_query(graph, layout, name, values)
        figures[f"query seconds: {name}"] = time.perf_counter() - start
    return figures


def in_child(arguments: list[str]) -> tuple[dict[str, float], float]:
    """Run one step in a fresh Python; its figures and its own peak memory in MiB."""
    command = [sys.executable, "-m", "benchmarks.scaling", *arguments]
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdout=output)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
    return json.loads(text), usage.ru_maxrss / 1024  # kilobytes on Linux


def run(records: Path, scales: list[float]) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="imet-kg-scaling-"))
    sizes: list[dict[str, object]] = []
    try:
        for scale in scales:
            tsv = work / f"records-{scale}x.tsv"
            rows = generate(records, scale, tsv)
            store = work / f"store-{scale}x"
            imported, import_memory = in_child(["import", str(tsv), str(store)])
            queried, query_memory = in_child(["query", str(store)])
            disk = sum(path.stat().st_size for path in store.resolve().rglob("*") if path.is_file())
            sizes.append(
                {
                    "scale": scale,
                    "rows": rows,
                    **{key: round(value, 3) for key, value in {**imported, **queried}.items()},
                    "import peak memory MiB": round(import_memory),
                    "query and validation peak memory MiB": round(query_memory),
                    "store MiB on disk": round(disk / 2**20),
                }
            )
            shutil.rmtree(versions_dir(store), ignore_errors=True)  # the store's directories
            store.unlink(missing_ok=True)
            tsv.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        **header("scaling"),
        "records": str(records),
        "sizes": sizes,
        "growth": growth(sizes),
    }


def growth(sizes: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """For each figure, the exponent k in figure ∝ rows^k between the smallest and the largest
    size (1.0 is linear), and whether that counts as linear."""
    if len(sizes) < 2:
        return {}
    first, last = sizes[0], sizes[-1]
    rows = float(str(last["rows"])) / float(str(first["rows"]))
    found: dict[str, dict[str, object]] = {}
    for key, value in first.items():
        if key in ("scale", "rows", "records", "store open seconds") or not isinstance(
            value, int | float
        ):
            continue
        end = last[key]
        assert isinstance(end, int | float)
        if value <= 0 or end <= 0:
            continue
        exponent = math.log(end / value) / math.log(rows)
        found[key] = {"exponent": round(exponent, 2), "linear": exponent <= LINEAR}
    return found


def markdown(report: dict[str, object]) -> str:
    sizes = report["sizes"]
    assert isinstance(sizes, list)
    keys = [key for key in sizes[0] if key != "scale"]
    lines = [
        f"# Scaling run, {report['date']}",
        "",
        f"Machine: {json.dumps(report['machine'])}.",
        "",
        "| figure | " + " | ".join(f"{size['scale']} x" for size in sizes) + " | growth |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | --- |",
    ]
    growth_found = report["growth"]
    assert isinstance(growth_found, dict)
    for key in keys:
        trend = growth_found.get(key)
        note = (
            f"rows^{trend['exponent']} ({'linear' if trend['linear'] else 'faster than linear'})"
            if trend
            else ""
        )
        lines.append(f"| {key} | " + " | ".join(str(size[key]) for size in sizes) + f" | {note} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("import", "query"):
        figures = (
            import_step(Path(sys.argv[2]), Path(sys.argv[3]))
            if sys.argv[1] == "import"
            else query_step(Path(sys.argv[2]))
        )
        print(json.dumps(figures))
        return
    parser = argparse.ArgumentParser(description="Time and memory at several data sizes.")
    parser.add_argument("--records", type=Path, default=default_records_path(default_layout()))
    parser.add_argument("--scales", default="0.1,1,10", help="Comma-separated multiples.")
    parser.add_argument("--no-save", action="store_true", help="Print instead of saving.")
    arguments = parser.parse_args()
    scales = [float(part) for part in arguments.scales.split(",")]
    report = run(arguments.records, scales)
    if arguments.no_save:
        print(json.dumps(report, indent=2))
    else:
        save("scaling", report, markdown(report))


if __name__ == "__main__":
    main()
