"""What every command shares: the settings (loaded once, lazily) and the database."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from monitor.calendar import report_calendar_conflicts
from monitor.db import migrate
from monitor.db.engine import make_engine, make_sessionmaker
from monitor.db.models import JobRun
from monitor.errors import InputError
from monitor.logging_setup import configure_logging
from monitor.settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    config_path: str | None = None
    _settings: Settings | None = None
    _engine: Engine | None = None
    _sessions: sessionmaker[Session] | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
            general = self._settings.general
            configure_logging(general.log_level, general.log_file)
            report_calendar_conflicts(self._settings)  # h12c: issue 12 §4, at start-up
        return self._settings

    def engine(self, *, check: bool = True) -> Engine:
        if self._engine is None:
            settings = self.settings
            self._engine = make_engine(settings.database_url(), echo=settings.database.echo)
            if check:
                migrate.check(self._engine)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        if self._sessions is None:
            self._sessions = make_sessionmaker(self.engine())
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None


def config_option(func: F) -> F:
    """``--config PATH`` on every command (default config/settings.toml or $GOVMON_CONFIG)."""

    def store(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value:
            ctx.ensure_object(AppContext).config_path = value

    return click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False, path_type=str),
        expose_value=False,
        callback=store,
        is_eager=True,
        help="配置文件路径（默认 config/settings.toml，或环境变量 GOVMON_CONFIG）",
    )(func)


def pass_app(func: F) -> F:
    """Hand the command the shared :class:`AppContext` as its first argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        app = click.get_current_context().ensure_object(AppContext)
        return func(app, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def data_path(settings: Settings, *parts: str) -> Path:
    return settings.general.data_dir.joinpath(*parts)


class RunNotes(list[str]):
    """The summary lines of a recorded run; ``partial`` marks a run that finished with some of
    its items failed (shown as 部分失败 by `govmon status`, not 成功)."""

    partial: bool = False


@contextmanager
def recorded_run(engine: Engine, job: str) -> Iterator[RunNotes]:
    """Record a command run in ``job_runs`` like a daemon job, so `govmon status` shows manual
    runs too. The caller appends its one-line summary to the yielded list."""
    import datetime as dt
    import traceback

    from monitor.daemon.runs import finish_run, start_run
    from monitor.settings.secrets import redact

    def now() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    run_id = start_run(engine, job, now())
    summary = RunNotes()
    try:
        yield summary
    except InputError:
        # A mistake in what the user typed is not a failure of the job: no trace of the run,
        # so three typos do not make `govmon status` report a failing job.
        with engine.begin() as conn:
            conn.execute(delete(JobRun).where(JobRun.id == run_id))
        raise
    except KeyboardInterrupt:
        finish_run(engine, run_id, outcome="interrupted", finished_at=now())
        raise
    except Exception as exc:
        error = redact(f"{exc}\n{traceback.format_exc()}")
        finish_run(engine, run_id, outcome="failed", finished_at=now(), error=error)
        raise
    outcome = "partial" if summary.partial else "ok"
    finish_run(engine, run_id, outcome=outcome, finished_at=now(), summary="；".join(summary))
