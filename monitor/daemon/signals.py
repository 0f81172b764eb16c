"""Stopping cleanly: SIGTERM/SIGINT set a flag that jobs check at safe points.

A job calls :func:`raise_if_stopping` between steps that each leave the database consistent
(after an account's transaction is committed, after a message's result is recorded); the
daemon stops scheduling, waits for running jobs up to a limit, and exits 0. A second signal
while waiting gives up on the wait.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger("monitor.daemon")

_STOP = threading.Event()
_HURRY = threading.Event()


class StopRequested(Exception):
    """Raised inside a job at a safe point once the daemon has been asked to stop."""


def stop_requested() -> bool:
    return _STOP.is_set()


def raise_if_stopping() -> None:
    if _STOP.is_set():
        raise StopRequested("收到停止信号")


def request_stop() -> None:
    _STOP.set()


def wait_for_stop(timeout: float) -> bool:
    """True once a stop was requested (waits at most ``timeout`` seconds)."""
    return _STOP.wait(timeout)


def hurried() -> bool:
    """A second signal arrived: stop waiting for the running jobs."""
    return _HURRY.is_set()


def reset() -> None:
    _STOP.clear()
    _HURRY.clear()


def _handle(signum: int, _frame: FrameType | None) -> None:
    name = signal.Signals(signum).name
    if _STOP.is_set():
        _HURRY.set()
        log.warning("再次收到 %s：不再等待正在运行的任务", name)
    else:
        _STOP.set()
        log.info("收到 %s：停止调度，等待正在运行的任务在安全点结束", name)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Install the SIGTERM/SIGINT handlers (main thread only); the old ones come back after."""
    previous = {sig: signal.signal(sig, _handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
