"""A connection's writes in one turn of the event loop go out as one, in order; closing
sends what is held first; nothing is written to a transport already closing."""

from __future__ import annotations

import asyncio

from imet_kg.web.coalescing import CoalescedWrites


class Recording(asyncio.Transport):
    """A transport that keeps what it is asked to send."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closed, "written after close"
        self.sent.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 8000) if name == "peername" else default


def test_writes_in_one_turn_are_sent_together_and_in_order() -> None:
    async def scenario() -> list[bytes]:
        recording = Recording()
        writes = CoalescedWrites(recording, asyncio.get_running_loop())
        writes.write(b"HTTP/1.1 200 OK\r\n\r\n")
        writes.write(bytearray(b"{}"))
        assert recording.sent == []  # held until the loop turns
        await asyncio.sleep(0)
        writes.write(memoryview(b"next"))
        await asyncio.sleep(0)
        return recording.sent

    assert asyncio.run(scenario()) == [b"HTTP/1.1 200 OK\r\n\r\n{}", b"next"]


def test_close_sends_what_is_held_first() -> None:
    async def scenario() -> Recording:
        recording = Recording()
        writes = CoalescedWrites(recording, asyncio.get_running_loop())
        writes.write(b"414 URI Too Long")
        writes.close()
        await asyncio.sleep(0)  # the turn's flush finds nothing more to send
        return recording

    recording = asyncio.run(scenario())
    assert recording.sent == [b"414 URI Too Long"]
    assert recording.closed


def test_nothing_is_written_once_the_peer_has_gone() -> None:
    async def scenario() -> Recording:
        recording = Recording()
        writes = CoalescedWrites(recording, asyncio.get_running_loop())
        writes.write(b"late")
        recording.closed = True  # the connection was lost before the loop turned
        await asyncio.sleep(0)
        assert writes.is_closing()
        return recording

    assert asyncio.run(scenario()).sent == []


def test_everything_else_is_the_transport_s_own() -> None:
    async def scenario() -> object:
        writes = CoalescedWrites(Recording(), asyncio.get_running_loop())
        return writes.get_extra_info("peername")

    assert asyncio.run(scenario()) == ("127.0.0.1", 8000)
