"""Per-text results (question or not, matched words), cached by text hash.

``govmon analyze`` runs incrementally: only texts whose hash is not yet in the cache are scored;
the rules then aggregate over the whole frames, which is cheap. The cache is a plain mapping the
caller persists (monitor stores it); keys carry the fingerprint of the word lists, so editing a
list re-scores everything once instead of serving stale results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

import pandas as pd

from analysis.compliance.wordlists import load_matcher, terms_fingerprint
from analysis.questions import QuestionClassifier, QuestionCues
from analysis.rule_settings import QuestionsSettings, RulesSettings
from analysis.textmatch import WordMatcher

Progress = Callable[[int, int], None]  # (done, total) of texts to score
TextCache = MutableMapping[str, tuple[object, ...]]

_SEP = "、"


def _full_text(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts with ``_full`` (title and text, what the post rules read) and no ``text_hash``
    (the stored hash is of the text alone)."""
    return posts.drop(columns="text_hash", errors="ignore").assign(
        _full=posts["title"].fillna("").astype(str) + "\n" + posts["text"].fillna("").astype(str)
    )


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def hashes(frame: pd.DataFrame, column: str = "text") -> pd.Series:
    """The frame's ``text_hash`` where given, else the hash of ``column``."""
    given = (
        frame["text_hash"].fillna("").astype(str)
        if "text_hash" in frame.columns
        else pd.Series("", index=frame.index, dtype=object)
    )
    missing = given == ""
    if not missing.any():
        return given
    # 64-bit vectorised hash of the text (pandas' fixed key: stable across runs and machines),
    # of the texts without a stored hash only.
    computed = pd.util.hash_pandas_object(
        frame.loc[missing, column].fillna("").astype(str), index=False
    ).map("{:016x}".format)
    return given.where(~missing, computed)


@dataclass(frozen=True)
class ScoreStats:
    texts: int  # distinct texts in the frame
    scored: int  # of which scored now (not cached)


class TextScorer:
    """Scores comments (question? harmful words?) and posts (ads, secrecy markers, important
    keywords) once per distinct text."""

    def __init__(
        self,
        classifier: QuestionClassifier,
        ads: WordMatcher,
        confidential: WordMatcher,
        harmful: WordMatcher,
        important: WordMatcher,
    ) -> None:
        self.classifier = classifier
        self.ads, self.confidential, self.harmful, self.important = (
            ads,
            confidential,
            harmful,
            important,
        )
        self.fingerprint = terms_fingerprint(
            [classifier.fingerprint], ads.terms, confidential.terms, harmful.terms, important.terms
        )

    @classmethod
    def from_settings(
        cls, rules: RulesSettings | None = None, questions: QuestionsSettings | None = None
    ) -> TextScorer:
        r = rules or RulesSettings()
        return cls(
            QuestionClassifier(QuestionCues.load(questions)),
            ads=load_matcher(r.ads_wordlist, "ads.txt"),
            confidential=load_matcher(r.confidential_wordlist, "confidential.txt"),
            harmful=load_matcher(r.harmful_wordlist, "harmful.txt"),
            important=load_matcher(r.important_wordlist, "important_keywords.txt"),
        )

    def score_comments(
        self,
        comments: pd.DataFrame,
        cache: TextCache | None = None,
        progress: Progress | None = None,
    ) -> tuple[pd.DataFrame, ScoreStats]:
        """``comments`` plus ``is_question`` (False for official replies) and
        ``harmful_terms`` ("、"-joined)."""

        def one(text: str) -> tuple[object, ...]:
            return (self.classifier.is_question(text), _SEP.join(self.harmful.find(text)))

        values, stats = self._score(comments, "c", one, cache, progress)
        out = comments.copy()
        asks = pd.Series([bool(v[0]) for v in values], index=comments.index, dtype=bool)
        out["is_question"] = asks & ~comments["is_official"].fillna(False).astype(bool)
        out["harmful_terms"] = [str(v[1]) for v in values]
        return out, stats

    def score_posts(
        self,
        posts: pd.DataFrame,
        cache: TextCache | None = None,
        progress: Progress | None = None,
    ) -> tuple[pd.DataFrame, ScoreStats]:
        """``posts`` plus ``ads_terms``, ``confidential_terms``, ``important_terms``, over title
        and text."""
        frame = _full_text(posts)

        def one(text: str) -> tuple[object, ...]:
            return (
                _SEP.join(self.ads.find(text)),
                _SEP.join(self.confidential.find(text)),
                _SEP.join(self.important.find(text)),
            )

        values, stats = self._score(frame, "p", one, cache, progress, column="_full")
        out = posts.copy()
        out["ads_terms"] = [str(v[0]) for v in values]
        out["confidential_terms"] = [str(v[1]) for v in values]
        out["important_terms"] = [str(v[2]) for v in values]
        return out, stats

    def cache_keys(self, posts: pd.DataFrame, comments: pd.DataFrame) -> list[str]:
        """The cache keys scoring these frames reads, so that a caller can fetch stored
        results for them beforehand."""
        return self._keys(_full_text(posts), "p", "_full") + self._keys(comments, "c", "text")

    def _keys(self, frame: pd.DataFrame, kind: str, column: str) -> list[str]:
        prefix = f"{kind}:{self.fingerprint}:"
        return [prefix + h for h in hashes(frame, column).astype(str).tolist()]  # also empty

    def _score(
        self,
        frame: pd.DataFrame,
        kind: str,
        fn: Callable[[str], tuple[object, ...]],
        cache: TextCache | None,
        progress: Progress | None,
        column: str = "text",
    ) -> tuple[list[tuple[object, ...]], ScoreStats]:
        store: TextCache = cache if cache is not None else {}
        keys = self._keys(frame, kind, column)
        texts = frame[column].fillna("").astype(str).tolist()
        todo: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in store and key not in todo:
                todo[key] = text
        total = len(todo)
        for done, (key, text) in enumerate(todo.items(), start=1):
            store[key] = fn(text)
            if progress and (done % 5000 == 0 or done == total):
                progress(done, total)
        return [store[k] for k in keys], ScoreStats(texts=len(set(keys)), scored=total)
