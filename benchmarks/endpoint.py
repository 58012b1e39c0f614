"""The public server on the full store beside Oxigraph's own server on the same store.

Starts `imet-kg serve` and `oxigraph serve-read-only --union-default-graph` on one store
directory, drives both with wrk (a C load generator, Debian's `wrk`) at 16 connections, and
records throughput and p50/p99 latency for three workloads, each rotating over the same
requests on both servers:

- lookup: `SELECT ?p ?o WHERE { <entity> ?p ?o }` for 200 distinct entities (JSON results);
- describe: `DESCRIBE <entity>` for the same entities (N-Triples);
- aggregate: a light GROUP BY over the agencies (JSON results).

Beside them: how long `serve` takes to answer its first query, its memory when idle (the
proportional set size of the server and its query processes, shared pages counted once),
and the p50 of every kind of `/id/` page as HTML, one client at a time.

wrk speaks from one address, so imet-kg runs with `--client-queries 16`: the per-address cap
on concurrent queries (one by default on two cores) would otherwise queue every connection
behind one query. Each workload is run once untimed first, so that both servers have read
the store and imet-kg's workers have parsed each text, then three times on each server in
turn; the round with the median ratio is kept, and every round's ratio recorded.

    python -m benchmarks.endpoint [--store DIR] [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

from benchmarks.http_client import free_port, process
from benchmarks.record import header, save

TARGET_RATIO = 0.3
TARGETS = {
    "throughput ratio to Oxigraph's server": TARGET_RATIO,
    "serve start seconds": 2.0,
    "idle memory MiB": 150.0,
    "/id/ page p50 ms": 100.0,
}
ENTITIES = """
PREFIX imet: <https://w3id.org/imet-kg/ontology#>
SELECT ?entity WHERE {
  ?entity a ?type .
  VALUES ?type { imet:Country imet:Agency imet:School imet:Act imet:Programme }
} ORDER BY ?entity LIMIT 200
"""
AGGREGATE = (
    "PREFIX imet: <https://w3id.org/imet-kg/ontology#> "
    "SELECT ?p (COUNT(?o) AS ?n) WHERE { ?s a imet:Agency ; ?p ?o } GROUP BY ?p"
)
JSON_RESULTS = "application/sparql-results+json"
ROUNDS = 3  # of each workload, each server in turn
N_TRIPLES = "application/n-triples"
# The pages of every kind that reads the records or their figures, each the largest of its
# kind on the full store (the programme is named by every record, the staff college has the
# most figures): (label, path under the site).
PAGE_KINDS = {
    "country": "/id/country/PK",
    "agency": "/id/agency/dod",
    "school": "/id/school/whinsec",
    "school (most figures)": "/id/school/command-and-general-staff-college",
    "place": "/id/place/fort-benning",
    "programme": "/id/programme/imet",
    "report edition": "/id/source/fmtr-2008-2009",
    "data set": "/id/dataset/fmtr-place-country-year",
    "training record": "/id/training/fmtr-2008-2009-p24-9a4216ae080edaf5",
    "figure": "/id/aggregate/fmtr-country-year-PK-2019",
}
_LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url_paths: list[str], port: int, accept: str, seconds: float, connections: int
) -> dict[str, float]:
    """Throughput and latency of wrk sending `url_paths` in turn to 127.0.0.1:port."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            "paths = {"
            + ",".join(json.dumps(path) for path in url_paths)
            + "}\ni = 0\nrequest = function()\n  i = i % #paths + 1\n"
            f'  return wrk.format("GET", paths[i], {{["Accept"] = "{accept}"}})\nend\n'
        )
    try:
        command = [
            "wrk",
            "--latency",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    figures: dict[str, float] = {}
    for quantile, value, unit in _LATENCY.findall(output):
        figures[f"p{quantile}_ms"] = round(float(value) * _UNITS[unit], 2)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    done = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if rate is None or done is None:
        raise RuntimeError(f"wrk printed no rate:\n{output}")
    figures["throughput_per_s"] = float(rate.group(1))
    figures["requests"] = int(done.group(1))
    figures["errors"] = int(errors.group(1)) if errors else 0
    if socket_errors:
        figures["socket errors"] = socket_errors.group(1)  # type: ignore[assignment]
    return figures


def memory_mib(pid: int) -> float:
    """The proportional set size of a process and its descendants, in MiB."""
    total = 0
    for member in [pid, *descendants(pid)]:
        try:
            text = Path(f"/proc/{member}/smaps_rollup").read_text(encoding="utf-8")
        except OSError:
            continue
        found = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
        total += int(found.group(1)) if found else 0
    return round(total / 1024, 1)


def descendants(pid: int) -> list[int]:
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += [int(child), *descendants(int(child))]
    return found


def page_p50(port: int, path: str, seconds: float) -> float:
    figures = wrk([path], port, "text/html", seconds, 1)
    if figures["errors"] or not figures["requests"] or "socket errors" in figures:
        raise RuntimeError(f"{path} answered no page or errors: {figures}")
    return float(figures["p50_ms"])


def run(store: Path, seconds: float, connections: int) -> dict[str, object]:
    if shutil.which("wrk") is None:
        raise SystemExit("the endpoint benchmark needs wrk (Debian: apt-get install wrk)")
    store = store.resolve()
    probe = "/sparql?query=" + urllib.parse.quote("ASK {}")
    snapshot = ox.Store.read_only(str(store))
    entities = [row[0].value for row in snapshot.query(ENTITIES, use_default_graph_as_union=True)]  # type: ignore[union-attr]
    del snapshot
    lookups = [f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}" for iri in entities]
    describes = [f"DESCRIBE <{iri}>" for iri in entities]
    workloads = {
        "lookup": (lookups, JSON_RESULTS),
        "describe": (describes, N_TRIPLES),
        "aggregate": ([AGGREGATE], JSON_RESULTS),
    }
    ours, theirs = free_port(), free_port()
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    imet = [sys.executable, "-m", "imet_kg.cli.commands", "--store", str(store)]
    imet += ["serve", "--port", str(ours), "--client-queries", str(connections)]
    oxigraph = [binary, "serve-read-only", "--location", str(store)]
    oxigraph += ["--bind", f"127.0.0.1:{theirs}", "--union-default-graph"]
    results: dict[str, dict[str, object]] = {}
    figures: dict[str, object] = {"entities": len(entities), "connections": connections}
    began = time.perf_counter()
    with process(imet, ours, probe) as server:
        figures["serve start seconds"] = round(time.perf_counter() - began, 2)
        time.sleep(1.0)
        figures["idle memory MiB"] = memory_mib(server.pid)
        with process(oxigraph, theirs, probe.replace("/sparql", "/query")) as other:
            figures["Oxigraph idle memory MiB"] = memory_mib(other.pid)
            for name, (texts, accept) in workloads.items():
                ours_paths = ["/sparql?query=" + urllib.parse.quote(t) for t in texts]
                theirs_paths = ["/query?query=" + urllib.parse.quote(t) for t in texts]
                for port, paths in ((ours, ours_paths), (theirs, theirs_paths)):
                    wrk(paths, port, accept, max(2.0, seconds / 4), connections)  # warm-up
                # Rounds taken in turn, the median round kept: the machine's drift between
                # two runs moves either server's rate by a tenth or more.
                rounds = []
                for _ in range(ROUNDS):
                    mine = wrk(ours_paths, ours, accept, seconds, connections)
                    other_figures = wrk(theirs_paths, theirs, accept, seconds, connections)
                    ratio = mine["throughput_per_s"] / other_figures["throughput_per_s"]
                    rounds.append((ratio, mine, other_figures))
                rounds.sort(key=lambda kept: kept[0])
                ratio, mine, other_figures = rounds[len(rounds) // 2]
                results[name] = {
                    "imet-kg": mine,
                    "Oxigraph": other_figures,
                    "ratio": round(ratio, 3),
                    "round ratios": [round(kept[0], 3) for kept in rounds],
                }
        figures["memory after load MiB"] = memory_mib(server.pid)
        figures["/id/ page p50 ms"] = {
            kind: page_p50(ours, path, max(2.0, seconds / 3)) for kind, path in PAGE_KINDS.items()
        }
    return {
        **header("endpoint"),
        "store": str(store),
        "figures": figures,
        "workloads": results,
        "targets": TARGETS,
    }


def markdown(report: dict[str, object]) -> str:
    figures = report["figures"]
    workloads = report["workloads"]
    assert isinstance(figures, dict)
    assert isinstance(workloads, dict)
    lines = [
        f"# Endpoint run, {report['date']}",
        "",
        f"Machine: {json.dumps(report['machine'])}. Store: {report['store']}. "
        f"{figures['connections']} connections (wrk), {figures['entities']} distinct entities.",
        "",
        "| workload | imet-kg (req/s) | Oxigraph (req/s) | ratio | target | imet-kg p50 / p99 (ms) "
        "| Oxigraph p50 / p99 (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rounds = ""
    for name, row in workloads.items():
        mine, other = row["imet-kg"], row["Oxigraph"]
        lines.append(
            f"| {name} | {mine['throughput_per_s']:g} | {other['throughput_per_s']:g} | "
            f"{row['ratio']} | {TARGET_RATIO} | {mine['p50_ms']} / {mine['p99_ms']} | "
            f"{other['p50_ms']} / {other['p99_ms']} |"
        )
        if "round ratios" in row:
            rounds += f" {name}: {', '.join(str(r) for r in row['round ratios'])}."
    if rounds:
        lines += [
            "",
            f"Each workload's median of {ROUNDS} rounds, the servers in turn; ratios:{rounds}",
        ]
    lines += ["", "| figure | value | target |", "| --- | ---: | ---: |"]
    for key in ("serve start seconds", "idle memory MiB", "Oxigraph idle memory MiB"):
        lines.append(f"| {key} | {figures[key]} | {TARGETS.get(key, '')} |")
    lines.append(f"| memory after load MiB | {figures['memory after load MiB']} | |")
    for kind, value in figures["/id/ page p50 ms"].items():
        lines.append(f"| /id/ page p50 ms: {kind} | {value} | {TARGETS['/id/ page p50 ms']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store", type=Path, default=Path(".imet-kg/store"))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    arguments = parser.parse_args()
    report = run(arguments.store, arguments.seconds, arguments.connections)
    save("endpoint", report, markdown(report))


if __name__ == "__main__":
    main()
