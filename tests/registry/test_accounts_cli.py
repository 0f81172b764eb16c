"""`govmon accounts import | template | list | check` through the real CLI on tmp_path."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from openpyxl import load_workbook
from testkit.registry import HEADERS, ROWS, Govmon

WriteCsv = Callable[..., Path]
EXAMPLE = Path(str(files("monitor.defaults") / "accounts.example.csv"))


def test_import_example_then_reimport(govmon: Govmon) -> None:
    first = govmon("accounts", "import", str(EXAMPLE))
    assert first.exit_code == 0, first.output
    assert "UTF-8（带 BOM），表头在第 1 行，16 个账号，7 个单位" in first.output
    assert "单位：新建 7，更新 0，未变 0" in first.output
    assert "账号：新建 16，更新 0，未变 0" in first.output
    again = govmon("accounts", "import", str(EXAMPLE))
    assert again.exit_code == 0, again.output
    assert "单位：新建 0，更新 0，未变 7" in again.output
    assert "账号：新建 0，更新 0，未变 16" in again.output


def test_import_reports_synonyms_and_unknown_columns(govmon: Govmon, write_csv: WriteCsv) -> None:
    headers = ["开设单位 *", "主管单位", "平台类型（必填）", "账号名", *HEADERS[4:], "粉丝数"]
    result = govmon("accounts", "import", str(write_csv([[*r, "1万"] for r in ROWS], headers)))
    assert result.exit_code == 0, result.output
    assert "「开设单位 *」→「单位名称」" in result.output
    assert "「主管单位」→「上级单位」" in result.output
    assert "「平台类型（必填）」→「平台」" in result.output
    assert "「账号名」→「账号名称」" in result.output
    assert "提示：不认识的列，已忽略：「粉丝数」" in result.output


def test_dry_run_writes_nothing(govmon: Govmon, write_csv: WriteCsv) -> None:
    result = govmon("accounts", "import", "--dry-run", str(write_csv()))
    assert result.exit_code == 0, result.output
    assert "检查通过（--dry-run：未写入数据库）" in result.output
    assert "尚未登记任何单位" in govmon("accounts", "list").output


def test_gbk_file_through_the_cli(govmon: Govmon, write_csv: WriteCsv) -> None:
    result = govmon("accounts", "import", str(write_csv(encoding="gbk")))
    assert result.exit_code == 0, result.output
    assert "GBK" in result.output


def test_import_before_init_is_a_clear_error(tmp_path: Path, write_csv: WriteCsv) -> None:
    app = Govmon(tmp_path)
    result = app("accounts", "import", str(write_csv()))
    assert result.exit_code != 0
    assert "请先运行 govmon init" in result.output


def test_list_formats(govmon: Govmon) -> None:
    govmon("accounts", "import", str(EXAMPLE))
    table = govmon("accounts", "list")
    assert table.exit_code == 0, table.output
    assert "共 7 个单位，16 个账号" in table.output

    data = json.loads(govmon("accounts", "list", "--format", "json").output)
    names = [u["name"] for u in data["units"]]
    assert names[0] == "江南省交通运输厅"
    station = next(u for u in data["units"] if u["name"] == "临江市汽车客运站")
    assert station["parent"] == "江南省道路运输事业发展中心"
    assert {a["key"] for a in station["accounts"]} == {
        "wechat:gh_9a0b1c2d3e4f",
        "douyin:dy_xiaolin_chuxing",
    }

    sub = json.loads(
        govmon(
            "accounts", "list", "--unit", "江南省道路运输事业发展中心", "--format", "json"
        ).output
    )
    assert [u["name"] for u in sub["units"]] == ["江南省道路运输事业发展中心", "临江市汽车客运站"]

    text = govmon("accounts", "list", "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 16
    assert "企业微信机器人" not in rows[0]


def test_list_csv_reimports_unchanged(govmon: Govmon, tmp_path: Path) -> None:
    govmon("accounts", "import", str(EXAMPLE))
    exported = tmp_path / "exported.csv"
    exported.write_text(govmon("accounts", "list", "--format", "csv").output, encoding="utf-8")
    result = govmon("accounts", "import", str(exported))
    assert result.exit_code == 0, result.output
    assert "账号：新建 0，更新 0，未变 16" in result.output


def test_list_unknown_unit(govmon: Govmon) -> None:
    govmon("accounts", "import", str(EXAMPLE))
    result = govmon("accounts", "list", "--unit", "江南")
    assert result.exit_code == 2
    assert "没有名为「江南」的单位（是否指：" in result.output


def test_webhook_key_never_printed(govmon: Govmon, write_csv: WriteCsv) -> None:
    key = "5e1f0c3a-7b2d-4c9e-8f6a-1d2c3b4a5e6f"
    url = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}"
    rows = [[*ROWS[0], url], [*ROWS[1], ""], [*ROWS[2], ""]]
    result = govmon("accounts", "import", str(write_csv(rows, [*HEADERS, "企业微信机器人"])))
    assert result.exit_code == 0, result.output
    outputs = [govmon("accounts", "list", "--format", f).output for f in ("table", "json", "csv")]
    assert all(key not in out for out in [result.output, *outputs])
    assert "send?key=***" in outputs[1]


def test_template_is_importable_and_documented(govmon: Govmon, tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    result = govmon("accounts", "template", str(path))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path)["备案登记表"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "单位名称*"
    assert "第六条" in sheet["A1"].comment.text
    assert all(cell.comment is not None for cell in sheet[1])
    untouched = govmon("accounts", "import", str(path))
    assert untouched.exit_code == 2
    assert "只有模板的示例行，没有要导入的数据行" in untouched.output
    again = govmon("accounts", "template", str(path))
    assert again.exit_code == 2
    assert "已存在" in again.output


def test_check_groups_findings_by_unit(govmon: Govmon) -> None:
    govmon("accounts", "import", str(EXAMPLE))
    result = govmon("accounts", "check", "--today", "2026-11-30")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "备案登记检查（2026-11-30，第六至九条）" in out
    assert (
        "【临江市汽车客运站】\n  - 第七条：单位「临江市汽车客运站」开设了政务新媒体账号，但未明确总编辑"
        in out
    )
    assert "第八条：账号「小临出行」（抖音）的名称与单位「临江市汽车客运站」" in out
    assert (
        "【江南省高速公路管理局】\n  - 第八条：单位「江南省高速公路管理局」在微信公众号上有 2 个在用账号"
        in out
    )
    assert (
        "【江南省高速公路管理局东阳路段管理处】\n  - 第六条：账号「东阳高速路况」（微博）于 2026-09-29 开通，"
        "2026-10-14 才备案" in out
    )
    assert "共 4 项问题，涉及 3 个单位" in out


def test_check_with_nothing_wrong(govmon: Govmon, write_csv: WriteCsv) -> None:
    govmon("accounts", "import", str(write_csv()))
    result = govmon("accounts", "check", "--today", "2026-03-20")
    assert result.exit_code == 0, result.output
    assert "未发现问题。" in result.output
