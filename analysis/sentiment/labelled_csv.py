"""Reading a labelled CSV (text,label) for `govmon sentiment train/eval --csv FILE`.

The text column may also be called review or text_a (the public sets' names). Labels:
1 / positive / pos / 正面 / 积极 and 0 / negative / neg / 负面 / 消极; neutral ones
(2, neutral, 中性) are counted and skipped, because training and evaluation are binary.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

TEXT_COLUMNS = ("text", "review", "text_a")
POSITIVE = {"1", "positive", "pos", "正面", "积极"}
NEGATIVE = {"0", "negative", "neg", "负面", "消极"}
NEUTRAL = {"2", "neutral", "中性"}
MAX_FIELD = 100_000


class LabelledCsvError(ValueError):
    """The file cannot be used; the message names the file and row."""


@dataclass(frozen=True)
class LabelledTexts:
    texts: list[str]
    labels: list[int]
    skipped_neutral: int


def read_labelled_csv(path: Path) -> LabelledTexts:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise LabelledCsvError(f"无法打开标注文件 {path}：{exc.strerror}") from None
    texts: list[str] = []
    labels: list[int] = []
    neutral = 0
    with handle:
        reader = csv.DictReader(handle)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        text_col = next((c for c in TEXT_COLUMNS if c in fields), None)
        if text_col is None or "label" not in fields:
            raise LabelledCsvError(
                f"标注文件 {path} 的表头应含 text 与 label 两列，"
                f"实际为：{', '.join(fields) or '空'}"
            )
        reader.fieldnames = fields
        try:
            for row_no, row in enumerate(reader, start=2):
                raw = (row.get("label") or "").strip().lower()
                text = (row.get(text_col) or "")[:MAX_FIELD]
                if raw in POSITIVE:
                    labels.append(1)
                elif raw in NEGATIVE:
                    labels.append(0)
                elif raw in NEUTRAL:
                    neutral += 1
                    continue
                else:
                    raise LabelledCsvError(
                        f"标注文件 {path} 第 {row_no} 行的标签 {raw!r} 无法识别，"
                        "应为 1/0、positive/negative 或 正面/负面（中性会被跳过）"
                    )
                texts.append(text)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise LabelledCsvError(
                f"标注文件 {path} 无法解析（应为 UTF-8 的 CSV）：{exc}"
            ) from None
    if not texts:
        raise LabelledCsvError(f"标注文件 {path} 中没有带正负面标签的行")
    return LabelledTexts(texts, labels, neutral)
