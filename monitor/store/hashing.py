"""The text hash stored beside every post and comment: the key of cached analysis results,
so unchanged texts are not analysed twice. One definition for storage and analysis."""

from __future__ import annotations

from analysis.texthash import text_hash

__all__ = ["text_hash"]
