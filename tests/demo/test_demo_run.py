"""`govmon demo` end to end in a temporary folder: each planted problem of the sample data
became the finding it should (monitor/demo/data/expect.toml), and the outputs exist."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from monitor.db.engine import make_engine
from monitor.db.models import Account, AnalysisCache, Comment, Digest, FindingRow, Post, Unit
from monitor.demo.content import demo_expect_file

pytestmark = pytest.mark.slow

EXPECT: dict[str, Any] = tomllib.loads(demo_expect_file().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from monitor.cli.main import cli

    runner = CliRunner()
    # A relative --out, as a person types it: the settings file must still name the folders.
    with runner.isolated_filesystem(temp_dir=tmp_path_factory.mktemp("demo")):
        out = Path.cwd() / "run"
        result = runner.invoke(cli, ["demo", "--out", "run"], catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    (out / "stdout.txt").write_text(result.output, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def engine(demo_dir: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{demo_dir / 'data' / 'govmon.db'}")
    yield engine
    engine.dispose()


def _findings(engine: Engine) -> list[tuple[FindingRow, str | None, str | None]]:
    with Session(engine) as session:
        rows = session.execute(
            select(FindingRow, Account.platform, Account.platform_id, Unit.name)
            .outerjoin(Account, Account.id == FindingRow.account_id)
            .outerjoin(Unit, Unit.id == FindingRow.unit_id)
        ).all()
        return [
            (row, f"{platform}:{pid}" if platform else None, unit)
            for row, platform, pid, unit in rows
        ]


def _matches(
    planted: dict[str, Any],
) -> Callable[[tuple[FindingRow, str | None, str | None]], bool]:
    def match(item: tuple[FindingRow, str | None, str | None]) -> bool:
        row, account, unit = item
        if row.rule != planted["rule"]:
            return False
        if "subject" in planted and row.subject_key != planted["subject"]:
            return False
        if "unit" in planted and unit != planted["unit"]:
            return False
        if "terms" in planted:
            text = row.summary + json.dumps(row.data, ensure_ascii=False)
            return all(term in text for term in planted["terms"])
        if "superior_post" in planted and planted["superior_post"] not in row.dedup_key:
            return False
        return "account" not in planted or account == planted["account"]

    return match


def test_collection_counts(engine: Engine) -> None:
    expected = EXPECT["collection"]
    with Session(engine) as session:
        for model, key in (
            (Account, "accounts"),
            (Unit, "units"),
            (Post, "posts"),
            (Comment, "demo_comments"),  # collected four days ago and now
        ):
            assert session.scalar(select(func.count()).select_from(model)) == expected[key]


def test_open_findings_per_rule(engine: Engine) -> None:
    counts = Counter(row.rule for row, _a, _u in _findings(engine) if row.state == "open")
    assert dict(counts) == EXPECT["open_counts"]


@pytest.mark.parametrize(
    "planted",
    EXPECT["planted"],
    ids=[f"{p['rule']}-{p.get('account', '')}" for p in EXPECT["planted"]],
)
def test_each_planted_problem(engine: Engine, planted: dict[str, Any]) -> None:
    found = [item for item in _findings(engine) if _matches(planted)(item)]
    open_ = [row for row, _a, _u in found if row.state == "open"]
    if planted["state"] == "open":
        assert len(open_) == 1, planted["note"]
        if "severity" in planted:
            assert open_[0].severity == planted["severity"], planted["note"]
    elif planted["state"] == "resolved":
        assert not open_, planted["note"]
        assert any(row.state == "resolved" for row, _a, _u in found), planted["note"]
    else:
        assert not open_, planted["note"]


def test_outputs_exist_and_summary_names_them(demo_dir: Path, engine: Engine) -> None:
    stdout = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    assert "演示完成" in stdout and "digest.html" in stdout
    html = next((demo_dir / "digests").rglob("全系统/digest.html"))
    assert f"周报（网页）：{html}" in stdout  # whole, however long the path (issue 13 §3)
    text = html.read_text(encoding="utf-8")
    for section in ("账号排行", "热点话题", "传言与辟谣", "网民提问", "通报"):
        assert section in text
    assert next((demo_dir / "digests").rglob("全系统/digest.xlsx")).stat().st_size > 0
    outbox = sorted((demo_dir / "outbox").glob("*.md"))
    assert outbox
    mail = "\n".join(p.read_text(encoding="utf-8") for p in outbox)
    assert "已解决" in mail  # the late-clarified rumour: its resolution was reported
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Digest)) >= 1


def test_demo_says_which_sentiment_path_the_first_run_took(demo_dir: Path, engine: Engine) -> None:
    """Too few emoticon-labelled comments to train: snownlp scores the digest window only, and
    the demo prints how many texts, matching what was stored (issue 15)."""
    stdout = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    said = re.findall(r"本次用 snownlp 只为周报时段（(\d+)月(\d+)日起）的 (\d+) 条文本打分", stdout)
    assert [(m, d) for m, d, _ in said] == [("11", "16"), ("11", "23")]
    assert "不足 2000 条（first_run_min_examples）" in stdout
    scored = re.findall(r"情感：新打分 (\d+) 条", stdout)
    assert scored == [n for _, _, n in said]
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(AnalysisCache))
        comments = session.scalar(select(func.count()).select_from(Comment))
    assert stored == sum(int(n) for n in scored)
    assert stored < comments  # older texts were left unscored


def test_the_settings_left_behind_are_complete_and_say_collection_is_off(
    demo_dir: Path, engine: Engine, run_cli: Callable[..., Any]
) -> None:
    """The settings file the demo writes describes every sample account's collector as the demo
    read it (the websites through their RSS route, so none reads 缺少订阅地址), with collection
    switched off: the example platform is gone once the demo ends."""
    from collectors.base import AccountRef
    from collectors.registry import build_collectors, choose
    from monitor.settings.load import load_settings_file

    config = demo_dir / "settings.toml"
    settings = load_settings_file(config)
    assert settings.alerts.outbox_dir == demo_dir / "outbox"  # absolute, from anywhere
    collectors = build_collectors(settings.collectors, lambda: dt.datetime.now(dt.UTC))
    with Session(engine) as session:
        accounts = session.execute(select(Account.platform, Account.platform_id, Account.feed_url))
        unread = sorted(
            f"{platform}:{pid}"
            for platform, pid, feed in accounts
            if choose(collectors, AccountRef(platform, pid, feed_url=feed)) is None
        )
    assert unread == EXPECT["collection"]["failing"]  # the 公众号 only, as the demo shows
    collected = run_cli("collect", "--config", config)
    assert collected.exit_code == 2
    assert "采集已在配置中关闭（collectors.enabled = false）" in collected.stderr
    status = run_cli("status", "--config", config).stdout
    assert "运行 govmon collect" not in status  # the remedy it offers is not possible here
    assert "采集已在配置中关闭" in status


def test_no_message_tells_of_a_problem_that_began_after_it_was_written(demo_dir: Path) -> None:
    """Message 1 is written by the check four days before "now": what it reports began by
    then (the demo collects then too; it no longer reports the 公众号 failing from "now")."""
    checked = 0
    for path in sorted((demo_dir / "outbox").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        written = re.search(r"^(\d{4}-\d\d-\d\d \d\d:\d\d)，共 \d+ 项$", text, re.M)
        if written is None:  # a digest, not an alert message
            continue
        began = re.findall(r"起始：(\d{4}-\d\d-\d\d \d\d:\d\d)", text)
        assert began and all(b <= written[1] for b in began), (path.name, written[1], began)
        checked += 1
    first = (demo_dir / "outbox" / "1.md").read_text(encoding="utf-8")
    assert "2026-11-26 09:00，共" in first  # four days before the demo's "now"
    assert checked >= 2
