"""`--format table|json|csv` for the listing commands, and how json and csv are written.

- table: for people, through :func:`monitor.cli.console.out_console` (never cut when piped);
- json: for programs — stable English keys, codes AND their Chinese labels, times in
  ISO 8601 with their offset; the keys are documented in the README;
- csv: for spreadsheets — UTF-8 with a BOM (so Excel shows the Chinese), Chinese headers and
  labels, every cell formula-safe (analysis.formula_guard).

json and csv are written as UTF-8 bytes, whatever the locale of the terminal or pipe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from analysis.formula_guard import guard_formula

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "csv")
BOM = "\ufeff"


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="输出格式：table 表格；json 供程序读取（键名固定，见 README）；"
        "csv 为 UTF-8（带 BOM）表格文件，可用 Excel 打开",
    )(func)


def iso_time(value: dt.datetime | None, zone: ZoneInfo) -> str | None:
    """A time for machines: ISO 8601 in the configured zone, with its offset."""
    return value.astimezone(zone).isoformat(timespec="seconds") if value else None


def iso_day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def emit_json(payload: Any) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    _write(text)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document with a BOM; every cell as text, guarded against formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([guard_formula(h) for h in headers])
    for row in rows:
        writer.writerow([guard_formula(_cell(value)) for value in row])
    return BOM + buffer.getvalue()


def emit_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    _write(csv_text(headers, rows))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _write(text: str) -> None:
    # click.echo writes bytes to the binary stream under stdout, flushing the text before.
    click.echo(text.encode("utf-8"), nl=False)
