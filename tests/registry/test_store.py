"""Writing the registry: the unit tree, upserts in place, idempotent re-import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from testkit.registry import HEADERS, ROWS

from monitor.db.models import Account, Unit
from monitor.errors import InputError
from monitor.registry.reader import read_table
from monitor.registry.store import ImportResult, import_registry
from monitor.registry.validate import validate_table

WriteCsv = Callable[..., Path]


def load(session: Session, path: Path) -> ImportResult:
    registry = validate_table(read_table(path))
    result = import_registry(session, registry)
    session.commit()
    return result


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def unit(session: Session, name: str) -> Unit:
    found = session.scalar(select(Unit).where(Unit.name == name))
    assert found is not None
    return found


def test_first_import_builds_the_tree(session: Session, write_csv: WriteCsv) -> None:
    result = load(session, write_csv())
    assert (result.units.created, result.accounts.created) == (2, 3)
    bureau = unit(session, "江南省高速公路管理局")
    assert bureau.parent is not None and bureau.parent.name == "江南省交通运输厅"
    assert (bureau.head, bureau.deputy, bureau.editor) == ("孙国强", "郑晓东", "何丽")
    assert sorted(a.key for a in bureau.accounts) == ["wechat:gh_7b8c9d0e1f2a", "weibo:6100000101"]


def test_reimport_is_idempotent(session: Session, write_csv: WriteCsv) -> None:
    path = write_csv()
    load(session, path)
    again = load(session, path)
    assert (again.units.created, again.units.updated, again.units.unchanged) == (0, 0, 2)
    assert (again.accounts.created, again.accounts.updated, again.accounts.unchanged) == (0, 0, 3)
    assert (count(session, Unit), count(session, Account)) == (2, 3)


def test_updated_file_updates_in_place(session: Session, write_csv: WriteCsv) -> None:
    load(session, write_csv())
    rows = [list(r) for r in ROWS]
    rows[1][HEADERS.index("账号名称")] = "江南高速发布"
    rows[1][HEADERS.index("总编辑")] = "何丽丽"
    rows[2][HEADERS.index("总编辑")] = "何丽丽"
    rows.append(["江南省港航事业发展中心", "江南省交通运输厅", "微博", "江南港航", "6100000601",
                 "2026-03-02", "2026-03-03", "谢振华", "韩冰", "蒋悦"])  # fmt: skip
    result = load(session, write_csv(rows))
    assert (result.units.created, result.units.updated, result.units.unchanged) == (1, 1, 1)
    assert (result.accounts.created, result.accounts.updated, result.accounts.unchanged) == (
        1,
        1,
        2,
    )
    assert (count(session, Unit), count(session, Account)) == (3, 4)
    account = session.scalar(select(Account).where(Account.platform_id == "6100000101"))
    assert account is not None and account.name == "江南高速发布"
    assert unit(session, "江南省高速公路管理局").editor == "何丽丽"


def test_account_moves_to_another_unit(session: Session, write_csv: WriteCsv) -> None:
    load(session, write_csv())
    rows = [list(r) for r in ROWS]
    rows[2][0] = "江南省公路事业发展中心"
    result = load(session, write_csv(rows))
    assert result.accounts.updated == 1
    moved = session.scalar(select(Account).where(Account.platform_id == "gh_7b8c9d0e1f2a"))
    assert moved is not None and moved.unit.name == "江南省公路事业发展中心"
    assert count(session, Account) == 3


def test_parent_named_but_never_listed_is_created(session: Session, write_csv: WriteCsv) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][1] = "江南省人民政府"
    result = load(session, write_csv(rows))
    assert result.created_parents == ["江南省人民政府"]
    government = unit(session, "江南省人民政府")
    assert government.listed is False
    assert [c.name for c in government.children] == ["江南省交通运输厅"]


def test_cycle_through_the_database_is_refused(session: Session, write_csv: WriteCsv) -> None:
    load(session, write_csv())
    # A second file from the bureau makes the 厅 its child: with the stored tree, a cycle.
    rows = [["江南省交通运输厅", "江南省高速公路管理局", "微博", "江南交通", "6100000001",
             "2026-03-02", "2026-03-05", "周立新", "陈海波", "吴静"]]  # fmt: skip
    with pytest.raises(InputError) as info:
        load(session, write_csv(rows, name="second.csv"))
    assert "上级单位将形成循环" in info.value.message
    assert "江南省交通运输厅 → 江南省高速公路管理局 → 江南省交通运输厅" in info.value.message
    session.rollback()
    assert unit(session, "江南省交通运输厅").parent is None


def test_absent_column_leaves_field_blank_column_clears_it(
    session: Session, write_csv: WriteCsv
) -> None:
    load(session, write_csv())
    keep = [h for h in HEADERS if h != "总编辑"]
    rows = [[v for h, v in zip(HEADERS, r, strict=True) if h != "总编辑"] for r in ROWS]
    load(session, write_csv(rows, keep, name="no_editor.csv"))
    assert unit(session, "江南省交通运输厅").editor == "吴静"
    cleared = [list(r) for r in ROWS]
    cleared[0][HEADERS.index("总编辑")] = ""
    load(session, write_csv(cleared, name="blank_editor.csv"))
    assert unit(session, "江南省交通运输厅").editor == ""


def test_rows_of_one_unit_that_disagree_warn_and_use_the_last(write_csv: WriteCsv) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][HEADERS.index("总编辑")] = "何丽丽"
    registry = validate_table(read_table(write_csv(rows)))
    assert registry.units["江南省高速公路管理局"].editor == "何丽丽"
    assert registry.warnings == [
        "单位「江南省高速公路管理局」的总编辑前后不一致（「何丽」→ 第 4 行「何丽丽」），以最后一行为准"
    ]


def test_closing_and_reopening_sets_status(session: Session, write_csv: WriteCsv) -> None:
    headers = [*HEADERS, "注销日期"]
    closed = [[*ROWS[0], "2026-06-01"], [*ROWS[1], ""], [*ROWS[2], ""]]
    load(session, write_csv(closed, headers))
    account = session.scalar(select(Account).where(Account.platform_id == "6100000001"))
    assert account is not None and account.status == "closed"
    reopened = [[*ROWS[0], ""], [*ROWS[1], ""], [*ROWS[2], ""]]
    load(session, write_csv(reopened, headers, name="reopened.csv"))
    session.refresh(account)
    assert account.status == "active" and account.closed_on is None


def test_unknown_superior_is_a_warning(session: Session, write_csv: WriteCsv) -> None:
    headers = [*HEADERS, "上级账号"]
    rows = [[*ROWS[0], ""], [*ROWS[1], "微博:6100000001；抖音:dy_1"], [*ROWS[2], ""]]
    result = load(session, write_csv(rows, headers))
    assert result.warnings == [
        "第 3 行「上级账号」：douyin:dy_1 尚未登记，登记后才能检查其重要信息是否被转发（第十六条）"
    ]
