"""Chinese word segmentation shared by the analysis modules (jieba's dictionary and HMM, run
by rjieba, plus our dictionary).

The words come from rjieba, the Python binding of jieba-rs: the same dictionary and the same
cutting as jieba, about ten times faster (issue 15: segmenting was half of a cold analysis) and
with the dictionary held in Rust rather than as a Python dict of ~350k entries. It differs from
Python jieba only in keeping runs like ``Club-Vac`` or ``sky_Struggling`` whole. A
:class:`Segmenter` owns its own ``rjieba.Jieba`` so that the transport user dictionary never
reaches the cutter the trained sentiment model reads with (analysis/sentiment/linear.py),
which was trained on jieba's own dictionary.
Texts are cleaned of links, @mentions, Weibo emoticons and repost chains before segmenting,
because those would otherwise dominate every term count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import rjieba

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@[\w\u4e00-\u9fff-]{1,30}")
_EMOTICON = re.compile(r"\[[^\[\]\s]{1,8}\]")
_REPOST_CHAIN = re.compile(r"//@.*$", re.S)
_HAS_WORD_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_ONLY_DIGITS = re.compile(r"^[\d.,:%/\-]+$")


def clean_text(text: str) -> str:
    """The words of a post or comment without links, @mentions, emoticons or repost chains."""
    text = _REPOST_CHAIN.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    return _EMOTICON.sub(" ", text)


def read_userdict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Entries ``word [freq] [tag]`` of a jieba user dictionary; '#' lines are comments."""
    entries: list[tuple[str, int | None, str | None]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq: int | None = None
        tag: str | None = None
        if len(parts) == 2:
            if parts[1].isdigit():
                freq = int(parts[1])
            else:
                tag = parts[1]
        elif len(parts) == 3 and parts[1].isdigit():
            freq, tag = int(parts[1]), parts[2]
        elif len(parts) >= 3:
            raise ValueError(
                f"用户词典 {path} 第 {number} 行格式有误"
                f"（应为：词语 [词频] [词性]）：{line.strip()}"
            )
        entries.append((parts[0], freq, tag))
    return entries


def read_stopwords(path: Path) -> frozenset[str]:
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def default_config_file(*parts: str) -> Path:
    """A file shipped in ``config/`` (the package ``monitor.defaults``)."""
    return Path(str(resources.files("monitor.defaults").joinpath(*parts)))


class Segmenter:
    """Terms of a text: jieba words, cleaned, without stopwords, digits or single characters."""

    def __init__(
        self,
        userdict: Iterable[tuple[str, int | None, str | None]] = (),
        stopwords: Iterable[str] = (),
    ) -> None:
        self._jieba = rjieba.Jieba()  # loads jieba's dictionary (in Rust, ~25 MB)
        self.userdict = tuple(userdict)
        self.user_words = frozenset(word for word, _freq, _tag in self.userdict)
        for word, freq, tag in self.userdict:
            self._jieba.add_word(word, freq, tag)
        self.stopwords = frozenset(stopwords)

    @classmethod
    def from_files(cls, userdict_path: Path, stopwords_path: Path) -> Segmenter:
        return cls(read_userdict(userdict_path), read_stopwords(stopwords_path))

    def words(self, text: str) -> list[str]:
        """All jieba words of the cleaned text, stopwords included (for phrase building)."""
        return [w.strip() for w in self.pieces(clean_text(text or "")) if w.strip()]

    def pieces(self, cleaned: str) -> list[str]:
        """jieba's pieces of an already cleaned text, unstripped (whitespace pieces included)."""
        return self._cut(cleaned) if cleaned.strip() else []

    def _cut(self, cleaned: str) -> list[str]:
        """The one place words are cut (jieba's cutting, with its HMM for unknown words)."""
        return list(self._jieba.cut(cleaned))

    def is_term(self, word: str) -> bool:
        if word in self.user_words:
            return True
        if len(word) < 2 or word in self.stopwords:
            return False
        return bool(_HAS_WORD_CHAR.search(word)) and not _ONLY_DIGITS.match(word)

    def terms(self, text: str) -> list[str]:
        """Content terms in order (repeats kept)."""
        return [w for w in self.words(text) if self.is_term(w)]

    def terms_and_phrases(self, text: str) -> list[str]:
        """Content terms plus phrases of two adjacent content terms (joined without space)."""
        words = self.words(text)
        out: list[str] = []
        previous: str | None = None
        for word in words:
            if self.is_term(word):
                out.append(word)
                if previous is not None:
                    out.append(previous + word)
                previous = word
            else:
                previous = None
        return out


def load_segmenter(userdict_path: str = "", stopwords_path: str = "") -> Segmenter:
    """A segmenter for these files (empty: the shipped ones), built once per process.

    The files are resolved before the cache is asked: load_segmenter() and
    load_segmenter("", "") are the same segmenter, not two copies of jieba's dictionary."""
    userdict = Path(userdict_path) if userdict_path else default_config_file("userdict.txt")
    stopwords = Path(stopwords_path) if stopwords_path else default_config_file("stopwords.txt")
    return _segmenter(str(userdict.resolve()), str(stopwords.resolve()))


@lru_cache(maxsize=8)
def _segmenter(userdict_path: str, stopwords_path: str) -> Segmenter:
    userdict, stopwords = Path(userdict_path), Path(stopwords_path)
    for what, path in (("用户词典", userdict), ("停用词表", stopwords)):
        if not path.is_file():
            raise FileNotFoundError(f"找不到{what}文件 {path}")
    return Segmenter.from_files(userdict, stopwords)
