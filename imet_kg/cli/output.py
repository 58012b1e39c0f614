"""Rows written to standard output as they arrive, for the `query` command and its quick
form alike (neither imports the other)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from imet_kg.query.run import RowStream

# Row formats printed as the rows arrive; a table, Markdown and XML are written whole (a
# table measures its columns first, XML declares its version from every value).
STREAMED = ("json", "csv", "tsv")


def write_rows(answer: RowStream, answer_format: str) -> None:
    """The rows in a streamed SPARQL results format (json, csv, tsv), each batch printed as
    it is read: the first row before the last is computed."""
    from imet_kg.query.results import result_chunks

    sys.stdout.flush()
    output = sys.stdout.buffer
    for chunk in result_chunks(answer.variables, answer.rows, answer_format):
        output.write(chunk)
        output.flush()
