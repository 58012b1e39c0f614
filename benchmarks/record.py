"""What a benchmark ran on, and where its results are written."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from importlib.metadata import version
from pathlib import Path


def machine() -> dict[str, object]:
    memory = 0
    try:
        with Path("/proc/meminfo").open(encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pyoxigraph": version("pyoxigraph"),
        "oxigraph": version("oxigraph"),
        "imet_kg": version("imet-kg"),
    }


def header(kind: str) -> dict[str, object]:
    """What every results file starts with: the kind of run, when, and on what."""
    return {
        "benchmark": kind,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }


RESULTS = Path(__file__).resolve().parent / "results"


def save(kind: str, report: dict[str, object], markdown: str) -> None:
    """Write a run as benchmarks/results/KIND-DATE.json and .md, and print the Markdown."""
    RESULTS.mkdir(exist_ok=True)
    stem = f"{kind}-{dt.date.today().isoformat()}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (RESULTS / f"{stem}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
