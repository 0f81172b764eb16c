"""One stable hash per text, the key of cached analysis results (with the engine name).

Texts are normalised first (NFKC, whitespace runs collapsed, ends trimmed), so the same
comment collected twice with different spacing or full-width characters is scored once.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalize_text(text: str) -> str:
    """NFKC, one space for every whitespace run, no leading/trailing space.

    ``str.split()`` splits on what ``str.isspace`` calls whitespace, the characters the regex
    ``\\s`` matches (checked over every code point, tests/analysis/test_texthash.py), and costs
    half of a substitution followed by strip: every comment is normalised for its hash and its
    sentiment."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def text_hash(text: str) -> str:
    """Hex sha256 (64 characters) of the normalised text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def stored_or_hashed(text: str | None, stored: object) -> str:
    """The text's stored hash (ingest keeps one per post and comment) where it has one, else
    :func:`text_hash` of the text: a window's texts are not hashed again."""
    return stored if isinstance(stored, str) and stored else text_hash(text or "")
