"""E-mail over SMTP: ``smtp://`` (STARTTLS, or plain to a local relay) and ``smtps://`` (SSL).

``smtp://user:PASSWORD@host:587?to=a@example.org,b@example.org&from=x@example.org&name=发件人``

Options: ``to`` (default recipients; a message's own recipients — the unit's 联系邮箱 —
take precedence), ``from`` (default: the user name when it is an address), ``name`` (the
sender's display name), ``security=starttls|none`` for ``smtp://`` (default starttls; none
sends in clear and is only allowed with a password to a loopback relay), ``cafile`` (a CA
bundle for an internal certificate). Ports default to 587 (STARTTLS), 25 (none), 465 (SSL).
A URL holding a password must be given as a secret (``{ env = "…" }``).

The mail is HTML with a plain-text alternative, with attachments; the Chinese subject and
names are encoded by the standard library's ``email`` package (RFC 2047 / 2231).
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import ipaddress
import mimetypes
import re
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from typing import ClassVar
from urllib.parse import SplitResult, unquote

from alerts.channels.base import (
    Channel,
    PartProgress,
    register,
    require,
    split_list,
    unique,
)
from alerts.channels.mail_images import extract_inline_images
from alerts.errors import ChannelURLError
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater, SendResult

DEFAULT_PORTS = {"smtps": 465, "starttls": 587, "none": 25}
MAX_REASON = 200


def _valid_address(value: str) -> bool:
    local, _, domain = value.rpartition("@")
    return bool(local) and "." in domain and not any(c in value for c in " <>,;\"'")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register
class SMTPChannel(Channel):
    schemes: ClassVar[tuple[str, ...]] = ("smtp", "smtps")
    options: ClassVar[frozenset[str]] = frozenset({"to", "from", "name", "security", "cafile"})
    label: ClassVar[str] = "邮件（SMTP）"

    def _configure(self, parts: SplitResult, query: dict[str, str]) -> None:
        require(
            bool(parts.hostname),
            "邮件地址缺少服务器，应形如 smtp://用户@smtp.example.org:587?to=收件人",
        )
        self.host = parts.hostname or ""
        try:
            port = parts.port
        except ValueError:
            raise ChannelURLError("邮件服务器端口应为 1–65535 的整数") from None
        if self.scheme == "smtps":
            require("security" not in query, "smtps:// 已是 SSL 连接，不需要 security 参数")
            self.security = "ssl"
        else:
            self.security = query.get("security", "starttls")
            require(
                self.security in ("starttls", "none"),
                "邮件的 security 参数应为 starttls 或 none（SSL 请用 smtps://）",
            )
        self.port = port or DEFAULT_PORTS["smtps" if self.security == "ssl" else self.security]
        self.user = unquote(parts.username or "")
        self.password = self._secret(unquote(parts.password or ""))
        require(
            not (self.password and self.security == "none" and not _is_loopback(self.host)),
            "邮件密码不能明文发送到非本机服务器：请用 security=starttls 或 smtps://",
        )
        sender = query.get("from", "") or (self.user if "@" in self.user else "")
        if not sender:
            sender = f"govmon@{self.host}" if "." in self.host else "govmon@localhost.localdomain"
        require(_valid_address(sender), f"邮件发件人地址无效：{sender}")
        self.sender = sender
        self.sender_name = query.get("name", "政务新媒体监测")
        self.to = split_list(query.get("to", ""))
        bad = [a for a in self.to if not _valid_address(a)]
        require(not bad, f"邮件收件人地址无效：{'、'.join(bad)}")
        self.cafile = query.get("cafile", "")

    # -- building the mail ----------------------------------------------------------------

    def compose(self, message: Message, recipients: tuple[str, ...]) -> EmailMessage:
        mail = EmailMessage(policy=email.policy.SMTP)
        mail["Subject"] = message.subject
        mail["From"] = Address(display_name=self.sender_name, addr_spec=self.sender)
        mail["To"] = ", ".join(recipients)
        mail["Date"] = email.utils.format_datetime(self.context.now())
        mail["Message-ID"] = self.message_id(message)
        mail.set_content(message.text or message.markdown, subtype="plain", charset="utf-8")
        if message.html:
            html, images = extract_inline_images(message.html)
            mail.add_alternative(html, subtype="html", charset="utf-8")
            html_part = mail.get_body(("html",))
            if images and html_part is not None:
                for image in images:
                    html_part.add_related(
                        image.data, maintype="image", subtype=image.subtype, cid=f"<{image.cid}>"
                    )
        for path in message.attachments:
            kind, _ = mimetypes.guess_type(path.name)
            main, _, sub = (kind or "application/octet-stream").partition("/")
            mail.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
        return mail

    def message_id(self, message: Message) -> str:
        """The same Message-ID every time one delivery is sent: a mail that the outbox had to
        send again (the sender died before recording the server's answer) shows as a repeat of
        the same message, not as a second one. Built from the delivery's key and a digest of
        what it says, so two databases' delivery #7 do not share one."""
        domain = self.sender.rpartition("@")[2] or "localhost.localdomain"
        key = _MSGID_UNSAFE.sub("", message.key)
        if not key:
            return email.utils.make_msgid(domain=domain)
        content = "\n".join((message.key, message.subject, message.text, message.html))
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:20]
        return f"<govmon.{key}.{digest}@{domain}>"

    # -- sending --------------------------------------------------------------------------

    def send(self, message: Message, progress: PartProgress | None = None) -> SendResult:
        recipients = unique(message.recipients or self.to)
        if not recipients:
            return Failed("邮件没有收件人：单位未登记联系邮箱，渠道地址也未设置 to")
        bad = [a for a in recipients if not _valid_address(a)]
        if bad:
            return Failed(f"邮件收件人地址无效：{'、'.join(bad)}")
        missing = [p.name for p in message.attachments if not p.is_file()]
        if missing:
            return Failed(f"邮件附件不存在：{'、'.join(missing)}")
        mail = self.compose(message, recipients)
        try:
            refused = self._transmit(mail, recipients)
        except Exception as exc:  # classified below; nothing is swallowed unreported
            return self._classify(exc)
        if refused:
            listed = "、".join(f"{a}（{code}）" for a, (code, _) in refused.items())
            return Delivered(detail=self._tidy(f"部分收件人被拒：{listed}"))
        return Delivered(detail=f"已发往 {len(recipients)} 个收件人")

    def _transmit(
        self, mail: EmailMessage, recipients: tuple[str, ...]
    ) -> dict[str, tuple[int, bytes]]:
        context = ssl.create_default_context(cafile=self.cafile or None)
        timeout = self.context.timeout
        server: smtplib.SMTP
        if self.security == "ssl":
            server = smtplib.SMTP_SSL(self.host, self.port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=timeout)
        with server:
            server.ehlo()
            if self.security == "starttls":
                if not server.has_extn("starttls"):
                    raise _NoStartTLS
                server.starttls(context=context)
                server.ehlo()
            if self.user and self.password:
                server.login(self.user, self.password)
            refused = server.send_message(mail, self.sender, list(recipients))
        return dict(refused)

    def _classify(self, exc: Exception) -> SendResult:
        if isinstance(exc, _NoStartTLS):
            return Failed(f"邮件服务器 {self.host} 不支持 STARTTLS（可改用 smtps:// 或本机中继）")
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return Failed(self._tidy(f"邮件服务器登录失败（{exc.smtp_code}），请检查用户名与密码"))
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return Failed(f"邮件服务器 {self.host} 不支持所需的功能（如登录）：{exc}")
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            listed = "、".join(f"{a}（{c}）" for a, (c, _) in exc.recipients.items())
            if codes and all(400 <= c < 500 for c in codes):
                return RetryLater(self._tidy(f"收件人暂被拒绝：{listed}"))
            return Failed(self._tidy(f"收件人全部被拒：{listed}"))
        if isinstance(exc, smtplib.SMTPResponseException):
            text = _decode(exc.smtp_error)
            if exc.smtp_code == 552:
                return Failed(self._tidy(f"邮件过大被服务器拒收（552）：{text}"))
            if 400 <= exc.smtp_code < 500:
                return RetryLater(self._tidy(f"邮件服务器暂时拒绝（{exc.smtp_code}）：{text}"))
            return Failed(self._tidy(f"邮件服务器拒绝（{exc.smtp_code}）：{text}"))
        if isinstance(exc, ssl.SSLCertVerificationError):
            return Failed(f"邮件服务器 {self.host} 的证书校验失败（可用 cafile 参数指定内部 CA）")
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return RetryLater(f"邮件服务器 {self.host}:{self.port} 中断了连接")
        if isinstance(exc, TimeoutError):
            return RetryLater(f"连接邮件服务器 {self.host}:{self.port} 超时")
        if isinstance(exc, OSError):
            return RetryLater(
                self._tidy(f"无法连接邮件服务器 {self.host}:{self.port}：{exc.strerror or exc}")
            )
        return Failed(self._tidy(f"发送邮件出错：{type(exc).__name__} {exc}"))

    def _tidy(self, reason: str) -> str:
        reason = self.redact(reason)
        return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


_MSGID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class _NoStartTLS(Exception):
    pass


def _decode(value: bytes | str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
