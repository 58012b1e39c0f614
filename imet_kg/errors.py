"""Exceptions the library raises; each carries the exit status the command line uses."""

from __future__ import annotations

from pathlib import Path

EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


class ImetKgError(Exception):
    """An error the user can act on: bad input, a missing file, a broken query."""


class RdfSyntaxError(ImetKgError):
    """An RDF file that does not parse, with the position of the first error."""

    def __init__(self, path: Path, line: int | None, column: int | None, detail: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.detail = detail
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {detail}")


class SparqlError(ImetKgError):
    """A SPARQL text that does not parse or cannot run, with the position when known."""

    def __init__(
        self, origin: str, detail: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.origin = origin
        self.detail = detail
        self.line = line
        self.column = column
        where = f"{origin}:{line}:{column}" if line is not None else origin
        super().__init__(f"{where}: {detail}")
