"""Saved queries: SPARQL files in `queries/` whose `#+` comment header (YAML, after grlc)
declares a summary, a description, tags and typed parameters.

    #+ summary: A country's events in date order, each with its sources
    #+ tags: [countries, events]
    #+ params:
    #+   country:
    #+     type: entity
    #+     class: imet:Country
    #+     example: PK

A parameter `country` is the variable `?_country` in the query; it is bound as an RDF term
when the query runs, never pasted into the text. A malformed header, an unknown key, or a
`?_variable` with no declared parameter is an error naming the file and line.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from imet_kg.errors import ImetKgError
from imet_kg.query.headers import header_text, read_header
from imet_kg.tuples import NamedTuple

PARAMETER_TYPES = ("entity", "iri", "string", "integer", "decimal", "boolean", "date", "year")
_HEADER_KEYS = {"summary", "description", "tags", "params"}
_PARAMETER_KEYS = {"type", "class", "description", "default", "example", "required"}
_PARAMETER_VARIABLE = re.compile(r"[?$]_([A-Za-z][A-Za-z0-9_]*)")
_QUERY_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


class QueryHeaderError(ImetKgError):
    """A saved query whose header or parameters are wrong, with the line to fix."""

    def __init__(self, path: Path, line: int, detail: str) -> None:
        self.path = path
        self.line = line
        self.detail = detail
        super().__init__(f"{path}:{line}: {detail}")


class Parameter(NamedTuple):
    """A typed parameter of a saved query, bound to the variable `?_NAME`."""

    name: str
    type: str
    description: str = ""
    default: str | None = None
    example: str | None = None
    class_name: str | None = None
    required: bool = True

    @property
    def variable(self) -> str:
        return f"_{self.name}"


class SavedQuery(NamedTuple):
    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    sparql: str
    form: str

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def describe(self) -> dict[str, object]:
        """What a client needs to call the query: its header, without the SPARQL text."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "class": p.class_name,
                    "required": p.required,
                    "default": p.default,
                    "example": p.example,
                    "description": p.description,
                }
                for p in self.parameters
            ],
        }


def load_saved_queries(directory: Path) -> list[SavedQuery]:
    """Every saved query in the folder, by name."""
    return [parse_saved_query(path) for path in sorted(directory.glob("*.rq"))]


def find_saved_query(directory: Path, name: str) -> SavedQuery:
    """The saved query NAME of `directory`; an error listing the known ones when there is none."""
    path = directory / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(q.stem for q in sorted(directory.glob("*.rq"))) or "none"
        raise ImetKgError(f"no saved query named {name!r}; known queries: {known}")
    return parse_saved_query(path)


def parse_saved_query(path: Path) -> SavedQuery:
    """The saved query in the file, parsed once per version of the file (its modification
    time and size): a process that runs a query again does not re-read its header."""
    status = path.stat()
    return _parse(path, status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=512)
def _parse(path: Path, _mtime_ns: int, _size: int) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header_lines = [(n, line) for n, line in enumerate(lines, start=1) if line.startswith("#+")]
    if not header_lines:
        raise QueryHeaderError(
            path, 1, "no '#+' header; a saved query starts with '#+ summary: ...'"
        )
    header = _parse_header(path, header_lines)
    unknown = set(header) - _HEADER_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise QueryHeaderError(
            path,
            _line_of(header_lines, key),
            f"unknown header key {key!r}; use {sorted(_HEADER_KEYS)}",
        )
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise QueryHeaderError(path, header_lines[0][0], "the header needs a 'summary' line")
    parameters = _parameters(path, header_lines, header.get("params") or {})
    _check_variables(path, lines, header_lines, parameters)
    form = _QUERY_FORM.search(_without_comments(text))
    if form is None:
        raise QueryHeaderError(path, 1, "no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    if form.group(1).upper() == "SELECT":
        _check_projection(path, lines, parameters)
    return SavedQuery(
        name=path.stem,
        path=path,
        summary=summary.strip(),
        description=str(header.get("description") or "").strip(),
        tags=tuple(_tags(path, header_lines, header.get("tags"))),
        parameters=parameters,
        sparql=text,
        form=form.group(1).upper(),
    )


def _parse_header(path: Path, header_lines: list[tuple[int, str]]) -> dict[str, object]:
    body = header_text([line for _, line in header_lines])
    try:
        header = read_header(body, path.parent)
    except Exception as error:
        import yaml

        if not isinstance(error, yaml.YAMLError):
            raise
        # The context mark is where the broken construct starts (an unclosed list, say),
        # which is where the curator has to look; the problem mark is where YAML gave up.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        index = min(mark.line, len(header_lines) - 1) if mark is not None else 0
        context = getattr(error, "context", None)
        problem = getattr(error, "problem", None) or str(error)
        problem = f"{context}, {problem}" if context else problem
        raise QueryHeaderError(
            path, header_lines[index][0], f"malformed header: {problem}"
        ) from None
    if not isinstance(header, dict):
        raise QueryHeaderError(path, header_lines[0][0], "the header must be 'key: value' lines")
    return header


def _line_of(header_lines: list[tuple[int, str]], key: str) -> int:
    pattern = re.compile(rf"^#\+\s*{re.escape(key)}\s*:")
    return next((n for n, line in header_lines if pattern.match(line)), header_lines[0][0])


def _tags(path: Path, header_lines: list[tuple[int, str]], tags: object) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        return [tags]
    if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        return tags
    raise QueryHeaderError(path, _line_of(header_lines, "tags"), "tags must be a list of words")


def _parameters(
    path: Path, header_lines: list[tuple[int, str]], specs: object
) -> tuple[Parameter, ...]:
    if not isinstance(specs, dict):
        raise QueryHeaderError(path, _line_of(header_lines, "params"), "params must be a mapping")
    parameters = []
    for name, spec in specs.items():
        line = _line_of(header_lines, str(name))
        if not isinstance(spec, dict):
            raise QueryHeaderError(path, line, f"parameter {name!r} needs 'type:' and its options")
        unknown = set(spec) - _PARAMETER_KEYS
        if unknown:
            raise QueryHeaderError(
                path, line, f"parameter {name!r} has unknown key {sorted(unknown)[0]!r}"
            )
        kind = spec.get("type")
        if kind not in PARAMETER_TYPES:
            raise QueryHeaderError(
                path, line, f"parameter {name!r} has type {kind!r}; use one of {PARAMETER_TYPES}"
            )
        default = spec.get("default")
        required = bool(spec.get("required", default is None))
        parameters.append(
            Parameter(
                name=str(name),
                type=str(kind),
                description=str(spec.get("description") or ""),
                default=None if default is None else str(default),
                example=None if spec.get("example") is None else str(spec["example"]),
                class_name=spec.get("class"),
                required=required,
            )
        )
    return tuple(parameters)


def _check_variables(
    path: Path,
    lines: list[str],
    header_lines: list[tuple[int, str]],
    parameters: tuple[Parameter, ...],
) -> None:
    declared = {p.name for p in parameters}
    used: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#"):
            continue
        for match in _PARAMETER_VARIABLE.finditer(line):
            name = match.group(1)
            used.add(name)
            if name not in declared:
                raise QueryHeaderError(
                    path, number, f"?_{name} is not a declared parameter; add it under 'params:'"
                )
    for name in sorted(declared - used):
        raise QueryHeaderError(
            path,
            _line_of(header_lines, name),
            f"parameter {name!r} is declared but ?_{name} is not used",
        )


def _check_projection(path: Path, lines: list[str], parameters: tuple[Parameter, ...]) -> None:
    """Substituted variables must be projected (SPARQL substitution, SEP-0007)."""
    for number, line in enumerate(lines, start=1):
        if re.match(r"^\s*SELECT\b", line, re.IGNORECASE):
            clause = re.split(r"\bWHERE\b|\{", line, maxsplit=1, flags=re.IGNORECASE)[0]
            missing = [p for p in parameters if not re.search(rf"[?$]{p.variable}\b", clause)]
            if missing:
                raise QueryHeaderError(
                    path,
                    number,
                    f"?{missing[0].variable} must be in the SELECT clause: parameters are "
                    "bound by substitution, which keeps them in the results",
                )
            return


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
