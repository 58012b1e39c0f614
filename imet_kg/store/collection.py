"""Python's cycle collector held off while a store is written.

Writing the full import keeps about 1.4 million collectable objects alive (pyoxigraph's terms
among them: every subject the constraint proofs and the index of names hold), while it makes
millions of short-lived ones (a tuple a statement). Every so often the collector walks all
the live ones: about a second each time, 4-5 s of the import's wall time, for no garbage
(with the collector held off for the whole load, the collection after it found 10
unreachable objects). Reference counting still frees everything that is not in a cycle; a
cycle made while the collector is off is collected once it is switched back on."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off inside the block; as it was before, after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
