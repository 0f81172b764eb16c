"""Shared data and helpers of the registry tests (imported as testkit.registry)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner, Result

from monitor.cli.main import cli

HEADERS = ["单位名称", "上级单位", "平台", "账号名称", "账号ID", "开通日期", "备案日期",
           "主要负责人", "分管负责人", "总编辑", "管理部门", "工作人员"]  # fmt: skip

ROWS = [
    ["江南省交通运输厅", "", "微博", "江南交通", "6100000001", "2026-03-02", "2026-03-05",
     "周立新", "陈海波", "吴静", "办公室", "林小雨"],
    ["江南省高速公路管理局", "江南省交通运输厅", "微博", "江南高速", "6100000101", "2026/3/2",
     "2026年3月4日", "孙国强", "郑晓东", "何丽", "宣传科", "高远"],
    ["江南省高速公路管理局", "江南省交通运输厅", "微信公众号", "江南高速公路", "gh_7b8c9d0e1f2a",
     "2026.3.2", "2026-03-06", "孙国强", "郑晓东", "何丽", "宣传科", "高远、韩梅"],
]  # fmt: skip


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


class Govmon:
    """`govmon --config <tmp settings>` with its database under tmp_path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = root / "settings.toml"
        data = (root / "data").as_posix()
        self.config.write_text(
            f'[general]\ndata_dir = "{data}"\nlog_file = "{data}/govmon.log"\n', encoding="utf-8"
        )
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args])
