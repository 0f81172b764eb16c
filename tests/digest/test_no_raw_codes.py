"""Chinese for people, codes for machines (issue 13 §2): every rule, severity and platform is
walked through every renderer a person reads — the digest (HTML, Markdown, bot summary, plain
text), its workbook, and the alert messages (new and resolved, text, Markdown and HTML) — and
no rule id, severity, state or platform code may show."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from itertools import cycle
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from alerts.digest_excel import workbook_rows
from alerts.digest_render import render_digest
from analysis.digest import build_digests
from analysis.labels import RULES, SEVERITY_LABELS, STATE_LABELS, rule_article, rule_title
from analysis.platforms import PLATFORMS
from monitor.db.models import Account, Delivery, FindingRow, Unit
from monitor.pipeline.alerts import run_check
from monitor.pipeline.digest import load_inputs
from monitor.settings import Settings, settings_from_dict

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
WEEK = "2026-W48"
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=SHANGHAI).astimezone(dt.UTC)
NOW = dt.datetime(2026, 11, 30, 9, tzinfo=SHANGHAI).astimezone(dt.UTC)

CODES = sorted(
    {*RULES, *SEVERITY_LABELS, *STATE_LABELS, *(p.code for p in PLATFORMS)}, key=len, reverse=True
)
# A code as a word of its own (markdown escapes "_" as "＿" or "\_": undo that first).
RAW = re.compile(r"(?<![A-Za-z_])(" + "|".join(map(re.escape, CODES)) + r")(?![A-Za-z_])")


class _Text(HTMLParser):
    """The text a reader sees in an HTML page (no tags, attributes, styles or images)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def markdown_text(markdown: str) -> str:
    """What a bot or Markdown viewer shows: no link targets, no WeCom colour tags."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)
    return re.sub(r"</?font[^>]*>", "", text)


def raw_codes(text: str) -> list[str]:
    return RAW.findall(text.replace("＿", "_").replace("\\_", "_"))


def _settings(tmp_path: Path) -> Settings:
    return settings_from_dict(
        {
            "general": {"data_dir": str(tmp_path / "data")},
            "sentiment": {"enabled": False},
            "topics": {"enabled": False},
            "rumours": {"enabled": False},
            "alerts": {"outbox_dir": str(tmp_path / "outbox")},
            "digest": {"out_dir": str(tmp_path / "digests"), "charts": False},
        }
    )


def _seed(engine: Engine) -> None:
    """One account per platform; for every rule one finding of every severity, each of a
    different account, half of them resolved during the week."""
    with sessionmaker(engine).begin() as s:
        top = Unit(name="江东省交通运输厅", head="甲", editor="乙")
        unit = Unit(name="江东高速", parent=top, head="丙", editor="丁")
        s.add_all([top, unit])
        s.flush()
        accounts = [
            Account(unit=unit, platform=p.code, platform_id=f"{i}", name=f"江东高速{p.label}")
            for i, p in enumerate(PLATFORMS)
        ]
        s.add_all(accounts)
        s.flush()
        owners = cycle(accounts)
        rows = []
        for rule in RULES:
            for n, severity in enumerate(SEVERITY_LABELS):
                account = next(owners)
                rows.append(
                    FindingRow(
                        dedup_key=f"{rule}:{account.platform}:{account.platform_id}:{n}",
                        rule=rule,
                        # A row stored before the one citation style: the table's is shown.
                        article=rule_article(rule).replace("、", "条、第"),
                        subject_type="account",
                        subject_key=f"{account.platform}:{account.platform_id}",
                        unit_id=unit.id,
                        account_id=account.id,
                        severity=severity,
                        summary=f"「{account.name}」{rule_title(rule)}（{rule_article(rule)}）",
                        data={"missing": ["总编辑"], "days_since_last_post": 40},
                        since=MONDAY,
                        state="open",
                        first_seen=MONDAY,
                        last_seen=MONDAY,
                    )
                )
        s.add_all(rows)


def _payload_texts(engine: Engine) -> list[str]:
    with sessionmaker(engine)() as s:
        payloads = [p for p in s.scalars(select(Delivery.payload)) if isinstance(p, dict)]
    out = []
    for p in payloads:
        out += [p.get("subject", ""), p.get("text", ""), markdown_text(p.get("markdown", ""))]
        out.append(html_text(p.get("html", "") or ""))
    return out


def _resolve_half(engine: Engine, when: dt.datetime) -> None:
    with sessionmaker(engine).begin() as s:
        for row in s.scalars(select(FindingRow).order_by(FindingRow.id)):
            if row.id % 2:
                row.state, row.resolved_at = "resolved", when


@pytest.fixture
def walked(db_engine: Engine, tmp_path: Path) -> dict[str, Any]:
    _seed(db_engine)
    settings = _settings(tmp_path)
    run_check(db_engine, settings, clock=lambda: MONDAY)  # every finding alerted
    _resolve_half(db_engine, MONDAY + dt.timedelta(days=2))  # resolved mid-week
    run_check(db_engine, settings, clock=lambda: MONDAY + dt.timedelta(days=2, hours=1))
    inputs = load_inputs(db_engine, settings, WEEK)
    digests = list(build_digests(inputs))
    return {"engine": db_engine, "digests": digests}


def test_no_raw_code_in_alert_messages(walked: dict[str, Any]) -> None:
    texts = _payload_texts(walked["engine"])
    assert len(texts) >= 8
    joined = "\n".join(texts)
    for rule in RULES:
        assert rule_title(rule) in joined, rule
    assert "已解决" in joined
    for text in texts:
        assert raw_codes(text) == [], text[:2000]


def test_no_raw_code_in_the_digest_and_workbook(walked: dict[str, Any]) -> None:
    system = walked["digests"][0]
    titles = {g.title for g in system.findings}
    # operator rules (govmon could not see) are not compliance problems of a unit
    assert titles == {rule_title(r) for r, info in RULES.items() if not info.operator}
    for data in walked["digests"]:
        rendered = render_digest(data)
        shown = {
            "subject": rendered.subject,
            "html": html_text(rendered.html),
            "markdown": markdown_text(rendered.markdown),
            "bot": markdown_text(rendered.bot_markdown),
            "text": rendered.text,
        }
        for name, text in shown.items():
            assert raw_codes(text) == [], (data.scope, name, text[:3000])
        for sheet, (headers, rows) in workbook_rows(data).items():
            cells = [str(v) for v in headers] + [str(v) for r in rows for v in r if v is not None]
            found = [c for c in cells if raw_codes(c)]
            assert found == [], (data.scope, sheet, found[:10])


def test_one_citation_style_and_severity_words(walked: dict[str, Any]) -> None:
    system = walked["digests"][0]
    markdown = render_digest(system).markdown
    messages = "\n".join(_payload_texts(walked["engine"]))
    for text in (markdown, messages):
        assert "第二十二、二十三条" in text
        assert "第二十二条、第二十三条" not in text
    for word in SEVERITY_LABELS.values():
        assert word in markdown and word in messages
    sheet = workbook_rows(system)["合规问题"][1]
    assert {row[4] for row in sheet} == set(SEVERITY_LABELS.values())
