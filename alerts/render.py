"""Alert messages in Chinese: plain text, markdown and HTML from Jinja2 templates.

One message per recipient per run, items grouped by rule, each with account, what, since when,
deadline, article (第N条), link and escalation level. HTML is autoescaped; plain text and
markdown pass every value through :mod:`alerts.sanitize` (texts from the internet are
untrusted input).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from alerts import sanitize
from alerts.items import NOTICE_LABELS, AlertItem
from alerts.message import Message
from analysis.findings import SEVERITY_ORDER
from analysis.labels import SEVERITY_LABELS
from analysis.workdays import SHANGHAI

PRODUCT = "政务新媒体监测"


@dataclass(frozen=True)
class RuleGroup:
    rule: str
    title: str
    article: str
    items: tuple[AlertItem, ...]


def template_environment() -> Environment:
    """The Jinja2 environment of every message template: HTML autoescaped, untrusted text
    neutralised by the plain/md/url filters, undefined names an error."""
    env = Environment(
        loader=PackageLoader("alerts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plain"] = sanitize.plain
    env.filters["md"] = sanitize.markdown
    env.filters["url"] = sanitize.safe_url
    return env


_ENV = template_environment()


def group_by_rule(items: Sequence[AlertItem]) -> list[RuleGroup]:
    """Groups in order of severity (worst first), then rule; resolved items after the rest."""
    groups: dict[str, list[AlertItem]] = {}
    for item in items:
        groups.setdefault(item.rule, []).append(item)

    def worst(rule: str) -> tuple[int, str]:
        return (-max(SEVERITY_ORDER.get(i.severity, 0) for i in groups[rule]), rule)

    return [
        RuleGroup(
            rule,
            groups[rule][0].rule_title,
            groups[rule][0].article,
            tuple(sorted(groups[rule], key=lambda i: (i.notice == "resolved", i.unit, i.account))),
        )
        for rule in sorted(groups, key=worst)
    ]


def _when(tz: ZoneInfo) -> Callable[[dt.datetime | None], str]:
    def show(value: dt.datetime | None) -> str:
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else "—"

    return show


def subject_for(unit: str, items: Sequence[AlertItem]) -> str:
    open_items = [i for i in items if i.notice != "resolved"]
    resolved = len(items) - len(open_items)
    parts = []
    if open_items:
        parts.append(f"{len(open_items)} 项待处理")
    if resolved:
        parts.append(f"{resolved} 项已解决")
    urgent = "【紧急】" if any(i.urgent for i in open_items) else ""
    return f"{urgent}【{PRODUCT}】{sanitize.plain(unit, 40)}：{'，'.join(parts) or '无事项'}"


def render(
    items: Sequence[AlertItem],
    unit: str,
    now: dt.datetime,
    *,
    max_items: int = 50,
    tz: ZoneInfo = SHANGHAI,
    recipients: tuple[str, ...] = (),
    mentions: tuple[str, ...] = (),
    key: str = "",
) -> Message:
    """The batched message for one recipient (``unit`` names whom it is for)."""
    # The cap keeps what matters most: urgent and severe first, resolutions last.
    ordered = sorted(
        items,
        key=lambda i: (i.notice == "resolved", not i.urgent, -SEVERITY_ORDER.get(i.severity, 0)),
    )
    shown = ordered[:max_items]
    context = {
        "product": PRODUCT,
        "unit": unit,
        "now": now,
        "groups": group_by_rule(shown),
        "total": len(items),
        "hidden": len(items) - len(shown),
        "notice_labels": NOTICE_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "when": _when(tz),
    }
    return Message(
        subject=subject_for(unit, items),
        text=_ENV.get_template("alerts.txt.j2").render(context),
        markdown=_ENV.get_template("alerts.md.j2").render(context),
        html=_ENV.get_template("alerts.html.j2").render(context),
        recipients=recipients,
        mentions=mentions,
        key=key,
    )


def test_message(now: dt.datetime, tz: ZoneInfo = SHANGHAI) -> Message:
    """``govmon alerts test URL``: a short message saying the channel works."""
    stamp = now.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    text = f"这是{PRODUCT}的测试消息（{stamp}）。收到即说明该渠道配置正确，无需回复。"
    return Message(
        subject=f"【{PRODUCT}】渠道测试",
        text=text,
        markdown=f"**【{PRODUCT}】渠道测试**\n\n{text}",
        html=f"<p><strong>【{PRODUCT}】渠道测试</strong></p><p>{text}</p>",
    )


test_message.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
