"""Hot topics (第二十二条): events the public talks about, found as clusters of texts that burst.

The texts of the window (default the last 24 hours) are clustered by what they say
(``cluster``); each baseline text (the 7 days before) goes to the nearest cluster centre. A
cluster whose window volume bursts against its baseline (``burst``) becomes a :class:`HotTopic`,
named by its most distinctive words (``labels``), and a ``hot_topic`` finding.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analysis.findings import Evidence, Finding, Severity, make_key
from analysis.topics.burst import bursts, growth_of
from analysis.topics.cluster import Vectors, centres, cluster_texts, nearest
from analysis.topics.features import Featurizer, TextTokens, featurizer_for
from analysis.topics.labels import WordsHeld, distinctive_words, label_of
from analysis.topics.settings import TopicsSettings
from analysis.topics.texts import texts_between

RULE = "hot_topic"
ARTICLE = "第二十二条"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Sentiment scores below NEGATIVE_BELOW are negative, above POSITIVE_ABOVE positive.
NEGATIVE_BELOW = 0.4
POSITIVE_ABOVE = 0.6
# A topic seen in a previous run keeps its key when their label terms overlap this much.
SAME_TOPIC_OVERLAP = 0.5
EXAMPLE_CHARS = 200
TOPIC_TERMS = 10  # distinctive words kept with a topic (its label is the first few)
# A bursting cluster before it becomes a topic: (rank, label, cluster, account keys, its rows
# in the window, its account ids).
_Candidate = tuple[float, tuple[str, ...], int, tuple[str, ...], np.ndarray, list[Any]]


@dataclass(frozen=True)
class SentimentMix:
    negative: float  # shares of the scored texts
    neutral: float
    positive: float
    scored: int  # texts that had a score


@dataclass(frozen=True)
class HotTopic:
    key: str  # the finding's dedup key (stable across runs, see topic_key)
    label: tuple[str, ...]  # the words that name the topic, most distinctive first
    terms: tuple[str, ...]  # the topic's most distinctive words (the label is taken from them)
    volume: int  # texts of the topic in the window
    baseline_volume: int  # texts of the topic in the baseline
    expected: float  # baseline volume scaled to the window's length
    growth: float  # (volume + 1) / (expected + 1)
    accounts: tuple[str, ...]  # monitored accounts whose posts or comments hold it
    units: tuple[str, ...]
    sentiment: SentimentMix | None  # None when no text had a sentiment score
    examples: tuple[Evidence, ...]  # up to 3 representative texts with links
    window_start: dt.datetime
    window_end: dt.datetime
    posts: int = 0
    comments: int = 0


def topic_key(label: Sequence[str], now: dt.datetime, previous: Mapping[str, Sequence[str]]) -> str:
    """The dedup key: a previous open topic's key when the labels overlap, else a new one.

    A new key is the Shanghai date of the run plus the sorted first three label words, so that
    the same topic found again on the same day gets the same key even without ``previous``.
    """
    words = set(label)
    best: tuple[float, str] | None = None
    for key, old in sorted(previous.items()):
        old_words = set(old)
        if not old_words or not words:
            continue
        overlap = len(words & old_words) / min(len(words), len(old_words))
        if overlap >= SAME_TOPIC_OVERLAP and (best is None or overlap > best[0]):
            best = (overlap, key)
    if best is not None:
        return best[1]
    day = now.astimezone(SHANGHAI).date().isoformat()
    return make_key(RULE, day, "+".join(sorted(label[:3])))


def _sentiment_mix(scores: pd.Series) -> SentimentMix | None:
    scored = scores.dropna()
    if scored.empty:
        return None
    n = len(scored)
    negative = int((scored < NEGATIVE_BELOW).sum())
    positive = int((scored > POSITIVE_ABOVE).sum())
    return SentimentMix(negative / n, (n - negative - positive) / n, positive / n, n)


def _examples(texts: pd.DataFrame, closeness: np.ndarray) -> tuple[Evidence, ...]:
    """Three texts nearest the topic's centre (posts, then earlier, on ties), no duplicate."""
    not_post = (texts["kind"].to_numpy() != "post").astype(np.int8)
    instants = pd.to_datetime(texts["at"], utc=True).astype("int64").to_numpy()
    # np.lexsort: last key first. Closeness is rounded so float noise does not beat a post.
    near = np.round(closeness, 6)
    ranked = np.lexsort((np.arange(len(texts)), instants, not_post, -near)).tolist()
    seen: set[str] = set()
    out: list[Evidence] = []
    for i in ranked:
        text = str(texts["text"].iat[i]).strip()
        if text in seen:
            continue
        seen.add(text)
        at = cast(pd.Timestamp, texts["at"].iat[i]).to_pydatetime()
        out.append(Evidence(text[:EXAMPLE_CHARS], str(texts["url"].iat[i]), at))
        if len(out) == 3:
            break
    return tuple(out)


def topic_texts(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    accounts: pd.DataFrame,
    now: dt.datetime,
    settings: TopicsSettings,
) -> pd.DataFrame:
    """The texts :func:`find_hot_topics` reads: its window and baseline, oldest first."""
    start = now - dt.timedelta(hours=settings.window_hours, days=settings.baseline_days)
    return texts_between(
        posts, comments, accounts, start, now, include_comments=settings.include_comments
    )


def find_hot_topics(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    accounts: pd.DataFrame,
    now: dt.datetime,
    settings: TopicsSettings | None = None,
    *,
    featurizer: Featurizer | None = None,
    previous: Mapping[str, Sequence[str]] | None = None,
    vectors: Vectors | None = None,
    words_held: WordsHeld | None = None,
    texts: pd.DataFrame | None = None,
) -> list[HotTopic]:
    """Hot topics of the window ending at ``now``, largest first.

    ``posts``/``comments``/``accounts`` have the columns of ``analysis.frames`` (an optional
    ``sentiment`` column in [0, 1] gives the sentiment mix). ``previous`` maps the dedup keys of
    topics still open to their label words, so a topic found again keeps its key.
    ``featurizer`` defaults to the one of the settings' word files (tokens cached per text);
    ``vectors`` to ``cluster.vectorize``, ``words_held`` to ``labels.words_held``.
    ``texts``: :func:`topic_texts` of more accounts than ``accounts`` for the same ``now`` and
    settings (a digest run's, built once for all its scopes); these accounts' rows are read.
    """
    settings = settings or TopicsSettings()
    featurizer = featurizer or featurizer_for(settings)
    window = dt.timedelta(hours=settings.window_hours)
    baseline_span = dt.timedelta(days=settings.baseline_days)
    window_start = now - window
    if texts is None:
        texts = topic_texts(posts, comments, accounts, now, settings)
    else:  # the rows of these accounts, in the order they have there (oldest first)
        mine = texts["account_id"].isin(accounts["account_id"]).to_numpy(dtype=bool)
        texts = texts[mine].reset_index(drop=True)
    split = pd.Timestamp(window_start).tz_convert("UTC")
    in_window = (texts["at"] >= split).to_numpy(dtype=bool)
    if int(in_window.sum()) < settings.min_volume:
        return []
    strings = texts["text"].astype(str).to_numpy(dtype=object)
    hashes = texts["text_hash"].to_numpy(dtype=object)
    window_tokens = featurizer.tokens(strings[in_window].tolist(), hashes[in_window].tolist())
    baseline_texts = (strings[~in_window].tolist(), hashes[~in_window].tolist())
    # The baseline's tokens are needed only for their rows of the matrix: made as it is built,
    # unless the run's ``vectors`` keeps them anyway (a province week's are ~80 MiB).
    baseline_tokens: Iterable[TextTokens] = (
        featurizer.each_tokens(*baseline_texts)
        if vectors is None
        else featurizer.tokens(*baseline_texts)
    )
    del strings, hashes
    window_texts = texts[in_window].reset_index(drop=True)
    # Texts come oldest first, which is the order the single pass needs.
    clustering = cluster_texts(
        window_tokens,
        max_distance=settings.cluster_distance,
        centre_similarity=settings.centre_similarity,
        agglomerative_max=settings.agglomerative_max_texts,
        baseline=baseline_tokens,
        vectors=vectors,
    )
    labels, count = clustering.labels, clustering.count
    sizes = np.bincount(labels[labels >= 0], minlength=count)
    centre_rows = centres(clustering.matrix, labels, count)
    owner = nearest(clustering.baseline, centre_rows, settings.centre_similarity)
    baseline_counts = np.bincount(owner[owner >= 0], minlength=count)
    scale = window / baseline_span
    account_keys = dict(zip(accounts["account_id"], accounts["account_key"], strict=False))
    unit_names = dict(zip(accounts["account_id"], accounts["unit"], strict=False))

    bursting = [
        c
        for c in np.flatnonzero(sizes >= settings.min_volume).tolist()
        if bursts(int(sizes[c]), float(baseline_counts[c]) * scale, settings)
    ]
    words = distinctive_words(window_tokens, labels, bursting, TOPIC_TERMS, words_held)

    # What ranks a topic is known before its examples and sentiment: those are worked out
    # for the topics kept only (a province week bursts in thousands of small clusters).
    candidates: list[_Candidate] = []
    for index in bursting:
        volume = int(sizes[index])
        expected = float(baseline_counts[index]) * scale
        if not words[index]:
            continue
        rows = np.flatnonzero(labels == index)
        ids = sorted(set(window_texts["account_id"].iloc[rows].dropna()), key=str)
        keys = tuple(sorted({str(account_keys.get(a, a)) for a in ids}))
        if len(keys) < settings.min_accounts:
            continue
        label = label_of(words[index], settings.label_terms)
        rank = -volume * math.log(growth_of(volume, expected) + 1.0)
        candidates.append((rank, label, index, keys, rows, ids))
    candidates.sort(key=lambda c: (c[0], c[1]))  # stable: equal ranks keep cluster order

    topics: list[HotTopic] = []
    for _rank, label, index, keys, rows, ids in candidates[: settings.max_topics]:
        volume = int(sizes[index])
        expected = float(baseline_counts[index]) * scale
        chosen = window_texts.iloc[rows]
        units = tuple(sorted({str(unit_names[a]) for a in ids if a in unit_names}))
        closeness = (clustering.matrix[rows] @ centre_rows[index].T).toarray().ravel()
        topics.append(
            HotTopic(
                key=topic_key(label, now, previous or {}),
                label=label,
                terms=tuple(words[index]),
                volume=volume,
                baseline_volume=int(baseline_counts[index]),
                expected=expected,
                growth=growth_of(volume, expected),
                accounts=keys,
                units=units,
                sentiment=_sentiment_mix(chosen["sentiment"]),
                examples=_examples(chosen, closeness),
                window_start=window_start,
                window_end=now,
                posts=int((chosen["kind"] == "post").sum()),
                comments=int((chosen["kind"] == "comment").sum()),
            )
        )
    return _unique_keys(topics[: settings.max_topics])


def _unique_keys(topics: list[HotTopic]) -> list[HotTopic]:
    """Two topics mapped to the same previous key: the larger keeps it, the other gets its own."""
    seen: set[str] = set()
    out: list[HotTopic] = []
    for topic in topics:
        key = topic.key
        if key in seen:
            day = topic.window_end.astimezone(SHANGHAI).date().isoformat()
            key = make_key(RULE, day, "+".join(sorted(topic.label[:3])))
            if key in seen:
                key = make_key(RULE, day, "+".join(topic.terms))
        seen.add(key)
        out.append(topic if key == topic.key else replace(topic, key=key))
    return out


def _summary(topic: TopicsSettings, hot: HotTopic) -> str:
    text = (
        f"热点话题「{'、'.join(hot.label)}」：近 {topic.window_hours} 小时 {hot.volume} 条"
        f"（平常约 {hot.expected:.1f} 条，增长 {hot.growth:.1f} 倍），"
        f"涉及 {len(hot.accounts)} 个账号"
    )
    if hot.sentiment is not None:
        text += f"，负面占 {hot.sentiment.negative:.0%}"
    return text + f"。请研判并及时回应关切（{ARTICLE}）"


def hot_topic_findings(
    topics: Sequence[HotTopic], settings: TopicsSettings | None = None
) -> list[Finding]:
    """One ``hot_topic`` finding per topic; warning when most scored texts are negative."""
    settings = settings or TopicsSettings()
    findings: list[Finding] = []
    for hot in topics:
        negative = hot.sentiment is not None and hot.sentiment.negative >= 0.5
        severity: Severity = "warning" if negative else "info"
        findings.append(
            Finding(
                rule=RULE,
                article=ARTICLE,
                subject_type="topic",
                subject_key="+".join(sorted(hot.label)),
                dedup_key=hot.key,
                severity=severity,
                summary=_summary(settings, hot),
                unit=hot.units[0] if len(hot.units) == 1 else None,
                account=hot.accounts[0] if len(hot.accounts) == 1 else None,
                since=hot.window_start,
                evidence=hot.examples,
                data={
                    "label": list(hot.label),
                    "terms": list(hot.terms),
                    "volume": hot.volume,
                    "posts": hot.posts,
                    "comments": hot.comments,
                    "baseline_volume": hot.baseline_volume,
                    "expected": round(hot.expected, 3),
                    "growth": round(hot.growth, 3),
                    "accounts": list(hot.accounts),
                    "units": list(hot.units),
                    "sentiment": None
                    if hot.sentiment is None
                    else {
                        "negative": round(hot.sentiment.negative, 4),
                        "neutral": round(hot.sentiment.neutral, 4),
                        "positive": round(hot.sentiment.positive, 4),
                        "scored": hot.sentiment.scored,
                    },
                    "window_start": hot.window_start.isoformat(),
                    "window_end": hot.window_end.isoformat(),
                },
            )
        )
    return findings
