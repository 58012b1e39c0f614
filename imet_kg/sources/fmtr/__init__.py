"""The Foreign Military Training Reports (FY1999-FY2020, IMET subset, as extracted by
Security Force Monitor, CC BY 4.0): records read and classified (line items, total lines,
proposed training), countries and places resolved by curated tables under graph/, official
totals and known gaps kept as data, and the figures per country, place, course and region
computed once at import as Data Cube observations.

Contract: `import_fmtr(records, layout)` returns an ImportSummary (coverage by rows and
students, classification counts) or raises with the file, line and column at fault; the
store is replaced only when every record validated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imet_kg.lazy import lazy_exports

if TYPE_CHECKING:
    from imet_kg.sources.fmtr.importer import ImportSummary, import_fmtr
    from imet_kg.sources.fmtr.records import default_records_path

_EXPORTS = {
    "import_fmtr": "imet_kg.sources.fmtr.importer",
    "ImportSummary": "imet_kg.sources.fmtr.importer",
    "default_records_path": "imet_kg.sources.fmtr.records",
}

__all__ = [
    "ImportSummary",
    "default_records_path",
    "import_fmtr",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
