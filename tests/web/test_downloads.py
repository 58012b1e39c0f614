"""Streamed downloads keep to their places: an error before the first chunk is raised and
frees its place, a download whose response never reads it gives up and frees its place, and
one past the places waits, then is refused with 503."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from imet_kg.web import downloads
from imet_kg.web.downloads import Downloads
from imet_kg.web.problems import Problem


def many() -> Iterator[bytes]:
    for number in range(10_000):
        yield f"row {number}\n".encode()


def broken() -> Iterator[bytes]:
    raise ValueError("the query does not parse")
    yield b""  # a generator


def test_an_error_before_the_first_chunk_is_raised_and_frees_its_place() -> None:
    async def scenario() -> bytes:
        places = Downloads(at_once=1)
        with pytest.raises(ValueError, match="does not parse"):
            await places.produce(broken, wait=1.0)
        stream = await places.produce(many, wait=2.0)  # the place is free again
        return b"".join([chunk async for chunk in stream])

    body = asyncio.run(scenario())
    assert body.count(b"\n") == 10_000


def test_a_download_nobody_reads_gives_up_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downloads, "IDLE", 1.0)

    async def scenario() -> None:
        places = Downloads(at_once=1)
        abandoned = await places.produce(many, wait=1.0)  # never read, as after a disconnect
        with pytest.raises(Problem) as refused:
            await places.produce(many, wait=0.2)  # the one place is taken
        assert refused.value.status == 503
        again = await places.produce(many, wait=5.0)  # freed once the first gives up
        assert [chunk async for chunk in again]
        del abandoned

    asyncio.run(scenario())
