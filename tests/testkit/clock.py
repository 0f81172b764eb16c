"""A frozen clock that sleeps by advancing: for channels, pacing and retries."""

from __future__ import annotations

import datetime as dt


class FakeClock:
    """Wall time and monotonic time that move only when told to (or when slept on)."""

    def __init__(self, start: dt.datetime) -> None:
        self.wall = start
        self.mono = 1000.0
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += dt.timedelta(seconds=seconds)

    def now_ms(self) -> int:
        return int(self.wall.timestamp() * 1000)
