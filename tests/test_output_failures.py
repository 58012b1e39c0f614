"""Every output failure (a full disk, a read-only file system, a path that cannot be made)
gives a message naming the output and exit status 2, leaves no temporary file, and leaves
the file that was there before as it was. New files get the user's umask."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

IMET_KG = str(Path(sys.executable).with_name("imet-kg"))
WRITERS = {
    "export": ["export", "--format", "ttl", "--output"],
    "export-nt": ["export", "--format", "nt", "--output"],
    "build": ["build", "--output"],
    "network-export": ["network", "export", "agencies", "--format", "graphml", "--output"],
    "viz-svg": ["viz", "agencies", "--output"],
    "viz-html": ["viz", "agencies", "--output"],
    "timeline": ["viz", "timeline", "--country", "PK", "--output"],
}
NAMES = {
    "export": "out.ttl",
    "export-nt": "out.nt",
    "build": "dist",
    "network-export": "out.graphml",
    "viz-svg": "out.svg",
    "viz-html": "out.html",
    "timeline": "out.svg",
}


def run(
    folder: Path, arguments: list[str], prefix: tuple[str, ...] = (), umask: int = 0o022
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "IMET_KG_STORE"}
    return subprocess.run(
        [*prefix, IMET_KG, "--root", str(ROOT), *arguments],
        capture_output=True,
        text=True,
        cwd=folder,
        env=environment,
        check=False,
        preexec_fn=lambda: os.umask(umask),
    )


def assert_refused(answer: subprocess.CompletedProcess[str], output: str, reason: str) -> None:
    assert answer.returncode == 2, answer.stderr
    assert "Traceback" not in answer.stderr
    assert answer.stderr.startswith(f"Error: {output}"), answer.stderr  # the output, or in it
    assert f": cannot write it: {reason}" in answer.stderr


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_parent_that_is_a_file(tmp_path: Path, writer: str) -> None:
    (tmp_path / "afile").write_text("kept\n")
    output = f"afile/{NAMES[writer]}"
    assert_refused(
        run(tmp_path, [*WRITERS[writer], output]), output, "a folder on the way is a file"
    )
    assert (tmp_path / "afile").read_text() == "kept\n"


@pytest.mark.parametrize("writer", ["export", "network-export", "viz-svg"])
def test_a_place_that_cannot_hold_files(tmp_path: Path, writer: str) -> None:
    output = f"/proc/{NAMES[writer]}"
    answer = run(tmp_path, [*WRITERS[writer], output])
    assert answer.returncode == 2, answer.stderr
    assert answer.stderr.startswith(f"Error: {output}: cannot write it:")


def test_disk_full_at_the_first_write_keeps_the_earlier_file(tmp_path: Path) -> None:
    """strace makes the first write(2) fail with ENOSPC, as a full disk does."""
    strace = shutil.which("strace")
    assert strace, "strace is needed (./scripts/test installs it)"
    earlier = tmp_path / "out.ttl"
    earlier.write_text("earlier export\n")
    prefix = (
        strace,
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        "trace=write",
        "-e",
        "inject=write:error=ENOSPC:when=1",
    )
    answer = run(tmp_path, [*WRITERS["export"], "out.ttl"], prefix=prefix)
    assert_refused(answer, "out.ttl", "the disk is full")
    assert earlier.read_text() == "earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB file system, where the system allows mounting one (root here)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("writer", ["export-nt", "build", "viz-html"])
def test_a_real_full_disk(small_disk: Path, writer: str) -> None:
    target = small_disk / NAMES[writer]
    if writer == "build":
        target.mkdir()
        (target / "imet-kg.nt").write_text("earlier build\n")
    else:
        target.write_text("earlier\n")
    answer = run(small_disk.parent, [*WRITERS[writer], str(target)])
    assert answer.returncode == 2, answer.stderr
    assert "the disk is full" in answer.stderr
    if writer == "build":
        assert (target / "imet-kg.nt").read_text() == "earlier build\n"
        assert sorted(p.name for p in target.iterdir()) == ["imet-kg.nt"]
    else:
        assert target.read_text() == "earlier\n"
        assert sorted(p.name for p in small_disk.iterdir()) == [NAMES[writer]]


def test_a_read_only_file_system(small_disk: Path) -> None:
    (small_disk / "out.ttl").write_text("earlier\n")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    answer = run(small_disk.parent, [*WRITERS["export"], str(small_disk / "out.ttl")])
    assert_refused(answer, str(small_disk / "out.ttl"), "the file system is read-only")
    assert (small_disk / "out.ttl").read_text() == "earlier\n"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    answer = run(tmp_path, [*WRITERS["export"], "out.ttl"], umask=umask)
    assert answer.returncode == 0, answer.stderr
    assert (tmp_path / "out.ttl").stat().st_mode & 0o777 == mode
