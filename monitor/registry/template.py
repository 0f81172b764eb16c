"""An empty 备案登记表 (.xlsx) to fill in: headers with a note on each, a sample row, the
header row frozen, sensible column widths, drop-down lists for 平台 and 是否委托运营."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from analysis.platforms import PLATFORMS
from monitor.errors import InputError
from monitor.registry.headers import COLUMNS

SHEET_TITLE = "备案登记表"
_DATE_KEYS = {"opened_on", "filed_on", "closed_on", "closure_filed_on"}
_TEXT_KEYS = {"platform_id", "phone"}  # long digit strings Excel would otherwise mangle
_SAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_template(path: Path) -> None:
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"模板文件名应以 .xlsx 结尾：{path}")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(
            row=1, column=index, value=column.header + ("*" if column.required else "")
        )
        header.font = Font(bold=True, color="C00000" if column.required else "000000")
        header.fill = _HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = column.note + ("（必填）" if column.required else "")
        header.comment = Comment(note, "govmon", width=260, height=110)
        sample = sheet.cell(row=2, column=index, value=_sample_value(column.key, column.example))
        sample.fill = _SAMPLE_FILL
        if column.key in _DATE_KEYS:
            sample.number_format = "yyyy-mm-dd"
            for row in range(3, 502):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        if column.key in _TEXT_KEYS:
            sample.number_format = "@"
            for row in range(3, 502):
                sheet.cell(row=row, column=index).number_format = "@"
        sheet.column_dimensions[letter].width = column.width
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "A2"
    _add_lists(sheet)
    _add_guide(workbook)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
    except OSError as exc:
        raise InputError(f"无法写入模板 {path}：{exc.strerror or exc}") from None


def _sample_value(key: str, example: str) -> object:
    if key in _DATE_KEYS and example:
        return dt.date.fromisoformat(example)
    return example or None


def _add_lists(sheet: Worksheet) -> None:
    keys = [c.key for c in COLUMNS]

    def validation(key: str, options: list[str]) -> None:
        letter = get_column_letter(keys.index(key) + 1)
        rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        rule.error = "请从下拉列表中选择"
        rule.showErrorMessage = False  # other spellings (B站, weibo) are accepted on import
        rule.add(f"{letter}2:{letter}501")
        sheet.add_data_validation(rule)

    validation("platform", [p.label for p in PLATFORMS])
    validation("entrusted", ["是", "否"])


def _add_guide(workbook: Workbook) -> None:
    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "说明", "示例"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        synonyms = f"（也可写作：{'、'.join(column.synonyms)}）" if column.synonyms else ""
        guide.append(
            [
                column.header,
                "必填" if column.required else "",
                column.note + synonyms,
                column.example,
            ]
        )
    guide.append([])
    guide.append(
        [
            "",
            "",
            "每个账号每个平台填一行（备注3）；黄色一行是示例，请删除或改成真实内容"
            "（原样留在表中时，导入会跳过它并提示）。",
        ]
    )
    guide.append(
        ["", "", "导入：govmon accounts import 本文件.xlsx；重复导入会就地更新，不会产生重复。"]
    )
    for letter, width in zip("ABCD", (16, 10, 80, 28), strict=True):
        guide.column_dimensions[letter].width = width
