"""The performance page's table of targets is generated from the newest results, and the
page in the repository is in step with the results beside it."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.report import BEGIN, END, PAGE, page_with_targets, targets_table


def test_the_page_is_in_step_with_the_results() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert BEGIN in page
    assert page_with_targets(page) == page, "run python -m benchmarks.report"


def endpoint_results(ratio: float, page_ms: float) -> dict[str, object]:
    side = {"throughput_per_s": 100.0, "p50_ms": 1.0, "p99_ms": 2.0}
    return {
        "targets": {
            "throughput ratio to Oxigraph's server": 0.3,
            "serve start seconds": 2.0,
            "idle memory MiB": 150.0,
            "/id/ page p50 ms": 100.0,
        },
        "workloads": {"lookup": {"imet-kg": side, "Oxigraph": side, "ratio": ratio}},
        "figures": {
            "serve start seconds": 0.8,
            "idle memory MiB": 120.0,
            "/id/ page p50 ms": {"school": page_ms},
        },
    }


def test_the_table_says_which_targets_are_met(tmp_path: Path) -> None:
    """The newest file of a kind counts; a ratio is a floor, a time a ceiling."""
    older = tmp_path / "endpoint-2026-01-01.json"
    older.write_text(json.dumps(endpoint_results(0.9, 10.0)), encoding="utf-8")
    newer = tmp_path / "endpoint-2026-02-01.json"
    newer.write_text(json.dumps(endpoint_results(0.1, 250.0)), encoding="utf-8")
    rows = targets_table(tmp_path).splitlines()
    lookup = next(row for row in rows if row.startswith("| endpoint lookup"))
    assert "| 0.1 | at least 0.3 | **not met** | `endpoint-2026-02-01` |" in lookup
    school = next(row for row in rows if "school page" in row)
    assert "| 250 | at most 100 | **not met** |" in school
    start = next(row for row in rows if "start" in row)
    assert "| 0.8 | at most 2 | met |" in start
    page = f"intro\n{BEGIN}\nold table\n{END}\nrest\n"
    rewritten = page_with_targets(page, tmp_path)
    assert rewritten.startswith(f"intro\n{BEGIN}\n\n| figure |")
    assert rewritten.endswith(f"{END}\nrest\n")
    assert "old table" not in rewritten
