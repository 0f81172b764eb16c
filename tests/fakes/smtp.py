"""A real SMTP server for tests (aiosmtpd) and a server that drops every connection."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificate(directory: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 (None when openssl is not installed)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Envelope:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class Recorder:
    messages: list[Envelope] = field(default_factory=list)
    reply: str = ""  # forced answer to DATA, e.g. "451 try later"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply:
            return self.reply
        self.messages.append(
            Envelope(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 OK"


class SMTPServer:
    """aiosmtpd on 127.0.0.1: ``tls`` None (plain), "starttls" or "ssl"; optional AUTH."""

    def __init__(
        self,
        *,
        tls: str | None = None,
        certificate: tuple[Path, Path] | None = None,
        credentials: tuple[str, str] | None = None,
        data_size_limit: int = 33554432,
    ) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self.credentials = credentials
        self.logins: list[str] = []
        kwargs: dict[str, Any] = {"data_size_limit": data_size_limit}
        if certificate is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(certificate[0]), str(certificate[1]))
            if tls == "starttls":
                kwargs["tls_context"] = context
            elif tls == "ssl":
                kwargs["ssl_context"] = context
        if credentials is not None:
            kwargs["authenticator"] = self._authenticate
            # Implicit SSL is invisible to aiosmtpd's SMTP object: only STARTTLS can be required.
            kwargs["auth_require_tls"] = tls == "starttls"
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **kwargs)

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and self.credentials is not None:
            user, password = data.login.decode(), data.password.decode()
            if (user, password) == self.credentials:
                self.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    @property
    def messages(self) -> list[Envelope]:
        return self.recorder.messages

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class DroppingServer:
    """Accepts TCP connections on 127.0.0.1 and closes them at once (a dropped connection)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.close()

    def __enter__(self) -> DroppingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join()
        self.sock.close()
