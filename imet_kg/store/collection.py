"""Python's cycle collector held off while a store is written.

Writing the full import keeps about 1.4 million collectable objects alive (pyoxigraph's terms
among them: every subject the constraint proofs and the index of names hold), while it makes
millions of short-lived ones (a tuple a statement). Every so often the collector walks all
the live ones: about a second each time, 4-5 s of the import's wall time, for no garbage.
Reference counting still frees everything that is not in a cycle.

When the collector is switched back on, what the write made and still holds would all sit in
its youngest generation, and its first collection would walk them all (0.85 s on the full
import). They have lived through the whole write: they are moved to the oldest generation
instead, which is collected only once it has grown by a quarter, as Python does with any
object that survives its collections. A cycle among them is collected then (or by any full
collection)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off inside the block; as it was before, after it, with what the
    block made and kept in its oldest generation."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            # Frozen, then all let go into the oldest generation: nothing of the caller's
            # was frozen, so nothing is let go that was meant to stay.
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()
