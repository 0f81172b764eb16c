"""The file outbox: ``file://DIR`` writes each message as ``.md`` and ``.json`` into DIR.

The default channel, so the whole flow works with no server. ``file://data/outbox`` is relative
to the working directory, ``file:///srv/govmon/outbox`` absolute. A message with a ``key`` (the
outbox row) is written under that name, so a retry overwrites instead of duplicating; files are
written to a temporary name first and renamed, so a crash never leaves half a message.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import ClassVar
from urllib.parse import SplitResult, unquote

from alerts.channels.base import Channel, PartProgress, register, require
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater, SendResult

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@register
class FileChannel(Channel):
    schemes: ClassVar[tuple[str, ...]] = ("file",)
    options: ClassVar[frozenset[str]] = frozenset()
    label: ClassVar[str] = "文件发件箱"

    def _configure(self, parts: SplitResult, query: dict[str, str]) -> None:
        raw = self._raw_url.strip()[len("file://") :].split("?", 1)[0]
        require(bool(raw.strip("/")), "文件发件箱地址缺少目录，应形如 file://data/outbox")
        require("\x00" not in raw, "文件发件箱的目录名含非法字符")
        self.directory = Path(unquote(raw))

    def _name(self, message: Message) -> str:
        if message.key:
            return _SAFE.sub("_", message.key)[:120]
        stamp = self.context.now().strftime("%Y%m%dT%H%M%S%fZ")
        digest = hashlib.sha256(
            json.dumps(message.to_payload(), ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()[:12]
        return f"{stamp}-{digest}"

    def send(self, message: Message, progress: PartProgress | None = None) -> SendResult:
        name = self._name(message)
        document = dict(message.to_payload(), written_at=self.context.now().isoformat())
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write(
                self.directory / f"{name}.json", json.dumps(document, ensure_ascii=False, indent=2)
            )
            heading = f"# {message.subject}\n\n" if message.subject else ""
            _write(self.directory / f"{name}.md", heading + message.markdown_or_text + "\n")
        except (PermissionError, NotADirectoryError, FileExistsError, IsADirectoryError) as exc:
            return Failed(f"无法写入发件箱目录 {self.directory}：{exc.strerror or exc}")
        except OSError as exc:  # disk full, I/O error: may pass
            return RetryLater(f"写入发件箱目录 {self.directory} 出错：{exc.strerror or exc}")
        return Delivered(detail=str(self.directory / f"{name}.md"))


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
