"""Channels built from URLs: every bad URL is a clear Chinese error; secrets are masked."""

from __future__ import annotations

import pytest

from alerts.channels import (
    DingTalkChannel,
    FeishuChannel,
    FileChannel,
    SMTPChannel,
    WeComChannel,
    build_channel,
    register,
    registered,
)
from alerts.channels.base import Channel
from alerts.errors import ChannelURLError


@pytest.mark.parametrize(
    ("url", "cls"),
    [
        ("wecom://abcd-1234-efgh", WeComChannel),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234-efgh", WeComChannel),
        ("dingtalk://tok12345678?secret=SECabcdef", DingTalkChannel),
        ("https://oapi.dingtalk.com/robot/send?access_token=tok12345678", DingTalkChannel),
        ("feishu://hook12345678?secret=abcdefgh", FeishuChannel),
        ("https://open.feishu.cn/open-apis/bot/v2/hook/hook12345678", FeishuChannel),
        ("smtp://mail.example.org?to=a@example.org", SMTPChannel),
        ("smtps://u:pw@mail.example.org?to=a@example.org", SMTPChannel),
        ("file://data/outbox", FileChannel),
        ("file:///var/lib/govmon/outbox", FileChannel),
    ],
)
def test_good_urls_build(url: str, cls: type[Channel]) -> None:
    assert type(build_channel(url)) is cls


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "渠道地址为空"),
        ("data/outbox", "缺少协议"),
        ("gopher://x", "不支持的渠道协议 gopher://"),
        ("wecom://", "缺少 key"),
        ("wecom://ab", "key 格式不对"),
        ("wecom://abcd-1234-efgh?colour=red", "未知参数 colour"),
        ("wecom://abcd-1234-efgh?format=html", "format 参数应为 markdown 或 text"),
        ("wecom://abcd-1234-efgh?base=ftp://x", "base 参数应为 http(s)"),
        ("https://qyapi.weixin.qq.com/other?key=abcd-1234", "企业微信机器人地址应为"),
        ("dingtalk://?secret=x", "缺少 access_token"),
        ("feishu://", "缺少 HOOK_ID"),
        ("https://open.feishu.cn/elsewhere", "飞书机器人地址应为"),
        ("smtp://", "缺少服务器"),
        ("smtp://mail.example.org:99999", "端口应为"),
        ("smtp://mail.example.org?security=ssl", "security 参数应为 starttls 或 none"),
        ("smtps://mail.example.org?security=none", "不需要 security"),
        ("smtp://u:pw@mail.example.org?security=none", "不能明文发送"),
        ("smtp://mail.example.org?to=not-an-address", "收件人地址无效"),
        ("smtp://mail.example.org?from=bad", "发件人地址无效"),
        ("file://", "缺少目录"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(ChannelURLError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_channel(url)


def test_str_masks_every_secret() -> None:
    cases = {
        "wecom://SENTINEL-KEY-123": "wecom://***",
        "dingtalk://TOKEN-SENTINEL?secret=SEC-SENTINEL": "dingtalk://***?secret=***",
        "smtps://alerts%40example.org:p%40ss-SENTINEL@mail.example.org": (
            "smtps://alerts%40example.org:***@mail.example.org"
        ),
    }
    for url, shown in cases.items():
        channel = build_channel(url)
        assert str(channel) == shown
        assert "SENTINEL" not in repr(channel)
        assert channel.has_secret


def test_registry_refuses_a_second_class_for_a_scheme() -> None:
    class Impostor(FileChannel):
        schemes = ("file",)

    with pytest.raises(TypeError, match="already registered by FileChannel"):
        register(Impostor)
    assert registered()["file"] is FileChannel


def test_every_builtin_scheme_is_registered() -> None:
    assert set(registered()) == {"wecom", "dingtalk", "feishu", "smtp", "smtps", "file"}
