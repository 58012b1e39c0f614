"""The fixture of a fresh server of each engine, for the remote tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .engines import ENGINES, Engine, require


@pytest.fixture(params=sorted(ENGINES))
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A server of each engine, empty, in the test's own folder; stopped after the test."""
    require(request.param)
    running = ENGINES[request.param](tmp_path / request.param)
    running.start()
    yield running
    running.stop()
