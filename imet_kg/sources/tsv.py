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
        # The columns with a form, by position; every field is checked in order (the first
        # fault reported) only when one is too long or the header repeats a name.
        formed = [(index, name, forms[name]) for index, name in enumerate(header) if name in forms]
        plain = len(set(header)) == len(header)
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
            if not plain or max(map(len, fields)) > max_field:
                _check_fields(path, number, row, forms, max_field)
            else:
                for index, name, form in formed:
                    value = fields[index].strip()
                    if value and not form.fullmatch(value):
                        raise _not_of_form(path, number, index + 1, name, fields[index], form)
            yield number, row


def _check_fields(
    path: Path,
    number: int,
    row: Mapping[str, str],
    forms: Mapping[str, re.Pattern[str]],
    max_field: int,
) -> None:
    """Each field's length and form, in order: the first fault is raised."""
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
            raise _not_of_form(path, number, position, name, value, form)


def _not_of_form(
    path: Path, number: int, position: int, name: str, value: str, form: re.Pattern[str]
) -> SourceFileError:
    return SourceFileError(path, number, position, f"{name} {value[:40]!r} is not {form.pattern!r}")


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
