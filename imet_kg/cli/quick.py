"""`imet-kg query NAME` in the form scripts use (rows as CSV, TSV or JSON from the local
store) answered without loading the command-line framework, which costs a fresh process
more than most queries. It reads only that form: the global `--root` and `--store` (or
their environment variables), then `query NAME`, `--param`/`-p KEY=VALUE` and
`--format csv|tsv|json`. Anything else (help, a list, a table, a remote endpoint, a
mistake) returns None and goes to the `query` command itself (`imet_kg.cli.query`), which
defines the command and reports every error; the tests hold both to the same output.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from imet_kg.cli.output import STREAMED, write_rows
from imet_kg.errors import EXIT_ERROR, ImetKgError
from imet_kg.tuples import NamedTuple

TYPE_CHECKING = False

if TYPE_CHECKING:
    from imet_kg.layout import Layout

_GLOBAL = {"--root": "IMET_KG_ROOT", "--store": "IMET_KG_STORE"}


class QuickQuery(NamedTuple):
    name: str
    values: dict[str, str]
    answer_format: str
    root: str | None = None
    store: str | None = None


def _options(arguments: Sequence[str], names: Sequence[str]) -> list[tuple[str, str]] | None:
    """(option, value) pairs, each written `--name value` or `--name=value`; None at the
    first argument that is neither."""
    pairs: list[tuple[str, str]] = []
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        option, equals, value = argument.partition("=")
        if option in names and equals:
            pairs.append((option, value))
            index += 1
        elif argument in names and index + 1 < len(arguments):
            pairs.append((argument, arguments[index + 1]))
            index += 2
        else:
            return None
    return pairs


def parse(arguments: Sequence[str], environ: Mapping[str, str]) -> QuickQuery | None:
    """The query this command line asks for, when it is of the quick form; else None."""
    if environ.get("IMET_KG_ENDPOINT") or environ.get("IMET_KG_GRAPHS"):
        return None  # a remote store, or extra curated files: the command reads those
    if "query" not in arguments:
        return None
    at = list(arguments).index("query")
    head = _options(arguments[:at], tuple(_GLOBAL))
    rest = arguments[at + 1 :]
    if head is None or not rest or rest[0].startswith("-"):
        return None
    settings = {option: environ.get(variable) or None for option, variable in _GLOBAL.items()}
    settings.update(head)
    tail = _options(rest[1:], ("--param", "-p", "--format"))
    if tail is None:
        return None
    values: dict[str, str] = {}
    answer_format = "table"
    for option, value in tail:
        if option == "--format":
            answer_format = value
            continue
        key, equals, given = value.partition("=")
        if not equals or not key or key in values:
            return None  # the command says what is wrong with it
        values[key] = given
    if answer_format not in STREAMED:
        return None
    return QuickQuery(rest[0], values, answer_format, settings["--root"], settings["--store"])


def run(arguments: Sequence[str], environ: Mapping[str, str] = os.environ) -> int | None:
    """Answer a quick-form query and return the exit status; None when the command line is
    not of that form, or the query is not one this path answers (not SELECT, a missing root,
    no store to read): the `query` command takes it from the start."""
    asked = parse(arguments, environ)
    if asked is None:
        return None
    from imet_kg.layout import Layout, default_layout
    from imet_kg.query.saved import find_saved_query
    from imet_kg.store.persistent import default_store
    from imet_kg.store.versions import MANIFEST, recover

    if asked.root is not None and not Path(asked.root).is_dir():
        return None
    layout = Layout(Path(asked.root)) if asked.root else default_layout()
    try:
        if find_saved_query(layout.queries_dir, asked.name).form != "SELECT":
            return None
    except ImetKgError:
        return None
    store = Path(asked.store) if asked.store else default_store(layout)
    for note in recover(store):
        print(f"Note: {note}", file=sys.stderr)
    if not (store / MANIFEST).is_file():
        return None  # no store: the command reads the curated files, or says it is missing
    return _answer(asked, layout, store)


def _answer(asked: QuickQuery, layout: Layout, store: Path) -> int:
    from imet_kg.query.run import RowStream, stream_saved_query
    from imet_kg.store.persistent import open_store

    try:
        graph = open_store(store, layout)
        _, answer = stream_saved_query(graph, layout, asked.name, asked.values)
        assert isinstance(answer, RowStream)  # a SELECT on the local store
        write_rows(answer, asked.answer_format)
    except ImetKgError as error:
        sys.stdout.flush()
        print(f"Error: {error}", file=sys.stderr)
        return EXIT_ERROR
    return 0
