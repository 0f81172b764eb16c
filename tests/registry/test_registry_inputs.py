"""Registry input that cannot silently lose data: forms of the national 政务新媒体信息报送系统,
the template's example row, formula cells without a saved result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from testkit.registry import HEADERS, ROWS, Govmon

from monitor.db.engine import make_engine
from monitor.db.models import Account, Unit
from monitor.errors import InputError
from monitor.registry.headers import map_headers
from monitor.registry.reader import read_table
from monitor.registry.validate import validate_table

WriteCsv = Callable[..., Path]

# A form filled in for the national 政务新媒体信息报送系统: its 服务类型 words, and a bare 账号
# (the platform's ID) beside 账号名称.
NATIONAL_HEADERS = ["序号", "服务主体", "服务类型", "账号名称", "账号", "开通时间", "主要负责人",
                    "分管负责人", "总编辑", "管理部门", "工作人员"]  # fmt: skip
NATIONAL_ROWS = [
    [1, "江南省交通运输厅", "微博法人账号", "江南交通", "6100000001", "2026-03-02"],
    [2, "江南省交通运输厅", "微信公众账号", "江南交通发布", "gh_1a2b3c4d5e6f", "2026-03-02"],
    [3, "江南省交通运输厅", "今日头条号", "江南交通头条", "1700000000000001", "2026-03-02"],
    [4, "江南省交通运输厅", "抖音号", "江南交通抖音", "jnjt_dy", "2026-03-02"],
    [5, "江南省高速公路管理局", "头条号", "江南高速头条", "1700000000000002", "2026-03-02"],
    [6, "江南省高速公路管理局", "企鹅号", "江南高速企鹅号", "qe_5566778899", "2026-03-02"],
]  # fmt: skip
PEOPLE = ["周立新", "陈海波", "吴静", "办公室", "林小雨"]


def test_national_form_imports_with_its_words(govmon: Govmon, write_csv: WriteCsv) -> None:
    path = write_csv([[*r, *PEOPLE] for r in NATIONAL_ROWS], NATIONAL_HEADERS)
    result = govmon("accounts", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "「服务主体」→「单位名称」" in result.output
    assert "「服务类型」→「平台」" in result.output
    assert "「账号」→「账号ID」" in result.output
    engine = make_engine(f"sqlite:///{govmon.root / 'data' / 'govmon.db'}")
    try:
        with Session(engine) as session:
            keys = {(a.platform, a.platform_id, a.name) for a in session.scalars(select(Account))}
    finally:
        engine.dispose()
    assert keys == {
        ("weibo", "6100000001", "江南交通"),
        ("wechat", "gh_1a2b3c4d5e6f", "江南交通发布"),
        ("toutiao", "1700000000000001", "江南交通头条"),
        ("douyin", "jnjt_dy", "江南交通抖音"),
        ("toutiao", "1700000000000002", "江南高速头条"),
        ("qiehao", "qe_5566778899", "江南高速企鹅号"),
    }
    listed = govmon("accounts", "list").output
    assert "企鹅号" in listed and "qiehao" not in listed


def test_bare_account_header_is_the_name_when_nothing_else_names_it() -> None:
    alone = map_headers(["单位名称", "平台", "账号", "账号ID", "开通日期"])
    assert alone.headers["name"] == "账号" and alone.headers["platform_id"] == "账号ID"
    beside = map_headers(["单位名称", "平台", "账号", "账号名称", "开通日期"])
    assert beside.headers == {
        "unit": "单位名称",
        "platform": "平台",
        "platform_id": "账号",
        "name": "账号名称",
        "opened_on": "开通日期",
    }
    # In the order of the file: the import summary lists them so.
    assert list(beside.headers) == ["unit", "platform", "platform_id", "name", "opened_on"]
    crowded = map_headers(["单位名称", "平台", "账号名称", "账号ID", "账号", "开通日期"])
    assert crowded.duplicates == [("name", "账号名称", "账号")]


# ---- the template's example row ----------------------------------------------------------------


def _template_with_rows(govmon: Govmon, tmp_path: Path, rows: list[list[object]]) -> Path:
    path = tmp_path / "备案登记表.xlsx"
    assert govmon("accounts", "template", str(path)).exit_code == 0
    book = load_workbook(path)
    sheet = book["备案登记表"]
    headers = [str(c.value).rstrip("*") for c in sheet[1]]
    for row in rows:
        values = dict(zip(HEADERS, row, strict=True))
        sheet.append([values.get(h) for h in headers])
    book.save(path)
    return path


def test_template_example_row_is_skipped_with_a_warning(govmon: Govmon, tmp_path: Path) -> None:
    path = _template_with_rows(govmon, tmp_path, [ROWS[0]])
    result = govmon("accounts", "import", str(path))
    assert result.exit_code == 0, result.output
    assert (
        "提示：第 2 行是模板的示例行（江南省高速公路管理局·江南高速·6012345678），已跳过，未导入"
        in result.output
    )
    assert "账号：新建 1，更新 0，未变 0" in result.output
    listed = govmon("accounts", "list").output
    assert "江南交通" in listed and "6012345678" not in listed


def test_example_id_kept_in_an_edited_row_is_refused(govmon: Govmon, tmp_path: Path) -> None:
    path = _template_with_rows(govmon, tmp_path, [])
    book = load_workbook(path)
    book["备案登记表"]["E2"] = "江南高速公路"  # the name changed, the example's ID kept
    book.save(path)
    with pytest.raises(InputError) as info:
        validate_table(read_table(path))
    assert (
        "第 2 行「账号ID*」：'6012345678' 是模板示例行中的账号ID，请填写该账号真实的账号ID"
        in info.value.message
    )


# ---- formula cells ------------------------------------------------------------------------------


def test_formula_without_a_saved_result_is_an_error_naming_the_cell(
    govmon: Govmon, write_csv: WriteCsv, tmp_path: Path
) -> None:
    assert govmon("accounts", "import", str(write_csv())).exit_code == 0
    # A program wrote this file: the 总编辑 cell holds a formula and no saved result, which
    # openpyxl's data_only reading gives as an empty cell.
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(list(row))
    editor = HEADERS.index("总编辑") + 1
    sheet.cell(row=3, column=editor, value='=CONCATENATE("何","丽")')
    path = tmp_path / "生成的登记表.xlsx"
    book.save(path)

    result = govmon("accounts", "import", str(path))
    assert result.exit_code == 2
    assert '第 3 行「总编辑」：单元格 J3 是公式 =CONCATENATE("何","丽")' in result.output
    assert "没有它的计算结果" in result.output
    engine = make_engine(f"sqlite:///{govmon.root / 'data' / 'govmon.db'}")
    try:
        with Session(engine) as session:
            unit = session.scalars(select(Unit).where(Unit.name == "江南省高速公路管理局")).one()
            assert unit.editor == "何丽"  # the stored value is kept
    finally:
        engine.dispose()
