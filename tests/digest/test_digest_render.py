"""Rendering: hostile texts escaped and capped, markdown neutralised, charts deterministic and
drawn without a Chinese font (ASCII labels, one warning)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from alerts import charts, digest_fonts
from alerts.digest_excel import workbook_values, write_workbook
from alerts.digest_render import render_digest
from analysis.digest_model import (
    DayRow,
    DigestData,
    Figure,
    NegativeThread,
    QuestionRow,
    RankRow,
    TextRef,
    TopicRow,
)

HOSTILE = (
    "<script>alert(1)</script>{{ 7*7 }}{% raw %}[点我](javascript:alert(1)) <@all> @所有人 "
    '=HYPERLINK("http://x") ' + "长" * 5000
)
START = dt.datetime(2026, 11, 22, 16, 0, tzinfo=dt.UTC)
AT = START + dt.timedelta(days=1)


def _data(text: str = HOSTILE) -> DigestData:
    ref = TextRef(text[:200], "javascript:alert(1)", AT)
    return DigestData(
        week="2026-W48",
        scope="江东高速",
        unit_id=2,
        start=START,
        end=START + dt.timedelta(days=7),
        overview=(Figure("posts", "发布数", 1, 0), Figure("comments", "网民评论数", 2, 1)),
        daily=tuple(
            DayRow(START.date() + dt.timedelta(days=i + 1), 1, 2, 0.3, 0.5) for i in range(7)
        ),
        ranking=(
            RankRow(
                1,
                2,
                "weibo:1",
                text[:300],
                "江东高速",
                "weibo",
                10.0,
                10.0,
                1,
                1,
                0,
                0,
                2,
                0,
                None,
                None,
                0,
                0,
                0.0,
            ),
        ),
        topics=(TopicRow(("施工", "封路"), 9, 1, 8, 1, 5.0, 0.5, 0.3, 0.2, (text[:50],), (ref,)),),
        questions=(QuestionRow("weibo:1", "高速发布", "江东高速", 2, 1, 1, 1, 0.5, 3.0),),
        negative=(NegativeThread(ref, "高速发布", "江东高速", 3, 2, 0.6667, 0.2, ref),),
    )


def test_hostile_text_is_escaped_and_capped() -> None:
    out = render_digest(_data())
    assert "<script>" not in out.html and "&lt;script&gt;" in out.html
    assert "{{ 7*7 }}" in out.html and "49" not in out.html  # data, never a template
    assert 'href="javascript' not in out.html
    assert "长" * 201 not in out.html and "长" * 201 not in out.markdown
    for text in (out.markdown, out.bot_markdown):
        assert "<script>" not in text and "](javascript" not in text
        assert "<@all>" not in text and "@所有人" not in text
    assert "＜script＞" in out.markdown


def test_workbook_keeps_formulas_as_text(tmp_path: Path) -> None:
    data = _data('=HYPERLINK("http://x","点我")')
    path = tmp_path / "d.xlsx"
    write_workbook(data, path)
    values = workbook_values(path)
    assert values["账号排行"][0][:3] == ("名次", "上周名次", "账号")
    assert values["账号排行"][1][2].startswith("=HYPERLINK")
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["账号排行"]
    assert sheet.freeze_panes == "A2"
    assert sheet["C2"].data_type == "s"
    assert book.properties.created == dt.datetime(2026, 11, 29, 16, 0)


def test_charts_are_deterministic() -> None:
    data = _data("高速发布")
    first = charts.digest_charts(data.daily, data.ranking, data.questions)
    second = charts.digest_charts(data.daily, data.ranking, data.questions)
    assert [c.key for c in first] == ["daily", "sentiment", "ranking", "response"]
    assert [c.png for c in first] == [c.png for c in second]
    assert all(c.png.startswith(b"\x89PNG") for c in first)
    html = render_digest(data, first).html
    assert html.count("data:image/png;base64,") == 4


def test_no_chinese_font_falls_back_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    digest_fonts.chinese_font.cache_clear()
    for finder in ("_known", "_system_files", "_mplfonts"):
        monkeypatch.setattr(digest_fonts, finder, lambda: None)
    try:
        with caplog.at_level(logging.WARNING, logger="alerts.digest_fonts"):
            data = _data("高速发布")
            drawn = charts.digest_charts(data.daily, data.ranking, data.questions)
            charts.digest_charts(data.daily, data.ranking, data.questions)
        assert len(drawn) == 4
        warnings = [r for r in caplog.records if "未找到中文字体" in r.getMessage()]
        assert len(warnings) == 1
    finally:
        digest_fonts.chinese_font.cache_clear()


def test_configured_font_must_exist_and_draw_chinese(tmp_path: Path) -> None:
    with pytest.raises(digest_fonts.FontNotFound, match=r"找不到 digest\.font_path"):
        digest_fonts.chinese_font(str(tmp_path / "none.ttf"))
    latin = Path(digest_fonts.font_manager.findfont("DejaVu Sans"))
    with pytest.raises(digest_fonts.FontNotFound, match="不含中文字形"):
        digest_fonts.chinese_font(str(latin))
