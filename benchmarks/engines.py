"""Real SPARQL servers on loopback, for the remote tests and the push benchmark: Oxigraph's
server (PyPI `oxigraph`) and Virtuoso Open Source 7 (Debian's `virtuoso-opensource-7-bin`,
installed by ./scripts/test), each started in a folder of its own with its own
configuration, killed as a crash would, and started again on the same data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.http_client import free_port

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")


class Engine:
    """A server the tests start, stop (killed, as a crash would), and start again on the
    same data."""

    name = ""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_endpoint(self) -> str:
        raise NotImplementedError

    @property
    def graph_store(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd=self.folder
            )
        deadline = time.monotonic() + 120
        probe = f"{self.query_endpoint}?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(probe, timeout=5):
                    self.ready()
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start: {self.log_tail()}")

    def ready(self) -> None:
        """What the server needs once it answers, before the tests use it."""

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=30)
            self.process = None

    def log_tail(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.is_file() else ""


class OxigraphServer(Engine):
    name = "oxigraph"

    @property
    def query_endpoint(self) -> str:
        return f"{self.base}/query"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/store"

    def command(self) -> list[str]:
        return [
            OXIGRAPH,
            "serve",
            "--location",
            str(self.folder / "data"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--union-default-graph",
        ]


class VirtuosoServer(Engine):
    """Virtuoso with its own configuration and database in `folder`, not a system install:
    its default cap of 10,000 rows an answer kept (the client must notice it), anonymous
    SPARQL update granted for the Graph Store Protocol."""

    name = "virtuoso"
    MAX_ROWS = 10_000

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.isql_port = free_port()
        while self.isql_port == self.port:  # a port just given back may be given again
            self.isql_port = free_port()
        self.granted = False

    @property
    def query_endpoint(self) -> str:
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/sparql-graph-crud"

    def command(self) -> list[str]:
        assert VIRTUOSO is not None
        configuration = self.folder / "virtuoso.ini"
        configuration.write_text(self.configuration(), encoding="utf-8")
        return [VIRTUOSO, "+foreground", "+configfile", str(configuration)]

    def configuration(self) -> str:
        data = self.folder
        return f"""[Database]
DatabaseFile = {data}/virtuoso.db
ErrorLogFile = {data}/virtuoso.log
LockFile = {data}/virtuoso.lck
TransactionFile = {data}/virtuoso.trx
xa_persistent_file = {data}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {data}/virtuoso-temp.db
TransactionFile = {data}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{self.isql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {data}
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{self.port}
ServerRoot = {data}
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = {self.MAX_ROWS}
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""

    def ready(self) -> None:
        if self.granted:
            return
        self.isql(
            "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7);"
        )
        self.granted = True

    def isql(self, statements: str, timeout: float = 60) -> str:
        """Run SQL statements through Virtuoso's own client, as its administrator."""
        assert ISQL is not None
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.isql_port}", "dba", "dba", f"exec={statements}"],
            check=True,
            capture_output=True,
            timeout=timeout,
            text=True,
        )
        return done.stdout

    def bulk_load(self, quads: Path) -> None:
        """Virtuoso's own bulk loader over an N-Quads file in the server's folder (each quad
        into its graph), then a checkpoint, as its documentation loads large data."""
        self.isql(
            f"ld_dir('{quads.parent}', '{quads.name}', 'urn:imet-kg:no-graph'); "
            "rdf_loader_run(); checkpoint;",
            timeout=3600,
        )


ENGINES = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}
