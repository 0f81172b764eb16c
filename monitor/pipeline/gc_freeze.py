"""Python's cycle collector kept off what a digest run holds for all its scopes.

A province week's run holds millions of container objects for its whole length (the week's
frames, each text's tokens and features); every full collection the run's allocations trigger
walked them all again, ~3 s of a run. Objects frozen after a collection are left out of later
collections (they are still freed when nothing refers to them); the run unfreezes them at its
end.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def frozen_between_collections() -> Iterator[Callable[[], None]]:
    """Yields ``freeze``: collect, then keep every object alive now out of later collections."""
    # A process that froze objects itself (a forking server) keeps them frozen.
    ours = gc.get_freeze_count() == 0

    def freeze() -> None:
        if ours:
            gc.collect()
            gc.freeze()

    try:
        yield freeze
    finally:
        if ours:
            gc.unfreeze()
