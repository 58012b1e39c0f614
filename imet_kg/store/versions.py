"""Where the persistent store lives on disk, and how a new one replaces it without a moment
at which there is none.

The store path (`.imet-kg/store` by default) is a symbolic link to one directory of
`store.versions/`. A new store is written completely into a new directory there, its
manifest written last; then a link to it is made under a temporary name and renamed over the
store path, which is one atomic step: at any instant the path names either the old store or
the new one. Old directories are removed after. A crash at any point leaves at most a
staging or an old directory behind, which `recover` removes, saying so; a crash before the
rename leaves the old store in place, one after it the new.

Builds and imports hold a lock file beside the store for their whole run, so that two never
race; a second one waits for the first.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from imet_kg.errors import ImetKgError
from imet_kg.fileio import exclusive, sync

MANIFEST = "imet-kg-store.json"
LEGACY = "legacy"


def versions_dir(target: Path) -> Path:
    return target.with_name(f"{target.name}.versions")


def lock_path(target: Path) -> Path:
    return target.with_name(f"{target.name}.lock")


def new_version(target: Path) -> Path:
    """A fresh, empty directory for the next store."""
    folder = versions_dir(target)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = folder / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**9:09d}"
    path.mkdir()
    return path


def complete(version: Path) -> bool:
    """Whether a version directory holds a whole store (its manifest is written last)."""
    return (version / MANIFEST).is_file()


def publish_version(target: Path, version: Path) -> list[str]:
    """Make `target` name `version` in one atomic rename, then remove every other version;
    returns what was removed."""
    if not complete(version):
        raise ImetKgError(f"{version}: not a complete store; it was not swapped in")
    notes = []
    check_replaceable(target)
    if target.is_dir() and not target.is_symlink():
        if complete(target):
            notes.append(_adopt_legacy(target))
        else:
            target.rmdir()  # an empty folder where the store goes
    link = target.with_name(f".{target.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(Path(versions_dir(target).name) / version.name)
    link.replace(target)
    sync(target.parent)
    notes += _remove_others(target, keep=version)
    return notes


def check_replaceable(target: Path) -> None:
    """Refuse to put a store where something that is not one would be lost."""
    if target.is_symlink() or not target.exists():
        return
    if not target.is_dir() or (not complete(target) and any(target.iterdir())):
        raise ImetKgError(
            f"{target}: a folder that is not an imet-kg store is in the way; "
            "it was left as it is (name another --store, or move it)"
        )


def _adopt_legacy(target: Path) -> str:
    """A store written before versions existed is a plain directory: move it among the
    versions (it is complete; the rename keeps it whole), so the link can take its name."""
    moved = versions_dir(target) / f"00000000T000000-{LEGACY}-{os.getpid()}"
    versions_dir(target).mkdir(parents=True, exist_ok=True)
    target.rename(moved)
    return f"moved the store at {target} to {moved}"


def current_version(target: Path) -> Path | None:
    if target.is_symlink():
        resolved = target.resolve()
        return resolved if resolved.is_dir() else None
    return target if target.is_dir() else None


def recover(target: Path) -> list[str]:
    """Put the store path right after a crash and remove what a crashed build or import left
    behind; what was done, in words. Does nothing while a build or import holds the lock (its
    staging directory is not a leftover)."""
    if not versions_dir(target).is_dir() and not _legacy_leftovers(target):
        return []
    with exclusive(lock_path(target), wait=False) as locked:
        return recover_locked(target) if locked else []


def recover_locked(target: Path) -> list[str]:
    """`recover`, for a caller that holds the lock (`writing`)."""
    notes = []
    if current_version(target) is None:
        # With no store path, complete versions are either a store written before versions
        # existed, caught half-way through its move among them (restored), or what is left
        # after someone removed the store path (removed below, as they wanted).
        candidates = sorted(v for v in _versions(target) if complete(v) and LEGACY in v.name)
        if candidates:
            if target.is_symlink():
                target.unlink()  # it names a directory that is gone
            newest = candidates[-1]
            notes += publish_version(target, newest)
            notes.insert(0, f"restored the store at {target} from {newest}")
    notes += _remove_others(target, keep=current_version(target))
    for leftover in _legacy_leftovers(target):
        _remove(leftover)
        notes.append(f"removed {leftover}, left by an interrupted build or import")
    return notes


def _versions(target: Path) -> list[Path]:
    folder = versions_dir(target)
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _remove_others(target: Path, keep: Path | None) -> list[str]:
    notes = []
    for version in _versions(target):
        if keep is not None and version.resolve() == keep.resolve():
            continue
        what = "a replaced store" if complete(version) else "an unfinished store"
        _remove(version)
        notes.append(f"removed {version}, {what} left by an interrupted build or import")
    for link in target.parent.glob(f".{target.name}.link-*"):
        link.unlink(missing_ok=True)
    return notes


def _legacy_leftovers(target: Path) -> list[Path]:
    """Staging and old directories of the rename-based swap that came before versions."""
    if not target.parent.is_dir():
        return []
    return sorted(
        p
        for p in target.parent.iterdir()
        if p.name.startswith((f"{target.name}.new-", f"{target.name}.old-")) and p.is_dir()
    )


def _remove(path: Path) -> None:
    import shutil  # here: reading a store never needs it, and it costs a fresh process

    shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def writing(target: Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's lock for a build or an import; when another holds it, say so through
    `waiting` and wait for it to finish."""

    def say_who(holder: str) -> None:
        if waiting is not None:
            waiting(f"waiting for the build or import that holds {target} ({holder})")

    with exclusive(lock_path(target), on_wait=say_who):
        yield
