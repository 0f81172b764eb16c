"""Topic tokens kept in the database: a fresh process reads them instead of segmenting again,
and edited word lists make them be computed anew."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from analysis.texthash import text_hash
from analysis.topics.features import BIGRAM_MARK, Featurizer, TextTokens, load_featurizer
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.store.topic_tokens import StoredTokenStore, stored_featurizer

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
TEXTS = [
    "G25长深高速宁安段塌方，封闭到什么时候？",
    "青溪大桥拆除重建，公交改道了吗",
    "转发微博",
    "元旦加班车增开几班？G25长深高速宁安段塌方",
    "",
]


def _engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'tokens.db'}")
    migrate.upgrade(engine)
    return engine


def _never(text: str) -> TextTokens:
    raise AssertionError(f"segmented again: {text!r}")


def test_a_fresh_store_reads_the_tokens_instead_of_segmenting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(tmp_path)
    base = load_featurizer()
    first, store = stored_featurizer(engine, base)
    expected = first.tokens(TEXTS)
    assert store.computed == len(set(TEXTS))  # the same text twice is segmented once
    with engine.begin() as conn:
        assert store.save(conn, NOW) == len(set(TEXTS))

    again, fresh = stored_featurizer(engine, base)  # as a new process would
    monkeypatch.setattr(again, "tokenize", _never)
    assert again.tokens(TEXTS) == expected
    assert fresh.computed == 0
    assert any(t.words for t in expected) and any(t.bigrams for t in expected)
    assert all(b.startswith(BIGRAM_MARK) and len(b) == 3 for t in expected for b in t.bigrams)
    engine.dispose()


def test_edited_word_lists_segment_again(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    base = load_featurizer()
    first, store = stored_featurizer(engine, base)
    first.tokens(TEXTS)
    with engine.begin() as conn:
        store.save(conn, NOW)

    edited = Featurizer(base.segmenter, {*base.stopwords, "塌方"})
    assert edited.fingerprint != base.fingerprint
    other = StoredTokenStore(engine, edited.fingerprint)
    assert other.get_many([text_hash(t) for t in TEXTS]) == {}
    tokens = edited.with_store(other).tokens(TEXTS[:1])
    assert "塌方" not in tokens[0].words and other.computed == 1
    engine.dispose()
