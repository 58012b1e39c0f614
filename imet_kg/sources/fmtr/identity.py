"""Stable names for imported records: a record's IRI comes from what the record is, not from
where it sits in the file, so that a corrected or extended source file keeps the IRI of every
record it did not change (an IRI never changes once published).

A name is the report edition, the page and a digest of the row's content (every column but
the upstream file path); exact duplicate rows, which are separate line items, are told apart
by their occurrence: the second is `...-2`, the third `...-3`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping

UNNAMED_COLUMNS = frozenset({"source_path"})  # where upstream's extraction put the row


class RecordNames:
    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()
        # The named columns in order, for each order of columns a row has (one: the header's).
        self._columns: dict[tuple[str, ...], list[str]] = {}

    def name(self, row: Mapping[str, str]) -> str:
        edition = _slug(row["report_fy"]) or "no-edition"
        page = _slug(row["page_number"]) or "no-page"
        given = tuple(row)
        columns = self._columns.get(given)
        if columns is None:
            columns = self._columns[given] = [c for c in sorted(row) if c not in UNNAMED_COLUMNS]
        content = "\x1f".join([f"{column}={row[column]}" for column in columns])
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
        base = f"fmtr-{edition}-p{page}-{digest}"
        self._seen[base] += 1
        occurrence = self._seen[base]
        return base if occurrence == 1 else f"{base}-{occurrence}"


_NOT_SLUG = re.compile(r"[^0-9A-Za-z]+")


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.strip()).strip("-").lower()
