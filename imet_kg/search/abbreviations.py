"""The abbreviations of the reports' printed names (graph/units/abbreviations.tsv): how a unit's
printed name is read into its key at import, and how a search widens a word a person types
("bde" finds "brigade" too)."""

from __future__ import annotations

import csv
from pathlib import Path

from imet_kg.errors import ImetKgError

ABBREVIATIONS = Path("units") / "abbreviations.tsv"


def read_abbreviations(graph_dir: Path) -> dict[str, tuple[str, ...]]:
    """Each abbreviation (case folded) with the words it stands for; an error naming the
    file and row for a row without both, or a word listed twice."""
    table = graph_dir / ABBREVIATIONS
    if not table.is_file():
        raise ImetKgError(f"{table}: the abbreviations table is missing")
    lines = [
        line for line in table.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    expansions: dict[str, tuple[str, ...]] = {}
    for number, row in enumerate(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE), 2):
        printed = (row.get("printed") or "").strip().casefold()
        expansion = tuple((row.get("expansion") or "").casefold().split())
        if not printed or not expansion:
            raise ImetKgError(f"{table}: row {number} needs a printed word and its expansion")
        if printed in expansions:
            raise ImetKgError(f"{table}: row {number}: {printed!r} is listed twice")
        expansions[printed] = expansion
    return expansions
