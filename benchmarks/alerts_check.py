"""Benchmark of `govmon alerts check` on an analyzed province week (issue 15: ≤ 0.1× the
README's former 60.6 s CPU, i.e. ≤ 6.0 s).

On a copy of the given database (analyzed, no alerts yet), in a fresh process each — as the
CLI and the daemon run it: the first check (every open finding opens an alert and is told),
then a second check right after (nothing changed). CPU (user + system), wall time and peak
RSS of each process, and the ratio of its CPU to the former figure.

    python benchmarks/alerts_check.py ANALYZED.db [--code DIR ...]

``--code DIR`` measures another checkout too (e.g. ``git archive main | tar -x -C DIR``), on
its own copy, in the same run: a baseline under the same load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

README_BEFORE_CPU = 60.6  # s, `govmon alerts check` before issue 15 (README)
TARGET_RATIO = 0.1

SETTINGS = """[general]
data_dir = "{tmp}/data"
[database]
url = "sqlite:///{tmp}/run.db"
[sentiment]
enabled = false
[digest]
out_dir = "{tmp}/digests"
"""


def _run(code: Path, config: Path) -> tuple[float, float, float, int]:
    """(cpu s, wall s, peak RSS MiB, exit code) of one `govmon alerts check` process."""
    env = dict(os.environ, GOVMON_CONFIG=str(config), PYTHONPATH=str(code))
    command = [sys.executable, "-m", "monitor", "alerts", "check"]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=code, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return cpu, wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def _measure(label: str, code: Path, database: Path) -> list[tuple[str, float, float, float]]:
    with tempfile.TemporaryDirectory(prefix="govmon-alerts-bench-") as tmp:
        shutil.copyfile(database, Path(tmp) / "run.db")
        config = Path(tmp) / "settings.toml"
        config.write_text(SETTINGS.format(tmp=tmp), encoding="utf-8")
        rows = []
        for step in ("first check", "second check (nothing changed)"):
            cpu, wall, rss, code_ = _run(code, config)
            if code_ != 0:
                raise SystemExit(f"{label}: {step} exited {code_}")
            rows.append((f"{label}: {step}", cpu, wall, rss))
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="an analyzed database (SQLite, no alerts)")
    parser.add_argument("--code", type=Path, action="append", default=[])
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1]
    rows = _measure("this tree", here, args.database)
    for other in args.code:
        rows += _measure(str(other), other.resolve(), args.database)
    print(f"{'step':<58} {'CPU s':>7} {'wall s':>7} {'RSS MiB':>8} {'× 60.6 s':>9}")
    for label, cpu, wall, rss in rows:
        ratio = cpu / README_BEFORE_CPU
        print(f"{label:<58} {cpu:7.2f} {wall:7.2f} {rss:8.0f} {ratio:9.3f}")
    first = rows[0][1] / README_BEFORE_CPU
    verdict = "met" if first <= TARGET_RATIO else "NOT met"
    print(f"target: first check ≤ {TARGET_RATIO}× {README_BEFORE_CPU} s CPU — {verdict}")
    if len(rows) > 2:
        print(f"first check against {rows[2][0].split(':')[0]}: {rows[0][1] / rows[2][1]:.2f}×")


if __name__ == "__main__":
    main()
