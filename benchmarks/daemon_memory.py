"""Benchmark: the daemon's memory over 24 simulated collection ticks of the demo data, with a
trained sentiment model in use (issue 15: steady under 400 MiB, snownlp never imported).

The demo's 备案登记表 is imported into a fresh SQLite database; a sentiment model is trained in
a child process on the demo comments' emoticon labels and made current (so the daemon's
process only loads it, as a deployment's would; its quality is not the point here, its size
is: the full 2^20 hashed features); the fake platform serves the demo content from a child
process (so its request log does not count); the daemon's own job runner fires the collection
tick 24 times, 90 simulated minutes apart (with the default 60-minute interval every account is
due at each tick), each tick followed as in `govmon run` by analysis, alert evaluation and
sending; the weekly digest job fires once, at the middle tick, so the steady figure includes
what it leaves loaded. Prints the resident set size (VmRSS) after each tick, its peak (VmHWM), which heavy
packages the daemon has imported, and the ratios against the first tick and the middle one
measured in the same run: a steady daemon stays near 1.0.

    python benchmarks/daemon_memory.py [--ticks 24] [--engine trained|snownlp]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy import func, select

from collectors.fakeplatform import FakePlatform
from monitor.daemon.runner import JobRunner
from monitor.db.engine import make_engine
from monitor.db.models import JobRun
from monitor.demo.content import (
    demo_accounts_csv,
    demo_collectors_settings,
    demo_now,
    load_demo_content,
)
from monitor.settings import settings_from_dict

HEAVY = ("snownlp", "sklearn", "jieba", "matplotlib", "scipy", "openpyxl", "pandas")
LIMIT_MB = 400 * 1.048576  # 400 MiB in MB


def status_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_mb() -> float:
    return status_mb("VmRSS")


def train_demo_model(model_dir: Path) -> None:
    """In a child process: fit the linear model on the demo comments' emoticon labels and make
    it current (no held-out contest: the demo has too few labelled comments to win one)."""
    from analysis.sentiment.emoticons import load_emoticon_map
    from analysis.sentiment.linear import fit_linear_model
    from analysis.sentiment.store import activate_model, save_model
    from analysis.sentiment.training import build_examples

    content = load_demo_content()
    texts = [c.text for a in content.accounts.values() for p in a.posts for c in p.comments]
    examples = build_examples(texts, [], load_emoticon_map(None))
    model = fit_linear_model([e.text for e in examples], [e.label for e in examples])
    activate_model(model_dir, save_model(model, model_dir))


def serve(conn: Connection) -> None:
    with FakePlatform(load_demo_content(), clock=demo_now) as fake:
        conn.send(fake.url)
        conn.recv()  # until the parent says stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=24)
    parser.add_argument(
        "--engine",
        choices=("trained", "snownlp"),
        default="trained",
        help="trained: a model trained first (the target); snownlp: no model, snownlp's default",
    )
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(theirs,), daemon=True)
    server.start()
    url = ours.recv()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        config = Path(tmp) / "settings.toml"
        config.write_text(
            f'[general]\ndata_dir = "{data.as_posix()}"\n'
            f'log_file = "{(data / "govmon.log").as_posix()}"\n',
            encoding="utf-8",
        )
        # In child processes: what `govmon init` and the import load is not the daemon's.
        for command in (["init"], ["accounts", "import", str(demo_accounts_csv())]):
            subprocess.run(
                [sys.executable, "-m", "monitor", "--config", str(config), *command],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        settings = settings_from_dict(
            {
                "general": {"data_dir": str(data), "log_file": str(data / "govmon.log")},
                "collectors": demo_collectors_settings(url),
                "alerts": {"outbox_dir": str(data / "outbox")},
                "sentiment": {"engine": "auto" if args.engine == "trained" else "snownlp"},
            }
        )
        if args.engine == "trained":
            trainer = multiprocessing.get_context("spawn").Process(
                target=train_demo_model, args=(settings.sentiment.model_dir,)
            )
            trainer.start()
            trainer.join()
            assert trainer.exitcode == 0, "training the demo model failed"
        engine = make_engine(settings.database_url())
        tick = 0

        def clock() -> dt.datetime:
            return demo_now() + dt.timedelta(minutes=90 * tick)

        runner = JobRunner(settings, engine, clock)
        figures: list[tuple[int, float, float]] = []
        print(f"{'tick':>4} {'RSS MB':>8} {'seconds':>8}")
        for tick in range(1, args.ticks + 1):
            began = time.monotonic()
            runner.fire("collect")  # and its follow-ups: analyze → alerts → send
            if tick == args.ticks // 2:  # the weekly digest (charts, Excel) once, mid-run
                runner.fire("digest")
            seconds = time.monotonic() - began
            figures.append((tick, rss_mb(), seconds))
            print(f"{tick:>4} {figures[-1][1]:>8.1f} {seconds:>8.2f}", flush=True)
        with engine.connect() as conn:
            outcomes = conn.execute(
                select(JobRun.job, JobRun.outcome, func.count()).group_by(
                    JobRun.job, JobRun.outcome
                )
            ).all()
        engine.dispose()
    ours.send("stop")
    server.join(10)

    first, middle, last = figures[0][1], figures[len(figures) // 2 - 1][1], figures[-1][1]
    steady = figures[len(figures) // 2 - 1 :]
    print()
    print(f"sentiment engine: {args.engine}")
    print("job runs: " + ", ".join(f"{job} {outcome} ×{n}" for job, outcome, n in outcomes))
    loaded = [name for name in HEAVY if name in sys.modules]
    print(f"heavy packages imported: {', '.join(loaded) or 'none'}")
    print(f"snownlp imported: {'yes' if 'snownlp' in sys.modules else 'no'}")
    print(f"peak RSS (VmHWM): {status_mb('VmHWM'):.1f} MB")
    worst = max(mb for _, mb, _ in steady)
    verdict = "met" if worst < LIMIT_MB else "NOT met"
    print(
        f"steady RSS (ticks {steady[0][0]}–{steady[-1][0]}): max {worst:.1f} MB "
        f"= {worst / 1.048576:.1f} MiB; target < 400 MiB: {verdict}"
    )
    print(
        f"RSS after tick 1: {first:.1f} MB; after tick {len(figures) // 2}: {middle:.1f} MB; "
        f"after tick {len(figures)}: {last:.1f} MB"
    )
    print(f"ratio last/first  = {last / first:.3f}")
    print(f"ratio last/middle = {last / middle:.3f}  (steady: ≈ 1.0)")


if __name__ == "__main__":
    main()
