"""Where the editable word lists live, and loading them into matchers.

A setting naming a file wins; an empty setting means the list shipped in config/wordlists/
(installed as the resource package ``monitor.defaults``; read as a file, no code imported from
monitor beyond its package marker).
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from analysis.textmatch import WordMatcher, read_wordlist

DEFAULTS_PACKAGE = "monitor.defaults"


def default_wordlist_path(name: str) -> Path:
    """The shipped list ``config/wordlists/<name>``."""
    return Path(str(resources.files(DEFAULTS_PACKAGE) / "wordlists" / name))


def wordlist_path(setting: str, default_name: str) -> Path:
    return Path(setting) if setting else default_wordlist_path(default_name)


def load_terms(setting: str, default_name: str) -> list[str]:
    """Terms of a list; a missing file is a clear error naming the file."""
    path = wordlist_path(setting, default_name)
    if not path.is_file():
        raise FileNotFoundError(f"词表文件不存在：{path}")
    return read_wordlist(path)


def load_matcher(setting: str, default_name: str) -> WordMatcher:
    return WordMatcher(load_terms(setting, default_name))


def terms_fingerprint(*lists: list[str]) -> str:
    """A short hash of word lists: cached per-text results are only reused with the same lists."""
    digest = hashlib.sha256()
    for terms in lists:
        digest.update("\n".join(sorted(terms)).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]
