"""What a text is made of for topic clustering: its words and its Chinese character bigrams.

Words come from jieba's cutting (rjieba, with the transport user dictionary); bigrams are taken
over runs of Chinese characters (as integer codes, analysis/topics/bigrams.py), so a claim
written with different word boundaries (G25封路 / G25 封了路) still shares most of its
features. Question and opinion scaffolding (如何、看待、评价 …, the editable list
config/wordlists/topic_stopwords.txt) is dropped from both: it says how people talk, not which
event they talk about, and would pull unrelated questions together.

Tokens depend only on the text and the word lists, so they are cached by text hash behind
:class:`TokenStore`, in process. They are not kept in the database: with rjieba, cutting a
province's window again (~5.7 s CPU) costs about what reading it back did (~4.2 s), and
storing them cost a cold run ~3.5 s and the database ~180k rows a week.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from sys import intern
from typing import Protocol

from analysis.segment import Segmenter, clean_text, default_config_file, load_segmenter
from analysis.texthash import text_hash
from analysis.textmatch import read_wordlist
from analysis.topics.bigrams import bigram_codes
from analysis.topics.settings import TopicsSettings

# Entries of a featurizer's memo of pieces before it starts again (~100 B each).
_MEMO_MAX = 1_000_000
# Texts tokenized together: their bigrams are made with array operations over the batch.
BATCH = 4096


class _Memo(dict[str, str]):
    """``make(key)`` computed once per key, bounded: a long-running daemon meets new words
    forever, so the memo starts again when it holds ``_MEMO_MAX`` entries."""

    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: str) -> str:
        if len(self) >= _MEMO_MAX:
            self.clear()
        value = self[key] = self._make(key)
        return value


@dataclass(frozen=True, slots=True)  # no __dict__: a province window holds ~200k of these
class TextTokens:
    """A text's features for the TF-IDF matrix (analysis/topics/tfidf.py): its words, then its
    bigrams."""

    words: tuple[str, ...]  # content words in order, repeats kept
    bigrams: bytes  # Chinese character bigrams in order, as codes (analysis/topics/bigrams.py)


class TokenStore(Protocol):
    """Tokens of texts by text hash (``analysis.texthash.text_hash``)."""

    def get(self, key: str) -> TextTokens | None: ...

    def put(self, key: str, tokens: TextTokens) -> None: ...


class MemoryTokenStore:
    """The most recently used ``capacity`` texts, in process (about 470 B a Weibo text, its
    text hash aside)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, TextTokens] = OrderedDict()

    def get(self, key: str) -> TextTokens | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: str, tokens: TextTokens) -> None:
        self._items[key] = tokens
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def topic_stopwords_file(configured: str = "") -> Path:
    path = (
        Path(configured) if configured else default_config_file("wordlists", "topic_stopwords.txt")
    )
    if not path.is_file():
        raise FileNotFoundError(f"找不到话题停用词表文件 {path}")
    return path


class Featurizer:
    """Tokens of texts, cached by text hash in ``store``."""

    def __init__(
        self,
        segmenter: Segmenter,
        stopwords: Iterable[str] = (),
        store: TokenStore | None = None,
    ) -> None:
        self.segmenter = segmenter
        self.stopwords = frozenset(w for w in stopwords if w)
        ordered = sorted(self.stopwords, key=lambda w: (-len(w), w))
        self._scaffolding = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        # jieba piece → the interned term it gives ("" when none). The same few thousand words
        # recur in every text, so one dictionary look-up replaces the stripping, term checks
        # and interning of each occurrence. Interned: a cached text costs a tuple of pointers
        # rather than its own copy of each string.
        self._terms = _Memo(self._term)

    def _term(self, piece: str) -> str:
        word = piece.strip()
        if word and self.segmenter.is_term(word) and word not in self.stopwords:
            return intern(word)
        return ""

    def tokenize(self, text: str) -> TextTokens:
        """The tokens of one text, without the cache."""
        return self.tokenize_many([text])[0]

    def tokenize_many(self, texts: Sequence[str]) -> list[TextTokens]:
        """The tokens of each text, without the cache."""
        cleaned = [clean_text(text or "") for text in texts]
        term, pieces = self._terms.__getitem__, self.segmenter.pieces
        words = [tuple(filter(None, map(term, pieces(text)))) for text in cleaned]
        if self._scaffolding is not None:
            cleaned = list(map(self._scaffolding.sub, [" "] * len(cleaned), cleaned))
        return list(map(TextTokens, words, bigram_codes(cleaned)))

    def tokens(self, texts: Sequence[str], keys: Sequence[str] | None = None) -> list[TextTokens]:
        """The tokens of each text, from the store when it has them. ``keys``: the texts'
        ``text_hash`` where known (the stored comments carry it), saving the hashing."""
        return list(self.each_tokens(texts, keys))

    def each_tokens(
        self, texts: Sequence[str], keys: Sequence[str] | None = None
    ) -> Iterator[TextTokens]:
        """:meth:`tokens`, one text at a time: a caller that needs each only once need not
        hold them all."""
        if keys is None:
            keys = [text_hash(text) for text in texts]
        get, put = self.store.get, self.store.put
        pairs = zip(keys, texts, strict=True)
        # A batch at a time: the texts missing from the store are tokenized together.
        while batch := list(islice(pairs, BATCH)):
            found = [get(key) for key, _text in batch]
            # Each text missing once (a repeated comment is one text), as the store has it.
            missing = {batch[i][0]: batch[i][1] for i, t in enumerate(found) if t is None}
            made = dict(zip(missing, self.tokenize_many(list(missing.values())), strict=True))
            for key, tokens in made.items():
                put(key, tokens)
            yield from (
                made[key] if t is None else t for (key, _), t in zip(batch, found, strict=True)
            )


@lru_cache(maxsize=8)
def load_featurizer(
    userdict_path: str = "", stopwords_path: str = "", topic_stopwords_path: str = ""
) -> Featurizer:
    """One featurizer (and so one in-process token store) per set of word files."""
    segmenter = load_segmenter(userdict_path, stopwords_path)
    return Featurizer(segmenter, read_wordlist(topic_stopwords_file(topic_stopwords_path)))


def featurizer_for(settings: TopicsSettings) -> Featurizer:
    """The featurizer of the word files these settings name (the shipped ones when empty)."""
    return load_featurizer(
        settings.userdict_path, settings.stopwords_path, settings.topic_stopwords_path
    )
