"""The servers of the remote tests (benchmarks/engines.py), and what a test of one that is
not installed does."""

from __future__ import annotations

import os

import pytest

from benchmarks.engines import ENGINES, ISQL, VIRTUOSO, Engine, VirtuosoServer
from benchmarks.http_client import free_port

__all__ = ["ENGINES", "Engine", "VirtuosoServer", "free_port", "require"]


def require(engine: str) -> None:
    """Skip a test of an engine that is not installed, but fail in CI, where ./scripts/test
    installs every engine: the remote tests never pass there by not running."""
    if engine == "virtuoso" and (VIRTUOSO is None or ISQL is None):
        message = "virtuoso-t is not installed (./scripts/test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
