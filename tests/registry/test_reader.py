"""Reading the file: UTF-8, UTF-8 with BOM, GBK CSVs; .xlsx with date cells, serial numbers,
a title row above the headers and numbers for IDs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from testkit.registry import HEADERS, ROWS

from monitor.errors import InputError
from monitor.registry.reader import read_table
from monitor.registry.validate import validate_table

WriteCsv = Callable[..., Path]


@pytest.mark.parametrize(
    ("encoding", "shown"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8（带 BOM）"), ("gbk", "GBK")]
)
def test_csv_encodings(write_csv: WriteCsv, encoding: str, shown: str) -> None:
    table = read_table(write_csv(encoding=encoding))
    assert table.source == shown
    registry = validate_table(table)
    assert [r.unit for r in registry.rows] == [r[0] for r in ROWS]
    assert registry.rows[1].opened_on == dt.date(2026, 3, 2)
    assert registry.rows[1].filed_on == dt.date(2026, 3, 4)


def test_gb18030_characters_outside_gbk(write_csv: WriteCsv) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][3] = "江南交通㐀"  # CJK extension A: GB18030 only
    registry = validate_table(read_table(write_csv(rows, encoding="gb18030")))
    assert registry.rows[0].name == "江南交通㐀"


def test_tab_separated_and_semicolons_in_cells(write_csv: WriteCsv, tmp_path: Path) -> None:
    headers = [*HEADERS, "联系邮箱", "上级账号"]
    rows = [[*ROWS[0], "a@example.com;b@example.com", ""],
            [*ROWS[1], "", "微博:6100000001;微信公众号:gh_x"], [*ROWS[2], "", ""]]  # fmt: skip
    path = tmp_path / "tab.csv"
    path.write_text("\n".join("\t".join(map(str, r)) for r in [headers, *rows]), encoding="utf-8")
    registry = validate_table(read_table(path))
    assert registry.rows[0].emails == ["a@example.com", "b@example.com"]
    assert registry.rows[1].superiors == ["weibo:6100000001", "wechat:gh_x"]
    # ';' inside cells of a comma CSV is not taken for the separator either
    registry = validate_table(read_table(write_csv(rows, headers)))
    assert registry.rows[1].superiors == ["weibo:6100000001", "wechat:gh_x"]


def test_undecodable_csv(tmp_path: Path) -> None:
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"\xff\xfe\x00\xd8" * 10)
    with pytest.raises(InputError, match="无法识别文件编码"):
        read_table(path)


def test_title_row_above_headers_keeps_row_numbers(write_csv: WriteCsv, tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][HEADERS.index("开通日期")] = "不详"
    path = tmp_path / "with_title.csv"
    title = "江南省交通运输系统政务新媒体备案登记表" + "," * (len(HEADERS) - 1)
    path.write_text(title + "\r\n" + write_csv(rows).read_text("utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        validate_table(read_table(path))
    assert "第 5 行「开通日期」：无法识别的日期 '不详'" in info.value.message


def write_xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "说明"
    sheet.append(["请在第二个工作表填写"])
    data = workbook.create_sheet("备案登记表")
    data.append(["江南省交通运输系统政务新媒体备案登记表"])
    data.append(["序号", *HEADERS[:6], "备案时间*", *HEADERS[7:]])
    data.append([1, "江南省交通运输厅", None, "微博", "江南交通", 6100000001,
                 dt.datetime(2026, 3, 2), 46086, "周立新", "陈海波", "吴静"])  # fmt: skip
    data.append([2, "江南省高速公路管理局", "江南省交通运输厅", "B站", "江南高速", 6100000101.0,
                 dt.date(2026, 3, 2), "2026年3月4日", None, None, None])  # fmt: skip
    data.append([None] * 11)
    workbook.save(path)
    return path


def test_xlsx_with_title_row_date_cells_serials_and_numeric_ids(tmp_path: Path) -> None:
    table = read_table(write_xlsx(tmp_path / "登记表.xlsx"))
    assert table.source == "Excel 工作表「备案登记表」"
    assert table.header_row == 2
    registry = validate_table(table)
    first, second = registry.rows
    assert (first.row, first.platform_id, first.opened_on, first.filed_on) == (
        3, "6100000001", dt.date(2026, 3, 2), dt.date(2026, 3, 5)
    )  # fmt: skip
    assert (second.platform, second.platform_id, second.filed_on) == (
        "bilibili", "6100000101", dt.date(2026, 3, 4)
    )  # fmt: skip
    assert registry.header_map.ignored == ["序号"]
    assert ("备案时间*", "备案日期") in registry.header_map.synonyms_used()
