"""Settings of the [sentiment] section."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SentimentSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="启用情感分析")
    engine: Literal["auto", "snownlp", "trained"] = Field(
        "auto",
        description="情感引擎：auto 有已训练模型时用之、否则用 snownlp 默认模型；"
        "snownlp 始终用默认模型；trained 必须有已训练模型",
    )
    negative_below: float = Field(
        0.4, ge=0.0, le=1.0, description="得分低于此值记为负面（得分为正面概率，0 到 1）"
    )
    positive_above: float = Field(
        0.6, ge=0.0, le=1.0, description="得分高于此值记为正面；两阈值之间为中性"
    )
    model_dir: Path = Field(
        Path("sentiment"),
        description="已训练情感模型的存放目录（current.json 指向当前模型）；"
        "相对路径从 [general] data_dir 算起",
    )
    emoticons_file: Path | None = Field(
        None, description="微博表情极性表（TOML）；留空用内置的 config/emoticons.toml"
    )
    emoticon_weight: float = Field(
        2.0, ge=0.0, le=10.0, description="文本中每个带极性表情对已训练模型得分的加权（对数几率）"
    )
    batch_size: int = Field(512, ge=1, le=100_000, description="每批打分的文本条数")
    max_text_chars: int = Field(
        2000, ge=10, le=100_000, description="单条文本参与打分的最大字数，超出部分截去"
    )
    holdout_fraction: float = Field(0.2, gt=0.0, lt=0.9, description="训练时留出做比较的样本比例")
    min_improvement: float = Field(
        0.01,
        ge=0.0,
        le=1.0,
        description="新模型在留出集上的宏平均 F1 至少高出当前引擎多少才切换",
    )
    min_training_samples: int = Field(
        200, ge=10, description="训练所需的最少标注样本数（正负面各至少 10 条）"
    )
    first_run_min_examples: int = Field(
        2000,
        ge=10,
        description="引擎为 auto 且尚无已训练模型时，已采集评论中带表情标注的样本达到此数，"
        "govmon analyze 先用它们训练本部署自己的模型（与 snownlp 在留出集上比较）再打分；"
        "不足时 snownlp 只为周报时段（上周一起）内的文本打分",
    )
    regularization: float = Field(
        3.0, gt=0.0, le=1000.0, description="逻辑回归正则化强度的倒数 C（越大越贴合训练数据）"
    )
    split_reposts: bool = Field(
        True, description="训练时把转发链（//@某人:）中各层评论也按各自的表情作为样本"
    )
    random_seed: int = Field(20240521, description="留出集划分所用的随机种子（固定以便复现）")

    @model_validator(mode="after")
    def _thresholds(self) -> SentimentSettings:
        if self.negative_below > self.positive_above:
            raise ValueError(
                f"negative_below（{self.negative_below}）不能大于 positive_above"
                f"（{self.positive_above}）"
            )
        return self
