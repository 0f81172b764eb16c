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
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

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


class _Renderer(RendererAgg):
    """Agg's renderer, each text laid out (its glyphs and their offsets) once.

    Laying a text out is the largest single cost of drawing these charts: the same tick
    labels, account names and titles recur in every chart. The glyphs and offsets depend
    only on the text, the font object at its size, the dpi, the hinting and the text's
    font features and language; each is drawn as RendererAgg.draw_text draws it."""

    _KEPT = 4096  # texts laid out and kept (a run's charts hold a few hundred)

    def __init__(self, width: int, height: int, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._layouts: dict[tuple[Any, ...], Any] = {}

    def draw_text(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
        ismath: Any = False, mtext: Any = None,
    ) -> None:  # fmt: skip
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        font = self._prepare_font(prop)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        size = prop.get_size_in_points()
        flags = get_hinting_flag()
        key = (font, s, size, self.dpi, flags, features, language)
        items = self._layouts.get(key)
        if items is None:
            if len(self._layouts) >= self._KEPT:
                self._layouts.clear()
            items = self._layouts[key] = font._layout(
                s, flags=flags, features=features, language=language
            )
        self._draw_text_glyphs_and_boxes(
            gc,
            x,
            y,
            angle,
            ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y) for item in items),
            [],
        )
        return None


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
            renderer = shared[key] = _Renderer(width, height, self.figure.dpi)
        self.renderer = renderer
        self._lastKey = key
        return renderer


def _rc(font: str | None) -> dict[str, Any]:
    return {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.hashsalt": "govmon",
        "font.size": 9,
    }


def _figure(height: float, left: float) -> Figure:
    figure = Figure(figsize=(7.2, height), dpi=100)
    _Canvas(figure)
    # Fixed margins: tight_layout would measure every label and double the drawing time.
    figure.subplots_adjust(left=left, right=0.92, bottom=0.55 / height, top=1 - 0.35 / height)
    return figure


def _saved(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def _png(
    draw: Callable[[Figure], None], font: str | None, height: float = 3.0, left: float = 0.08
) -> bytes:
    """``draw`` on a figure of its own."""
    with matplotlib.rc_context(_rc(font)):  # type: ignore[arg-type]  # keys are valid rcParams
        figure = _figure(height, left)
        draw(figure)
        return _saved(figure)


Layout = Callable[[Figure], tuple[Axes, ...]]
Fill = Callable[[tuple[Axes, ...]], None]


@dataclass(frozen=True)
class _Spec:
    """A chart as the axes it is drawn on (``layout``, the same for every chart of its kind
    and size) and what it draws on them (``fill``)."""

    kind: str
    layout: Layout
    fill: Fill
    height: float = 3.0
    left: float = 0.08


class _Pool:
    """Figures kept with their axes, one per kind of chart, font and size, drawn on again.

    Most of a chart's drawing time went to making its axes and their ticks (every tick is a
    few lines and texts). A kept figure's axes are emptied of the last chart's data and given
    the next one's by the same calls as on new axes; what a drawing shows is then the same:
    the limits are computed again from the new data, the ticks placed and labelled again, and
    every text and line of the axes is set by those calls alone."""

    _local: ClassVar[threading.local] = threading.local()  # a figure draws one chart at a time
    _KEPT = 32  # figures kept (kinds × the few heights of the bar charts)

    @classmethod
    def png(cls, spec: _Spec, font: str | None) -> bytes:
        kept: dict[tuple[Any, ...], tuple[Figure, tuple[Axes, ...]]]
        kept = cls._local.__dict__.setdefault("figures", {})
        key = (spec.kind, font, spec.height, spec.left)
        with matplotlib.rc_context(_rc(font)):  # type: ignore[arg-type]  # valid rcParams
            found = kept.get(key)
            if found is None:
                if len(kept) >= cls._KEPT:
                    kept.clear()
                figure = _figure(spec.height, spec.left)
                found = kept[key] = (figure, spec.layout(figure))
            else:
                for ax in found[1]:
                    _empty(ax)
            figure, axes = found
            spec.fill(axes)
            return _saved(figure)


def _empty(ax: Axes) -> None:
    """The axes without the last chart's data, limits and legend, as new axes hold them."""
    for container in list(ax.containers):
        container.remove()
    for artist in [*ax.lines, *ax.patches, *ax.texts]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.dataLim.ignore(True)
    ax.dataLim.set_points(Bbox.null().get_points())
    ax.ignore_existing_data_limits = True
    # New axes view 0…1 until data or limits are set (what a chart of no finite value shows).
    ax.viewLim.set_points(Bbox.unit().get_points())
    ax.set_autoscale_on(True)


def _render(spec: _Spec, font: str | None, pooled: bool = True) -> bytes:
    """The chart's PNG, drawn on a kept figure or (``pooled`` false) on one of its own."""
    if pooled and POOLED:
        return _Pool.png(spec, font)
    return _png(lambda fig: spec.fill(spec.layout(fig)), font, spec.height, spec.left)


# False: every chart on a new figure (benchmarks/digest_baseline.py, as before issue 15).
POOLED = True


def _title(ax: Axes, text: str) -> None:
    """The title at the top of the axes. Placed there explicitly: left to matplotlib, it
    measures every tick label of the axes and its twin at each drawing to see whether a label
    on top would push it up, which none of these charts has (a sixth of the drawing time)."""
    ax.set_title(text, y=1.0)


def _t(font: str | None, chinese: str, ascii_text: str) -> str:
    return chinese if font else ascii_text


def _one(fig: Figure) -> tuple[Axes, ...]:
    return (fig.add_subplot(),)


def _twinned(fig: Figure) -> tuple[Axes, ...]:
    ax = fig.add_subplot()
    return ax, ax.twinx()


def daily_chart(days: Sequence[DayRow], font: str | None) -> bytes:
    def fill(axes: tuple[Axes, ...]) -> None:
        ax, right = axes
        labels = [d.day.strftime("%m-%d") for d in days]
        x = range(len(days))
        ax.bar(x, [d.posts for d in days], color=BLUE, label=_t(font, "发布数", "posts"))
        ax.set_ylabel(_t(font, "发布数", "posts"))
        ax.set_xticks(list(x), labels)
        right.plot(x, [d.comments for d in days], color=ORANGE, marker="o")
        right.set_ylabel(_t(font, "网民评论数", "comments"))
        _title(ax, _t(font, "每日发布与评论", "Posts and comments per day"))

    return _render(_Spec("daily", _twinned, fill), font)


def sentiment_chart(days: Sequence[DayRow], font: str | None) -> bytes:
    def fill(axes: tuple[Axes, ...]) -> None:
        (ax,) = axes
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

    return _render(_Spec("sentiment", _one, fill), font)


def no_data(fig: Figure, font: str | None, title: str) -> None:
    """A chart of nothing says so, instead of an empty axis scaled around zero."""
    ax = fig.add_subplot()
    ax.set_axis_off()
    _title(ax, title)
    ax.text(0.5, 0.5, _t(font, "本周无数据", "No data this week"), ha="center", va="center",
            fontsize=14, color=GREY, transform=ax.transAxes)  # fmt: skip


def _bars_height(shown: Sequence[Any]) -> float:
    return max(2.5, 0.3 * len(shown) + 1.0)


def ranking_chart(rows: Sequence[RankRow], font: str | None) -> bytes:
    shown = list(rows)[:15][::-1]
    if not any(r.score for r in shown):
        return _png(
            lambda fig: no_data(fig, font, _t(font, "账号排行（第二十六条）", "Account ranking")),
            font,
        )

    def fill(axes: tuple[Axes, ...]) -> None:
        (ax,) = axes
        names = [r.name if font else f"#{r.rank}" for r in shown]
        ax.barh(range(len(shown)), [r.score for r in shown], color=BLUE)
        ax.set_yticks(list(range(len(shown))), names)
        ax.set_xlabel(_t(font, "传播指数", "index"))
        _title(ax, _t(font, "账号排行（第二十六条）", "Account ranking"))

    return _render(_Spec("ranking", _one, fill, _bars_height(shown), 0.3), font)


def response_chart(rows: Sequence[QuestionRow], font: str | None) -> bytes:
    shown = [r for r in rows if r.median_hours is not None][:15][::-1]

    def fill(axes: tuple[Axes, ...]) -> None:
        (ax,) = axes
        names = [r.name if font else r.account_key for r in shown]
        ax.barh(range(len(shown)), [r.median_hours or 0.0 for r in shown], color=ORANGE)
        ax.set_yticks(list(range(len(shown))), names)
        ax.set_xlabel(_t(font, "答复用时中位数（工作小时）", "median response (working hours)"))
        _title(ax, _t(font, "网民提问答复用时（第十六条）", "Response times"))

    return _render(_Spec("response", _one, fill, _bars_height(shown), 0.3), font)


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
