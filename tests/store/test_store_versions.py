"""The persistent store survives a crash at any instant of its replacement, imports of files
that do not look like the source change nothing, and two writers never race. Crashes are real:
strace kills the import at a chosen system call."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from imet_kg.store.versions import LEGACY, lock_path, recover, versions_dir, writing

from ..conftest import ROOT

RECORDS = ROOT.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"
IMET_KG = str(Path(sys.executable).with_name("imet-kg"))
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/imet-kg/ontology#TrainingRecord> }"

pytestmark = pytest.mark.skipif(
    not RECORDS.is_file(), reason="../shared/data/fmtr is not beside the checkout"
)


def run(
    folder: Path, *arguments: str, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, IMET_KG, "--root", str(ROOT), "--store", str(folder / "store"), *arguments],
        capture_output=True,
        text=True,
        cwd=folder,
        check=False,
    )


def records(folder: Path, rows: int, name: str) -> Path:
    path = folder / name
    with RECORDS.open(encoding="utf-8") as source:
        path.write_text("".join(next(source) for _ in range(rows + 1)), encoding="utf-8")
    return path


def count(folder: Path) -> tuple[int, str]:
    """The training records in the store, and what the command said on stderr."""
    answer = run(folder, "sparql", COUNT, "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    return int(answer.stdout.splitlines()[1]), answer.stderr


def leftovers(folder: Path) -> list[str]:
    store = folder / "store"
    names = [p.name for p in folder.iterdir() if p.name.startswith((".store", "store."))]
    versions = [p.resolve() for p in versions_dir(store).iterdir()]
    extra = [str(p) for p in versions if p != store.resolve()]
    return extra + [n for n in names if n not in ("store.versions", "store.lock")]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    records(tmp_path, 200, "a.tsv")
    records(tmp_path, 230, "b.tsv")
    first = run(tmp_path, "import", "fmtr", "a.tsv")
    assert first.returncode == 0, first.stderr
    return tmp_path


def killed_import(folder: Path, syscall: str, nth: int) -> int:
    strace = shutil.which("strace")
    assert strace, "strace is needed (./scripts/test installs it)"
    injected = f"{syscall}:signal=KILL:when={nth}"
    trace = ("-e", f"trace={syscall}", "-e", f"inject={injected}")
    prefix = (strace, "-f", "-qq", "-o", "/dev/null", *trace)
    return run(folder, "import", "fmtr", "b.tsv", prefix=prefix).returncode


def test_a_crash_at_any_step_of_the_swap_loses_nothing(folder: Path) -> None:
    outcomes = []

    def crash(syscall: str, nth: int) -> bool:
        """Kill the import at the nth call of `syscall`; False when it finished first."""
        if killed_import(folder, syscall, nth) == 0:
            assert run(folder, "import", "fmtr", "a.tsv", "--allow-shrink").returncode == 0
            return False
        found, said = count(folder)
        assert found in (200, 230), f"{found} records after a kill at {syscall} #{nth}"
        assert leftovers(folder) == [], f"left behind after {syscall} #{nth}"
        outcomes.append((syscall, nth, found, said))
        # back to the first file for the next step
        assert run(folder, "import", "fmtr", "a.tsv", "--allow-shrink").returncode == 0
        return True

    # every rename of the import (the store's own files, the manifest, the link), then the
    # link's creation and the removal of the replaced store
    nth = 1
    while crash("rename", nth):
        nth += 1
        assert nth < 50, "more renames than an import makes"
    assert crash("symlink", 1)
    assert crash("rmdir", 1)
    renames = [o for o in outcomes if o[0] == "rename"]
    before = [o for o in renames if o[2] == 200]  # killed before the swap: the old store
    assert len(before) >= 3  # the store's files, the manifest and the link at the least
    # after the swap, only the report of unresolved locations is renamed into place
    assert [found for _, _, found, _ in renames[len(before) :]] in ([], [230])
    assert any("left by an interrupted build or import" in said for *_, said in renames)
    by_step = {(s, n): found for s, n, found, _ in outcomes}
    assert by_step[("symlink", 1)] == 200
    assert by_step[("rmdir", 1)] == 230  # killed after the swap: the new store


def test_a_missing_link_does_not_bring_back_a_removed_store(folder: Path) -> None:
    store = folder / "store"
    store.unlink()
    notes = recover(store)
    assert notes
    assert all("removed" in note for note in notes)
    assert not any(versions_dir(store).iterdir())


def test_a_legacy_store_caught_mid_move_is_restored(folder: Path) -> None:
    store = folder / "store"
    current = store.resolve()
    store.unlink()
    current.rename(versions_dir(store) / f"00000000T000000-{LEGACY}-1")
    found, said = count(folder)
    assert found == 200
    assert "restored the store" in said


def test_a_store_directory_from_before_versions_is_adopted(folder: Path) -> None:
    store = folder / "store"
    current = store.resolve()
    store.unlink()
    current.rename(store)  # the layout of earlier releases: the store path is the directory
    (folder / "store.new-123").mkdir()  # and a staging directory a crash left behind
    found, said = count(folder)
    assert found == 200
    assert "store.new-123" in said
    assert run(folder, "import", "fmtr", "b.tsv").returncode == 0
    assert store.is_symlink()
    assert count(folder)[0] == 230
    assert leftovers(folder) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "the file has a header but no rows"),
        (b"", "the file is empty"),
        ("drop:total_cost_usd", "the header has no 'total_cost_usd' column"),
        ("add:notes", ":1:19: unknown column 'notes'"),
        ("bytes", ":3:7: byte 0xff at offset"),
        ("field", ":4:7: the course_title field has 10000000 characters"),
        ("cost", ":2:10: total_cost_usd 'abc' is not"),
        ("fields", ":3: 17 fields where the header has 18"),
    ],
)
def test_files_that_do_not_look_like_the_source_change_nothing(
    folder: Path, content: bytes | str | None, message: str
) -> None:
    source = (folder / "b.tsv").read_bytes()
    header, *rows = source.split(b"\n")
    bad = folder / "bad.tsv"
    if content is None:
        bad.write_bytes(header + b"\n")
    elif isinstance(content, bytes):
        bad.write_bytes(content)
    elif content.startswith("drop:"):
        names = header.split(b"\t")
        keep = [i for i, n in enumerate(names) if n != content[5:].encode()]
        lines = [b"\t".join(line.split(b"\t")[i] for i in keep) for line in [header, *rows[:-1]]]
        bad.write_bytes(b"\n".join(lines) + b"\n")
    elif content.startswith("add:"):
        lines = [header + b"\tnotes"] + [row + b"\t" for row in rows[:-1]]
        bad.write_bytes(b"\n".join(lines) + b"\n")
    else:
        broken = [row.split(b"\t") for row in rows[:-1]]
        if content == "bytes":
            broken[1][6] = b"COURSE \xff"
        elif content == "field":
            broken[2][6] = b"x" * 10_000_000
        elif content == "cost":
            broken[0][9] = b"abc"
        else:
            del broken[1][-1]
        bad.write_bytes(b"\n".join([header, *(b"\t".join(r) for r in broken)]) + b"\n")
    store = (folder / "store").resolve()
    answer = run(folder, "import", "fmtr", "bad.tsv")
    assert answer.returncode == 2, answer.stderr
    assert message in answer.stderr
    assert "Traceback" not in answer.stderr
    assert answer.stderr.startswith("Error: bad.tsv:")
    assert (folder / "store").resolve() == store
    assert count(folder)[0] == 200
    assert leftovers(folder) == []


def test_fewer_rows_than_the_floor_need_allow_shrink(folder: Path) -> None:
    records(folder, 100, "short.tsv")
    refused = run(folder, "import", "fmtr", "short.tsv")
    assert refused.returncode == 2
    assert "100 rows, fewer than the floor of 180 (90% of the 200 records" in refused.stderr
    assert count(folder)[0] == 200
    allowed = run(folder, "import", "fmtr", "short.tsv", "--allow-shrink")
    assert allowed.returncode == 0, allowed.stderr
    assert "replacing 200 records; the floor was 180 rows" in allowed.stdout
    assert count(folder)[0] == 100


def test_a_second_writer_waits_for_the_first(folder: Path) -> None:
    store = folder / "store"
    with writing(store):
        second = subprocess.Popen(
            [IMET_KG, "--root", str(ROOT), "--store", str(store), "import", "fmtr", "b.tsv"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
        assert second.poll() is None  # still waiting
        assert count(folder)[0] == 200  # readers are not held up
    _, said = second.communicate(timeout=120)
    assert second.returncode == 0, said
    assert f"waiting for the build or import that holds {store} (process " in said
    assert count(folder)[0] == 230
    assert lock_path(store).read_text() == ""


def test_a_store_that_is_not_there_is_an_error_except_for_writers(tmp_path: Path) -> None:
    answer = run(tmp_path, "query", "who-administers")
    assert answer.returncode == 2
    assert "no store here (given by --store or IMET_KG_STORE)" in answer.stderr
    built = run(tmp_path, "build", "--output", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    assert run(tmp_path, "query", "who-administers").returncode == 0


def test_recover_leaves_a_live_writer_alone(folder: Path) -> None:
    store = folder / "store"
    staging = versions_dir(store) / "99999999T999999-1-1"
    done = threading.Event()
    with writing(store):
        staging.mkdir()
        assert recover(store) == []  # the lock is held: the staging store is someone's work
        assert staging.is_dir()
        done.set()
    assert any("unfinished store" in note for note in recover(store))
    assert not staging.exists()


def test_a_folder_that_is_not_a_store_is_never_replaced(tmp_path: Path) -> None:
    records(tmp_path, 50, "a.tsv")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "thesis.txt").write_text("precious\n")
    answer = run(tmp_path, "import", "fmtr", "a.tsv")
    assert answer.returncode == 2
    assert "a folder that is not an imet-kg store is in the way" in answer.stderr
    assert (tmp_path / "store" / "thesis.txt").read_text() == "precious\n"
    versions = versions_dir(tmp_path / "store")
    assert not versions.exists() or not any(versions.iterdir())
