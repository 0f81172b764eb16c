"""Pacing per bot: at most ``limit`` messages in any ``window`` seconds.

The clock and the sleep are injected, so tests check pacing without waiting in real time.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable


class Pacer:
    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until one more message may go; record it; return the seconds waited."""
        with self._lock:
            waited = 0.0
            now = self._clock()
            self._forget(now)
            if len(self._sent) >= self.limit:
                delay = self._sent[0] + self.window - now
                if delay > 0:
                    self._sleep(delay)
                    waited = delay
                now = self._clock()
                self._forget(now)
            self._sent.append(now)
            return waited

    def _forget(self, now: float) -> None:
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
