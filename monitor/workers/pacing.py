"""Politeness across workers: per-host concurrency slots and the minimum interval between
request starts, kept in PostgreSQL so that the bounds hold for all workers together.

- The interval is a reservation: one statement moves the host's ``next_start`` on by the
  interval from max(its old value, now) and returns the start reserved for this request; the
  worker sleeps until then, counted on the database's clock, so reserved starts are never
  closer than the interval whichever machine makes them.
- A concurrency slot is a leased row (``SELECT … FOR UPDATE SKIP LOCKED``); a worker killed
  mid-request leaves a lease that expires by itself after the request timeout.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import Engine, text

from collectors.settings import CollectorsSettings

SLOT_POLL_SECONDS = 0.02
# Timers may fire a little early and a request needs a moment to reach the platform; starting
# this much after the reserved time keeps the interval as the platform sees it.
START_MARGIN_SECONDS = 0.003

_RESERVE = text(
    """
    INSERT INTO host_turns (host, next_start)
    VALUES (:host, clock_timestamp() + make_interval(secs => :interval))
    ON CONFLICT (host) DO UPDATE
      SET next_start = GREATEST(host_turns.next_start, clock_timestamp())
                       + make_interval(secs => :interval)
    RETURNING EXTRACT(EPOCH FROM (next_start - make_interval(secs => :interval)
                                  - clock_timestamp()))
    """
)

_ENSURE_SLOTS = text(
    """
    INSERT INTO host_slots (host, slot, holder, lease_until)
    SELECT :host, s, '', NULL FROM generate_series(0, :cap - 1) AS s
    ON CONFLICT DO NOTHING
    """
)

_LEASE = text(
    """
    UPDATE host_slots SET holder = :holder,
                          lease_until = clock_timestamp() + make_interval(secs => :lease)
    WHERE (host, slot) = (
        SELECT host, slot FROM host_slots
        WHERE host = :host AND slot < :cap
          AND (holder = '' OR lease_until IS NULL OR lease_until < clock_timestamp())
        ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING slot
    """
)

_RELEASE = text(
    "UPDATE host_slots SET holder = '', lease_until = NULL "
    "WHERE host = :host AND slot = :slot AND holder = :holder"
)


class SharedPacer:
    """A :class:`collectors.http.HostPacer` kept in the database, shared by every worker."""

    def __init__(self, engine: Engine, settings: CollectorsSettings, holder: str) -> None:
        self.engine = engine
        self.settings = settings
        self.holder = holder
        self._hosts_with_slots: set[str] = set()

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        slot = await self._lease(host)
        try:
            yield
        finally:
            await asyncio.to_thread(self._release, host, slot)

    async def wait_turn(self, host: str) -> None:
        interval = self.settings.per_host_min_interval_seconds
        if interval <= 0:
            return
        wait = await asyncio.to_thread(self._reserve, host, interval)
        if wait > 0:
            await asyncio.sleep(wait + START_MARGIN_SECONDS)

    # -- database round trips (run in a thread: the collectors' event loop keeps going) ----

    def _reserve(self, host: str, interval: float) -> float:
        with self.engine.begin() as conn:
            return float(conn.execute(_RESERVE, {"host": host, "interval": interval}).scalar_one())

    async def _lease(self, host: str) -> int:
        cap = self.settings.per_host_concurrency
        lease = self.settings.timeout_seconds * 2 + 5  # outlives any one request
        while True:
            slot = await asyncio.to_thread(self._try_lease, host, cap, lease)
            if slot is not None:
                return slot
            await asyncio.sleep(SLOT_POLL_SECONDS)

    def _try_lease(self, host: str, cap: int, lease: float) -> int | None:
        with self.engine.begin() as conn:
            if host not in self._hosts_with_slots:
                conn.execute(_ENSURE_SLOTS, {"host": host, "cap": cap})
                self._hosts_with_slots.add(host)
            row = conn.execute(
                _LEASE, {"host": host, "cap": cap, "holder": self.holder, "lease": lease}
            ).first()
        return None if row is None else int(row[0])

    def _release(self, host: str, slot: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(_RELEASE, {"host": host, "slot": slot, "holder": self.holder})


def shared_pacer(engine: Engine, settings: CollectorsSettings) -> SharedPacer:
    """The pacer of this process on the worker engine (the lease holder names host and pid)."""
    return SharedPacer(engine, settings, f"{socket.gethostname()}:{os.getpid()}")


_BOT_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:key))")
_BOT_RECENT = text(
    """
    SELECT EXTRACT(EPOCH FROM (sent_at + make_interval(secs => :window) - clock_timestamp()))
    FROM bot_sends
    WHERE key = :key AND sent_at > clock_timestamp() - make_interval(secs => :window)
    ORDER BY sent_at
    """
)
_BOT_RECORD = text("INSERT INTO bot_sends (key, sent_at) VALUES (:key, clock_timestamp())")
_BOT_FORGET = text(
    "DELETE FROM bot_sends WHERE key = :key "
    "AND sent_at < clock_timestamp() - make_interval(secs => :window)"
)


class SharedBotPacer:
    """At most ``limit`` messages to one bot in any ``window`` seconds, counted in the database
    (an :class:`alerts.channels.base.BotPacer`): the budget holds across workers and runs."""

    def __init__(
        self,
        engine: Engine,
        key: str,
        limit: int,
        window: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.engine = engine
        self.key = key
        self.limit = limit
        self.window = window
        self._sleep = sleep

    def wait(self) -> float:
        waited = 0.0
        params = {"key": self.key, "window": self.window}
        while True:
            with self.engine.begin() as conn:
                conn.execute(_BOT_LOCK, params)  # one sender of this bot decides at a time
                frees = [float(v) for v in conn.execute(_BOT_RECENT, params).scalars()]
                if len(frees) < self.limit:
                    conn.execute(_BOT_RECORD, params)
                    conn.execute(_BOT_FORGET, params)
                    return waited
                delay = max(frees[len(frees) - self.limit], 0.0) + START_MARGIN_SECONDS
            self._sleep(delay)
            waited += delay


def bot_pacer_factory(engine: Engine) -> Callable[[str, int, float], SharedBotPacer]:
    return lambda key, limit, window: SharedBotPacer(engine, key, limit, window)
