"""Settings of the [topics] and [rumours] sections (第二十二、二十三条).

Word list and dictionary paths are strings: empty means the file shipped in ``config/``
(``monitor.defaults``); a relative path is resolved by ``monitor`` against the settings file.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

logger = logging.getLogger(__name__)
# Settings of the term grouping replaced by text clustering (issue 17).
RETIRED_KEYS = frozenset({"max_terms", "link_threshold", "use_phrases"})


class TopicsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用热点话题发现（第二十二条）")
    window_hours: int = Field(
        24, ge=1, le=24 * 14, description="观察窗口：最近多少小时的帖子和评论"
    )
    baseline_days: int = Field(
        7, ge=1, le=90, description="基线：观察窗口之前多少天，用于比较话题的平常热度"
    )
    min_volume: int = Field(
        8,
        ge=2,
        description="一个话题（同一事件的一簇内容）在观察窗口内至少有多少条内容才可能是热点",
    )
    min_growth: float = Field(
        3.0, ge=1.0, description="一个话题的窗口热度至少是基线期望值的多少倍才算突发"
    )
    min_burst_z: float = Field(
        3.0, ge=0.0, description="突发显著性下限：(窗口量-期望量)/√(期望量+1)"
    )
    min_accounts: int = Field(1, ge=1, description="一个话题至少涉及多少个账号才上报")
    cluster_distance: float = Field(
        0.88,
        gt=0.0,
        lt=1.0,
        description=(
            "聚类阈值：两组内容之间的平均余弦距离（1-相似度，按 TF-IDF 词语和相邻两字计算）"
            "不超过多少即归为同一事件；调小则话题更细、更纯，调大则更粗"
        ),
    )
    centre_similarity: float = Field(
        0.2,
        gt=0.0,
        lt=1.0,
        description=(
            "一条内容与某个话题中心的余弦相似度至少多少才归入该话题"
            "（用于基线期内容的归属，以及内容过多时的逐条归并）"
        ),
    )
    agglomerative_max_texts: int = Field(
        5000,
        ge=2,
        le=50_000,
        description=(
            "观察窗口内容不超过多少条时用平均链接层次聚类（更准），超过则按时间逐条归入最近的话题中心"
            "（省内存）。层次聚类要保存两两距离，内存随条数平方增长：5000 条约 130 MB，10000 条约 520 MB"
        ),
    )
    label_terms: int = Field(4, ge=1, le=10, description="话题标签最多取几个词")
    max_topics: int = Field(10, ge=1, le=100, description="每次最多上报几个热点话题")
    include_comments: bool = Field(True, description="评论也计入话题热度（否则只看帖子）")
    userdict_path: str = Field(
        "", description="jieba 用户词典路径（道路、地名、交通术语）；留空用内置 config/userdict.txt"
    )
    stopwords_path: str = Field("", description="停用词表路径；留空用内置 config/stopwords.txt")
    topic_stopwords_path: str = Field(
        "",
        description=(
            "话题停用词表路径（如何、看待、评价等提问和表态的套话，不参与聚类和标签）；"
            "留空用内置 config/wordlists/topic_stopwords.txt"
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_retired(cls, data: Any) -> Any:
        """Keys of the term grouping before issue 17 are ignored, so old settings files load."""
        if isinstance(data, dict) and RETIRED_KEYS & data.keys():
            found = sorted(RETIRED_KEYS & data.keys())
            logger.warning(
                "设置 [topics] 中的 %s 已不再使用（热点话题改为按内容聚类），已忽略",
                "、".join(found),
            )
            data = {k: v for k, v in data.items() if k not in RETIRED_KEYS}
        return data


class RumoursSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用谣言发现与辟谣跟踪（第二十二、二十三条）")
    lookback_days: int = Field(7, ge=1, le=90, description="追踪最近多少天内出现的传言")
    min_volume: int = Field(3, ge=1, description="同一传言至少被提到多少次才上报")
    min_authors: int = Field(2, ge=1, description="同一传言至少有多少个不同网民提到才上报")
    group_threshold: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="两条传言的关键词重合度（重合数÷较少一方的词数）达到多少即视为同一传言",
    )
    min_shared_terms: int = Field(
        2, ge=1, description="澄清内容至少要与传言共有几个关键词才算针对该传言"
    )
    clarification_lookback_hours: int = Field(
        72, ge=0, description="传言首次出现前多少小时内发布的澄清也算数（先发澄清、后有传言）"
    )
    include_ancestor_units: bool = Field(
        False, description="更高的上级单位（直至厅）发布的澄清也算数；默认只认本单位和父单位"
    )
    max_key_terms: int = Field(6, ge=2, le=20, description="每条传言最多保留几个关键词")
    rumour_cues_path: str = Field(
        "", description="谣言线索词表路径；留空用内置 config/wordlists/rumour_cues.txt"
    )
    clarification_cues_path: str = Field(
        "", description="澄清线索词表路径；留空用内置 config/wordlists/clarification_cues.txt"
    )
    doubt_cues_path: str = Field(
        "", description="质疑否认线索词表路径；留空用内置 config/wordlists/rumour_doubt_cues.txt"
    )
    spread_cues_path: str = Field(
        "", description="催促扩散线索词表路径；留空用内置 config/wordlists/rumour_spread_cues.txt"
    )
    alarm_cues_path: str = Field(
        "", description="惊恐愤怒线索词表路径；留空用内置 config/wordlists/rumour_alarm_cues.txt"
    )
