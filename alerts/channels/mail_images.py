"""Charts travel inside the digest's HTML as data: URIs, which browsers show but most mail
clients (Gmail, Outlook) block. For email they become inline MIME parts referenced by cid:."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

_DATA_URI = re.compile(
    r'src="data:image/(?P<subtype>png|jpeg|gif);base64,(?P<data>[A-Za-z0-9+/=\s]+)"'
)


@dataclass(frozen=True)
class InlineImage:
    cid: str  # without angle brackets
    subtype: str
    data: bytes


def extract_inline_images(html: str, domain: str = "govmon.local") -> tuple[str, list[InlineImage]]:
    """The HTML with every base64 image replaced by a ``cid:`` reference, and those images.
    The same picture twice becomes one part; a malformed data URI is left as it was."""
    images: dict[str, InlineImage] = {}

    def replace(match: re.Match[str]) -> str:
        try:
            data = base64.b64decode(match.group("data"), validate=False)
        except (binascii.Error, ValueError):
            return match.group(0)
        cid = f"{hashlib.sha256(data).hexdigest()[:16]}@{domain}"
        images.setdefault(cid, InlineImage(cid, match.group("subtype"), data))
        return f'src="cid:{cid}"'

    return _DATA_URI.sub(replace, html), list(images.values())
