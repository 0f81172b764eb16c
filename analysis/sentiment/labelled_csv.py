"""Reading a labelled CSV (text,label) for `govmon sentiment train/eval --csv FILE`.

The text column may also be called review or text_a (the public sets' names). Labels:
1 / positive / pos / 正面 / 积极 and 0 / negative / neg / 负面 / 消极; neutral ones
(2, neutral, 中性) are counted and skipped, because training and evaluation are binary, and so
are rows whose label is still empty (a review sheet from `govmon sentiment review` labelled in
part). UTF-8 (with or without BOM) is read, and GB18030/GBK, which Excel writes on Chinese
Windows when a sheet is saved as CSV.

``write_review_sheet`` writes the sheet reviewers fill in: UTF-8 with a BOM (so Excel shows
the Chinese), an empty label column, and every cell that a spreadsheet would take for a
formula (=, +, -, @ first) prefixed with an apostrophe, which reading takes off again:
comment texts come from the internet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from analysis.formula_guard import guard_formula, unguard_formula
from analysis.sentiment.review import ReviewItem

TEXT_COLUMNS = ("text", "review", "text_a")
POSITIVE = {"1", "positive", "pos", "正面", "积极"}
NEGATIVE = {"0", "negative", "neg", "负面", "消极"}
NEUTRAL = {"2", "neutral", "中性"}
MAX_FIELD = 100_000
REVIEW_COLUMNS = ("text", "label", "reason", "score", "account", "time", "link")


class LabelledCsvError(ValueError):
    """The file cannot be used; the message names the file and row."""


@dataclass(frozen=True)
class LabelledTexts:
    texts: list[str]
    labels: list[int]
    skipped_neutral: int
    skipped_unlabelled: int = 0


def _decoded(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LabelledCsvError(f"无法打开标注文件 {path}：{exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LabelledCsvError(f"标注文件 {path} 的编码无法识别（应为 UTF-8 或 GBK 的 CSV）")


def read_labelled_csv(path: Path) -> LabelledTexts:
    handle = io.StringIO(_decoded(path), newline="")
    texts: list[str] = []
    labels: list[int] = []
    neutral = unlabelled = 0
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
                text = unguard_formula((row.get(text_col) or "")[:MAX_FIELD])
                if raw in POSITIVE:
                    labels.append(1)
                elif raw in NEGATIVE:
                    labels.append(0)
                elif raw in NEUTRAL:
                    neutral += 1
                    continue
                elif not raw:
                    unlabelled += 1
                    continue
                else:
                    raise LabelledCsvError(
                        f"标注文件 {path} 第 {row_no} 行的标签 {raw!r} 无法识别，"
                        "应为 1/0、positive/negative 或 正面/负面（中性和空白会被跳过）"
                    )
                texts.append(text)
        except csv.Error as exc:
            raise LabelledCsvError(f"标注文件 {path} 无法解析为 CSV：{exc}") from None
    if not texts:
        raise LabelledCsvError(f"标注文件 {path} 中没有带正负面标签的行")
    return LabelledTexts(texts, labels, neutral, unlabelled)


def write_review_sheet(
    path: Path,
    items: Sequence[ReviewItem],
    where: Mapping[str, tuple[str, str, dt.datetime | None]],
    timezone: str,
) -> None:
    """The CSV reviewers label: text, an empty label, why it was picked, and where it was seen.

    ``where`` maps a text to (account name, post link, time); the file appears whole or not
    at all (written to a temporary name, then renamed).
    """
    zone = ZoneInfo(timezone)
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REVIEW_COLUMNS)
        for item in items:
            account, link, seen = where.get(item.text, ("", "", None))
            if seen is not None and seen.tzinfo is None:
                seen = seen.replace(tzinfo=dt.UTC)  # stored times are UTC
            when = seen.astimezone(zone).strftime("%Y-%m-%d %H:%M") if seen else ""
            score = "" if item.score is None else f"{item.score:.2f}"
            cells = (item.text, "", item.reason, score, account, when, link)
            writer.writerow([guard_formula(cell) for cell in cells])
    temporary.replace(path)
