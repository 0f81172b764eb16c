"""Running a job inside the daemon: never twice at once, recorded, logged, never fatal.

A job that raises is logged with its traceback (the log file) and a one-line summary (the
console), recorded as ``failed`` and simply runs again on its next tick. Every run writes one
log line: what it did and how long it took. Follow-ups (analysis after collection…) run in the
same worker right after, each recorded as its own run.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from monitor.daemon import jobs, runs
from monitor.daemon.signals import StopRequested, stop_requested
from monitor.settings import Settings
from monitor.settings.secrets import redact

log = logging.getLogger("monitor.daemon")

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class JobRunner:
    """Runs registered jobs by name for one daemon (one settings, one database)."""

    def __init__(self, settings: Settings, engine: Engine, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._active = 0
        self._idle = threading.Condition(self._guard)

    def _lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    def fire(self, name: str) -> None:
        """The scheduler's entry point: run ``name`` and its follow-ups; never raises."""
        pending = [name]
        while pending and not stop_requested():
            follow = self.run_once(pending.pop(0))
            pending.extend(f for f in follow if f not in pending)

    def run_once(self, name: str) -> tuple[str, ...]:
        """Run one job (unless it is already running); returns the follow-ups it asked for."""
        lock = self._lock(name)
        if not lock.acquire(blocking=False):
            log.info("任务 %s 仍在运行，本次跳过", name)
            return ()
        with self._guard:
            self._active += 1
        try:
            return self._run_locked(name)
        finally:
            lock.release()
            with self._guard:
                self._active -= 1
                self._idle.notify_all()

    def _run_locked(self, name: str) -> tuple[str, ...]:
        started = self.clock()
        began = time.monotonic()
        try:
            job = jobs.get(name)
            run_id = runs.start_run(self.engine, name, started)
        except Exception:
            log.error("任务 %s 无法开始（记录运行失败）", name, exc_info=True)
            return ()
        outcome, summary, error = "ok", "", ""
        follow: tuple[str, ...] = ()
        failure: BaseException | None = None  # its traceback goes to the log file
        try:
            result = job.func(self.settings, self.engine, started)
            summary, follow = result.summary, result.follow_up
            if result.partial:
                outcome = "partial"
        except StopRequested:
            outcome, summary = "interrupted", "收到停止信号，在安全点中止"
        except jobs.JobUnavailable as exc:
            outcome, error = "failed", str(exc)
        except Exception as exc:
            outcome, error, failure = "failed", redact(f"{type(exc).__name__}: {exc}"), exc
        seconds = time.monotonic() - began
        try:
            runs.finish_run(
                self.engine,
                run_id,
                outcome=outcome,
                finished_at=started + dt.timedelta(seconds=seconds),
                summary=summary,
                error=error,
            )
        except Exception:
            log.error("任务 %s 的运行结果无法写入数据库", name, exc_info=True)
        if outcome in ("ok", "partial"):
            word = runs.OUTCOME_LABELS[outcome] if outcome == "partial" else "完成"
            log.info("任务 %s %s（%.1f 秒）：%s", name, word, seconds, summary)
        elif outcome == "failed":
            # One line on the console (its formatter drops the traceback), all of it in the file.
            log.error(
                "任务 %s（%s）失败（%.1f 秒）：%s",
                name,
                job.title,
                seconds,
                error,
                exc_info=failure,
            )
        else:
            log.info("任务 %s %s（%.1f 秒）", name, runs.OUTCOME_LABELS[outcome], seconds)
        return follow if outcome in ("ok", "partial") else ()

    def active(self) -> int:
        with self._guard:
            return self._active

    def wait_idle(self, timeout: float, give_up: Callable[[], bool] = lambda: False) -> bool:
        """Wait until no job runs (True), or until ``timeout`` or ``give_up()`` (False)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._active:
                left = deadline - time.monotonic()
                if left <= 0 or give_up():
                    return False
                self._idle.wait(min(left, 0.5))
        return True
