"""Cell values: dates in every accepted form, yes/no, e-mail lists, phones, superiors."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.registry.values import (
    ValueProblem,
    mask_webhook,
    parse_bool,
    parse_date,
    parse_emails,
    parse_phone,
    parse_superiors,
    parse_wecom_webhook,
)

MARCH_5 = dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    "value",
    ["2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", " 2026-3-5 ", "２０２６－０３－０５",
     "2026-03-05 00:00:00", "20260305", dt.datetime(2026, 3, 5), MARCH_5, 46086, 46086.0,
     "46086"],
)  # fmt: skip
def test_dates_in_every_accepted_form(value: object) -> None:
    assert parse_date(value) == MARCH_5


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_date_is_none(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "what"),
    [("2026-13-01", "不存在的日期"), ("2026-02-30", "不存在的日期"), ("三月五日", "无法识别的日期"),
     ("5/3/2026", "无法识别的日期"), (12, "无法识别的日期"), ("12", "无法识别的日期")],
)  # fmt: skip
def test_bad_dates_say_what_is_expected(value: object, what: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_date(value)
    assert info.value.what == what
    assert "2026年3月5日" in info.value.hint


@pytest.mark.parametrize(
    ("value", "expected"),
    [("是", True), ("否", False), ("Y", True), ("n", False), ("TRUE", True), ("false", False),
     ("", None), (None, None), (True, True)],
)  # fmt: skip
def test_yes_no(value: object, expected: bool | None) -> None:
    assert parse_bool(value) is expected


def test_bad_yes_no() -> None:
    with pytest.raises(ValueProblem, match="是 或 否"):
        parse_bool("也许")


def test_several_emails() -> None:
    text = "a@jt.example.gov.cn； b@jt.example.gov.cn,c@example.com 、a@jt.example.gov.cn"
    assert parse_emails(text) == ["a@jt.example.gov.cn", "b@jt.example.gov.cn", "c@example.com"]


def test_bad_email_names_the_bad_address_only() -> None:
    with pytest.raises(ValueProblem) as info:
        parse_emails("a@example.com；not-an-address")
    assert info.value.shown == "not-an-address"


def test_phone_keeps_text_and_finds_mobiles() -> None:
    assert parse_phone("0571-80000001，139-0000-0201") == (
        "0571-80000001，139-0000-0201",
        ["13900000201"],
    )
    with pytest.raises(ValueProblem, match="不是电话号码"):
        parse_phone("找办公室")


def test_superiors_accept_both_semicolons_and_platform_names() -> None:
    assert parse_superiors("微博:6100000001；微信公众号：gh_abc; 网站:https://x.example/rss") == [
        "weibo:6100000001",
        "wechat:gh_abc",
        "rss:https://x.example/rss",
    ]


@pytest.mark.parametrize(("text", "what"), [("6100000001", "格式不对"), ("推特:1", "平台不认识")])
def test_bad_superiors(text: str, what: str) -> None:
    with pytest.raises(ValueProblem, match=what):
        parse_superiors(text)


def test_webhook_forms_and_masking() -> None:
    url = (
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
    )
    assert parse_wecom_webhook(url) == url
    assert parse_wecom_webhook("693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa").startswith("wecom://")
    assert mask_webhook(url) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"
    with pytest.raises(ValueProblem) as info:
        parse_wecom_webhook("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=短")
    assert "短" not in str(info.value.shown)
