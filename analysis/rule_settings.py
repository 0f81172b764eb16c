"""Settings of the [rules], [questions] and [ranking] sections.

Word list keys take a file path; an empty string means the list shipped in config/wordlists/.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RulesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用内容与活跃度规则")

    check_stale_account: bool = Field(True, description="启用规则 stale_account（第十二条）")
    stale_warn_days: int = Field(
        14, ge=1, le=365, description="多少天未发布即提醒（国家检查指标：两周内须有更新）"
    )
    stale_overdue_days: int = Field(
        30, ge=1, le=365, description="多少天未发布即逾期（第十二条：原则上每月必须更新）"
    )

    check_commercial_content: bool = Field(
        True, description="启用规则 commercial_content（第二十四条）"
    )
    ads_wordlist: str = Field("", description="商业广告词表文件路径（留空即用内置词表 ads.txt）")

    check_confidential_marker: bool = Field(
        True, description="启用规则 confidential_marker（第十三条）"
    )
    confidential_wordlist: str = Field(
        "", description="涉密标志词表文件路径（留空即用内置词表 confidential.txt）"
    )

    check_missing_attribution: bool = Field(
        True, description="启用规则 missing_attribution（第十五条）"
    )
    attribution_markers: list[str] = Field(
        default_factory=lambda: ["来源", "转载", "转自", "原标题", "出处", "via"],
        description="转发内容中表示注明出处的标识词（第十五条）",
    )

    check_harmful_comment: bool = Field(True, description="启用规则 harmful_comment（第二十五条）")
    harmful_wordlist: str = Field(
        "", description="有害评论词表文件路径（留空即用内置词表 harmful.txt）"
    )

    check_superior_post_not_reposted: bool = Field(
        True, description="启用规则 superior_post_not_reposted（第十六条）"
    )
    important_wordlist: str = Field(
        "",
        description="上级重要信息关键词表文件路径（留空即用内置词表 important_keywords.txt）",
    )
    important_min_engagement: int = Field(
        1000, ge=0, description="上级账号发布内容的转发+评论+点赞达到多少即视为重要信息"
    )
    superior_repost_window_days: int = Field(
        3, ge=1, le=60, description="下级账号应在上级重要信息发布后几天内转发（第十六条）"
    )
    superior_lookback_days: int = Field(
        30, ge=1, le=365, description="检查最近多少天内上级账号发布的重要信息"
    )

    check_negative_surge: bool = Field(
        True, description="启用规则 negative_surge（第二十二、二十三条，需情感分析结果）"
    )
    negative_score_below: float = Field(
        0.4, ge=0.0, le=1.0, description="情感得分低于该值的评论计为负面"
    )
    negative_surge_window_days: int = Field(
        3, ge=1, le=60, description="负面激增：统计最近几天发布内容下的评论"
    )
    negative_surge_baseline_days: int = Field(
        28, ge=1, le=365, description="负面激增：与此前多少天的负面占比基线比较"
    )
    negative_surge_ratio: float = Field(2.0, ge=1.0, description="近期负面占比达到基线的几倍即告警")
    negative_surge_min_delta: float = Field(
        0.15, ge=0.0, le=1.0, description="近期负面占比至少比基线高出多少（绝对值）才告警"
    )
    negative_surge_min_comments: int = Field(
        20, ge=1, description="近期已评分评论少于该数不判断负面激增"
    )

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.stale_overdue_days < self.stale_warn_days:
            raise ValueError("stale_overdue_days 不能小于 stale_warn_days")
        return self


class QuestionsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用网民提问识别与答复期限检查（第十六条）")
    warn_after_workdays: int = Field(
        1, ge=0, description="网民提问几个工作日未回复即提醒（第十六条）"
    )
    overdue_after_workdays: int = Field(
        3, ge=1, description="网民提问几个工作日未回复即逾期（第十六条）"
    )
    max_age_days: int = Field(
        30, ge=1, le=365, description="只跟踪最近多少天内的网民提问（更早的不再告警）"
    )
    cues_wordlist: str = Field("", description="提问线索词表（留空即用内置词表 question_cues.txt）")
    requests_wordlist: str = Field(
        "",
        description="明确向账号提问或求助的线索词表（留空即用内置词表 question_requests.txt）",
    )
    to_others_wordlist: str = Field(
        "",
        description="问其他网民而非账号的线索词表（留空即用内置词表 question_to_others.txt）",
    )
    not_asking_wordlist: str = Field(
        "",
        description="反问、感叹等“像问非问”线索词表（留空即用内置词表 question_not_asking.txt）",
    )
    official_mention_wordlist: str = Field(
        "",
        description="@ 提及中表示官方账号的词表（留空即用内置词表 official_mentions.txt）",
    )

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.overdue_after_workdays < self.warn_after_workdays:
            raise ValueError("overdue_after_workdays 不能小于 warn_after_workdays")
        return self


class RankingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用账号排行（第二十六条）")
    scale: float = Field(160.0, gt=0, description="指数放大系数（参照 BCI 指数）")
    weight_posts: float = Field(0.2, ge=0, description="发布数量 ln(发布数+1) 的权重")
    repost_post_weight: float = Field(
        0.5, ge=0, le=1, description="发布内容：一条转发按几条原创计入发布数量"
    )
    weight_engagement: float = Field(0.8, ge=0, description="互动（转发、评论、点赞）部分的权重")
    weight_reposts: float = Field(0.4, ge=0, description="互动部分中 ln(转发量+1) 的权重")
    weight_comments: float = Field(0.4, ge=0, description="互动部分中 ln(评论量+1) 的权重")
    weight_likes: float = Field(0.2, ge=0, description="互动部分中 ln(点赞量+1) 的权重")
    weight_followers: float = Field(0.05, ge=0, description="关注量 ln(粉丝数+1) 的权重")
    weight_follower_growth: float = Field(0.1, ge=0, description="关注量增长 ln(新增粉丝+1) 的权重")
    penalty_warning: float = Field(
        0.05, ge=0, le=1, description="每条未解决的“提醒”级问题扣减指数的比例"
    )
    penalty_overdue: float = Field(
        0.15, ge=0, le=1, description="每条未解决的“逾期”及以上问题扣减指数的比例"
    )
    penalty_max: float = Field(0.6, ge=0, le=1, description="合规扣减的最大比例")
    top_n: int = Field(10, ge=0, description="通报表彰名单最多列出几个账号")
    bottom_n: int = Field(10, ge=0, description="通报批评名单最多列出几个账号")
