"""Batched Chinese messages, grouped by rule; internet text neutralised in every format."""

from __future__ import annotations

import datetime as dt

from alerts.items import AlertItem
from alerts.render import render, test_message
from alerts.sanitize import markdown, plain, safe_url

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def item(rule: str = "filing_overdue", **overrides: object) -> AlertItem:
    values: dict[str, object] = {
        "dedup_key": f"{rule}:1",
        "rule": rule,
        "rule_title": "开通后逾期未备案",
        "article": "第六条",
        "notice": "new",
        "summary": "账号开通 5 个工作日未备案",
        "severity": "overdue",
        "urgent": False,
        "unit": "城东收费站",
        "account": "城东收费站微博",
        "since": NOW - dt.timedelta(days=9),
        "deadline": NOW - dt.timedelta(days=2),
        "link": "https://weibo.com/u/1",
        "level": 1,
        "level_unit": "高速公路管理局",
    }
    values.update(overrides)
    return AlertItem(**values)  # type: ignore[arg-type]


def test_each_item_shows_account_what_since_deadline_article_link_level() -> None:
    message = render([item()], "城东收费站", NOW)
    for text in (message.text, message.markdown, message.html):
        for part in ("城东收费站微博", "未备案", "2026-02-21 10:00", "2026-02-28 10:00", "第六条",
                     "https://weibo.com/u/1", "已升级至高速公路管理局"):  # fmt: skip
            assert part in text, (part, text)
    assert message.subject == "【政务新媒体监测】城东收费站：1 项待处理"


def test_grouped_by_rule_worst_first_and_capped() -> None:
    items = [item("stale_account", severity="warning", rule_title="长期未更新", article="第十二条",
                  dedup_key=f"s{i}") for i in range(3)]  # fmt: skip
    items.append(item("rumour_unclarified", severity="critical", rule_title="谣言未澄清",
                      urgent=True))  # fmt: skip
    message = render(items, "城东收费站", NOW, max_items=3)
    assert message.text.index("谣言未澄清") < message.text.index("长期未更新")
    assert "另有 1 项未列出" in message.text
    assert message.subject.startswith("【紧急】")


def test_internet_text_is_neutralised() -> None:
    evil = "<script>alert(1)</script> [点我](http://evil.example) <@all> **粗** # 标题\n第二行"
    message = render(
        [item(summary=evil, account="<b>假</b>", evidence=evil, link="javascript:alert(1)")],
        "城东收费站",
        NOW,
    )
    assert "<script>" not in message.html and "&lt;script&gt;" in message.html
    assert "javascript:" not in message.html + message.markdown + message.text
    for forbidden in ("<@all>", "](http://evil", "**粗**", "<script>", "<b>"):
        assert forbidden not in message.markdown
    assert "\n第二行" not in message.text  # one line per field


def test_sanitize_helpers() -> None:
    assert plain("a\x00b\u202ec  d\n\ne") == "a bc d e"
    assert plain("长" * 300, 10) == "长" * 9 + "…"
    assert markdown("<@u> [x](y)") == "＜＠u＞ ［x］（y）"
    assert safe_url("https://a.example/p?q=1&r=(2)") == "https://a.example/p?q=1&r=%282%29"
    assert safe_url("ftp://a.example") == safe_url("http://") == ""


def test_test_message() -> None:
    message = test_message(NOW)
    assert "渠道测试" in message.subject and "2026-03-02 10:00" in message.text
