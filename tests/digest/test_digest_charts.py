"""Charts as a person sees them: a week without data says so; the Chinese font is the
Simplified Chinese face of a CJK collection, found without matplotlib's findfont warnings."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from alerts import charts, digest_fonts
from analysis.digest_model import DayRow, QuestionRow, RankRow

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # fonts-wqy-microhei (CI)


def _row(rank: int, score: float) -> RankRow:
    return RankRow(rank, None, f"weibo:{rank}", f"账号{rank}", "江东港航", "weibo", score, score,
                   0, 0, 0, 0, 0, 0, None, None, 0, 0, 0.0)  # fmt: skip


def test_ranking_of_a_week_without_data_says_so() -> None:
    figure = Figure()
    charts.no_data(figure, "字体", "账号排行（第二十六条）")
    (ax,) = figure.axes
    assert [t.get_text() for t in ax.texts] == ["本周无数据"]
    assert not ax.axison  # no empty −0.04…0.04 axis
    font = digest_fonts.chinese_font()
    empty = charts.ranking_chart([_row(1, 0.0), _row(2, 0.0)], font)
    expected = charts._png(
        lambda fig: charts.no_data(
            fig, font, "账号排行（第二十六条）" if font else "Account ranking"
        ),
        font,
    )
    assert empty == expected
    assert charts.ranking_chart([_row(1, 3.0)], font) != expected


@pytest.mark.parametrize(
    ("faces", "chosen"),
    [
        (["Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK TC"],
         "Noto Sans CJK SC"),
        (["Noto Serif CJK JP", "Noto Serif CJK SC"], "Noto Serif CJK SC"),
        (["Noto Sans Mono CJK SC", "Noto Sans CJK JP", "Noto Sans CJK SC"], "Noto Sans CJK SC"),
        (["WenQuanYi Micro Hei Mono", "WenQuanYi Micro Hei"], "WenQuanYi Micro Hei"),
        (["Source Han Sans HK", "Source Han Sans CN"], "Source Han Sans CN"),
        (["Droid Sans Fallback"], "Droid Sans Fallback"),
    ],
)  # fmt: skip
def test_collection_face_is_simplified_chinese(faces: list[str], chosen: str) -> None:
    assert digest_fonts.pick_face(faces) == chosen


@pytest.mark.skipif(not WQY.is_file(), reason="fonts-wqy-microhei is not installed")
def test_installed_cjk_font_draws_without_findfont_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    digest_fonts.chinese_font.cache_clear()
    try:
        with caplog.at_level(logging.DEBUG, logger="matplotlib.font_manager"):
            name = digest_fonts.chinese_font(str(WQY))
            rows = [_row(1, 5.0), _row(2, 3.0)]
            charts.ranking_chart(rows, name)
        assert name == "WenQuanYi Micro Hei"
        warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert not warned, [r.getMessage() for r in warned]
    finally:
        digest_fonts.chinese_font.cache_clear()


def _charts_of_a_busy_week() -> tuple[list[DayRow], list[RankRow], list[QuestionRow]]:
    days = [
        DayRow(dt.date(2026, 11, 23) + dt.timedelta(days=i), 3 + i, 40_000 + 1_000 * i, 0.5, 0.2)
        for i in range(7)
    ]
    ranking = [_row(rank, 100.0 - rank) for rank in range(1, 21)]
    questions = [
        QuestionRow(f"weibo:{n}", f"账号{n}", "江东港航", 10, 8, 2, 1, 0.8, 4.0 + n)
        for n in range(20)
    ]
    return days, ranking, questions


def test_titles_sit_where_matplotlib_would_place_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The title is placed at the top of the axes instead of measured at each drawing: the
    same pixels as matplotlib's own placement (nothing of these charts sits above the axes)."""
    font = digest_fonts.chinese_font()
    days, ranking, questions = _charts_of_a_busy_week()
    drawn = [c.png for c in charts.digest_charts(days, ranking, questions)]
    assert len(drawn) == 4
    monkeypatch.setattr(charts, "_title", lambda ax, text: ax.set_title(text))
    measured = [
        charts.daily_chart(days, font),
        charts.sentiment_chart(days, font),
        charts.ranking_chart(ranking, font),
        charts.response_chart(questions, font),
    ]
    assert drawn == measured


def test_scopes_showing_the_same_rows_draw_a_chart_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system and a top unit holding every account show the same charts: drawn once."""
    charts._chart_png.cache_clear()
    drawn: list[int] = []
    draw = charts._render

    def counted(*args: Any, **kwargs: Any) -> bytes:
        drawn.append(1)
        return draw(*args, **kwargs)

    monkeypatch.setattr(charts, "_render", counted)
    days, ranking, questions = _charts_of_a_busy_week()
    system = charts.digest_charts(days, ranking, questions)
    assert len(drawn) == 4
    # A unit whose first 15 accounts are the system's: the same ranking chart (it shows 15).
    unit = charts.digest_charts(days, ranking[:15], questions)
    assert len(drawn) == 4
    assert unit == system
    charts.digest_charts(days[:6], ranking, questions)  # another week's days: drawn again
    assert len(drawn) == 6


def test_a_text_measured_for_one_chart_is_not_measured_again_for_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Charts of one size share a renderer, which remembers the size of each text it laid out:
    the second of two charts with the same labels measures none of them again, and its image
    is the one drawn with a renderer of its own."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    font = digest_fonts.chinese_font()
    days, _ranking, _questions = _charts_of_a_busy_week()
    measured: list[str] = []
    original = RendererAgg.get_text_width_height_descent

    def counting(self: RendererAgg, s: str, *args: Any, **kwargs: Any) -> Any:
        measured.append(s)
        return original(self, s, *args, **kwargs)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counting)
    monkeypatch.setattr(charts._Canvas, "_local", threading.local())  # no renderer yet
    first = charts.daily_chart(days, font)
    assert measured
    measured.clear()
    second = charts.daily_chart(list(reversed(days))[::-1], font)
    assert measured == []
    assert second == first
    monkeypatch.setattr(charts, "_Canvas", FigureCanvasAgg)
    monkeypatch.setattr(charts, "POOLED", False)  # a figure of its own, with its own renderer
    assert charts.daily_chart(days, font) == first


def _varied_charts(font: str | None) -> list[tuple[str, Any]]:
    """Charts of every kind, sizes and scales mixed, in an order that reuses each figure with
    other data (larger and smaller values, more and fewer bars, days without sentiment)."""
    days, ranking, questions = _charts_of_a_busy_week()
    quiet = [
        DayRow(d.day + dt.timedelta(days=7), i % 2, 3 * i, None if i % 3 else 0.2, None)
        for i, d in enumerate(days)
    ]
    blank = [DayRow(d.day, 0, 0, None, None) for d in days]  # nothing finite to scale to
    small = [_row(rank, 0.5 * rank) for rank in range(1, 4)]
    out: list[tuple[str, Any]] = []
    for rows_days, rows_rank, rows_questions in (
        (days, ranking, questions),
        (quiet, small, questions[:3]),
        (blank, ranking[:15], questions[5:]),
        (days, small[:1], questions[:1]),
        (quiet, ranking, questions),
    ):
        out += [
            ("daily", rows_days),
            ("sentiment", rows_days),
            ("ranking", rows_rank),
            ("response", rows_questions),
        ]
    return out


@pytest.mark.parametrize("ascii_only", [True, False])
def test_a_kept_figure_draws_what_a_new_one_draws(
    monkeypatch: pytest.MonkeyPatch, ascii_only: bool
) -> None:
    """Charts drawn one after another on kept figures, each text laid out once, are byte for
    byte the charts each drawn on a figure of its own by matplotlib's own Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    font = None if ascii_only else (digest_fonts.chinese_font() or "DejaVu Sans")
    monkeypatch.setattr(charts._Pool, "_local", threading.local())  # no figure kept yet
    monkeypatch.setattr(charts._Canvas, "_local", threading.local())  # nor text laid out
    varied = _varied_charts(font)
    kept = [getattr(charts, f"{kind}_chart")(rows, font) for kind, rows in varied]
    assert len(charts._Pool._local.figures) >= 4
    monkeypatch.setattr(charts, "POOLED", False)
    monkeypatch.setattr(charts, "_Canvas", FigureCanvasAgg)
    alone = [getattr(charts, f"{kind}_chart")(rows, font) for kind, rows in varied]
    assert kept == alone
