"""What the benchmark ran on, recorded beside every result."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path


def machine() -> dict[str, object]:
    memory = 0
    try:
        with Path("/proc/meminfo").open(encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pyoxigraph": version("pyoxigraph"),
        "oxigraph": version("oxigraph"),
        "imet_kg": version("imet-kg"),
    }
