"""WeCom, DingTalk and Feishu against fake bots on 127.0.0.1 that enforce the real limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.bots import FakeBot
from testkit.clock import FakeClock

from alerts.channels import ChannelContext, build_channel
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater

KEY = "wecom-key-0001"


@pytest.fixture
def wecom(clock: FakeClock) -> Iterator[FakeBot]:
    with FakeBot("wecom", KEY, clock=clock.monotonic) as bot:
        yield bot


def _message(lines: int = 3, width: int = 30) -> Message:
    body = "\n".join(f"第{i}行 " + "交" * width for i in range(lines))
    return Message(subject="告警", text=body, markdown=body)


def test_wecom_delivers_markdown_with_mentions(wecom: FakeBot, context: ChannelContext) -> None:
    channel = build_channel(f"wecom://{KEY}?base={wecom.base}", context)
    result = channel.send(Message("主题", "正文", "**正文**", mentions=("zhangsan",)))
    assert result == Delivered(parts=1)
    (payload,) = wecom.accepted
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["content"].endswith("<@zhangsan>")


def test_wecom_native_url_with_base(wecom: FakeBot, context: ChannelContext) -> None:
    url = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}&base={wecom.base}"
    assert isinstance(build_channel(url, context).send(_message()), Delivered)


def test_wecom_splits_long_markdown_on_line_boundaries(
    wecom: FakeBot, context: ChannelContext
) -> None:
    message = _message(lines=200)
    result = build_channel(f"wecom://{KEY}?base={wecom.base}", context).send(message)
    assert isinstance(result, Delivered) and result.parts > 1
    contents = [p["markdown"]["content"] for p in wecom.accepted]
    assert all(len(c.encode()) <= 4096 for c in contents)
    lines = [ln for c in contents for ln in c.split("\n") if not ln.startswith("（续")]
    assert lines == message.markdown.split("\n")  # no line cut, none lost, order kept


def test_wecom_text_format_respects_2048_bytes(wecom: FakeBot, context: ChannelContext) -> None:
    channel = build_channel(f"wecom://{KEY}?format=text&base={wecom.base}", context)
    result = channel.send(_message(lines=80))
    assert isinstance(result, Delivered) and result.parts > 1
    assert all(len(p["text"]["content"].encode()) <= 2048 for p in wecom.accepted)


def test_wecom_paces_twenty_a_minute(
    wecom: FakeBot, context: ChannelContext, clock: FakeClock
) -> None:
    channel = build_channel(f"wecom://{KEY}?base={wecom.base}", context)
    results = [channel.send(_message(lines=1)) for _ in range(45)]
    assert all(isinstance(r, Delivered) for r in results)
    assert len(wecom.accepted) == 45
    assert len(clock.slept) == 2 and all(s <= 60 for s in clock.slept)


def test_wecom_rate_limit_answer_is_retry_later(
    wecom: FakeBot, clock: FakeClock, context: ChannelContext
) -> None:
    # Two separate contexts (two processes) share one bot: the bot's own limit answers 45009.
    other = ChannelContext(now=clock.now, clock=clock.monotonic, sleep=clock.sleep)
    first = build_channel(f"wecom://{KEY}?base={wecom.base}", context)
    second = build_channel(f"wecom://{KEY}?base={wecom.base}", other)
    for _ in range(20):
        assert isinstance(first.send(_message(lines=1)), Delivered)
    result = second.send(_message(lines=1))
    assert isinstance(result, RetryLater)
    assert "45009" in result.reason and result.when is not None and result.when > clock.now()


@pytest.mark.parametrize(
    ("code", "words"), [(93000, "地址无效"), (40058, "长度限制"), (12345, "errcode 12345")]
)
def test_wecom_final_errcodes_fail_with_reason(
    wecom: FakeBot, context: ChannelContext, code: int, words: str
) -> None:
    wecom.mode = f"errcode:{code}"
    result = build_channel(f"wecom://{KEY}?base={wecom.base}", context).send(_message())
    assert isinstance(result, Failed) and words in result.reason
    assert KEY not in result.reason  # the fake echoes the key in errmsg


def test_wecom_wrong_key_is_93000(wecom: FakeBot, context: ChannelContext) -> None:
    result = build_channel(f"wecom://other-key-999?base={wecom.base}", context).send(_message())
    assert isinstance(result, Failed) and "93000" in result.reason


def test_split_message_resumes_after_parts_already_sent(
    wecom: FakeBot, context: ChannelContext
) -> None:
    message = _message(lines=200)
    channel = build_channel(f"wecom://{KEY}?base={wecom.base}", context)
    full = channel.send(message)
    assert isinstance(full, Delivered)
    wecom.requests.clear()
    resumed = channel.send(Message.from_payload(message.to_payload(), first_part=1))
    assert isinstance(resumed, Delivered) and resumed.parts == full.parts - 1


# -- DingTalk and Feishu: signatures ------------------------------------------------------


def test_dingtalk_signed_message_is_verified(clock: FakeClock, context: ChannelContext) -> None:
    with FakeBot("dingtalk", "dtoken-0001", "SECdt-0001", now_ms=clock.now_ms) as bot:
        url = f"dingtalk://dtoken-0001?secret=SECdt-0001&base={bot.base}"
        result = build_channel(url, context).send(Message("主题", "正文", mentions=("u1",)))
        assert isinstance(result, Delivered)
        (payload,) = bot.accepted
        assert payload["msgtype"] == "markdown" and payload["at"]["atUserIds"] == ["u1"]
        assert bot.requests[0].query["timestamp"] == str(clock.now_ms())


def test_dingtalk_wrong_secret_fails(clock: FakeClock, context: ChannelContext) -> None:
    with FakeBot("dingtalk", "dtoken-0001", "SECdt-0001", now_ms=clock.now_ms) as bot:
        url = f"dingtalk://dtoken-0001?secret=SECwrong-01&base={bot.base}"
        result = build_channel(url, context).send(Message("主题", "正文"))
        assert isinstance(result, Failed) and "310000" in result.reason


def test_dingtalk_paces_twenty_a_minute(clock: FakeClock, context: ChannelContext) -> None:
    with FakeBot("dingtalk", "dtoken-0002", "SECdt-0002", clock.monotonic, clock.now_ms) as bot:
        channel = build_channel(
            f"dingtalk://dtoken-0002?secret=SECdt-0002&base={bot.base}", context
        )
        assert all(isinstance(channel.send(Message("s", "t")), Delivered) for _ in range(25))
        assert len(clock.slept) == 1


def test_feishu_signed_message_is_verified(clock: FakeClock, context: ChannelContext) -> None:
    with FakeBot("feishu", "hook-0001", "SECfs-0001", clock.monotonic, clock.now_ms) as bot:
        channel = build_channel(f"feishu://hook-0001?secret=SECfs-0001&base={bot.base}", context)
        assert all(isinstance(channel.send(Message("主题", "正文")), Delivered) for _ in range(12))
        assert len(bot.accepted) == 12 and len(clock.slept) == 2  # 5 a second
        assert bot.accepted[0]["card"]["elements"][0]["content"] == "正文"


def test_feishu_wrong_secret_fails(clock: FakeClock, context: ChannelContext) -> None:
    with FakeBot("feishu", "hook-0001", "SECfs-0001", now_ms=clock.now_ms) as bot:
        channel = build_channel(f"feishu://hook-0001?secret=SECbad-0001&base={bot.base}", context)
        result = channel.send(Message("主题", "正文"))
        assert isinstance(result, Failed) and "19021" in result.reason
