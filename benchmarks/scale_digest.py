"""The digest rows of benchmarks/scale.py alone: the cached province week copied, every account
marked as read a moment ago, `govmon analyze` run once (not measured), then `govmon digest
--week` as before issue 15 and as now, each in a fresh process (CPU, wall, peak RSS).

    python benchmarks/scale_digest.py [--datasets ../shared/datasets] [--keep DIR]

``--keep DIR`` also copies both runs' digest folders there (before/ and now/), to compare what
they say.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import (
    _DIGEST_BEFORE,
    cached_week,
    machine,
    run_step,
    settings_file,
    table,
)

from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--datasets", default="../shared/datasets")
    parser.add_argument("--cache-dir", default="~/.cache/govmon-scale")
    parser.add_argument("--keep", type=Path, help="copy both runs' digests here")
    args = parser.parse_args(argv)
    args.rebuild = False
    print(f"machine: {machine()}")
    cached, now = cached_week(args)
    week = (now - dt.timedelta(days=4)).isocalendar()
    label = f"{week.year}-W{week.week:02d}"
    with tempfile.TemporaryDirectory(prefix="govmon-digest-") as tmp:
        folder = Path(tmp)
        db = folder / "week.db"
        shutil.copyfile(cached, db)
        engine = make_engine(f"sqlite:///{db}")
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(
                Account.__table__.update().values(last_collected_at=dt.datetime.now(dt.UTC))
            )
        engine.dispose()
        config = settings_file(folder, db, "off")
        run_step("analyze (not measured)", ["analyze"], config)
        argv_digest = ["digest", "--week", label]
        steps = {}
        for name, code in (("digest before", _DIGEST_BEFORE), ("digest (all units)", "")):
            steps[name] = run_step(name, argv_digest, config, code=code)
            if args.keep is not None:
                target = args.keep / ("before" if code else "now")
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(folder / "digests", target)
            shutil.rmtree(folder / "digests")
    print()
    table(steps, args.comments)
    return 0 if all(s.ok for s in steps.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
