"""Read a fake platform's request log: how many ran at once, how far apart they started."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from collectors.fakeplatform.server import RequestRecord


def max_concurrency(records: Iterable[RequestRecord], host: str | None = None) -> int:
    """The most requests (to ``host``, or any) the server was answering at one moment."""
    events: list[tuple[float, int]] = []
    for r in records:
        if host is None or r.host == host:
            events += [(r.started, 1), (r.ended, -1)]
    current = peak = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):  # ends before starts at a tie
        current += step
        peak = max(peak, current)
    return peak


def min_start_gap(records: Iterable[RequestRecord], host: str | None = None) -> float | None:
    """The shortest time between two consecutive request starts (None if fewer than two)."""
    starts = sorted(r.started for r in records if host is None or r.host == host)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    return min(gaps) if gaps else None
