"""Rows of the 备案登记表 → typed registry rows, or every problem at once.

Nothing is written unless every row is good: the validator collects all errors (row number,
column as headed in the file, the bad value, in Chinese) and the caller refuses the import
when there is any. Rows of one unit are merged into its contacts and named people; where two
rows disagree on a person the last wins, with a warning — never silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from analysis.platforms import accepted_names, parse_platform, platform_label
from monitor.errors import InputError
from monitor.registry import values
from monitor.registry.headers import BY_KEY, HeaderMap, map_headers
from monitor.registry.reader import RawTable, UncomputedFormula
from monitor.registry.values import ValueProblem, cell_text

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
UNIT_PEOPLE = ("short_name", "head", "deputy", "editor", "department", "phone", "wecom_webhook")


@dataclass
class RegistryRow:
    row: int
    unit: str
    platform: str
    platform_id: str
    name: str
    opened_on: dt.date
    parent: str = ""
    short_name: str = ""
    home_url: str = ""
    feed_url: str = ""
    filed_on: dt.date | None = None
    closed_on: dt.date | None = None
    closure_filed_on: dt.date | None = None
    head: str = ""
    deputy: str = ""
    editor: str = ""
    department: str = ""
    staff: str = ""
    phone: str = ""
    mobiles: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    wecom_webhook: str = ""
    entrusted: bool = False
    operator: str = ""
    superiors: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.platform_id}"


@dataclass
class UnitInfo:
    """A unit as the file describes it, merged from all its rows."""

    name: str
    parent: str = ""
    parent_row: int = 0
    short_name: str = ""
    head: str = ""
    deputy: str = ""
    editor: str = ""
    department: str = ""
    phone: str = ""
    wecom_webhook: str = ""
    emails: list[str] = field(default_factory=list)
    mobiles: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


@dataclass
class Registry:
    """A validated file: its rows, its units, what was read as what, and warnings."""

    table: RawTable
    header_map: HeaderMap
    rows: list[RegistryRow]
    units: dict[str, UnitInfo]
    warnings: list[str] = field(default_factory=list)

    @property
    def present(self) -> frozenset[str]:
        return self.header_map.present


class _Errors:
    def __init__(self, header_map: HeaderMap) -> None:
        self.header_map = header_map
        self.lines: list[str] = []

    def cell(self, row: int, key: str, value: object, problem: ValueProblem) -> None:
        shown = problem.shown if problem.shown is not None else cell_text(value)
        header = self.header_map.headers.get(key, BY_KEY[key].header)
        self.lines.append(f"第 {row} 行「{header}」：{problem.what} '{shown}'{problem.hint}")

    def row(self, row: int, key: str, message: str) -> None:
        header = self.header_map.headers.get(key, BY_KEY[key].header)
        self.lines.append(f"第 {row} 行「{header}」：{message}")


def validate_table(table: RawTable) -> Registry:
    """Validate every row; raise :class:`InputError` listing all problems if any."""
    header_map = map_headers(table.headers)
    _check_headers(table, header_map)
    errors = _Errors(header_map)
    rows: list[RegistryRow] = []
    warnings: list[str] = []
    samples = 0
    for number, cells in table.rows:
        parsed = _parse_row(number, cells, header_map, errors)
        if parsed is not None and is_template_sample(parsed):
            samples += 1
            warnings.append(
                f"第 {number} 行是模板的示例行（{parsed.unit}·{parsed.name}·{parsed.platform_id}），"
                "已跳过，未导入"
            )
        elif parsed is not None:
            if parsed.platform_id == SAMPLE_ID:
                errors.row(
                    number,
                    "platform_id",
                    f"'{parsed.platform_id}' 是模板示例行中的账号ID，请填写该账号真实的账号ID",
                )
            rows.append(parsed)
    if not table.rows:
        raise InputError(f"{table.path}：只有表头，没有数据行")
    if samples == len(table.rows):
        raise InputError(f"{table.path}：只有模板的示例行，没有要导入的数据行")
    _check_duplicates(rows, errors)
    if header_map.unknown:
        warnings.append(f"不认识的列，已忽略：{'、'.join(f'「{h}」' for h in header_map.unknown)}")
    units = _merge_units(rows, errors, warnings)
    _check_cycles(units, errors)
    if errors.lines:
        raise InputError(_report(table, errors.lines))
    return Registry(table, header_map, rows, units, warnings)


# The yellow example row of `govmon accounts template`: imported, it would register a
# made-up account of a made-up unit.
SAMPLE_ID = BY_KEY["platform_id"].example
_SAMPLE = (
    BY_KEY["unit"].example,
    parse_platform(BY_KEY["platform"].example),
    BY_KEY["name"].example,
    SAMPLE_ID,
)


def is_template_sample(row: RegistryRow) -> bool:
    """The template's example row, left in the file as it was."""
    return (row.unit, row.platform, row.name, row.platform_id) == _SAMPLE


def _report(table: RawTable, lines: list[str]) -> str:
    body = "\n".join(f"  - {line}" for line in lines)
    return f"{table.path} 有 {len(lines)} 处错误，未导入任何内容：\n{body}"


def _check_headers(table: RawTable, header_map: HeaderMap) -> None:
    problems: list[str] = []
    for column in header_map.missing_required():
        accepted = "、".join(f"「{n}」" for n in (column.header, *column.synonyms[:3]))
        problems.append(f"缺少必填列「{column.header}」（表头可写作 {accepted}）")
    for key, first, second in header_map.duplicates:
        problems.append(f"列「{first}」和「{second}」都表示「{BY_KEY[key].header}」，请只保留一列")
    if problems:
        where = f"第 {table.header_row} 行表头"
        raise InputError(_report(table, [f"{where}：{p}" for p in problems]))


def _parse_row(
    number: int, cells: list[object], header_map: HeaderMap, errors: _Errors
) -> RegistryRow | None:
    raw: dict[str, object] = {
        key: (cells[index] if index < len(cells) else None)
        for index, key in header_map.columns.items()
    }
    before = len(errors.lines)
    for key, value in raw.items():
        if isinstance(value, UncomputedFormula):
            errors.row(
                number,
                key,
                f"单元格 {value.coordinate} 是公式 {value.formula}，但文件里没有它的计算结果"
                "（文件由程序生成、未在 Excel 或 WPS 中打开保存过）；请在 Excel 或 WPS 中打开"
                "并保存后再导入，或把公式改成它的值",
            )
    if len(errors.lines) > before:
        return None  # the row's other cells may depend on it: nothing of it is read
    out: dict[str, Any] = {"row": number}

    def take(key: str, parse: Callable[[object], Any]) -> Any:
        try:
            return parse(raw.get(key))
        except ValueProblem as problem:
            errors.cell(number, key, raw.get(key), problem)
            return None

    for key in (
        "unit",
        "parent",
        "short_name",
        "name",
        "head",
        "deputy",
        "editor",
        "department",
        "staff",
        "operator",
    ):
        out[key] = values.normalise_name(raw.get(key))
    out["platform_id"] = cell_text(raw.get("platform_id"))
    for key in ("unit", "name", "platform_id"):
        if not out[key]:
            errors.row(number, key, "必填项为空")
    if _SCIENTIFIC.match(out["platform_id"]):
        errors.row(
            number,
            "platform_id",
            f"账号ID '{out['platform_id']}' 被 Excel 改写成了科学计数法，"
            "请把该列设为「文本」格式后重新填写",
        )

    platform_text = cell_text(raw.get("platform"))
    if not platform_text:
        errors.row(number, "platform", "必填项为空")
    else:
        code = parse_platform(platform_text)
        if code is None:
            errors.row(
                number, "platform", f"不认识的平台 '{platform_text}'（可用：{accepted_names()}）"
            )
        out["platform"] = code

    for key in ("opened_on", "filed_on", "closed_on", "closure_filed_on"):
        out[key] = take(key, values.parse_date)
    if not cell_text(raw.get("opened_on")):
        errors.row(number, "opened_on", "必填项为空")

    out["home_url"] = take("home_url", values.parse_url) or ""
    out["feed_url"] = take("feed_url", values.parse_url) or ""
    phone = take("phone", values.parse_phone)
    out["phone"], out["mobiles"] = phone if phone else ("", [])
    out["emails"] = take("emails", values.parse_emails) or []
    out["wecom_webhook"] = take("wecom_webhook", values.parse_wecom_webhook) or ""
    entrusted = take("entrusted", values.parse_bool)
    out["entrusted"] = bool(entrusted)
    out["superiors"] = take("superiors", values.parse_superiors) or []

    if len(errors.lines) > before:
        return None
    row = RegistryRow(**out)
    _check_row_logic(row, errors)
    if out["platform"] == "rss" and not row.feed_url and row.platform_id.startswith("http"):
        row.feed_url = row.platform_id  # a website filed by its feed address
    return row if len(errors.lines) == before else None


def _check_row_logic(row: RegistryRow, errors: _Errors) -> None:
    if row.parent and row.parent == row.unit:
        errors.row(row.row, "parent", f"单位「{row.unit}」不能是自己的上级单位")
    if row.closed_on and row.closed_on < row.opened_on:
        errors.row(row.row, "closed_on", f"注销日期 {row.closed_on} 早于开通日期 {row.opened_on}")
    if row.closure_filed_on and not row.closed_on:
        errors.row(row.row, "closure_filed_on", "填写了注销备案日期，但没有注销日期")
    if row.closure_filed_on and row.closed_on and row.closure_filed_on < row.closed_on:
        errors.row(
            row.row,
            "closure_filed_on",
            f"注销备案日期 {row.closure_filed_on} 早于注销日期 {row.closed_on}",
        )
    if row.key in row.superiors:
        errors.row(row.row, "superiors", "上级账号不能是本账号自己")


def _check_duplicates(rows: list[RegistryRow], errors: _Errors) -> None:
    first_seen: dict[str, int] = {}
    for row in rows:
        if row.key in first_seen:
            errors.row(
                row.row,
                "platform_id",
                f"账号 {platform_label(row.platform)}:{row.platform_id} 与第 {first_seen[row.key]} "
                "行重复（每个平台的每个账号只登记一行，备注3）",
            )
        else:
            first_seen[row.key] = row.row


def _merge_units(
    rows: list[RegistryRow], errors: _Errors, warnings: list[str]
) -> dict[str, UnitInfo]:
    units: dict[str, UnitInfo] = {}
    for row in rows:
        unit = units.setdefault(row.unit, UnitInfo(row.unit))
        unit.rows.append(row.row)
        if row.parent:
            if unit.parent and unit.parent != row.parent:
                errors.row(
                    row.row,
                    "parent",
                    f"单位「{row.unit}」的上级单位在第 {unit.parent_row} 行为「{unit.parent}」，"
                    f"此处为「{row.parent}」，请统一",
                )
            elif not unit.parent:
                unit.parent, unit.parent_row = row.parent, row.row
        for key in UNIT_PEOPLE:
            new = getattr(row, key)
            old = getattr(unit, key)
            if new and old and new != old and key != "phone":  # phones differ per account
                label = BY_KEY[key].header
                shown_old, shown_new = old, new
                if key == "wecom_webhook":
                    shown_old, shown_new = values.mask_webhook(old), values.mask_webhook(new)
                warnings.append(
                    f"单位「{row.unit}」的{label}前后不一致（「{shown_old}」→ 第 {row.row} 行"
                    f"「{shown_new}」），以最后一行为准"
                )
            if new:
                setattr(unit, key, new)
        unit.emails = list(dict.fromkeys([*unit.emails, *row.emails]))
        unit.mobiles = list(dict.fromkeys([*unit.mobiles, *row.mobiles]))
    return units


def _check_cycles(units: dict[str, UnitInfo], errors: _Errors) -> None:
    parents = {name: info.parent for name, info in units.items() if info.parent}
    for chain in find_cycles(parents):
        rows = sorted({units[name].parent_row for name in chain if name in units})
        path = " → ".join([*chain, chain[0]])
        errors.lines.append(
            f"第 {'、'.join(str(r) for r in rows)} 行「上级单位」：上级单位形成循环 {path}"
        )


def find_cycles(parents: dict[str, str]) -> list[list[str]]:
    """Each cycle in a child → parent map once, starting from its smallest name."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in sorted(parents):
        path: list[str] = []
        seen: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = parents.get(node)
        if node is not None and node in seen:
            cycle = path[seen[node] :]
            pivot = cycle.index(min(cycle))
            cycles.append(cycle[pivot:] + cycle[:pivot])
        done.update(path)
    return cycles
