"""Reading a tab-separated source file strictly: a file that does not look like the source
stops the import with the file, line and column of the first problem, before anything is
written. Lines are decoded one at a time, so memory does not grow with the file."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from imet_kg.errors import ImetKgError

MAX_FIELD_CHARACTERS = 8192


class SourceFileError(ImetKgError):
    """A source file that does not look like the source, placed at line and column."""

    def __init__(self, path: Path, line: int, column: int | None, detail: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        where = f"{path}:{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {detail}; nothing was imported")


@dataclass(frozen=True)
class Columns:
    """The columns a file must have (`required`), may have (`optional`), and the form each
    non-empty value of some of them must take."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    forms: Mapping[str, re.Pattern[str]] | None = None

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


def read_tsv(
    path: Path, columns: Columns, *, max_field: int = MAX_FIELD_CHARACTERS
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row with its line number. Raises SourceFileError for a header with a missing
    or unknown column, a line that is not UTF-8, a row with the wrong number of fields, a
    field over `max_field` characters, or a value not of its column's form."""
    forms = columns.forms or {}
    with path.open("rb") as stream:
        header_line = stream.readline()
        if not header_line.strip():
            raise SourceFileError(path, 1, None, "the file is empty: no header, no rows")
        header = _decode(path, 1, header_line).split("\t")
        known = set(columns.required) | set(columns.optional)
        for position, name in enumerate(header, start=1):
            if name not in known:
                raise SourceFileError(path, 1, position, f"unknown column {name!r}")
        for name in columns.required:
            if name not in header:
                raise SourceFileError(path, 1, None, f"the header has no {name!r} column")
        for number, raw in enumerate(stream, start=2):
            text = _decode(path, number, raw)
            if not text:
                continue  # a blank line (a trailing newline at the end of the file)
            fields = text.split("\t")
            if len(fields) != len(header):
                raise SourceFileError(
                    path, number, None, f"{len(fields)} fields where the header has {len(header)}"
                )
            row = dict(zip(header, fields, strict=True))
            for position, (name, value) in enumerate(row.items(), start=1):
                if len(value) > max_field:
                    raise SourceFileError(
                        path,
                        number,
                        position,
                        f"the {name} field has {len(value)} characters; at most {max_field}",
                    )
                form = forms.get(name)
                if form is not None and value.strip() and not form.fullmatch(value.strip()):
                    raise SourceFileError(
                        path, number, position, f"{name} {value[:40]!r} is not {form.pattern!r}"
                    )
            yield number, row


def _decode(path: Path, number: int, raw: bytes) -> str:
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        column = raw[: error.start].decode("utf-8", errors="replace").count("\t") + 1
        raise SourceFileError(
            path,
            number,
            column,
            f"byte {raw[error.start]:#04x} at offset {error.start} is not UTF-8",
        ) from None
