"""Hot topics (第二十二条): bursting terms grouped into topics, with their texts and accounts.

Over a window (default the last 24 hours) against a baseline (the 7 days before), terms and
two-word phrases whose volume bursts are grouped by co-occurrence (``topic_group``); each
group becomes a :class:`HotTopic` and, when it passes the thresholds, a ``hot_topic`` finding.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analysis.findings import Evidence, Finding, Severity, make_key
from analysis.segment import Segmenter, load_segmenter
from analysis.topics.burst import TermBurst, burst_terms, document_frequency, growth_of
from analysis.topics.group import assign_documents, group_terms
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


@dataclass(frozen=True)
class SentimentMix:
    negative: float  # shares of the scored texts
    neutral: float
    positive: float
    scored: int  # texts that had a score


@dataclass(frozen=True)
class HotTopic:
    key: str  # the finding's dedup key (stable across runs, see topic_key)
    label: tuple[str, ...]  # the words that name the topic, strongest first
    terms: tuple[str, ...]  # every bursting term of the topic
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
    term_bursts: tuple[TermBurst, ...] = field(default=(), repr=False)


def label_of(terms: Sequence[str], size: int) -> tuple[str, ...]:
    """The strongest terms, skipping one that is part of (or contains) a term already taken."""
    label: list[str] = []
    for term in terms:
        if any(term in kept or kept in term for kept in label):
            continue
        label.append(term)
        if len(label) == size:
            break
    return tuple(label)


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


def _examples(texts: pd.DataFrame, held: list[set[str]], terms: set[str]) -> tuple[Evidence, ...]:
    """Three texts holding the most topic terms (earliest first on ties), no duplicate text."""
    # Sorted with whole columns (np.lexsort: last key first); reading DataFrame cells one by
    # one inside a sort key was most of a digest's build time.
    overlap = np.fromiter((len(h & terms) for h in held), dtype=np.int64, count=len(held))
    not_post = (texts["kind"].to_numpy() != "post").astype(np.int8)
    instants = pd.to_datetime(texts["at"], utc=True).astype("int64").to_numpy()
    ranked = np.lexsort((np.arange(len(texts)), instants, not_post, -overlap)).tolist()
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


def find_hot_topics(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    accounts: pd.DataFrame,
    now: dt.datetime,
    settings: TopicsSettings | None = None,
    *,
    segmenter: Segmenter | None = None,
    previous: Mapping[str, Sequence[str]] | None = None,
) -> list[HotTopic]:
    """Hot topics of the window ending at ``now``, largest first.

    ``posts``/``comments``/``accounts`` have the columns of ``analysis.frames`` (an optional
    ``sentiment`` column in [0, 1] gives the sentiment mix). ``previous`` maps the dedup keys of
    topics still open to their label words, so a topic found again keeps its key.
    """
    settings = settings or TopicsSettings()
    segmenter = segmenter or load_segmenter(settings.userdict_path, settings.stopwords_path)
    window = dt.timedelta(hours=settings.window_hours)
    baseline_span = dt.timedelta(days=settings.baseline_days)
    window_start = now - window
    texts = texts_between(
        posts,
        comments,
        accounts,
        window_start - baseline_span,
        now,
        include_comments=settings.include_comments,
    )
    if texts.empty:
        return []
    split = pd.Timestamp(window_start).tz_convert("UTC")
    tokenize = segmenter.terms_and_phrases if settings.use_phrases else segmenter.terms
    held = [set(tokenize(t)) for t in texts["text"]]
    in_window = (texts["at"] >= split).to_numpy()
    window_held = [h for h, w in zip(held, in_window, strict=True) if w]
    baseline_held = [h for h, w in zip(held, in_window, strict=True) if not w]
    scale = window / baseline_span
    bursts = burst_terms(
        document_frequency(window_held),
        document_frequency(baseline_held),
        scale=scale,
        min_volume=settings.min_volume,
        min_growth=settings.min_growth,
        min_z=settings.min_burst_z,
        limit=settings.max_terms,
    )
    if not bursts:
        return []
    by_term = {b.term: b for b in bursts}
    groups = group_terms(window_held, [b.term for b in bursts], settings.link_threshold)
    weights = {b.term: b.z for b in bursts}
    window_texts = texts[in_window].reset_index(drop=True)
    owner = assign_documents(window_held, groups, weights)
    baseline_owner = assign_documents(baseline_held, groups, weights)
    baseline_counts = Counter(baseline_owner)
    account_keys = dict(zip(accounts["account_id"], accounts["account_key"], strict=False))
    unit_names = dict(zip(accounts["account_id"], accounts["unit"], strict=False))

    topics: list[HotTopic] = []
    for index, group in enumerate(groups):
        rows = [i for i, o in enumerate(owner) if o == index]
        volume = len(rows)
        if volume < settings.min_volume:
            continue
        expected = baseline_counts.get(index, 0) * scale
        growth = growth_of(volume, expected)
        if growth < settings.min_growth:
            continue
        chosen = window_texts.iloc[rows]
        ids = sorted(set(chosen["account_id"].dropna()), key=str)
        keys = tuple(sorted({str(account_keys.get(a, a)) for a in ids}))
        if len(keys) < settings.min_accounts:
            continue
        units = tuple(sorted({str(unit_names[a]) for a in ids if a in unit_names}))
        label = label_of(group, settings.label_terms)
        topics.append(
            HotTopic(
                key=topic_key(label, now, previous or {}),
                label=label,
                terms=tuple(group),
                volume=volume,
                baseline_volume=baseline_counts.get(index, 0),
                expected=expected,
                growth=growth,
                accounts=keys,
                units=units,
                sentiment=_sentiment_mix(chosen["sentiment"]),
                examples=_examples(chosen, [window_held[i] for i in rows], set(group)),
                window_start=window_start,
                window_end=now,
                posts=int((chosen["kind"] == "post").sum()),
                comments=int((chosen["kind"] == "comment").sum()),
                term_bursts=tuple(by_term[t] for t in group),
            )
        )
    topics.sort(key=lambda t: (-t.volume * math.log(t.growth + 1.0), t.label))
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
