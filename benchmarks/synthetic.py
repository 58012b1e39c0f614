"""Synthetic training records shaped like the real ones, at any multiple of their size.

Each synthetic row takes its country, region, fiscal years, programme and report edition from
one real row, and its course, school or place, dates, students and cost from another real row
of the same training fiscal year. Countries, years, schools and courses so keep the frequencies
they have in the real reports, and each fiscal year keeps its own course catalogue, while the
rows themselves are new combinations. The same seed gives the same file.

    python -m benchmarks.synthetic --scale 10 --output /tmp/records-10x.tsv
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
from collections import defaultdict
from pathlib import Path

from imet_kg.layout import default_layout
from imet_kg.sources.fmtr.records import default_records_path

# What a row says about the course rather than about the country and the report.
COURSE_FIELDS = (
    "course_title",
    "quantity",
    "quantity_raw",
    "total_cost_usd",
    "total_cost_raw",
    "start_date",
    "end_date",
    "location",
    "us_unit",
)


def read_rows(records: Path) -> tuple[list[str], list[dict[str, str]]]:
    with records.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        return list(reader.fieldnames or []), list(reader)


def generate(records: Path, scale: float, output: Path, seed: int = 1999) -> int:
    """Write round(scale * real rows) synthetic rows to `output` (atomically); returns the
    number of rows. The real file's PROVENANCE.json is copied beside it, so that report
    editions keep their addresses."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    header, rows = read_rows(records)
    missing = [name for name in COURSE_FIELDS if name not in header]
    if missing:
        raise ValueError(f"{records}: no column {', '.join(missing)}")
    courses: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        courses[row["training_fy"]].append(row)
    count = round(len(rows) * scale)
    rng = random.Random(seed)
    output.parent.mkdir(parents=True, exist_ok=True)
    staged = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        with staged.open("w", encoding="utf-8", newline="") as stream:
            # Written as the real file is read: tab-separated, no quoting, quotes kept as text.
            stream.write("\t".join(header) + "\n")
            for _ in range(count):
                base = rng.choice(rows)
                course = rng.choice(courses[base["training_fy"]])
                row = {**base, **{name: course[name] for name in COURSE_FIELDS}}
                stream.write("\t".join(row[name] for name in header) + "\n")
        staged.replace(output)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    provenance = records.parent / "PROVENANCE.json"
    if provenance.is_file() and provenance.parent != output.parent:
        shutil.copyfile(provenance, output.parent / "PROVENANCE.json")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description="Write synthetic training records.")
    parser.add_argument("--scale", type=float, required=True, help="Multiple of the real rows.")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--records", type=Path, default=default_records_path(default_layout()))
    parser.add_argument("--seed", type=int, default=1999)
    arguments = parser.parse_args()
    rows = generate(arguments.records, arguments.scale, arguments.output, arguments.seed)
    print(f"Wrote {rows} synthetic rows to {arguments.output}")


if __name__ == "__main__":
    main()
