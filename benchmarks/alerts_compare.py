"""Proof that a change to `govmon alerts check` changes no result: a fixed scenario over a copy
of an analyzed database, dumped as JSON, to compare between two versions of the code.

The scenario, with a fixed clock: a first check (every finding opens an alert); then some
findings resolved and some closed unsolved, and a second check eight working days later in
quiet hours (resolutions, escalations, reminders, held messages); then a third check a minute
later with nothing changed. Every account counts as read just before each check. After each check every ``alerts`` and ``deliveries`` row is dumped
(all columns, times as ISO text).

    python benchmarks/alerts_compare.py ANALYZED.db OUT.json [--code DIR]

``--code DIR`` runs the code of another checkout (e.g. ``git archive main``), so that the two
dumps can be compared with ``cmp``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    from sqlalchemy import text

    from monitor.db.engine import make_engine
    from monitor.pipeline.alerts import run_check
    from monitor.settings.load import settings_from_dict

    with tempfile.TemporaryDirectory(prefix="govmon-alerts-compare-") as tmp:
        db = Path(tmp) / "run.db"
        shutil.copyfile(args.database, db)
        settings = settings_from_dict(
            {
                # A fixed path: the outbox rows name the file channel's folder.
                "general": {"data_dir": str(Path(tempfile.gettempdir()) / "govmon-compare")},
                "database": {"url": f"sqlite:///{db}"},
                "sentiment": {"enabled": False},
            }
        )
        engine = make_engine(settings.database.url)
        first = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # 16:00 in Beijing, a Tuesday
        second = dt.datetime(2026, 12, 11, 15, 30, tzinfo=dt.UTC)  # 23:30: quiet hours
        dumps: list[dict[str, Any]] = []
        _collected(engine, first)
        run_check(engine, settings, clock=lambda: first)
        dumps.append(_dump(engine))
        with engine.begin() as conn:
            conn.execute(text("UPDATE findings SET state = 'resolved' WHERE id % 37 = 0"))
            conn.execute(
                text(
                    "UPDATE findings SET state = 'closed', "
                    """data = json_set(data, '$.closure', '逾期未答复（已过追踪期）') """
                    "WHERE id % 53 = 0 AND rule = 'unanswered_question'"
                )
            )
        _collected(engine, second)
        run_check(engine, settings, clock=lambda: second)
        dumps.append(_dump(engine))
        run_check(engine, settings, clock=lambda: second + dt.timedelta(minutes=1))
        dumps.append(_dump(engine))
        engine.dispose()
    args.out.write_text(
        json.dumps(dumps, ensure_ascii=False, sort_keys=True, indent=0, default=str) + "\n",
        encoding="utf-8",
    )
    counts = [(len(d["alerts"]), len(d["deliveries"])) for d in dumps]
    code = sys.modules[run_check.__module__].__file__
    print(f"{args.out} ({code}): (alerts, deliveries) after each check {counts}")


def _collected(engine: Any, at: dt.datetime) -> None:
    """Every account read just before the check, as the daemon does: none is held back as
    unreadable (STYLE 18), which would rightly change what the check decides."""
    from sqlalchemy import text

    with engine.begin() as conn:
        stamp = at.replace(tzinfo=None).isoformat(sep=" ")
        conn.execute(text("UPDATE accounts SET last_collected_at = :at"), {"at": stamp})


def _dump(engine: Any) -> dict[str, Any]:
    from sqlalchemy import text

    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in ("alerts", "deliveries"):
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).mappings()
            out[table] = [dict(row) for row in rows]
    return out


if __name__ == "__main__":
    main()
