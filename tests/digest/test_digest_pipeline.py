"""govmon digest over the fixed week: every section's figures, unit subtrees, determinism,
storage, the outbox, the CLI and an empty week."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import sessionmaker
from testkit.digest_week import NOW, WEEK, at, settings_for

from alerts.digest_excel import workbook_values
from monitor.db.models import Account, Delivery, Digest, FindingRow, Unit
from monitor.errors import InputError
from monitor.pipeline.digest import last_week, run_digest


def _build(engine: Engine, tmp_path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    return run_digest(engine, settings_for(tmp_path), clock=lambda: NOW, send=False, **kwargs)


def test_default_week_is_the_one_just_ended() -> None:
    assert last_week(NOW) == WEEK


def test_system_digest_figures(seeded: Engine, tmp_path: Path) -> None:
    summary = _build(seeded, tmp_path)
    scopes = [b.scope for b in summary.built]
    assert scopes == ["全系统", "江东省交通运输厅", "江东高速", "江东公路", "江东高速南段"]
    system = summary.built[0].summary
    assert system["overview"] == {
        "accounts": 3,
        "posts": 4,
        "comments": 3,
        "interactions": 23,  # reposts 10 + comments 3 + likes 10
        "followers": None,  # no follower snapshot in the fixture: unknown, not 0
    }
    assert (system["questions"], system["unanswered"], system["overdue"]) == (2, 1, 1)
    # The attribution finding was resolved on the 25th: at the week's end (the digest's
    # reference moment) its account has nothing open and is commended (analysis.item_state).
    assert (system["findings_open"], system["criticised"], system["commended"]) == (1, 1, 2)
    md = Path(summary.built[0].files["md"]).read_text(encoding="utf-8")
    for heading in (
        "一、总体情况（第二十六条）",
        "二、账号排行（第二十六条）",
        "三、热点话题（第二十二条）",
        "四、传言与辟谣（第二十二、二十三条）",
        "五、网民提问答复（第十六条）",
        "六、负面舆情（第二十二、二十三条）",
        "七、合规问题",
        "八、通报批评与通报表彰（第二十六条）",
        "九、本周待办",
    ):
        assert heading in md
    assert "| 发布数 | 4 | 2 | +2（+100.0%） |" in md
    assert "| 网民评论数 | 3 | 0 | +3 |" in md
    # 高速发布 kept first place; 南段发布 rose from 3rd (no post in W47) to 2nd.
    assert "| 1 | 持平 | 高速发布（微博） | 江东高速 |" in md
    assert "| 2 | ↑1 | 南段发布（微博） | 江东高速南段 |" in md
    assert "| 高速发布（微博） | 江东高速 | 1 | 1 | 0 | 0 | 100% | 2.0 |" in md
    assert "| 南段发布（微博） | 江东高速南段 | 1 | 0 | 1 | 1 | 0% | — |" in md
    assert "| 长期未更新 | 第十二条 | 江东公路 | 1 | 0 |" in md
    assert "| 转载未注明来源 | 第十五条 | 江东高速 | 0 | 1 |" in md
    assert "- 公路发布（微博）（江东公路，第 3 名）：长期未更新（40 天，第十二条）" in md
    assert "恢复 1 个长期未更新账号的更新（第十二条）" in md
    assert "热点话题发现未启用" in md


def test_unit_digest_holds_only_its_subtree(seeded: Engine, tmp_path: Path) -> None:
    summary = _build(seeded, tmp_path, unit="江东高速")
    assert [b.scope for b in summary.built] == ["江东高速"]
    md = Path(summary.built[0].files["md"]).read_text(encoding="utf-8")
    assert "南段发布" in md and "高速发布" in md
    assert "公路发布" not in md and "江东公路" not in md
    assert summary.built[0].summary["overview"]["accounts"] == 2
    assert "总编辑：戊" in md


def test_silent_unit_gets_a_no_activity_digest(seeded: Engine, tmp_path: Path) -> None:
    summary = _build(seeded, tmp_path, unit="江东公路")
    html = Path(summary.built[0].files["html"]).read_text(encoding="utf-8")
    assert "本周无活动" in html
    assert "恢复 1 个长期未更新账号的更新（第十二条）" in html


def test_empty_database_week(db_engine: Engine, tmp_path: Path) -> None:
    summary = _build(db_engine, tmp_path, week="2026-W10")
    assert [b.scope for b in summary.built] == ["全系统"]
    md = Path(summary.built[0].files["md"]).read_text(encoding="utf-8")
    assert "本周无活动" in md
    assert workbook_values(Path(summary.built[0].files["xlsx"]))["总体情况"][0][0] == "指标"


def test_same_week_twice_is_identical(seeded: Engine, tmp_path: Path) -> None:
    first = _build(seeded, tmp_path, unit="江东高速", out_dir=tmp_path / "a")
    second = _build(seeded, tmp_path, unit="江东高速", out_dir=tmp_path / "b")
    a, b = first.built[0], second.built[0]
    assert a.content_hash == b.content_hash and not b.changed
    for kind in ("html", "md"):
        assert Path(a.files[kind]).read_bytes() == Path(b.files[kind]).read_bytes()
    assert workbook_values(Path(a.files["xlsx"])) == workbook_values(Path(b.files["xlsx"]))
    with sessionmaker(seeded)() as session:
        rows = session.scalars(select(Digest).where(Digest.scope == "江东高速")).all()
    assert len(rows) == 1 and rows[0].files["html"] == b.files["html"]


def test_send_queues_email_and_bot_messages_once(seeded: Engine, tmp_path: Path) -> None:
    with sessionmaker(seeded).begin() as session:
        road = session.scalars(select(Unit).where(Unit.name == "江东高速")).one()
        road.wecom_webhook = "wecom://0123456789abcdef"
    settings = settings_for(tmp_path)
    summary = run_digest(seeded, settings, clock=lambda: NOW, send=True)
    assert summary.deliveries == 5
    again = run_digest(seeded, settings, clock=lambda: NOW, send=True)
    assert (again.deliveries, again.already_queued) == (0, 5)
    with sessionmaker(seeded)() as session:
        rows = {
            r.channel_ref + "|" + r.payload["digest_scope"]: r
            for r in session.scalars(select(Delivery).where(Delivery.kind == "digest"))
        }
    system = rows["settings:outbox|全系统"]
    assert system.status == "pending" and system.next_attempt_at is not None
    assert system.payload["html"].startswith("<!DOCTYPE html>")
    assert system.payload["attachments"][0].endswith("digest.xlsx")
    bot = rows["registry:江东高速|江东高速"]
    assert bot.payload["html"] == "" and bot.payload["attachments"] == []
    assert bot.payload["markdown"].startswith("**【政务新媒体监测】江东高速舆情周报")
    assert len(bot.payload["markdown"].encode()) < 4096
    assert "0123456789abcdef" not in json.dumps([r.payload for r in rows.values()])


def test_bad_week_and_unknown_unit(seeded: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="格式不对"):
        _build(seeded, tmp_path, week="2026-48")
    with pytest.raises(InputError, match="2026 年没有第 60 周"):
        _build(seeded, tmp_path, week="2026-W60")
    with pytest.raises(InputError, match="没有名为 '不存在' 的单位"):
        _build(seeded, tmp_path, unit="不存在")


def test_cli_builds_and_lists(
    seeded: Engine,
    db_url: str,
    tmp_path: Path,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
) -> None:
    config = write_settings(
        "[sentiment]\nenabled = false\n[topics]\nenabled = false\n[rumours]\nenabled = false\n"
        f'[digest]\ncharts = false\nout_dir = "{(tmp_path / "d").as_posix()}"\n',
        db_url=db_url,
    )
    built = run_cli("digest", "--config", config, "--week", WEEK, "--unit", "江东高速")
    assert built.exit_code == 0, built.output
    assert "江东高速" in built.stdout
    listed = run_cli("digest", "--config", config, "--list")
    assert listed.exit_code == 0 and WEEK in listed.stdout
    bad = run_cli("digest", "--config", config, "--week", "W48")
    assert bad.exit_code == 2 and "格式不对" in bad.stderr


def _blind_highway_account(engine: Engine) -> None:
    """公路发布 has not been read since W46 (a login wall): its quiet week is not evidence."""
    with sessionmaker(engine).begin() as session:
        account = session.scalars(select(Account).where(Account.platform_id == "3")).one()
        account.last_collected_at = at(15, 9)
        account.consecutive_failures = 40
        account.last_error_kind = "login_wall"
        account.last_error = "weibo:3：平台要求登录或验证码：请更新 Cookie"
        account.failing_since = at(15, 10)
        session.execute(delete(FindingRow).where(FindingRow.rule == "stale_account"))
        session.add(
            FindingRow(
                dedup_key="collection_failing:weibo:3",
                rule="collection_failing",
                article="第二十五条",
                subject_type="account",
                subject_key="weibo:3",
                unit_id=account.unit_id,
                account_id=account.id,
                severity="overdue",
                summary="账号 公路发布（weibo:3） 已连续 40 次采集失败：请更新 Cookie",
                state="open",
                first_seen=at(16, 9),
                last_seen=at(29, 9),
            )
        )


def test_a_unit_govmon_could_not_read_is_incomplete_not_quiet(
    seeded: Engine, tmp_path: Path
) -> None:
    _blind_highway_account(seeded)
    summary = _build(seeded, tmp_path, unit="江东公路")
    files = summary.built[0].files
    for name in ("html", "md"):
        text = Path(files[name]).read_text(encoding="utf-8")
        assert "采集失败，数据不完整" in text and "请更新 Cookie" in text
        assert "本周无活动" not in text
        assert "本周没有合规问题" not in text
        # Not a compliance problem of the unit, nor on its to-do list.
        assert "账号持续采集失败" not in text and "持续采集失败的账号" not in text
    assert summary.built[0].summary["incomplete"] == 1


def test_ranking_row_of_an_unread_account_says_so(seeded: Engine, tmp_path: Path) -> None:
    _blind_highway_account(seeded)
    md = Path(_build(seeded, tmp_path).built[0].files["md"]).read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if "| 公路发布" in line)
    # The account's platform and the note's reason are each in brackets: not one inside the
    # other's ("公路发布（微博）（采集失败，数据不完整（…））" read as three levels).
    assert "公路发布（微博）——采集失败，数据不完整（" in row, row
    # No place and no index: govmon did not see its week (STYLE 18); it is listed last.
    assert row.startswith("| — | — | 公路发布") and "| 0.00 |" not in row, row
    section = md.split("账号排行")[1].split("\n## ")[0]
    assert [line for line in section.splitlines() if line.startswith("| ")][-1] == row
    reading = next(line for line in md.splitlines() if "| 高速发布" in line)
    assert "采集失败" not in reading
    built = _build(seeded, tmp_path, out_dir=tmp_path / "again").built[0]
    sheet = workbook_values(Path(built.files["xlsx"]))["账号排行"]
    column = sheet[0].index("数据完整性")
    notes = {row[column] for row in sheet[1:]}
    assert any(str(n).startswith("采集失败，数据不完整") for n in notes) and "完整" in notes
    unread = next(r for r in sheet[1:] if str(r[column]).startswith("采集失败"))
    rank, index = sheet[0].index("名次"), sheet[0].index("指数")
    assert unread[rank] is None and unread[index] is None
