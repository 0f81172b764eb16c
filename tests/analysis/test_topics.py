"""Hot topics: planted bursts in synthetic streams (第二十二条)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fakes import streams
from fakes.streams import Stream

from analysis.segment import clean_text, load_segmenter, read_userdict
from analysis.texthash import text_hash
from analysis.topics import HotTopic, features, find_hot_topics, hot_topic_findings
from analysis.topics.bigrams import BIGRAM_MARK, CODE, bigram_code, bigram_name, codes_of
from analysis.topics.burst import bursts
from analysis.topics.detect import topic_key, topic_texts
from analysis.topics.features import (
    Featurizer,
    MemoryTokenStore,
    TextTokens,
    load_featurizer,
)
from analysis.topics.settings import TopicsSettings

NOW = dt.datetime(2025, 3, 12, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai

ACCOUNT_ROWS = [
    (1, "weibo:100", 10, "省交通运输厅"),
    (2, "weibo:200", 20, "省高速公路管理局"),
    (3, "weibo:300", 30, "江州市交通运输局"),
]

# Background chatter, every day: 高速 and 收费站 are always frequent on these accounts.
ROUTINE = [
    "今日高速路况良好，收费站通行顺畅",
    "高速收费站提醒您文明驾驶",
    "周末高速车流平稳，收费站畅通",
    "高速公路养护作业有序进行，请注意收费站提示",
]


def accounts_frame() -> pd.DataFrame:
    return streams.accounts_frame(ACCOUNT_ROWS)


def routine_stream(days: int = 8) -> Stream:
    """Each hour of the last ``days`` days, one routine post with two routine comments."""
    stream = Stream()
    for hour in range(days * 24):
        at = NOW - dt.timedelta(hours=hour, minutes=30)
        pid = stream.post(1 + hour % 3, ROUTINE[hour % len(ROUTINE)], at, sentiment=0.7)
        stream.comment(
            pid,
            ROUTINE[(hour + 1) % len(ROUTINE)],
            at + dt.timedelta(minutes=5),
            author=f"r{hour % 17}",
            sentiment=0.6,
        )
    return stream


def plant(
    stream: Stream,
    texts: list[str],
    count: int,
    hours_ago: float = 6,
    sentiment: float | None = 0.2,
) -> None:
    """``count`` texts of one event in the window, as posts of account 2 and their comments."""
    for i in range(count):
        at = NOW - dt.timedelta(hours=hours_ago) + dt.timedelta(minutes=7 * i)
        text = texts[i % len(texts)]
        if i % 3 == 0:
            stream.post(2, text, at, sentiment=sentiment)
        else:
            stream.comment(1 + (i % 5), text, at, author=f"n{i}", sentiment=sentiment)


JAM = [
    "沈海高速江州段团雾封闭，车辆滞留三小时",
    "团雾导致沈海高速封闭，滞留车辆很多",
    "沈海高速团雾封闭了吗，还在滞留",
]
METRO = [
    "地铁3号线信号故障停运，乘客被困",
    "地铁3号线停运，信号故障什么时候恢复",
    "地铁3号线信号故障，停运太久了",
]


@pytest.fixture(scope="module")
def featurizer() -> Featurizer:
    return load_featurizer()


def run(
    stream: Stream,
    featurizer: Featurizer,
    sentiment: bool = False,
    settings: TopicsSettings | None = None,
) -> list[HotTopic]:
    posts, comments = stream.frames(sentiment=sentiment)
    return find_hot_topics(
        posts, comments, accounts_frame(), NOW, settings or TopicsSettings(), featurizer=featurizer
    )


def test_quiet_stream_has_no_topic(featurizer: Featurizer) -> None:
    assert run(routine_stream(), featurizer) == []


def test_planted_burst_is_found_and_always_frequent_term_does_not_fire(
    featurizer: Featurizer,
) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24)
    topics = run(stream, featurizer)
    assert len(topics) == 1
    topic = topics[0]
    assert {"沈海", "团雾"} <= set(topic.terms)
    assert "团雾" in topic.label
    # 高速 and 收费站 appear in every routine text: never a burst term.
    for routine in ("高速", "收费站"):
        assert routine not in topic.terms
    assert topic.volume >= 24
    assert topic.baseline_volume == 0
    assert topic.growth >= 20
    assert "weibo:200" in topic.accounts
    assert len(topic.examples) == 3
    assert all(e.url.startswith("https://weibo.example/p/") for e in topic.examples)


def test_always_frequent_term_with_big_window_volume_does_not_fire(featurizer: Featurizer) -> None:
    stream = routine_stream()
    # Double the routine chatter in the window: 高速 grows but stays within its usual rate.
    for hour in range(24):
        at = NOW - dt.timedelta(hours=hour, minutes=10)
        stream.post(3, ROUTINE[hour % len(ROUTINE)], at)
    assert run(stream, featurizer) == []


def test_two_planted_events_become_two_topics(featurizer: Featurizer) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24, hours_ago=10)
    plant(stream, METRO, 18, hours_ago=4)
    topics = run(stream, featurizer)
    assert len(topics) == 2
    jam = next(t for t in topics if "团雾" in t.terms)
    metro = next(t for t in topics if "停运" in t.terms)
    assert "地铁3号线" in metro.terms and "地铁3号线" not in jam.terms
    assert not (set(jam.terms) & set(metro.terms))
    assert jam.volume >= 24 and metro.volume >= 18


def test_burst_below_min_volume_does_not_fire(featurizer: Featurizer) -> None:
    stream = routine_stream()
    plant(stream, JAM, 5)
    assert run(stream, featurizer) == []


def test_sentiment_mix_only_when_scores_given(featurizer: Featurizer) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24, sentiment=0.1)
    without = run(stream, featurizer)[0]
    with_scores = run(stream, featurizer, sentiment=True)[0]
    assert without.sentiment is None
    assert with_scores.sentiment is not None
    assert with_scores.sentiment.negative == pytest.approx(1.0)
    finding = hot_topic_findings([with_scores])[0]
    assert finding.severity == "warning"
    assert hot_topic_findings([without])[0].severity == "info"


def test_finding_fields_and_summary(featurizer: Featurizer) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24)
    topic = run(stream, featurizer)[0]
    finding = hot_topic_findings([topic])[0]
    assert finding.rule == "hot_topic"
    assert finding.article == "第二十二条"
    assert finding.subject_type == "topic"
    assert "第二十二条" in finding.summary and "团雾" in finding.summary
    assert finding.dedup_key == topic.key
    assert finding.data["volume"] == topic.volume
    assert len(finding.evidence) == 3


def test_dedup_key_is_stable_across_consecutive_runs(featurizer: Featurizer) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24, hours_ago=8)
    posts, comments = stream.frames()
    first = find_hot_topics(posts, comments, accounts_frame(), NOW, featurizer=featurizer)[0]
    later = NOW + dt.timedelta(hours=1)
    second = find_hot_topics(posts, comments, accounts_frame(), later, featurizer=featurizer)[0]
    assert second.key == first.key
    # After midnight in Shanghai the date changes: passing the open topics keeps the key.
    next_day = NOW + dt.timedelta(hours=14)
    stream2 = routine_stream(days=9)
    plant(stream2, JAM, 24, hours_ago=-4)
    p2, c2 = stream2.frames()
    fresh = find_hot_topics(p2, c2, accounts_frame(), next_day, featurizer=featurizer)[0]
    kept = find_hot_topics(
        p2,
        c2,
        accounts_frame(),
        next_day,
        featurizer=featurizer,
        previous={first.key: list(first.label)},
    )[0]
    assert fresh.key != first.key
    assert kept.key == first.key


def test_topic_key_ignores_label_order() -> None:
    a = topic_key(("团雾", "沈海高速", "封闭"), NOW, {})
    b = topic_key(("沈海高速", "封闭", "团雾"), NOW, {})
    assert a == b == "hot_topic:2025-03-12:" + "+".join(sorted(["团雾", "沈海高速", "封闭"]))


def test_results_are_deterministic(featurizer: Featurizer) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24)
    plant(stream, METRO, 18, hours_ago=3)
    assert run(stream, featurizer) == run(stream, featurizer)


def test_naive_now_is_refused(featurizer: Featurizer) -> None:
    posts, comments = routine_stream(days=1).frames()
    with pytest.raises(ValueError, match="时区"):
        find_hot_topics(
            posts, comments, accounts_frame(), NOW.replace(tzinfo=None), featurizer=featurizer
        )


def test_user_dictionary_keeps_transport_terms_whole() -> None:
    terms = load_segmenter().terms("沈海高速服务区ETC门架故障，地铁3号线收费站")
    assert "服务区" in terms and "ETC门架" in terms and "地铁3号线" in terms


def test_bad_user_dictionary_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "dict.txt"
    path.write_text("# 注释\n服务区 100 n\n收费站 多 n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="第 3 行格式有误"):
        read_userdict(path)


def test_missing_dictionary_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="找不到用户词典文件"):
        load_segmenter(str(tmp_path / "none.txt"))


def test_empty_frames_give_no_topic(featurizer: Featurizer) -> None:
    posts, comments = Stream().frames()
    assert find_hot_topics(posts, comments, accounts_frame(), NOW, featurizer=featurizer) == []


def test_burst_needs_volume_growth_and_significance() -> None:
    settings = TopicsSettings()
    assert bursts(12, 0.0, settings)
    # 高速 is talked about 30 times a day: 30 in the window is ordinary however large.
    assert not bursts(30, 30.0, settings)
    assert not bursts(7, 0.0, settings)  # below min_volume


# -- events as clusters (issue 17) ------------------------------------------------------------

CHARGING = [
    "沈海高速服务区充电桩全坏了，排队两小时",
    "沈海高速的服务区充电桩排队太长，电车车主崩溃",
    "服务区充电桩故障，沈海高速上电车排长队",
]
G25_CLAIM = [
    "听说G25长深高速明天开始全线封闭施工，要封三个月",
    "长深高速G25要封路三个月？明天起全线施工",
    "网传G25明日起全线封闭施工三个月，是真的吗",
    "G25全线封闭三个月施工，以后怎么走",
    "明天开始长深高速G25封闭施工，封三个月？",
    "如何看待G25长深高速封闭施工三个月的消息",
]


def _event_of(text: str) -> str:
    for name, texts in (("jam", JAM), ("charging", CHARGING), ("metro", METRO)):
        if text in texts:
            return name
    return "other"


def test_two_events_sharing_a_frequent_word_stay_apart(featurizer: Featurizer) -> None:
    # 沈海高速 is in every text of both events (and bursts with them); the events are unrelated.
    stream = routine_stream()
    plant(stream, JAM, 24, hours_ago=10)
    plant(stream, CHARGING, 24, hours_ago=5)
    topics = run(stream, featurizer)
    assert len(topics) == 2
    events = [{_event_of(e.text) for e in t.examples} for t in topics]
    assert sorted(map(sorted, events)) == [["charging"], ["jam"]]
    assert all(t.volume == 24 for t in topics)
    jam = next(t for t in topics if "团雾" in t.label)
    charging = next(t for t in topics if "充电桩" in t.label)
    assert "充电桩" not in jam.terms and "团雾" not in charging.terms


PLACES = "江州 河阳 青山 白沙 临湖 东平 西岭 南浦 北川 石门 清河 长宁 安平 桐城 云溪 龙泉 枫桥 柳林 金华 银滩"
NOUNS = "排队 绿化 灯光 厕所 标志 护栏 加油 扫码 发票 广播 停车 监控 栏杆 信号 雨棚 岗亭 指示 路灯 雕塑 围墙"


def test_always_frequent_term_never_makes_a_topic(featurizer: Featurizer) -> None:
    # 40 window texts hold 高速 and 收费站 (always frequent here) and otherwise talk about
    # different things: the shared words must not make them one bursting topic.
    stream = routine_stream()
    places, nouns = PLACES.split(), NOUNS.split()
    for i in range(40):
        at = NOW - dt.timedelta(minutes=30 * i + 3)
        text = f"{places[i % 20]}高速收费站，{nouns[(i * 7) % 20]}"
        stream.post(1 + i % 3, text, at)
    assert run(stream, featurizer) == []


def test_burst_of_paraphrases_of_one_claim_is_one_topic(featurizer: Featurizer) -> None:
    stream = routine_stream()
    plant(stream, G25_CLAIM, 30, hours_ago=6, sentiment=0.2)
    topics = run(stream, featurizer)
    assert len(topics) == 1
    topic = topics[0]
    assert topic.volume == 30
    assert "G25" in topic.label
    # Question scaffolding names no event.
    assert not {"如何", "看待", "怎么"} & set(topic.terms)


def test_scaffolding_is_dropped_from_words_and_bigrams(featurizer: Featurizer) -> None:
    tokens = featurizer.tokenize("如何看待G25长深高速封闭？大家怎么评价")
    assert not {"如何", "看待", "评价", "怎么", "大家"} & set(tokens.words)
    bigrams = {bigram_name(c).removeprefix(BIGRAM_MARK) for c in codes_of(tokens.bigrams).tolist()}
    assert "封闭" in bigrams and "长深" in bigrams
    assert not {"如何", "何看", "看待", "评价", "么评"} & bigrams


def _direct_tokens(featurizer: Featurizer, text: str) -> TextTokens:
    """What a text's tokens are, by their definition (no memo)."""
    words = tuple(w for w in featurizer.segmenter.terms(text) if w not in featurizer.stopwords)
    cleaned = clean_text(text)
    assert featurizer._scaffolding is not None
    cleaned = featurizer._scaffolding.sub(" ", cleaned)
    runs = re.findall(r"[\u4e00-\u9fff]+", cleaned)
    bigrams = [bigram_code(r[i : i + 2]) for r in runs for i in range(len(r) - 1)]
    return TextTokens(words, np.array(bigrams, dtype=CODE).tobytes())


@pytest.mark.parametrize("memo_max", [1_000_000, 3])
def test_memoised_tokens_are_the_tokens_by_definition(
    featurizer: Featurizer, monkeypatch: pytest.MonkeyPatch, memo_max: int
) -> None:
    """Pieces and pairs are memoised per featurizer (bounded: with a tiny bound the memo starts
    again all the time); the tokens stay those of the definition: stopwords, single characters,
    digits, whitespace pieces, links and mentions dropped, repeats kept."""
    monkeypatch.setattr(features, "_MEMO_MAX", memo_max)
    fresh = Featurizer(featurizer.segmenter, featurizer.stopwords)
    texts = [
        "G25长深高速 封闭，高速  高速！请问 2024 年几点恢复？@江州交通 http://t.cn/abc",
        "如何看待G25长深高速封闭？大家怎么评价 [怒] //@某人: 转发",
        "收费站收费站收费站  ETC 缴费",
        "",
        "   ",
    ]
    for text in texts * 2:  # the second time from the memo
        assert fresh.tokenize(text) == _direct_tokens(featurizer, text)
    assert len(fresh._terms) <= memo_max


class CountingStore(MemoryTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self.puts: list[str] = []

    def put(self, key: str, tokens: TextTokens) -> None:
        self.puts.append(key)
        super().put(key, tokens)


def test_tokens_are_cached_by_text_hash(featurizer: Featurizer) -> None:
    store = CountingStore()
    cached = Featurizer(featurizer.segmenter, featurizer.stopwords, store)
    # The same text with full-width letters and digits has the same hash (NFKC).
    first = cached.tokens(["G25团雾封闭", "Ｇ２５团雾封闭"])
    again = cached.tokens(["G25团雾封闭"])
    assert store.puts == [text_hash("G25团雾封闭")]
    assert first[0] == first[1] == again[0] == store.get(text_hash("G25团雾封闭"))


def test_comments_are_looked_up_by_their_stored_hash(featurizer: Featurizer) -> None:
    """A stored comment carries its text hash (monitor/store/ingest.py): topic detection looks
    its tokens up by it instead of hashing ~200k texts again; posts, whose title and text are
    joined here, are hashed."""
    stream = routine_stream(days=1)
    plant(stream, JAM, 6, hours_ago=3)
    posts, comments = stream.frames()
    comments = comments.assign(text_hash=[f"stored-{i}" for i in range(len(comments))])
    store = CountingStore()
    cached = Featurizer(featurizer.segmenter, featurizer.stopwords, store)
    find_hot_topics(posts, comments, accounts_frame(), NOW, TopicsSettings(), featurizer=cached)
    stored = {k for k in store.puts if k.startswith("stored-")}
    assert len(stored) == len(comments)
    assert text_hash(str(posts["text"].iloc[0])) in store.puts


def test_single_pass_beyond_the_bound_finds_the_same_events(featurizer: Featurizer) -> None:
    stream = routine_stream()
    plant(stream, JAM, 24, hours_ago=10)
    plant(stream, METRO, 18, hours_ago=4)
    settings = TopicsSettings(agglomerative_max_texts=10)  # the window has 90 texts
    topics = run(stream, featurizer, settings=settings)
    assert sorted(t.volume for t in topics) == [18, 24]
    assert {_event_of(e.text) for t in topics for e in t.examples} == {"jam", "metro"}


def test_retired_settings_keys_are_ignored_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        settings = TopicsSettings.model_validate({"link_threshold": 0.3, "min_volume": 9})
    assert settings.min_volume == 9
    assert "link_threshold 已不再使用" in caplog.text


def test_a_scope_reading_its_rows_of_every_accounts_texts_finds_what_its_own_texts_give(
    featurizer: Featurizer,
) -> None:
    """A digest builds the texts of every account once and each scope reads its accounts'
    rows (``texts=``): the same topics as the scope's own posts and comments give."""
    stream = routine_stream()
    plant(stream, JAM, 30, hours_ago=6)
    plant(stream, METRO, 24, hours_ago=4)
    posts, comments = stream.frames(sentiment=True)
    accounts = accounts_frame()
    settings = TopicsSettings()
    every = topic_texts(posts, comments, accounts, NOW, settings)
    found = []
    for ids in ([1, 2, 3], [2], [1, 3], [3]):
        scope = accounts[accounts["account_id"].isin(ids)]
        own_posts = posts[posts["account_id"].isin(ids)]
        own_comments = comments[comments["account_id"].isin(ids)]
        alone = find_hot_topics(
            own_posts, own_comments, scope, NOW, settings, featurizer=featurizer
        )
        sliced = find_hot_topics(
            own_posts, own_comments, scope, NOW, settings, featurizer=featurizer, texts=every
        )
        assert sliced == alone
        found.append(len(alone))
    assert found[0] == 2 and found[1] >= 1  # the scopes do find topics
