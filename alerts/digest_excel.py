"""The digest as an Excel workbook: one sheet per table, Chinese headers, sensible widths,
frozen header row, every row (the HTML shows the top ones).

Untrusted text is capped and always written as a string (a comment starting with "=" must not
become a formula). Document properties carry the week's end, not the build time, so the same
week gives the same workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from alerts import sanitize
from analysis.digest_model import DigestData
from analysis.labels import platform_label, severity_label
from analysis.workdays import SHANGHAI

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(vertical="center")
MAX_WIDTH = 60
Cell = str | int | float | None


def _time(value: dt.datetime | None) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else ""


def _text(value: object, limit: int = 200) -> str:
    return sanitize.plain(value, limit)


def _width(value: Cell) -> int:
    text = "" if value is None else str(value)
    # CJK characters take about two columns.
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _sheet(
    book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> Any:
    sheet = book.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
    # Rows counted here: sheet.max_row looks at every cell written so far, for every row.
    for number, row in enumerate(rows, start=2):
        values = [None if v is None else v for v in row]
        sheet.append(values)
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                # Never a formula, whatever the text starts with.
                sheet.cell(row=number, column=column).data_type = "s"
    for index, header in enumerate(headers, start=1):
        widest = max([_width(header), *(_width(r[index - 1]) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, widest + 2)
    sheet.freeze_panes = "A2"
    return sheet


def workbook_rows(data: DigestData) -> dict[str, tuple[list[str], list[list[Any]]]]:
    d = data
    return {
        "总体情况": (
            ["指标", "本周", "上周", "变化"],
            [[f.label, f.value, f.previous, f.change] for f in d.overview],
        ),
        "每日": (
            ["日期", "发布数", "网民评论数", "平均情感", "负面占比"],
            [
                [r.day.isoformat(), r.posts, r.comments, r.mean_sentiment, r.negative_share]
                for r in d.daily
            ],
        ),
        "账号排行": (
            [
                "名次",
                "上周名次",
                "账号",
                "账号ID",
                "单位",
                "平台",
                "指数",
                "未扣减指数",
                "发布数",
                "原创",
                "转发",
                "转发量",
                "评论量",
                "点赞量",
                "粉丝数",
                "粉丝增长",
                "未解决预警",
                "未解决逾期",
                "合规扣减比例",
                "数据完整性",
            ],
            [
                [
                    r.rank,
                    r.previous_rank,
                    _text(r.name, 60),
                    r.account_key.split(":", 1)[-1],  # the platform's own id, no code
                    _text(r.unit, 60),
                    platform_label(r.platform),
                    r.score if r.rank is not None else None,  # no place, no index: unread
                    r.base_score,
                    r.posts,
                    r.originals,
                    r.reposts_made,
                    r.reposts_received,
                    r.comments_received,
                    r.likes_received,
                    r.followers,
                    r.follower_growth,
                    r.open_warnings,
                    r.open_overdue,
                    r.compliance_penalty,
                    r.data_note or "完整",
                ]
                for r in d.ranking
            ],
        ),
        "热点话题": (
            [
                "话题",
                "条数",
                "帖子",
                "评论",
                "上周条数",
                "增长倍数",
                "负面",
                "中性",
                "正面",
                "涉及账号",
                "代表内容",
                "链接",
            ],
            [
                [
                    _text("、".join(t.label), 80),
                    t.volume,
                    t.posts,
                    t.comments,
                    t.baseline_volume,
                    t.growth,
                    t.negative,
                    t.neutral,
                    t.positive,
                    _text("、".join(t.accounts), 200),
                    _text(t.examples[0].text) if t.examples else "",
                    sanitize.safe_url(t.examples[0].url) if t.examples else "",
                ]
                for t in d.topics
            ],
        ),
        "传言与辟谣": (
            [
                "传言",
                "单位",
                "提及次数",
                "提及人数",
                "首次出现",
                "是否澄清",
                "澄清时间",
                "用时（小时）",
                "澄清链接",
            ],
            [
                [
                    _text(r.claim),
                    _text(r.unit, 60),
                    r.volume,
                    r.authors,
                    _time(r.first_seen),
                    r.status,
                    _time(r.clarification_at),
                    r.hours_to_clarify,
                    sanitize.safe_url(r.clarification_url),
                ]
                for r in d.rumours
            ],
        ),
        "网民提问": (
            [
                "账号",
                "单位",
                "提问",
                "已答复",
                "未答复",
                "逾期",
                "答复率",
                "用时中位数（工作小时）",
            ],
            [
                [
                    _text(q.name, 60),
                    _text(q.unit, 60),
                    q.questions,
                    q.answered,
                    q.unanswered,
                    q.overdue,
                    q.response_rate,
                    q.median_hours,
                ]
                for q in d.questions
            ],
        ),
        "负面舆情": (
            [
                "账号",
                "单位",
                "帖子",
                "链接",
                "评论数",
                "负面评论",
                "负面占比",
                "平均情感",
                "最负面的评论",
            ],
            [
                [
                    _text(n.account, 60),
                    _text(n.unit, 60),
                    _text(n.post.text),
                    sanitize.safe_url(n.post.url),
                    n.comments,
                    n.negative,
                    n.negative_share,
                    n.mean_sentiment,
                    _text(n.sample.text),
                ]
                for n in d.negative
            ],
        ),
        "合规问题": (
            [
                *("问题", "依据", "单位", "账号", "严重程度"),
                f"状态（截至{d.as_of_text}）",
                *("首次发现", "说明"),
            ],
            [
                [
                    g.title,
                    g.article,
                    _text(g.unit, 60),
                    _text(i.account, 60),
                    severity_label(i.severity),
                    i.state_text,
                    _time(i.first_seen),
                    _text(i.summary),
                ]
                for g in d.findings
                for i in g.items
            ],
        ),
        "通报批评": (
            ["账号", "单位", "名次", "指数", "原因"],
            [
                [_text(e.name, 60), _text(e.unit, 60), e.rank, e.score, "；".join(e.reasons)]
                for e in d.criticised
            ],
        ),
        "通报表彰": (
            ["账号", "单位", "名次", "指数", "原因"],
            [
                [_text(e.name, 60), _text(e.unit, 60), e.rank, e.score, "；".join(e.reasons)]
                for e in d.commended
            ],
        ),
        "本周待办": (
            ["单位", "总编辑", "事项", "依据", "数量"],
            [
                [_text(u.unit, 60), _text(u.editor, 20), _text(a.text), a.article, a.count]
                for u in d.actions
                for a in u.items
            ],
        ),
    }


def build_workbook(data: DigestData) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for title, (headers, rows) in workbook_rows(data).items():
        _sheet(book, title, headers, rows)
    stamp = data.end.astimezone(dt.UTC).replace(tzinfo=None)
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "govmon"
    book.properties.title = f"{data.scope}舆情周报 {data.week}"
    return book


def write_workbook(data: DigestData, path: Path) -> None:
    build_workbook(data).save(path)


def workbook_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values, to compare two builds (the zip container itself may differ)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}
    finally:
        book.close()
