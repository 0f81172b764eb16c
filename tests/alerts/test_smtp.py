"""E-mail against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from fakes.smtp import SMTPServer, make_certificate

from alerts.channels import ChannelContext, build_channel
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater


def _message(tmp_path: Path) -> Message:
    attachment = tmp_path / "周报.csv"
    attachment.write_text("单位,告警\n城东收费站,2\n", encoding="utf-8")
    return Message(
        subject="【政务新媒体监测】城东收费站：2 项待处理",
        text="纯文本：账号逾期未备案（第六条）",
        html="<p>网页：账号逾期未备案（第六条）</p>",
        attachments=(attachment,),
        recipients=("zhang@example.org", "li@example.org"),
    )


def _check(raw: bytes) -> None:
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == "【政务新媒体监测】城东收费站：2 项待处理"
    assert mail["From"].addresses[0].display_name == "交通运输厅监测"
    body = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert body is not None and "账号逾期未备案（第六条）" in body.get_content()
    assert html is not None and "<p>网页" in html.get_content()
    (part,) = list(mail.iter_attachments())
    assert part.get_filename() == "周报.csv"
    assert "城东收费站" in part.get_payload(decode=True).decode("utf-8")


def test_plain_relay_delivers_both_parts_attachment_and_chinese(
    tmp_path: Path, context: ChannelContext
) -> None:
    with SMTPServer() as server:
        url = f"smtp://127.0.0.1:{server.port}?security=none&from=govmon@example.org&name=交通运输厅监测"
        result = build_channel(url, context).send(_message(tmp_path))
        assert isinstance(result, Delivered)
        (envelope,) = server.messages
        assert envelope.recipients == ["zhang@example.org", "li@example.org"]
        assert envelope.sender == "govmon@example.org"
        _check(envelope.data)


def test_login_on_loopback_relay(tmp_path: Path, context: ChannelContext) -> None:
    with SMTPServer(credentials=("govmon", "pw-0001")) as server:
        good = f"smtp://govmon:pw-0001@127.0.0.1:{server.port}?security=none&from=g@example.org"
        assert isinstance(build_channel(good, context).send(_message(tmp_path)), Delivered)
        assert server.logins == ["govmon"]
        bad = f"smtp://govmon:wrong-01@127.0.0.1:{server.port}?security=none&from=g@example.org"
        result = build_channel(bad, context).send(_message(tmp_path))
        assert isinstance(result, Failed) and "登录失败" in result.reason
        assert "wrong-01" not in result.reason


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    made = make_certificate(tmp_path_factory.mktemp("cert"))
    if made is None:
        pytest.skip("openssl 不可用，无法生成测试证书")
    return made


@pytest.mark.parametrize(("tls", "scheme"), [("starttls", "smtp"), ("ssl", "smtps")])
def test_tls_with_login(
    tmp_path: Path,
    context: ChannelContext,
    certificate: tuple[Path, Path],
    tls: str,
    scheme: str,
) -> None:
    with SMTPServer(tls=tls, certificate=certificate, credentials=("u", "pw-0002")) as server:
        url = (
            f"{scheme}://u:pw-0002@127.0.0.1:{server.port}"
            f"?from=g@example.org&name=交通运输厅监测&cafile={certificate[0]}"
        )
        result = build_channel(url, context).send(_message(tmp_path))
        assert isinstance(result, Delivered), result
        _check(server.messages[0].data)


def test_starttls_required_but_not_offered(tmp_path: Path, context: ChannelContext) -> None:
    with SMTPServer() as server:
        result = build_channel(f"smtp://127.0.0.1:{server.port}", context).send(_message(tmp_path))
        assert isinstance(result, Failed) and "不支持 STARTTLS" in result.reason


def test_no_recipient_and_missing_attachment(tmp_path: Path, context: ChannelContext) -> None:
    channel = build_channel("smtp://127.0.0.1:1?security=none", context)
    result = channel.send(Message("s", "t"))
    assert isinstance(result, Failed) and "没有收件人" in result.reason
    gone = Message("s", "t", recipients=("a@example.org",), attachments=(tmp_path / "无.pdf",))
    result = channel.send(gone)
    assert isinstance(result, Failed) and "附件不存在" in result.reason


def test_connection_refused_is_retry_later(tmp_path: Path, context: ChannelContext) -> None:
    from fakes.smtp import free_port

    url = f"smtp://127.0.0.1:{free_port()}?security=none"
    assert isinstance(build_channel(url, context).send(_message(tmp_path)), RetryLater)


def test_inline_charts_become_related_parts(tmp_path: Path, context: ChannelContext) -> None:
    """Mail clients block data: URIs; the digest's charts arrive as cid: parts instead."""
    import base64

    png = b"\x89PNG\r\n\x1a\n" + b"chart-bytes" * 10
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    message = Message(
        subject="周报",
        text="周报",
        html=f'<p>图表</p><img src="{uri}" alt="每日发布"><img src="{uri}" alt="again">',
        recipients=("zhang@example.org",),
    )
    with SMTPServer() as server:
        url = f"smtp://127.0.0.1:{server.port}?security=none&from=govmon@example.org"
        assert isinstance(build_channel(url, context).send(message), Delivered)
        mail = email.message_from_bytes(server.messages[0].data, policy=email.policy.default)
    html = mail.get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert "data:image" not in content and content.count('src="cid:') == 2
    images = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1  # the same chart twice is one part
    cid = images[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in content
    assert images[0].get_payload(decode=True) == png
