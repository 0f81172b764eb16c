"""Settings of the [digest] section: the weekly 舆情 digest (第二十二、二十六条)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class DigestSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用每周舆情周报（第二十二、二十六条）")
    out_dir: Path = Field(
        Path("digests"),
        description="周报文件目录：<周次>/<范围>/digest.html、.md、.xlsx；"
        "相对路径从 [general] data_dir 算起",
    )
    system_channels: list[str] = Field(
        default_factory=lambda: ["outbox"],
        description="全系统周报发往的渠道名称（[alerts] channels 中的名称，或内置 outbox）",
    )
    system_emails: list[str] = Field(
        default_factory=list,
        description="全系统周报的收件邮箱（经 [alerts] email_channel 发送，附 Excel 工作簿）",
    )
    send_to_units: bool = Field(
        True, description="各单位周报发往该单位自己的联系方式（登记表邮箱、企业微信机器人等）"
    )
    send_on_schedule: bool = Field(
        True, description="定时任务生成周报后自动写入发件箱发送（命令行需加 --send）"
    )
    top_ranking: int = Field(20, ge=1, le=500, description="周报正文排行表最多列出几个账号")
    top_topics: int = Field(5, ge=1, le=50, description="最多列出几个热点话题")
    top_rumours: int = Field(10, ge=1, le=100, description="最多列出几条传言")
    top_questions: int = Field(20, ge=1, le=500, description="网民提问表最多列出几个账号")
    top_negative: int = Field(5, ge=1, le=50, description="最多列出几个负面评论集中的帖子")
    findings_per_group: int = Field(
        5, ge=1, le=100, description="合规问题每类（规则 × 单位）最多列出几条"
    )
    actions_per_unit: int = Field(5, ge=1, le=50, description="每个单位本周待办最多几项")
    bot_items: int = Field(3, ge=1, le=10, description="机器人摘要中每部分最多列出几项")
    topic_baseline_days: int = Field(
        7, ge=1, le=28, description="热点话题的基线：本周之前多少天（用于比较平常热度）"
    )
    charts: bool = Field(True, description="在周报中绘制图表（发布与评论、情感、排行、答复用时）")
    font_path: str = Field(
        "",
        description="图表中文字体文件路径（.ttf/.otf/.ttc）；留空自动查找 Noto Sans CJK、文泉驿等",
    )
