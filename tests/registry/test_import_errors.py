"""Every bad input is refused with a clear Chinese message naming row, column and value;
nothing is written when any row is bad, and the exit code is 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from testkit.registry import HEADERS, ROWS, Govmon

from monitor.db.models import Account, Unit
from monitor.errors import InputError
from monitor.registry.reader import read_table
from monitor.registry.validate import validate_table

WriteCsv = Callable[..., Path]


def refused(path: Path) -> str:
    with pytest.raises(InputError) as info:
        validate_table(read_table(path))
    assert info.value.exit_code == 2
    return info.value.message


def row_with(index: int, column: str, value: str) -> list[list[object]]:
    rows = [list(r) for r in ROWS]
    rows[index][HEADERS.index(column)] = value
    return rows


def test_missing_required_column(write_csv: WriteCsv) -> None:
    headers = [h for h in HEADERS if h != "账号ID"]
    rows = [[v for h, v in zip(HEADERS, r, strict=True) if h != "账号ID"] for r in ROWS]
    message = refused(write_csv(rows, headers))
    assert "第 1 行表头：缺少必填列「账号ID」" in message
    assert "未导入任何内容" in message


def test_two_columns_for_one_field(write_csv: WriteCsv) -> None:
    message = refused(write_csv([[*r, r[0]] for r in ROWS], [*HEADERS, "开设单位"]))
    assert "列「单位名称」和「开设单位」都表示「单位名称」" in message


def test_unknown_platform(write_csv: WriteCsv) -> None:
    message = refused(write_csv(row_with(1, "平台", "推特")))
    assert "第 3 行「平台」：不认识的平台 '推特'（可用：微博/weibo、" in message


def test_bad_date(write_csv: WriteCsv) -> None:
    message = refused(write_csv(row_with(0, "开通日期", "2026-13-01")))
    assert (
        "第 2 行「开通日期」：不存在的日期 '2026-13-01'"
        "（应为 2026-03-05、2026/3/5、2026.3.5、2026年3月5日 等）"
    ) in message


def test_unreadable_date(write_csv: WriteCsv) -> None:
    message = refused(write_csv(row_with(2, "备案日期", "三月初")))
    assert "第 4 行「备案日期」：无法识别的日期 '三月初'（应为 2026-03-05、" in message


@pytest.mark.parametrize(
    ("column", "row"),
    [("单位名称", 0), ("平台", 1), ("账号名称", 2), ("账号ID", 0), ("开通日期", 1)],
)
def test_empty_required_cell(write_csv: WriteCsv, column: str, row: int) -> None:
    message = refused(write_csv(row_with(row, column, "  ")))
    assert f"第 {row + 2} 行「{column}」：必填项为空" in message


def test_same_account_twice_names_both_rows(write_csv: WriteCsv) -> None:
    rows = [*ROWS, ["江南省公路事业发展中心", "江南省交通运输厅", "weibo", "江南公路", "6100000101",
                    "2026-03-02", "", "", "", ""]]  # fmt: skip
    message = refused(write_csv(rows))
    assert "第 5 行「账号ID」：账号 微博:6100000101 与第 3 行重复" in message


def test_cycle_in_parent_units(write_csv: WriteCsv) -> None:
    rows = row_with(0, "上级单位", "江南省高速公路管理局")
    message = refused(write_csv(rows))
    assert "上级单位形成循环 江南省交通运输厅 → 江南省高速公路管理局 → 江南省交通运输厅" in message
    assert "第 2、3 行「上级单位」" in message


def test_unit_is_its_own_parent(write_csv: WriteCsv) -> None:
    message = refused(write_csv(row_with(0, "上级单位", "江南省交通运输厅")))
    assert "第 2 行「上级单位」：单位「江南省交通运输厅」不能是自己的上级单位" in message


def test_two_parents_for_one_unit(write_csv: WriteCsv) -> None:
    message = refused(write_csv(row_with(2, "上级单位", "江南省公路事业发展中心")))
    assert (
        "第 4 行「上级单位」：单位「江南省高速公路管理局」的上级单位在第 3 行为「江南省交通运输厅」"
        in message
    )


def test_account_id_mangled_by_excel(write_csv: WriteCsv) -> None:
    message = refused(write_csv(row_with(0, "账号ID", "6.1E+09")))
    assert "被 Excel 改写成了科学计数法" in message


def test_closure_dates_must_make_sense(write_csv: WriteCsv) -> None:
    headers = [*HEADERS, "注销日期", "注销备案日期"]
    rows = [[*ROWS[0], "2026-01-01", ""], [*ROWS[1], "", "2026-04-01"], [*ROWS[2], "", ""]]
    message = refused(write_csv(rows, headers))
    assert "第 2 行「注销日期」：注销日期 2026-01-01 早于开通日期 2026-03-02" in message
    assert "第 3 行「注销备案日期」：填写了注销备案日期，但没有注销日期" in message


def test_all_errors_are_reported_together(write_csv: WriteCsv) -> None:
    rows = row_with(0, "开通日期", "昨天")
    rows[1][HEADERS.index("平台")] = "推特"
    rows[2][HEADERS.index("账号名称")] = ""
    message = refused(write_csv(rows))
    assert "有 3 处错误" in message
    assert "第 2 行「开通日期」" in message
    assert "第 3 行「平台」" in message
    assert "第 4 行「账号名称」" in message


def test_bad_email_and_yes_no(write_csv: WriteCsv) -> None:
    headers = [*HEADERS, "联系邮箱", "是否委托运营"]
    rows = [[*ROWS[0], "bgs@example.gov.cn；办公室邮箱", "是"], [*ROWS[1], "", "可能"], ROWS[2]]
    message = refused(write_csv(rows, headers))
    assert "第 2 行「联系邮箱」：不是有效的邮箱地址 '办公室邮箱'" in message
    assert "第 3 行「是否委托运营」：无法识别的是/否 '可能'" in message


def test_header_only(write_csv: WriteCsv) -> None:
    assert "只有表头，没有数据行" in refused(write_csv([]))


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "空.csv"
    path.write_bytes(b"")
    assert "是空文件" in refused(path)


def test_old_excel_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "登记表.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "另存为 .xlsx 或 .csv" in refused(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "找不到文件" in refused(tmp_path / "nope.csv")


def test_broken_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"not a zip")
    assert "无法打开 Excel 文件" in refused(path)


def test_unknown_column_is_a_warning(write_csv: WriteCsv) -> None:
    registry = validate_table(
        read_table(write_csv([[*r, "1万"] for r in ROWS], [*HEADERS, "粉丝数"]))
    )
    assert registry.warnings == ["不认识的列，已忽略：「粉丝数」"]


def test_cli_refuses_bad_file_with_exit_2_and_writes_nothing(
    govmon: Govmon, write_csv: WriteCsv, tmp_path: Path
) -> None:
    result = govmon("accounts", "import", str(write_csv(row_with(2, "开通日期", "2026-13-01"))))
    assert result.exit_code == 2
    assert "第 4 行「开通日期」：不存在的日期 '2026-13-01'" in result.output
    assert "Traceback" not in result.output
    from monitor.db.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'govmon.db'}")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 0
        assert session.scalar(select(func.count()).select_from(Account)) == 0
    engine.dispose()
