"""The digest's charts as PNG bytes (matplotlib, Agg, no pyplot state): daily posts and
comments, sentiment trend, ranking bars, response times.

Deterministic: fixed size and dpi, no metadata (no software version, no timestamp), so the
same data gives the same bytes. Without a Chinese font the labels are ASCII (no boxes).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from alerts.digest_fonts import chinese_font
from analysis.digest_model import DayRow, QuestionRow, RankRow

BLUE = "#2b6cb0"
ORANGE = "#dd6b20"
RED = "#c53030"
GREY = "#718096"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str  # Chinese, shown above the image (and as its alt text)
    png: bytes


class _Canvas(FigureCanvasAgg):
    """An Agg canvas drawing with one renderer per image size, shared by every chart.

    matplotlib keeps the size of each text it has laid out per renderer; a renderer per
    chart measured every tick label and title again for each of a run's ~140 charts. A
    renderer is cleared before each drawing, and what it remembers depends only on the text,
    its font and the dpi, so the images are the same."""

    _local: ClassVar[threading.local] = threading.local()  # a renderer draws one chart at a time
    _KEPT = 16  # image sizes kept (the charts have a few heights)

    def get_renderer(self) -> RendererAgg:
        width, height = self.get_width_height(physical=True)
        key = (width, height, float(self.figure.dpi))
        shared: dict[tuple[int, int, float], RendererAgg] = self._local.__dict__.setdefault(
            "renderers", {}
        )
        renderer = shared.get(key)
        if renderer is None:
            if len(shared) >= self._KEPT:
                shared.clear()
            renderer = shared[key] = RendererAgg(width, height, self.figure.dpi)
        self.renderer = renderer
        self._lastKey = key
        return renderer


def _png(
    draw: Callable[[Figure], None], font: str | None, height: float = 3.0, left: float = 0.08
) -> bytes:
    rc: dict[str, Any] = {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.hashsalt": "govmon",
        "font.size": 9,
    }
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]  # keys are valid rcParams
        figure = Figure(figsize=(7.2, height), dpi=100)
        _Canvas(figure)
        # Fixed margins: tight_layout would measure every label and double the drawing time.
        figure.subplots_adjust(left=left, right=0.92, bottom=0.55 / height, top=1 - 0.35 / height)
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def _title(ax: Axes, text: str) -> None:
    """The title at the top of the axes. Placed there explicitly: left to matplotlib, it
    measures every tick label of the axes and its twin at each drawing to see whether a label
    on top would push it up, which none of these charts has (a sixth of the drawing time)."""
    ax.set_title(text, y=1.0)


def _t(font: str | None, chinese: str, ascii_text: str) -> str:
    return chinese if font else ascii_text


def daily_chart(days: Sequence[DayRow], font: str | None) -> bytes:
    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        labels = [d.day.strftime("%m-%d") for d in days]
        x = range(len(days))
        ax.bar(x, [d.posts for d in days], color=BLUE, label=_t(font, "发布数", "posts"))
        ax.set_ylabel(_t(font, "发布数", "posts"))
        ax.set_xticks(list(x), labels)
        right = ax.twinx()
        right.plot(x, [d.comments for d in days], color=ORANGE, marker="o")
        right.set_ylabel(_t(font, "网民评论数", "comments"))
        _title(ax, _t(font, "每日发布与评论", "Posts and comments per day"))

    return _png(draw, font)


def sentiment_chart(days: Sequence[DayRow], font: str | None) -> bytes:
    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        labels = [d.day.strftime("%m-%d") for d in days]
        x = list(range(len(days)))
        mean = [d.mean_sentiment if d.mean_sentiment is not None else float("nan") for d in days]
        neg = [d.negative_share if d.negative_share is not None else float("nan") for d in days]
        ax.plot(x, mean, color=BLUE, marker="o", label=_t(font, "平均情感", "mean sentiment"))
        ax.plot(x, neg, color=RED, marker="s", label=_t(font, "负面占比", "negative share"))
        ax.set_ylim(0, 1)
        ax.set_xticks(x, labels)
        ax.legend(loc="upper right")
        _title(ax, _t(font, "评论情感趋势（0 负面 — 1 正面）", "Comment sentiment (0-1)"))

    return _png(draw, font)


def no_data(fig: Figure, font: str | None, title: str) -> None:
    """A chart of nothing says so, instead of an empty axis scaled around zero."""
    ax = fig.add_subplot()
    ax.set_axis_off()
    _title(ax, title)
    ax.text(0.5, 0.5, _t(font, "本周无数据", "No data this week"), ha="center", va="center",
            fontsize=14, color=GREY, transform=ax.transAxes)  # fmt: skip


def ranking_chart(rows: Sequence[RankRow], font: str | None) -> bytes:
    shown = list(rows)[:15][::-1]
    if not any(r.score for r in shown):
        return _png(
            lambda fig: no_data(fig, font, _t(font, "账号排行（第二十六条）", "Account ranking")),
            font,
        )

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        names = [r.name if font else f"#{r.rank}" for r in shown]
        ax.barh(range(len(shown)), [r.score for r in shown], color=BLUE)
        ax.set_yticks(list(range(len(shown))), names)
        ax.set_xlabel(_t(font, "传播指数", "index"))
        _title(ax, _t(font, "账号排行（第二十六条）", "Account ranking"))

    return _png(draw, font, height=max(2.5, 0.3 * len(shown) + 1.0), left=0.3)


def response_chart(rows: Sequence[QuestionRow], font: str | None) -> bytes:
    shown = [r for r in rows if r.median_hours is not None][:15][::-1]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        names = [r.name if font else r.account_key for r in shown]
        ax.barh(range(len(shown)), [r.median_hours or 0.0 for r in shown], color=ORANGE)
        ax.set_yticks(list(range(len(shown))), names)
        ax.set_xlabel(_t(font, "答复用时中位数（工作小时）", "median response (working hours)"))
        _title(ax, _t(font, "网民提问答复用时（第十六条）", "Response times"))

    return _png(draw, font, height=max(2.5, 0.3 * len(shown) + 1.0), left=0.3)


# Drawing is what a digest run spends most on after topics. Scopes of the same accounts (the
# system and a top unit holding every account) draw the same chart, so a chart is kept by what
# it draws; the few last ones are enough for one run's neighbouring scopes.
_CHARTS_KEPT = 32


@lru_cache(maxsize=_CHARTS_KEPT)
def _chart_png(key: str, rows: tuple[Any, ...], font: str | None) -> bytes:
    if key == "daily":
        return daily_chart(rows, font)
    if key == "sentiment":
        return sentiment_chart(rows, font)
    if key == "ranking":
        return ranking_chart(rows, font)
    return response_chart(rows, font)


def digest_charts(
    days: Sequence[DayRow],
    ranking: Sequence[RankRow],
    questions: Sequence[QuestionRow],
    font_path: str = "",
) -> list[Chart]:
    """The charts that have something to show, in reading order."""
    font = chinese_font(font_path)
    days = tuple(days)
    # Only the rows a chart shows key it (ranking_chart and response_chart show the first 15);
    # an account without a place (govmon could not read it) is not drawn among the placed.
    shown_ranking = tuple(r for r in ranking if r.rank is not None)[:15]
    shown_questions = tuple(q for q in questions if q.median_hours is not None)[:15]
    charts: list[Chart] = []
    if any(d.posts or d.comments for d in days):
        charts.append(Chart("daily", "每日发布与评论", _chart_png("daily", days, font)))
    if any(d.mean_sentiment is not None for d in days):
        charts.append(Chart("sentiment", "评论情感趋势", _chart_png("sentiment", days, font)))
    if shown_ranking:
        png = _chart_png("ranking", shown_ranking, font)
        charts.append(Chart("ranking", "账号排行（前 15 名）", png))
    if shown_questions:
        png = _chart_png("response", shown_questions, font)
        charts.append(Chart("response", "网民提问答复用时", png))
    return charts
