"""Logging: full tracebacks to the log file, short lines to the console, secrets redacted."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from monitor.settings.secrets import redact

_CONSOLE_FORMAT = "%(message)s"
_FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
SQL_ECHO_LOGGER = "sqlalchemy.engine"  # see monitor.db.engine


class RedactingFilter(logging.Filter):
    """Masks every known secret value in the formatted message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


class _ConsoleLevel(logging.Filter):
    """Warnings and errors on the console, and the SQL statements of `database.echo` (their
    logger is only at INFO when echo is on); the rest of INFO goes to the log file only."""

    def __init__(self, threshold: int) -> None:
        super().__init__()
        self.threshold = threshold

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.threshold or record.name.startswith(SQL_ECHO_LOGGER)


class _ShortConsoleFormatter(logging.Formatter):
    """One line per record on the console; the traceback goes to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text = saved


def configure_logging(level: str = "INFO", log_file: Path | None = None) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_govmon", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG)
    # Never stdout: a command's results are there, and may be piped into another program.
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if level != "DEBUG" else logging.DEBUG)
    console.addFilter(_ConsoleLevel(logging.WARNING if level != "DEBUG" else logging.DEBUG))
    console.setFormatter(_ShortConsoleFormatter(_CONSOLE_FORMAT))
    console.addFilter(RedactingFilter())
    console._govmon = True  # type: ignore[attr-defined]
    root.addHandler(console)
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            logging.getLogger(__name__).warning("无法写日志文件 %s：%s", log_file, exc)
        else:
            file_handler.setLevel(getattr(logging, level, logging.INFO))
            file_handler.setFormatter(logging.Formatter(_FILE_FORMAT))
            file_handler.addFilter(RedactingFilter())
            file_handler._govmon = True  # type: ignore[attr-defined]
            root.addHandler(file_handler)
    for noisy in ("httpx", "httpcore", "jieba", "matplotlib", "alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
