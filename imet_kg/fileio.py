"""Writing outputs so that a failure never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file in the same folder, then rename it."""
    publish(path.parent, {path.name: data})


def publish(directory: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file to a temporary name first; rename them into place only when all are
    written, so an error part-way leaves the folder as it was."""
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            handle, staged_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            staged.append((Path(staged_name), directory / name))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        temporary.replace(target)
    return [target for _, target in staged]
