"""Topic tokens (analysis/topics/features.py) kept in the database, so that a fresh process —
every CLI run, a restarted daemon, the digest after the analysis — does not segment a text
again. Segmenting with jieba is most of what hot-topic detection costs.

Stored in ``text_results`` under the scorer ``topics:<featurizer fingerprint>``: an edited
dictionary or stopword list gives a new fingerprint, so texts are segmented again once. The
result is ``[words joined by US, bigrams concatenated]``: every bigram is two characters, so
they need no separator, and the mark of a bigram is added back on reading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from sys import intern

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from analysis.topics.features import BIGRAM_MARK, Featurizer, TextTokens
from monitor.store.text_results import read_results, write_results

_SEP = "\x1f"  # a control character: cleaned out of every collected text


def _encode(tokens: TextTokens) -> list[str]:
    return [_SEP.join(tokens.words), "".join(b[len(BIGRAM_MARK) :] for b in tokens.bigrams)]


def _decode(result: list[str]) -> TextTokens:
    words, pairs = result
    # map(intern, …): the same few thousand words recur in every text (see features.tokenize).
    return TextTokens(
        tuple(map(intern, words.split(_SEP))) if words else (),
        tuple(map(intern, [BIGRAM_MARK + pairs[i : i + 2] for i in range(0, len(pairs), 2)])),
    )


class StoredTokenStore:
    """A :class:`analysis.topics.features.TokenStore` over ``text_results``: ``get_many``
    fetches the stored tokens of the texts about to be read in one query, ``save`` writes
    those segmented since. Reads take a short connection of their own from ``engine``."""

    def __init__(self, engine: Engine, fingerprint: str) -> None:
        self.engine = engine
        self.scorer = f"topics:{fingerprint}"
        self._items: dict[str, TextTokens] = {}
        self._new: set[str] = set()

    def get(self, key: str) -> TextTokens | None:
        return self._items.get(key)

    def get_many(self, keys: Sequence[str]) -> dict[str, TextTokens]:
        with self.engine.connect() as conn:
            self.load(conn, keys)
        return {key: self._items[key] for key in keys if key in self._items}

    def put(self, key: str, tokens: TextTokens) -> None:
        self._items[key] = tokens
        self._new.add(key)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def computed(self) -> int:
        """Texts segmented since the last save."""
        return len(self._new)

    def load(self, conn: Connection, hashes: Iterable[str]) -> int:
        """Fetch the stored tokens of ``hashes``; returns how many were found."""
        wanted = {h for h in hashes if h not in self._items}
        found = 0
        for text_hash, result in read_results(conn, self.scorer, wanted):
            self._items[text_hash] = _decode(result)
            found += 1
        return found

    def forget(self) -> None:
        """Drop the tokens held in memory (they are in the database)."""
        self._items.clear()

    def save(self, conn: Connection, now: dt.datetime) -> int:
        """Store the tokens segmented since the last save; returns how many."""
        rows = [(self.scorer, key, _encode(self._items[key])) for key in sorted(self._new)]
        write_results(conn, rows, now)
        self._new.clear()
        return len(rows)


def stored_featurizer(engine: Engine, base: Featurizer) -> tuple[Featurizer, StoredTokenStore]:
    """``base``'s word lists over tokens kept in the database of ``engine``."""
    store = StoredTokenStore(engine, base.fingerprint)
    return base.with_store(store), store
