"""Province-scale benchmark: the 300-account week (6,000 posts, 200,000 comments; 15 % of
comments questions, 5 % official replies; post templates mixed with real headlines, comments
mixed with real Weibo comments from ../shared/datasets), stored through govmon's own ingest once
into a cached SQLite file, then each step run as govmon itself in a fresh process:

    govmon analyze  (cold, nothing new, +1 % new comments)
    govmon alerts check
    govmon digest   (the system's and every unit's)

Prints CPU (user + system of the child), wall time and peak RSS of each step, with the ratios
the targets of issue 15 name, and the machine. The machine may be shared: CPU time is the
figure to compare, wall time is shown for reference.

    python benchmarks/scale.py [--accounts 300] [--posts 6000] [--comments 200000]
        [--datasets ../shared/datasets] [--cache-dir ~/.cache/govmon-scale] [--rebuild]
        [--sentiment off|trained]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

from week import (
    TextPools,
    add_new_texts,
    dataset_texts,
    store_comments_of,
    store_week,
    synthetic_week,
)

from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
FORMAT = 1  # bump when the stored week changes shape


@dataclass(frozen=True)
class Step:
    name: str
    cpu: float
    wall: float
    rss_mib: float
    ok: bool


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, {model}, load average {load:.1f} at start"


def province_week(
    args: argparse.Namespace, now: dt.datetime, pools: TextPools
) -> dict[str, pd.DataFrame]:
    """The synthetic week of the arguments' size: 15 % of texts questions, 5 % official replies
    (the same week for building and for growing it, as the week's texts are seeded)."""
    return synthetic_week(
        args.accounts,
        args.posts,
        args.comments,
        now=now,
        question_share=0.15 / 0.95,
        official_share=0.05,
        pools=pools,
    )


def build(args: argparse.Namespace, path: Path) -> dt.datetime:
    """The week, stored through govmon's ingest into ``path``; returns the week's end."""
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    pools = dataset_texts(Path(args.datasets))
    if not pools.comments:
        print(f"warning: no datasets in {args.datasets}: template texts only", file=sys.stderr)
    frames = province_week(args, now, pools)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{tmp}")
    migrate.upgrade(engine)
    began = time.perf_counter()
    store_week(engine, frames, now)
    engine.dispose()
    tmp.replace(path)
    meta = {"now": now.isoformat(), "format": FORMAT, "real_texts": bool(pools.comments)}
    path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    print(f"built and stored in {time.perf_counter() - began:.0f} s → {path}")
    return now


def cached_week(args: argparse.Namespace) -> tuple[Path, dt.datetime]:
    cache = Path(args.cache_dir).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    texts = "real" if dataset_texts(Path(args.datasets), limit=1).comments else "templates"
    path = cache / f"week-{args.accounts}-{args.posts}-{args.comments}-{texts}.db"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists() and not args.rebuild:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") == FORMAT:
            if not meta.get("real_texts"):
                print("warning: the cached week has template texts only", file=sys.stderr)
            return path, dt.datetime.fromisoformat(meta["now"])
    return path, build(args, path)


def settings_file(folder: Path, db: Path, sentiment: str) -> Path:
    text = f"""
[general]
data_dir = "{folder / "data"}"

[database]
url = "sqlite:///{db}"

[sentiment]
enabled = {"true" if sentiment != "off" else "false"}
engine = "auto"

[digest]
out_dir = "{folder / "digests"}"
"""
    path = folder / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_step(name: str, argv: list[str], config: Path, code: str = "") -> Step:
    """One govmon command in a fresh process; its own CPU time and peak RSS (wait4).
    ``code``: Python run instead of ``-m monitor`` (with ``argv`` as its arguments)."""
    env = {**os.environ, "GOVMON_CONFIG": str(config), "COLUMNS": "120"}
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *(["-c", code] if code else ["-m", "monitor"]), *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    ok = proc.returncode == 0
    if not ok:
        print(f"  {name}: exit {proc.returncode}\n{err[-2000:]}", file=sys.stderr)
    step = Step(name, usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, ok)
    print(f"  {name}: {step.cpu:.1f} s CPU, {step.wall:.1f} s wall, {step.rss_mib:.0f} MiB")
    return step


# -- the digest rows (issue 15: all digests of a week ≤ 0.3× before, ≤ 500 MiB) ---------------

DIGEST_README_BEFORE_CPU = 40.0  # s, the README's "before" figure (main before issue 15)
# The in-run baseline: the same `govmon digest` as before issue 15 (benchmarks/digest_baseline.py:
# each scope segments its texts again with Python jieba through the featurizer's own bounded
# store and counts their features itself, every chart drawn); everything else as now, so the
# ratio is, if anything, in the old code's favour.
_DIGEST_BEFORE = (
    "import sys; sys.path.insert(0, 'benchmarks'); import digest_baseline; digest_baseline.main()"
)


def digest_steps(week: str, config: Path) -> dict[str, Step]:
    """`govmon digest --week` as before (tokens per scope) and as now, each in a fresh process."""
    argv = ["digest", "--week", week]
    before = run_step("digest before", argv, config, code=_DIGEST_BEFORE)
    now = run_step("digest (all units)", argv, config)
    print(
        f"  digest: {now.cpu / before.cpu:.2f}× the in-run baseline (tokens per scope), "
        f"{now.cpu / DIGEST_README_BEFORE_CPU:.2f}× the README's {DIGEST_README_BEFORE_CPU} s"
    )
    return {"digest before": before, "digest (all units)": now}


def grow(db: Path, share: float, now: dt.datetime, args: argparse.Namespace) -> int:
    """``share`` new comments (texts not seen before) through govmon's ingest."""
    frames = province_week(args, now, dataset_texts(Path(args.datasets)))
    grown = add_new_texts({"comments": frames["comments"], "posts": frames["posts"]}, share)
    new = grown["comments"].iloc[len(frames["comments"]) :]
    engine = make_engine(f"sqlite:///{db}")
    store_comments_of(engine, new, frames["posts"], now)
    engine.dispose()
    return len(new)


# CPU seconds of steps measured before issue 15's changes (README), for the targets stated as a
# share of "before": their old code is gone, so they cannot be measured in the same run.
BEFORE = {"alerts check": 60.6}
# Issue 15 states the cold target with the trained sentiment engine, the ratios with sentiment
# off (unless said): the cold row is judged only when measured so.
COLD_TRAINED = "analyze cold (trained)"


def verdict(name: str, step: Step, steps: dict[str, Step]) -> tuple[str, str, bool | None]:
    """(ratio shown, target, met?) of one step; met is None where the step has no target."""
    cold = steps.get("analyze cold") or steps.get(COLD_TRAINED)
    if name == COLD_TRAINED:
        return "", "≤ 30 s CPU, ≤ 500 MiB", step.cpu <= 30 and step.rss_mib <= 500
    if name == "analyze cold":  # the target is stated with the trained engine
        return "", "≤ 30 s, ≤ 500 MiB with the trained engine (--sentiment trained)", None
    if name in ("analyze no-op", "analyze +1 %") and cold is not None and cold.cpu > 0:
        ratio, limit = step.cpu / cold.cpu, 0.05 if name == "analyze no-op" else 0.15
        return f"{ratio:.2f}× cold", f"≤ {limit}× cold", ratio <= limit
    if name in BEFORE:
        ratio = step.cpu / BEFORE[name]
        return f"{ratio:.2f}× before", "≤ 0.1× before (README)", ratio <= 0.1
    if name == "digest before":
        return "", f"in-run baseline (README before: {DIGEST_README_BEFORE_CPU} s)", None
    if name == "digest (all units)":
        before = steps.get("digest before")
        if before is None or before.cpu == 0:
            return "", "≤ 0.3× before, ≤ 500 MiB", None
        ratio = step.cpu / before.cpu
        met = ratio <= 0.3 and step.rss_mib <= 500
        return f"{ratio:.2f}× before", "≤ 0.3× before, ≤ 500 MiB", met
    return "", "", None


def table(steps: dict[str, Step], comments: int) -> None:
    print(f"(targets at {comments:,} comments)")
    header = (
        f"| {'step':<22} | {'CPU s':>7} | {'wall s':>7} | {'peak RSS MiB':>12} "
        "| ratio | target | met |"
    )
    print(header)
    print("|" + "---|" * 7)
    for name, step in steps.items():
        mark = "" if step.ok else " (failed)"
        ratio, target, met = verdict(name, step, steps)
        shown = "" if met is None else ("yes" if met and step.ok else "NO")
        print(
            f"| {name + mark:<22} | {step.cpu:>7.1f} | {step.wall:>7.1f} | {step.rss_mib:>12.0f} "
            f"| {ratio} | {target} | {shown} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument(
        "--datasets",
        default="../shared/datasets",
        help="the shared public datasets (headlines, Weibo comments); default ../shared/datasets",
    )
    parser.add_argument("--cache-dir", default="~/.cache/govmon-scale")
    parser.add_argument("--rebuild", action="store_true", help="build the week again")
    parser.add_argument("--sentiment", choices=("off", "trained"), default="off")
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    cached, now = cached_week(args)
    print(
        f"week: {args.accounts} accounts, {args.posts} posts, {args.comments:,} comments "
        f"(15 % questions, 5 % official replies), ending {now:%Y-%m-%d %H:%M} UTC; "
        f"sentiment {args.sentiment}"
    )
    with tempfile.TemporaryDirectory(prefix="govmon-scale-") as tmp:
        folder = Path(tmp)
        db = folder / "week.db"
        shutil.copyfile(cached, db)
        engine = make_engine(f"sqlite:///{db}")
        migrate.upgrade(engine)  # a week cached by an older version: as `govmon init` would
        # Every account read a moment ago, as under a running daemon: an account govmon has
        # not read lately is not judged on its silence (STYLE 18), which would skip the
        # question and staleness rules this benchmark is about.
        with engine.begin() as conn:
            conn.execute(
                Account.__table__.update().values(last_collected_at=dt.datetime.now(dt.UTC))
            )
        engine.dispose()
        config = settings_file(folder, db, args.sentiment)
        steps: dict[str, Step] = {}
        if args.sentiment == "trained":
            steps["sentiment train"] = run_step("sentiment train", ["sentiment", "train"], config)
        cold = "analyze cold" if args.sentiment == "off" else COLD_TRAINED
        steps[cold] = run_step(cold, ["analyze"], config)
        steps["analyze no-op"] = run_step("analyze no-op", ["analyze"], config)
        added = grow(db, 0.01, now, args)
        print(f"  (+{added:,} new comments stored through ingest)")
        steps["analyze +1 %"] = run_step("analyze +1 %", ["analyze"], config)
        steps["alerts check"] = run_step("alerts check", ["alerts", "check"], config)
        week = (now - dt.timedelta(days=4)).isocalendar()
        steps.update(digest_steps(f"{week.year}-W{week.week:02d}", config))
    print()
    table(steps, args.comments)
    return 0 if all(s.ok for s in steps.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
