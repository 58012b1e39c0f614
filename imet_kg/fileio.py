"""Writing outputs so that a failure never leaves a half-written file behind, never harms the
file already there, and is reported as the output path with the reason (exit status 2)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from imet_kg.errors import ImetKgError


class OutputError(ImetKgError):
    """An output that could not be written; whatever was at the path before is untouched."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        super().__init__(f"{path}: cannot write it: {describe(error)}")


def describe(error: OSError) -> str:
    """The reason in words, with the place it concerns when that is not the output itself."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "not permitted",
        errno.ENOTDIR: "a folder on the way is a file",
        errno.EEXIST: "a folder on the way is a file",
        errno.ENOENT: "the folder does not exist and cannot be made",
        errno.EISDIR: "it is a folder",
    }
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    return f"{reason} ({error.filename})" if error.filename else reason


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for every thread)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` for the caller to write; renamed over `path` when the
    block ends without error, with the permissions a new file gets under the umask (mkstemp
    makes it private), else removed. Any OSError becomes an OutputError naming `path`."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # not on a reading command's way

        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        temporary = Path(name)
        yield temporary
        with temporary.open("rb+") as stream:
            os.fsync(stream.fileno())
        temporary.chmod(0o666 & ~_umask())
        temporary.replace(path)
        temporary = None
    except OSError as error:
        raise OutputError(path, error) from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def exclusive(
    lock_file: Path, *, wait: bool = True, on_wait: Callable[[str], None] | None = None
) -> Iterator[bool]:
    """Hold an exclusive lock on `lock_file` (created if missing), yielding True. When another
    process (or another thread, with its own open file) holds it: yield False at once if not
    `wait`, else tell `on_wait` who holds it and wait. The holder's process id is in the file
    while it holds the lock; the lock ends with the process at the latest."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            if on_wait is not None:
                handle.seek(0)
                on_wait(handle.read().strip() or "another process")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        try:
            yield True
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync(path: Path) -> None:
    """Flush a file's (or a folder's entries') writes to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file in the same folder, then rename it."""
    publish(path.parent, {path.name: data})


def publish(directory: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file to a temporary name first; rename them into place only when all are
    written, so an error part-way leaves the folder as it was."""
    with contextlib.ExitStack() as stack:
        for name, data in files.items():
            temporary = stack.enter_context(staged(directory / name))
            try:
                temporary.write_bytes(data)
            except OSError as error:
                raise OutputError(directory / name, error) from None
    return [directory / name for name in files]
