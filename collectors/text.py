"""Turn untrusted HTML snippets (post and comment bodies) into capped plain text, and strip
the control characters no database column should hold."""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_TEXT_CHARS = 20_000
_BLOCK_TAGS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
_SKIP_TAGS = {"script", "style"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
# C0 controls but tab and newline, DEL, C1 controls, and lone surrogates (undecodable bytes
# smuggled through "surrogateescape"): PostgreSQL refuses NUL in text and no encoder takes a
# lone surrogate, so one such character would make a whole batch of records unstorable.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CARRIAGE = re.compile("\r\n?")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "img":
            # Weibo renders emoticons as <img alt="[笑cry]">: keep the words, they carry tone.
            alt = dict(attrs).get("alt") or ""
            if alt.startswith("[") and alt.endswith("]"):
                self.parts.append(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def clean_text(text: str) -> str:
    """``text`` without control characters; line breaks kept (CR and CRLF become LF)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub("", _CARRIAGE.sub("\n", text))


def html_to_text(html: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Tags stripped, entities decoded, whitespace normalised, capped at ``max_chars``."""
    parser = _TextExtractor()
    parser.feed(html[: max_chars * 4])
    parser.close()
    text = clean_text("".join(parser.parts))
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n", text).strip()
    return text[:max_chars]
