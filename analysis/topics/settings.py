"""Settings of the [topics] and [rumours] sections (第二十二、二十三条).

Word list and dictionary paths are strings: empty means the file shipped in ``config/``
(``monitor.defaults``); a relative path is resolved by ``monitor`` against the settings file.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TopicsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用热点话题发现（第二十二条）")
    window_hours: int = Field(
        24, ge=1, le=24 * 14, description="观察窗口：最近多少小时的帖子和评论"
    )
    baseline_days: int = Field(
        7, ge=1, le=90, description="基线：观察窗口之前多少天，用于比较词语的平常热度"
    )
    min_volume: int = Field(
        8, ge=2, description="一个词在观察窗口内至少出现在多少条内容里才可能是热点"
    )
    min_growth: float = Field(
        3.0, ge=1.0, description="一个词的窗口热度至少是基线期望值的多少倍才算突发"
    )
    min_burst_z: float = Field(
        3.0, ge=0.0, description="突发显著性下限：(窗口量-期望量)/√(期望量+1)"
    )
    min_accounts: int = Field(1, ge=1, description="一个话题至少涉及多少个账号才上报")
    max_terms: int = Field(60, ge=5, le=500, description="每次最多取多少个突发词参与话题归并")
    link_threshold: float = Field(
        0.3,
        gt=0.0,
        le=1.0,
        description="两个突发词共同出现的比例（共现数÷较小词频）达到多少即归入同一话题",
    )
    use_phrases: bool = Field(True, description="除单个词外，也把相邻两词组成的短语作为候选热点词")
    label_terms: int = Field(4, ge=1, le=10, description="话题标签最多取几个词")
    max_topics: int = Field(10, ge=1, le=100, description="每次最多上报几个热点话题")
    include_comments: bool = Field(True, description="评论也计入话题热度（否则只看帖子）")
    userdict_path: str = Field(
        "", description="jieba 用户词典路径（道路、地名、交通术语）；留空用内置 config/userdict.txt"
    )
    stopwords_path: str = Field("", description="停用词表路径；留空用内置 config/stopwords.txt")


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
