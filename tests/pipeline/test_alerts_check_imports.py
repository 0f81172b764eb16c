"""`govmon alerts check` runs every few minutes and is a diff of findings and alerts: it never
loads what only the analysis needs (pandas, jieba, scikit-learn) nor the HTTP client of the
channels (loaded when a message is sent). Each costs a run ~0.1–0.4 s and tens of MiB."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy.orm import sessionmaker

from analysis.findings import Finding, make_key
from monitor.db.engine import make_engine
from monitor.db.models import Account, Unit
from monitor.settings import load_settings
from monitor.store.findings import save_findings

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
HEAVY = ("pandas", "rjieba", "sklearn", "scipy", "matplotlib", "httpx", "snownlp")

PROBE = textwrap.dedent(
    """
    import sys
    from monitor.cli.main import cli

    try:
        cli(["--config", sys.argv[1], "alerts", "check"], standalone_mode=False)
    except SystemExit as exit:
        assert not exit.code, exit.code
    print("loaded:", sorted(m for m in sys.argv[2].split(",") if m in sys.modules))
    """
)


def test_the_alerts_check_loads_nothing_only_the_analysis_or_sending_needs(
    tmp_path: Path, write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    config = write_settings(f'[alerts]\noutbox_dir = "{(tmp_path / "outbox").as_posix()}"\n')
    assert run_cli("init", "--config", config).exit_code == 0
    engine = make_engine(load_settings(config).database_url())
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        unit = Unit(name="城东收费站")
        read = dt.datetime.now(dt.UTC)  # read a moment ago: no rumour can be carried unseen
        session.add(
            Account(
                unit=unit,
                platform="weibo",
                platform_id="1",
                name="城东收费站微博",
                last_collected_at=read,
            )
        )
    # Among them a rumour: the check asks whether it is carried (monitor/store/open_rumours.py).
    findings = [
        Finding(
            rule=rule,
            article="第二十五条",
            subject_type="account",
            subject_key="weibo:1",
            dedup_key=make_key(rule, "weibo:1"),
            severity="warning",
            summary=f"{rule}（第二十五条）",
            unit="城东收费站",
            account="weibo:1",
        )
        for rule in ("harmful_comment", "stale_account", "rumour_unclarified")
    ]
    with sessions.begin() as session:
        save_findings(session, findings, NOW)
    engine.dispose()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(config), ",".join(HEAVY)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout, done.stdout
