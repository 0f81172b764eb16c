"""One contract for every registered channel: bad URL, server error, an error code in a 200
body, an oversized message, a dropped connection. A new channel must add a harness here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fakes.bots import FakeBot
from fakes.smtp import DroppingServer, SMTPServer
from testkit.clock import FakeClock

from alerts.channels import ChannelContext, build_channel, registered
from alerts.errors import ChannelURLError
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater, SendResult

BIG = Message("大消息", "\n".join("行" * 100 for _ in range(400)))
SMALL = Message("主题", "正文", recipients=("a@example.org",))

Case = Callable[[Path, ChannelContext, FakeClock], SendResult | None]


def _bot(vendor: str, url: str, key: str, secret: str = "") -> dict[str, Case]:
    @contextmanager
    def serve(clock: FakeClock, mode: str = "normal") -> Iterator[FakeBot]:
        with FakeBot(vendor, key, secret, clock.monotonic, clock.now_ms) as bot:
            bot.mode = mode
            yield bot

    def run(mode: str, message: Message) -> Case:
        def case(tmp: Path, ctx: ChannelContext, clock: FakeClock) -> SendResult:
            with serve(clock, mode) as bot:
                channel = build_channel(url.format(base=bot.base), ctx)
                result = channel.send(message)
                if mode == "normal":
                    assert bot.accepted
                return result

        return case

    return {
        "server_error": run("status:503", SMALL),
        "error_in_ok_body": run("errcode:93000" if vendor == "wecom" else "errcode:310000"
                                if vendor == "dingtalk" else "errcode:19021", SMALL),
        "oversized": run("normal", BIG),
        "dropped": run("drop", SMALL),
    }  # fmt: skip


def _smtp() -> dict[str, Case]:
    def reply(code: str) -> Case:
        def case(tmp: Path, ctx: ChannelContext, clock: FakeClock) -> SendResult:
            with SMTPServer() as server:
                server.recorder.reply = code
                return build_channel(f"smtp://127.0.0.1:{server.port}?security=none", ctx).send(
                    SMALL
                )

        return case

    def oversized(tmp: Path, ctx: ChannelContext, clock: FakeClock) -> SendResult:
        with SMTPServer(data_size_limit=10_000) as server:
            url = f"smtp://127.0.0.1:{server.port}?security=none&to=a@example.org"
            return build_channel(url, ctx).send(BIG)

    def dropped(tmp: Path, ctx: ChannelContext, clock: FakeClock) -> SendResult:
        with DroppingServer() as server:
            return build_channel(f"smtp://127.0.0.1:{server.port}?security=none", ctx).send(SMALL)

    return {
        "server_error": reply("451 4.3.0 try again later"),
        "error_in_ok_body": reply("554 5.7.1 rejected"),  # SMTP's own refusal
        "oversized": oversized,
        "dropped": dropped,
    }


def _file() -> dict[str, Case]:
    def oversized(tmp: Path, ctx: ChannelContext, clock: FakeClock) -> SendResult:
        return build_channel(f"file://{tmp / 'outbox'}", ctx).send(BIG)

    def unwritable(tmp: Path, ctx: ChannelContext, clock: FakeClock) -> SendResult:
        (tmp / "occupied").write_text("a file, not a folder")
        return build_channel(f"file://{tmp / 'occupied'}", ctx).send(SMALL)

    return {"oversized": oversized, "error_in_ok_body": unwritable}


HARNESSES: dict[str, tuple[str, dict[str, Case]]] = {
    "wecom": ("wecom://", _bot("wecom", "wecom://wk-00000001?base={base}", "wk-00000001")),
    "dingtalk": (
        "dingtalk://",
        _bot(
            "dingtalk",
            "dingtalk://dt-00000001?secret=SEC-0001&base={base}",
            "dt-00000001",
            "SEC-0001",
        ),
    ),
    "feishu": (
        "feishu://",
        _bot(
            "feishu", "feishu://fs-00000001?secret=SEC-0002&base={base}", "fs-00000001", "SEC-0002"
        ),
    ),
    "smtp": ("smtp://", _smtp()),
    "smtps": ("smtps://", {}),  # same class as smtp://, exercised there
    "file": ("file://", _file()),
}

EXPECTED: dict[str, type] = {
    "server_error": RetryLater,
    "error_in_ok_body": Failed,
    "dropped": RetryLater,
}


def test_every_registered_scheme_has_a_harness() -> None:
    assert set(registered()) == set(HARNESSES)


@pytest.mark.parametrize("scheme", sorted(HARNESSES))
def test_bad_url_is_a_clear_error(scheme: str) -> None:
    prefix = HARNESSES[scheme][0]
    with pytest.raises(ChannelURLError) as info:
        build_channel(prefix + "?unknown-option=1")
    assert any("\u4e00" <= c <= "\u9fff" for c in str(info.value))


CASES = [
    (scheme, case)
    for scheme, (_, cases) in sorted(HARNESSES.items())
    for case in ("server_error", "error_in_ok_body", "oversized", "dropped")
    if case in cases
]


@pytest.mark.parametrize(("scheme", "case"), CASES)
def test_contract(
    scheme: str, case: str, tmp_path: Path, context: ChannelContext, clock: FakeClock
) -> None:
    result = HARNESSES[scheme][1][case](tmp_path, context, clock)
    if case == "oversized":
        # Bots split it, the outbox stores it, a mail server with a size limit refuses it.
        assert isinstance(result, Delivered if scheme != "smtp" else Failed), result
        if isinstance(result, Failed):
            assert "过大" in result.reason
        return
    assert isinstance(result, EXPECTED[case]), result
    assert result.reason and any("\u4e00" <= c <= "\u9fff" for c in result.reason)
