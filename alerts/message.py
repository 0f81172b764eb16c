"""What a channel sends: one rendered message, in every format a channel may want."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Message:
    """One message to one recipient; each channel picks the format it can show.

    ``recipients`` are e-mail addresses for mail channels (the unit's 联系邮箱); bots ignore
    them. ``mentions`` are bot user ids (WeCom ``<@userid>``, DingTalk ``atUserIds``).
    ``key`` identifies the message (the outbox row) so a retried write overwrites itself.
    ``first_part`` lets a retried split message skip the parts a bot already accepted.
    """

    subject: str
    text: str
    markdown: str = ""
    html: str = ""
    attachments: tuple[Path, ...] = ()
    recipients: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    key: str = ""
    first_part: int = 0

    @property
    def markdown_or_text(self) -> str:
        return self.markdown or self.text

    def to_payload(self) -> dict[str, Any]:
        """A JSON-safe dict for the outbox's ``payload`` column."""
        return {
            "subject": self.subject,
            "text": self.text,
            "markdown": self.markdown,
            "html": self.html,
            "attachments": [str(p) for p in self.attachments],
            "recipients": list(self.recipients),
            "mentions": list(self.mentions),
            "key": self.key,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, first_part: int = 0) -> Message:
        return cls(
            subject=str(payload.get("subject", "")),
            text=str(payload.get("text", "")),
            markdown=str(payload.get("markdown", "")),
            html=str(payload.get("html", "")),
            attachments=tuple(Path(p) for p in payload.get("attachments", ())),
            recipients=tuple(str(r) for r in payload.get("recipients", ())),
            mentions=tuple(str(m) for m in payload.get("mentions", ())),
            key=str(payload.get("key", "")),
            first_part=first_part,
        )
