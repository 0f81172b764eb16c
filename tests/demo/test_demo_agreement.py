"""The demo's outputs agree with themselves (issue 13 §1): the digest read as a person reads it
— each headline count equals the sum of its section's rows, no item is both resolved and open —
and the workbook, the demo's closing summary and the outbox say the same."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alerts.digest_excel import workbook_values
from analysis.labels import rule_title
from monitor.db.engine import make_engine
from monitor.db.models import Alert, FindingRow
from monitor.demo.run import DemoResult, run_demo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("agree") / "run")


@pytest.fixture(scope="module")
def engine(demo: DemoResult) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{demo.out_dir / 'data' / 'govmon.db'}")
    yield engine
    engine.dispose()


# -- reading the Markdown digest as a person reads it -----------------------------------------


def _section(markdown: str, number: str) -> str:
    start = markdown.index(f"## {number}、")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else len(markdown)]


def _rows(section: str) -> list[list[str]]:
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:]]


def _int(cell: str) -> int:
    return int(re.match(r"-?[\d,]+", cell).group(0).replace(",", ""))  # type: ignore[union-attr]


def _headline(markdown: str) -> dict[str, int]:
    line = next(line for line in markdown.splitlines() if line.startswith("> 本周要点"))
    pairs = re.findall(r"([\u4e00-\u9fff]+) ([\d,]+) [条个项]", line)
    return {label: int(value.replace(",", "")) for label, value in pairs}


@pytest.fixture(scope="module")
def digest(demo: DemoResult) -> str:
    assert demo.digest_markdown is not None
    return demo.digest_markdown.read_text(encoding="utf-8")


def test_the_reference_moment_is_printed(digest: str, demo: DemoResult) -> None:
    assert "各项状态截至 2026年11月29日 24:00（北京时间）" in digest
    assert dict(demo.summary_rows())["周报：各项状态截至"] == "2026年11月29日 24:00"


def _every_scope(demo: DemoResult) -> list[str]:
    folder = demo.out_dir / "digests"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("digest.md"))]
    assert len(texts) > 2
    return [t for t in texts if "> 本周要点" in t]  # a week without activity says so instead


def test_every_scope_agrees_with_itself(demo: DemoResult) -> None:
    for text in _every_scope(demo):
        test_headline_counts_are_sums_of_section_rows(text)
        test_no_item_is_both_resolved_and_open(text)


def test_headline_counts_are_sums_of_section_rows(digest: str) -> None:
    head = _headline(digest)
    overview = {row[0]: row[1] for row in _rows(_section(digest, "一"))}
    assert head["发布"] == _int(overview["发布数"])
    assert head["网民评论"] == _int(overview["网民评论数"])
    ranking = _rows(_section(digest, "二"))
    assert sum(_int(r[5]) for r in ranking) == head["发布"]
    assert sum(_int(r[7]) for r in ranking) == head["网民评论"]
    rumours = _rows(_section(digest, "四"))
    assert head["未澄清传言"] == sum(1 for r in rumours if "未澄清" in r[4])
    questions = _section(digest, "五")
    rows = _rows(questions)
    asked, open_, late = (sum(_int(r[i]) for r in rows) for i in (2, 4, 5))
    if rows:
        assert f"共 {asked} 条提问，未答复 {open_} 条，其中逾期 {late} 条" in questions
    else:
        assert "本周没有网民提问" in questions
    assert head["逾期未答复提问"] == late
    assert all(_int(r[2]) == _int(r[3]) + _int(r[4]) for r in rows)
    findings = _rows(_section(digest, "七"))
    assert head["未解决合规问题"] == sum(_int(r[3]) for r in findings)
    for r in findings:  # each group's counts are its items' states
        assert r[5].count("·未解决］") == min(_int(r[3]), 5), r


def test_no_item_is_both_resolved_and_open(digest: str) -> None:
    rumours = _rows(_section(digest, "四"))
    findings = _rows(_section(digest, "七"))
    todo = _section(digest, "九")
    criticised = _section(digest, "八").split("**通报表彰**")[0]
    open_rumour_units = Counter(r[1] for r in rumours if "未澄清" in r[4])
    for claim, unit, *_rest, state in rumours:
        if "已澄清" in state:
            open_items = [f[5] for f in findings if f[0] == "谣言未澄清" and f[2] == unit]
            assert all(f"·未解决］传言「{claim}" not in items for items in open_items), claim
    for f in findings:
        if f[0] == "谣言未澄清":
            assert _int(f[3]) == open_rumour_units[f[2]], f
    # 九、本周待办 asks each unit to verify exactly its unclarified rumours ...
    for unit, count in open_rumour_units.items():
        assert re.search(rf"\*\*{unit}\*\*[^*]*核实 {count} 条传言", todo), unit
    units_in_todo = re.findall(r"\*\*([^*]+)\*\*（总编辑", todo)
    for unit in units_in_todo:
        block = todo.split(f"**{unit}**", 1)[1].split("\n**", 1)[0]
        if "核实" in block and "传言" in block:
            assert unit in open_rumour_units, unit
    # ... and 通报批评 names an unclarified rumour only where one is open.
    assert criticised.count("谣言未澄清") == sum(1 for n in open_rumour_units.values() if n)
    # Questions: an account with nothing unanswered in 五 has no open question in 七 or 九.
    questions = _rows(_section(digest, "五"))
    answered_all = {r[1] for r in questions if _int(r[4]) == 0}
    open_q = {f[2]: _int(f[3]) for f in findings if f[0] == "网民提问未答复"}
    for unit in answered_all:
        if not any(r[1] == unit and _int(r[4]) for r in questions):
            assert open_q.get(unit, 0) == 0, unit
            block = todo.split(f"**{unit}**", 1)[-1].split("\n**", 1)[0] if unit in todo else ""
            assert "网民提问" not in block, unit
    for unit, count in open_q.items():
        if count:
            assert re.search(rf"\*\*{unit}\*\*[^*]*答复 {count} 条网民提问", todo), unit


def test_workbook_agrees_with_the_digest(demo: DemoResult, digest: str) -> None:
    assert demo.digest_workbook is not None
    book = workbook_values(demo.digest_workbook)
    head = _headline(digest)
    rumours = book["传言与辟谣"][1:]
    assert sum(1 for r in rumours if r[5] == "未澄清") == head["未澄清传言"]
    findings = book["合规问题"]
    assert str(findings[0][5]).startswith("状态（截至2026年11月29日 24:00")
    assert sum(1 for r in findings[1:] if r[5] == "未解决") == head["未解决合规问题"]
    questions = book["网民提问"][1:]
    assert sum(int(r[5]) for r in questions) == head["逾期未答复提问"]
    # The workbook lists every item: resolved ones say how and when.
    resolved = [r[5] for r in findings[1:] if str(r[5]).startswith("已解决")]
    assert resolved and all("（" in str(s) for s in resolved)


def test_demo_summary_agrees_with_digest_and_database(
    demo: DemoResult, digest: str, engine: Engine
) -> None:
    rows = dict(demo.summary_rows())
    head = _headline(digest)
    assert int(rows["周报：未澄清传言"]) == head["未澄清传言"]
    assert int(rows["周报：其中逾期"]) == head["逾期未答复提问"]
    assert int(rows["周报：未解决合规问题"]) == head["未解决合规问题"]
    questions = _section(digest, "五")
    assert f"未答复 {rows['周报：网民提问未答复']} 条" in questions
    with Session(engine) as session:
        now_open = Counter(
            session.scalars(select(FindingRow.rule).where(FindingRow.state == "open")).all()
        )
    shown = {k.removeprefix("现在未解决："): int(v) for k, v in rows.items() if "现在未解决" in k}
    assert shown == {rule_title(rule): n for rule, n in now_open.items()}
    assert all(not re.search(r"[a-z]_[a-z]", label) for label in rows)


def _outbox(demo: DemoResult) -> list[dict[str, Any]]:
    assert demo.outbox is not None
    return [json.loads(p.read_text(encoding="utf-8")) for p in Path(demo.outbox).glob("*.json")]


def test_outbox_agrees_with_alerts_and_digest(
    demo: DemoResult, digest: str, engine: Engine
) -> None:
    messages = _outbox(demo)
    markdown = "\n".join(m["markdown"] for m in messages)
    with Session(engine) as session:
        alerts = session.execute(select(Alert, FindingRow).join(FindingRow)).all()
    assert alerts
    for alert, finding in alerts:
        if alert.send_count == 0:
            # resolved while its message waited: the re-check withdrew it before it went
            assert f"告警编号：{alert.id}；" not in markdown, alert.id
            continue
        assert f"告警编号：{alert.id}；" in markdown, alert.id
        if alert.resolution_reported_at is not None:
            # The resolution restates the finding, when and how it went.
            resolved = [
                m["markdown"]
                for m in messages
                if "[已解决]** **" in m["markdown"] and f"告警编号：{alert.id}；" in m["markdown"]
            ]
            assert resolved, alert.id
            text = resolved[0]
            assert finding.summary[:30] in text or finding.summary[:30].replace("_", "＿") in text
            assert "解决情况：" in text
    # The system digest delivered by the file outbox is the digest written to disk.
    delivered = [m for m in messages if m["subject"].startswith("【政务新媒体监测】全系统舆情周报")]
    assert len(delivered) == 1
    assert delivered[0]["markdown"] == digest


# -- one unit's accounts told apart (江东港航's 公众号 and 微博 share a name) --------------------


def test_every_account_of_the_ranking_is_told_apart(demo: DemoResult, digest: str) -> None:
    shown = [row[2] for row in _rows(_section(digest, "二"))]
    names = [re.sub(r"——采集失败.*$", "", cell) for cell in shown]  # without the data note
    assert len(set(names)) == len(names), names
    assert {"江东港航（微博）", "江东港航（微信公众号）"} <= set(names)
    assert "江东公路网站" in names  # a name that says its platform is not told it twice
    assert demo.digest_html is not None
    html = demo.digest_html.read_text(encoding="utf-8")
    assert "江东港航（微博）" in html and "江东港航（微信公众号）" in html
    assert demo.digest_workbook is not None
    sheets = workbook_values(demo.digest_workbook)
    ranking = next(rows for title, rows in sheets.items() if "排行" in title)
    header = ranking[0]
    column = header.index("账号")
    accounts = [row[column] for row in ranking[1:]]
    assert len(set(accounts)) == len(accounts), accounts


def test_the_outbox_heads_a_message_with_the_accounts_platform(demo: DemoResult) -> None:
    assert demo.outbox is not None
    text = "\n".join(p.read_text(encoding="utf-8") for p in Path(demo.outbox).glob("*.md"))
    assert "**江东港航（微博）**" in text and "**江东港航（微信公众号）**" in text
    assert "**江东港航**" not in text
