"""snownlp (about 400 MB once imported) is loaded only when it is the engine in use: a daemon
or a CLI run with a trained model never imports it (issue 15). Neither imports scikit-learn
(~48 MiB, ~0.6 s), which only training the model needs: the topics weigh and normalise their
rows themselves (analysis/topics/weights.py)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from testkit.one_account import one_weibo_account

from analysis.sentiment.linear import fit_linear_model
from analysis.sentiment.store import activate_model, save_model
from collectors.records import CommentRecord, PostRecord
from monitor.db.engine import make_engine
from monitor.settings import load_settings
from monitor.store.ingest import store_comments, store_posts

pytestmark = pytest.mark.slow  # two fresh interpreters, each running analyze and a digest

NOW = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)
GOOD = ["谢谢及时发布", "辛苦了，点赞", "路况很好"]
BAD = ["太差了，投诉", "又堵车了，烦死了", "没人管，失望"]

PROBE = textwrap.dedent(
    """
    import sys
    from monitor.cli.main import cli

    for command in (["analyze"], ["digest", "--week", "2026-W48"]):
        try:
            cli(["--config", sys.argv[1], *command], standalone_mode=False)
        except SystemExit as exit:
            assert not exit.code, exit.code
    print("snownlp imported:", "snownlp" in sys.modules)
    print("sklearn imported:", "sklearn" in sys.modules)
    """
)


def _seed(config: Path) -> None:
    settings = load_settings(config)
    engine = make_engine(settings.database_url())
    with engine.begin() as conn:
        one_weibo_account(conn)
        post = PostRecord("weibo", "p1", "https://m.weibo.cn/", NOW, published_at=NOW, text="路况")
        store_posts(conn, 1, [post], NOW)
        comments = [
            CommentRecord(
                "weibo",
                f"c{i}",
                "p1",
                "https://m.weibo.cn/",
                NOW,
                text=f"{(GOOD + BAD)[i % 6]} {i}",
                created_at=NOW + dt.timedelta(minutes=i),
            )
            for i in range(30)
        ]
        store_comments(conn, "weibo", comments, NOW)
    engine.dispose()
    texts = [f"{t}{i}" for i in range(20) for t in GOOD + BAD]
    labels = [1, 1, 1, 0, 0, 0] * 20
    model = fit_linear_model(texts, labels, n_features=2**12)
    model_dir = settings.sentiment.model_dir
    activate_model(model_dir, save_model(model, model_dir))


@pytest.mark.parametrize(("engine", "imported"), [("auto", False), ("snownlp", True)])
def test_snownlp_is_imported_only_when_it_is_the_engine(
    engine: str,
    imported: bool,
    tmp_path: Path,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
) -> None:
    config = write_settings(
        f'[sentiment]\nengine = "{engine}"\n[digest]\nout_dir = "{(tmp_path / "d").as_posix()}"\n'
    )
    assert run_cli("init", "--config", config).exit_code == 0
    _seed(config)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(config)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert f"snownlp imported: {imported}" in done.stdout
    assert "sklearn imported: False" in done.stdout
