"""Shared fixtures: the project layout, the assembled graph, and editable copies of it."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout, RuleReport, assemble
from imet_kg.store import dump_writer

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT.parent / "shared" / "seeds"
ARTIFACTS = ROOT / "tests" / "artifacts"


def pytest_configure(config: pytest.Config) -> None:
    """Commands under test read no store left in the working folder: each session has its own
    empty store folder (which exists: a named store that does not is an error) unless a test
    sets one. Dumps are written on request, not by a process of their own after each build
    and import (tests/store/test_dump_writer.py starts that process itself)."""
    empty = Path(tempfile.mkdtemp(prefix="imet-kg-test-")) / "store"
    empty.mkdir()
    os.environ["IMET_KG_STORE"] = str(empty)
    os.environ[dump_writer.SWITCH] = dump_writer.ON_REQUEST


# The modules that import the full training records, drive a browser, a Java reasoner or a
# SPARQL server (Oxigraph's, Virtuoso), or kill imports under strace: `pytest -m "not slow"`
# leaves them out for a quick inner loop; `./scripts/test` and CI run everything.
SLOW_MODULES = frozenset(
    {
        "test_import",
        "test_store_versions",
        "test_synthetic",
        "test_output_failures",
        "test_pages_browser",
        "test_hostile_requests",
        "test_remote",
        "test_remote_records",
        "test_push_benchmark",
        "test_reasoning",
        "test_row_kinds",
        "test_record_identity",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.stem in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def layout() -> Layout:
    return Layout(ROOT)


@pytest.fixture(scope="session")
def assembled(layout: Layout) -> tuple[KnowledgeGraph, RuleReport]:
    return assemble(layout)


@pytest.fixture(scope="session")
def graph(assembled: tuple[KnowledgeGraph, RuleReport]) -> KnowledgeGraph:
    return assembled[0]


RECORDS = ROOT.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"


def _store_of(folder: Path, keep: Callable[[list[str]], bool]) -> Path:
    """A store of the curated graph with the records whose columns `keep` accepts, imported
    as the full data set is (units, locations, figures, search index)."""
    from imet_kg.sources.fmtr.importer import import_fmtr

    if not RECORDS.is_file():
        pytest.skip("../shared/data/fmtr is not beside the checkout")
    lines = RECORDS.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if keep(line.split("\t"))]
    (folder / "records.tsv").write_text("".join(kept), encoding="utf-8")
    import_fmtr(Layout(ROOT), folder / "records.tsv", folder / "store")
    return folder / "store"


@pytest.fixture(scope="session")
def sliced_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the curated graph with the records of Nigeria and of the 2019-2020 edition
    (units, US units, locations and courses as printed), with its search index."""
    return _store_of(
        tmp_path_factory.mktemp("sliced"),
        lambda columns: columns[0] == "2019-2020" or columns[3] == "Nigeria",
    )


@pytest.fixture(scope="session")
def analyst_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the curated graph with every record of Pakistan, Egypt and Saudi Arabia:
    the countries of the analysts' tasks the pages are tested with."""
    return _store_of(
        tmp_path_factory.mktemp("analyst"),
        lambda columns: columns[3] in ("Pakistan", "Egypt", "Saudi Arabia"),
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Layout:
    """A copy of ontology/ and graph/ that a test may break."""
    for folder in ("ontology", "graph"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Layout(tmp_path)


def value(term: object) -> str:
    """The text of an IRI, blank node or literal (never an RDF-star triple here)."""
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal), term
    return term.value


def subject(term: object) -> ox.NamedNode | ox.BlankNode:
    assert isinstance(term, ox.NamedNode | ox.BlankNode), term
    return term


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit a copied data file, failing loudly if the text to replace is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed; ./scripts/test installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


class PageWatch:
    """A page with its console errors and every request that leaves the file."""

    def __init__(self, browser: object, path: Path | str, *, url: bool = False) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        home = str(path) if url else Path(path).as_uri()
        origin = home.split("/", 3)[:3] if url else ["file:"]
        allowed = "/".join(origin)
        self.page.on(
            "request", lambda r: None if r.url.startswith(allowed) else self.outside.append(r.url)
        )
        self.page.goto(home)

    def wait_for(self, expression: str, timeout: float = 10.0) -> None:
        """Wait until the expression is true in the page. Playwright's wait_for_function
        evaluates a string inside the page, which the server's Content-Security-Policy
        (no eval) refuses; page.evaluate goes through the debugging protocol instead."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(f"Boolean({expression})"):
            if time.monotonic() > deadline:
                raise AssertionError(f"{expression} was still false after {timeout:g} s")
            time.sleep(0.05)


@contextlib.contextmanager
def server_in_thread(app: object) -> Iterator[int]:
    """A real uvicorn server for `app` on a free loopback port, in a thread; its port."""
    import threading

    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical")  # type: ignore[arg-type]
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(400):
        if running.started:
            break
        time.sleep(0.05)
    assert running.started, "the server did not start"
    try:
        yield int(running.servers[0].sockets[0].getsockname()[1])
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def loaded_after(code: str, modules: tuple[str, ...]) -> tuple[list[str], str]:
    """Run `code` in a fresh interpreter; which of `modules` it loaded, and what it printed."""
    import subprocess
    import sys

    marker = "\nLOADED-MODULES="
    check = (
        f"\nimport sys\nprint({marker!r} + ','.join(m for m in {modules!r} if m in sys.modules))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code + check], capture_output=True, text=True, check=True
    ).stdout
    printed, _, loaded = output.rpartition(marker.strip("\n"))
    return [m for m in loaded.strip().split(",") if m], printed


def cli_run(arguments: list[str]) -> str:
    """Python that runs the imet-kg command with `arguments` in-process."""
    return (
        "from imet_kg.cli import cli\n"
        f"try:\n    cli.main({arguments!r}, standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
    )
