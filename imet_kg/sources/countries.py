"""Country resolution driven by the curated table graph/aliases/country-names.tsv: printed
country names to ISO 3166-1 codes (the table first, then pycountry); and the reader of the
curated tables. Training locations resolve in place_resolution."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from imet_kg.errors import ImetKgError


def read_table(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """A tab-separated table whose '#' lines are comments; the named columns are required."""
    if not path.is_file():
        raise ImetKgError(f"{path}: the alias table is missing")
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    for number, row in enumerate(rows, start=2):
        missing = [column for column in columns if not (row.get(column) or "").strip()]
        if missing:
            raise ImetKgError(f"{path}: row {number} has no {missing[0]!r}")
    return rows


@dataclass(frozen=True)
class Country:
    code: str
    name: str


class CountryResolver:
    def __init__(self, table: Path) -> None:
        self.aliases = {
            row["name"]: row["iso"].strip() for row in read_table(table, ("name", "iso"))
        }

    @cache  # noqa: B019 - one resolver per import, a few hundred distinct names
    def resolve(self, printed: str) -> Country | None:
        import pycountry

        code = self.aliases.get(printed)
        if code is None:
            try:
                code = pycountry.countries.lookup(printed).alpha_2
            except LookupError:
                return None
        return self.by_code(code, printed)

    def by_code(self, code: str, fallback: str | None = None) -> Country:
        """The country with the ISO 3166-1 alpha-2 code, named as ISO names it."""
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
        name = getattr(country, "common_name", None) or getattr(country, "name", None)
        return Country(code, name or fallback or code)
