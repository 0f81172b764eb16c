"""The digest as HTML (self-contained: charts inline, styles inline, for mail clients and
browsers), Markdown, and a short Markdown summary for group bots.

HTML is autoescaped by Jinja2; Markdown passes every untrusted value through
:mod:`alerts.sanitize`. Both are byte-for-byte the same for the same data (no build time in the
text: the week is what dates a digest).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from jinja2 import Environment

from alerts import sanitize
from alerts.charts import Chart
from alerts.render import template_environment
from analysis.digest_model import SYSTEM_SCOPE, DigestData, Figure, RankRow
from analysis.labels import SEVERITY_LABELS
from analysis.workdays import SHANGHAI

PRODUCT = "政务新媒体监测"

# Inline styles: many mail clients drop <style> blocks.
STYLES = {
    "body": "margin:0;padding:16px;background:#f4f6f8;font-family:'Microsoft YaHei','PingFang SC',"
    "'Noto Sans CJK SC',sans-serif;color:#1a202c;font-size:14px;line-height:1.6",
    "card": "max-width:880px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;"
    "padding:20px 24px",
    "h1": "font-size:20px;margin:0 0 4px 0;color:#1a365d",
    "h2": "font-size:16px;margin:24px 0 8px 0;padding-bottom:4px;border-bottom:2px solid #2b6cb0;"
    "color:#1a365d",
    "article": "font-size:12px;font-weight:normal;color:#718096",
    "meta": "color:#4a5568;font-size:13px;margin:0",
    "table": "border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 8px 0",
    "th": "background:#edf2f7;border:1px solid #cbd5e0;padding:4px 6px;text-align:left;"
    "white-space:nowrap",
    "td": "border:1px solid #e2e8f0;padding:4px 6px;vertical-align:top",
    "num": "border:1px solid #e2e8f0;padding:4px 6px;text-align:right;white-space:nowrap",
    "up": "color:#2f855a",
    "down": "color:#c53030",
    "quote": "color:#4a5568;font-size:12px;margin:2px 0;padding-left:8px;"
    "border-left:3px solid #cbd5e0;word-break:break-all",
    "empty": "color:#718096;margin:4px 0",
    "banner": "background:#fffbea;border:1px solid #f6e05e;padding:8px 12px;margin:12px 0",
    "bad": "color:#c53030;font-weight:bold",
    "good": "color:#2f855a;font-weight:bold",
    "foot": "color:#a0aec0;font-size:12px;margin-top:24px",
}


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    html: str
    markdown: str
    bot_markdown: str  # short, for WeCom / DingTalk / Feishu
    text: str  # plain text alternative of the e-mail


def _environment() -> Environment:
    env = template_environment()
    env.filters["when"] = when
    env.filters["num"] = num
    env.filters["pct"] = pct
    env.filters["change"] = change
    env.filters["rank_change"] = rank_change
    env.filters["hours"] = hours
    return env


def when(value: dt.datetime | None) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "—"


def num(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    if digits == 0:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def change(figure: Figure) -> str:
    delta = figure.change
    if delta is None:
        return "—"
    sign = "+" if delta > 0 else ""
    text = f"{sign}{round(delta):,}"
    ratio = figure.change_ratio
    if ratio is not None:
        text += f"（{sign}{ratio:.1%}）"
    return text


def rank_change(row: RankRow) -> str:
    if row.rank is None:
        return "—"  # not placed: govmon could not read the account
    moved = row.rank_change
    if moved is None:
        return "新上榜"
    if moved == 0:
        return "持平"
    return f"↑{moved}" if moved > 0 else f"↓{-moved}"


def period_text(data: DigestData) -> str:
    first = data.start.astimezone(SHANGHAI).date()
    last = (data.end - dt.timedelta(seconds=1)).astimezone(SHANGHAI).date()
    return f"{first:%Y年%m月%d日}—{last:%m月%d日}"


def subject_for(data: DigestData) -> str:
    scope = sanitize.plain(data.scope, 40)
    return f"【{PRODUCT}】{scope}舆情周报 {data.week}（{period_text(data)}）"


_ENV = _environment()


def _context(
    data: DigestData, charts: Sequence[Chart], bot_items: int, top_ranking: int, top_questions: int
) -> dict[str, object]:
    return {
        "limits_ranking": top_ranking,
        "limits_questions": top_questions,
        "product": PRODUCT,
        "d": data,
        "system": data.scope == SYSTEM_SCOPE,
        "period": period_text(data),
        "subject": subject_for(data),
        "charts": [
            {"key": c.key, "title": c.title, "b64": base64.b64encode(c.png).decode("ascii")}
            for c in charts
        ],
        "s": STYLES,
        "severity": SEVERITY_LABELS,
        "bot_items": bot_items,
        "unclarified": [r for r in data.rumours if r.unclarified],
        "counts": data.summary(),
        "as_of": data.as_of_text,
    }


def render_digest(
    data: DigestData,
    charts: Sequence[Chart] = (),
    *,
    bot_items: int = 3,
    top_ranking: int = 20,
    top_questions: int = 20,
) -> RenderedDigest:
    context = _context(data, charts, bot_items, top_ranking, top_questions)
    return RenderedDigest(
        subject=subject_for(data),
        html=_ENV.get_template("digest.html.j2").render(context),
        markdown=_ENV.get_template("digest.md.j2").render(context),
        bot_markdown=_ENV.get_template("digest_bot.md.j2").render(context),
        text=_ENV.get_template("digest_bot.md.j2").render(context),
    )
