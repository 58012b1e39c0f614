"""A saved query asked for as rows by a script is answered before the command-line framework
is loaded, with the same output as the `query` command; every other form goes to it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from imet_kg import Layout, assemble
from imet_kg.cli.commands import cli
from imet_kg.cli.quick import QuickQuery, parse
from imet_kg.query.saved import load_saved_queries
from imet_kg.store.persistent import write_store

from ..conftest import ROOT

SCRIPT = Path(sys.executable).parent / "imet-kg"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    layout = Layout(ROOT)
    curated, _ = assemble(layout)
    target = tmp_path_factory.mktemp("quick") / "store"
    write_store(target, curated, layout, {})
    return target


# Modules that cost a fresh process more than they give a query: dataclasses (which imports
# inspect, ast and dis), shutil (with bz2 and lzma), typing (about 3 ms, and more for each
# named tuple it makes), the command-line framework.
COSTLY = {"dataclasses", "inspect", "shutil", "typing", "click", "rich"}


def console(arguments: list[str], store: Path) -> subprocess.CompletedProcess[bytes]:
    """The console script, as a shell runs it, with the probe printing whether click was
    loaded on its way, and which of the modules a fresh process should not pay for were
    (on stderr, after the command's own output)."""
    probe = (  # the script is run as Python runs it (runpy would import typing itself)
        "import sys\n"
        f"sys.argv = [{str(SCRIPT)!r}, *{arguments!r}]\n"
        f"code = compile(open({str(SCRIPT)!r}).read(), {str(SCRIPT)!r}, 'exec')\n"
        "try:\n"
        f"    exec(code, {{'__name__': '__main__', '__file__': {str(SCRIPT)!r}}})\n"
        "finally:\n"
        "    sys.stdout.flush()\n"
        "    print('\\nCLICK-LOADED=' + str('click' in sys.modules), file=sys.stderr)\n"
        f"    costly = sorted({COSTLY!r} & set(sys.modules))\n"
        "    print('COSTLY-LOADED=' + str(costly), file=sys.stderr)\n"
    )
    environment = {**os.environ, "IMET_KG_STORE": str(store), "IMET_KG_ROOT": str(ROOT)}
    environment.pop("IMET_KG_ENDPOINT", None)
    return subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, env=environment, check=False
    )


def command(arguments: list[str], store: Path) -> tuple[int, bytes, bytes]:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        arguments,
        env={"IMET_KG_STORE": str(store), "IMET_KG_ROOT": str(ROOT)},
        prog_name="imet-kg",
    )
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


def example_calls() -> list[tuple[str, list[str]]]:
    calls = []
    for query in load_saved_queries(ROOT / "queries"):
        if query.form != "SELECT":
            continue
        given = [
            argument
            for p in query.parameters
            if p.example
            for argument in ("--param", f"{p.name}={p.example}")
        ]
        calls.append((query.name, given))
    return calls


@pytest.mark.parametrize(("name", "given"), example_calls())
def test_every_saved_query_prints_what_the_command_prints(
    name: str, given: list[str], store: Path
) -> None:
    arguments = ["query", name, *given, "--format", "csv"]
    quick = console(arguments, store)
    status, printed, _ = command(arguments, store)
    assert quick.returncode == status == 0, quick.stderr
    assert quick.stdout == printed
    assert b"CLICK-LOADED=False" in quick.stderr
    assert b"COSTLY-LOADED=[]" in quick.stderr


@pytest.mark.parametrize("answer_format", ["tsv", "json"])
def test_each_streamed_format_is_answered_alike(answer_format: str, store: Path) -> None:
    for arguments in (
        ["query", "country-timeline", "-p", "country=PK", "--format", answer_format],
        ["query", "country-timeline", "--param=country=Pakistan", f"--format={answer_format}"],
    ):
        quick = console(arguments, store)
        assert quick.returncode == 0, quick.stderr
        assert quick.stdout == command(arguments, store)[1]
        assert b"CLICK-LOADED=False" in quick.stderr


def test_an_error_is_reported_as_the_command_reports_it(store: Path) -> None:
    arguments = ["query", "country-timeline", "--param", "country=Atlantis", "--format", "csv"]
    quick = console(arguments, store)
    status, _, said = command(arguments, store)
    assert quick.returncode == status == 2
    assert b"Atlantis" in said
    assert said.strip() in quick.stderr
    assert b"CLICK-LOADED=False" in quick.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["query", "who-administers"],  # a table, for people
        ["query", "who-administers", "--format", "md"],
        ["query", "--list"],
        ["query", "--help"],
        ["query", "who-administers", "--format", "csv", "--verbose"],
        ["query", "who-administers", "--param", "no-equals", "--format", "csv"],
        ["query", "country-timeline", "-p", "country=PK", "-p", "country=IN", "--format", "csv"],
        ["query", "no-such-query", "--format", "csv"],
        ["--endpoint", "http://127.0.0.1:9/sparql", "query", "who-administers", "--format", "csv"],
    ],
)
def test_every_other_form_goes_to_the_command(arguments: list[str], store: Path) -> None:
    quick = console(arguments, store)
    status, printed, _ = command(arguments, store)
    assert b"CLICK-LOADED=True" in quick.stderr
    assert quick.returncode == status
    if status == 0 and "--help" not in arguments:  # help is wrapped to the terminal's width
        assert quick.stdout == printed


def test_the_quick_form_is_read_as_the_command_reads_it() -> None:
    environ = {"IMET_KG_STORE": "/s", "IMET_KG_ROOT": "/r"}
    assert parse(["query", "q", "--format", "csv"], environ) == QuickQuery(
        "q", {}, "csv", root="/r", store="/s"
    )
    assert parse(
        ["--store=/t", "query", "q", "-p", "a=1=2", "--param=b=", "--format", "json"], {}
    ) == QuickQuery("q", {"a": "1=2", "b": ""}, "json", store="/t")
    assert parse(["query", "q", "--format", "csv"], {"IMET_KG_ENDPOINT": "http://x"}) is None
    assert parse(["sparql", "SELECT", "--format", "csv"], {}) is None
    assert parse(["query", "--format", "csv"], {}) is None
    assert parse(["query", "q", "--format"], {}) is None
    assert parse(["--root", "query", "q", "--format", "csv"], {}) is None
