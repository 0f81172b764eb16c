"""Text from the internet (post texts, account names, links) made harmless in a message.

HTML is escaped by Jinja2's autoescape; for plain text and markdown the control characters
are neutralised here: control characters dropped, whitespace collapsed to one line, length
capped, and markdown's active characters replaced by their full-width look-alikes, so that a
comment cannot inject a link, a heading, a WeCom ``<@userid>`` mention or a ``<font>`` tag.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

DEFAULT_LIMIT = 200
URL_LIMIT = 500

_MARKDOWN = str.maketrans(
    {
        "\\": "＼",
        "*": "＊",
        "`": "｀",
        "#": "＃",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "<": "＜",
        ">": "＞",
        "|": "｜",
        "~": "～",
        "!": "！",
        "@": "＠",
    }
)
_SPACE = re.compile(r"\s+")
# An underscore inside a word cannot open or close emphasis (CommonMark), and a setting name
# such as collectors.rss.rsshub_base_url must stay copyable: only the others are made inert.
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def plain(value: object, limit: int = DEFAULT_LIMIT) -> str:
    """One line of printable text, at most ``limit`` characters."""
    text = "" if value is None else str(value)
    # Printable text has no character of the categories below (nor any but ASCII space of
    # Z*): most texts, kept as they are without a look at each character.
    if not text.isprintable():
        text = "".join(
            " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
            for c in text
            if unicodedata.category(c) not in ("Cf", "Co", "Cs") or c == "\u200d"
        )
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def markdown(value: object, limit: int = DEFAULT_LIMIT) -> str:
    """Like :func:`plain`, with markdown's and the bots' active characters made inert."""
    return _EDGE_UNDERSCORE.sub("＿", plain(value, limit)).translate(_MARKDOWN)


def safe_url(value: object) -> str:
    """An http(s) link fit for a markdown or HTML link, or "" for anything else."""
    text = "" if value is None else str(value).strip()
    if not text or len(text) > URL_LIMIT:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    # Characters that could end a markdown link or an HTML attribute are percent-encoded.
    return quote(text, safe=":/?#&=%+,;.-_~!$*")
