"""Reading the 备案登记表 file into rows of raw cells: .xlsx, or .csv in UTF-8 / BOM / GBK.

Many forms carry a title row ("XX单位政务新媒体备案登记表") above the headers: the header row
is the first of the top rows that names at least two known fields. Row numbers are the ones
the user sees in Excel or a text editor (the header row of a plain CSV is row 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from analysis.formula_guard import unguard_formula
from monitor.errors import InputError
from monitor.registry.headers import score_header_row

_HEADER_SEARCH_ROWS = 10


@dataclass
class RawTable:
    path: Path
    source: str  # "UTF-8", "UTF-8（带 BOM）", "GBK", "Excel 工作表「…」"
    header_row: int
    headers: list[object]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


def read_table(path: Path) -> RawTable:
    if not path.exists():
        raise InputError(f"找不到文件 {path}")
    if path.is_dir():
        raise InputError(f"{path} 是目录，请给出备案登记表文件（.xlsx 或 .csv）")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix in (".xls", ".et", ".wps"):
        raise InputError(
            f"{path} 是旧版表格格式，请在 Excel 或 WPS 中另存为 .xlsx 或 .csv 后再导入"
        )
    raise InputError(f"{path}：不支持的文件类型 {suffix or '（无扩展名）'}，请使用 .xlsx 或 .csv")


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Text and the name of its encoding: UTF-8 with BOM, UTF-8, else GBK (read as GB18030)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8（带 BOM）"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK: what Excel on a Chinese Windows writes as "CSV".
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise InputError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV") from None


def _read_csv(path: Path) -> RawTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    try:
        text, encoding = decode_csv_bytes(data)
    except InputError as exc:
        raise InputError(f"{path}：{exc.message}") from None
    # The header line holds no separators of its own, so it tells comma from tab reliably
    # (a sniffer guesses ';' from the 上级账号 and 联系邮箱 cells).
    first = next((line for line in text.splitlines() if line.strip()), "")
    dialect = csv.excel_tab if first.count("\t") > first.count(",") else csv.excel
    try:
        # csv counts physical lines, so a quoted cell spanning lines keeps later numbers right.
        # A cell guarded against formulas (`accounts list --format csv`) reads back as written.
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        records: list[tuple[int, list[object]]] = []
        line = 1
        for record in reader:
            records.append((line, [unguard_formula(cell) for cell in record]))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{path} 不是有效的 CSV：{exc}") from None
    return _assemble(path, encoding, records)


@dataclass(frozen=True)
class UncomputedFormula:
    """A formula cell whose result the file does not hold.

    Excel and WPS save each formula's last result beside it; a file written by a program and
    never opened in a spreadsheet has the formula only, which reads as an empty cell. Read
    that way it would blank the stored value; the validator refuses it, naming the cell.
    """

    coordinate: str  # "E5"
    formula: str

    def __str__(self) -> str:
        return self.formula


def _read_xlsx(path: Path) -> RawTable:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"无法打开 Excel 文件 {path}：文件已损坏或不是 .xlsx（{exc}）") from None
    try:
        best: RawTable | None = None
        for sheet, written in zip(workbook.worksheets, formulas.worksheets, strict=True):
            records = [
                (number, _with_formulas(number, list(values), list(as_written)))
                for number, (values, as_written) in enumerate(
                    zip(
                        sheet.iter_rows(values_only=True),
                        written.iter_rows(values_only=True),
                        strict=False,
                    ),
                    start=1,
                )
            ]
            try:
                table = _assemble(path, f"Excel 工作表「{sheet.title}」", records)
            except InputError:
                continue
            if best is None or score_header_row(table.headers) > score_header_row(best.headers):
                best = table
    finally:
        workbook.close()
        formulas.close()
    if best is None:
        raise InputError(f"{path}：没有找到表头行（应含「单位名称」「平台」「账号名称」等列）")
    return best


def _with_formulas(number: int, values: list[object], written: list[object]) -> list[object]:
    """The row's values, with :class:`UncomputedFormula` where only a formula was saved."""
    from openpyxl.utils import get_column_letter

    cells = list(values)
    for index, source in enumerate(written):
        formula = getattr(source, "text", source)  # an array formula keeps its text apart
        if not (isinstance(formula, str) and formula.startswith("=")):
            continue
        value = cells[index] if index < len(cells) else None
        if value is None or value == "":
            while len(cells) <= index:
                cells.append(None)
            cells[index] = UncomputedFormula(f"{get_column_letter(index + 1)}{number}", formula)
    return cells


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _assemble(path: Path, source: str, records: list[tuple[int, list[object]]]) -> RawTable:
    records = [(n, cells) for n, cells in records if not all(_blank(c) for c in cells)]
    if not records:
        raise InputError(f"{path} 是空文件，没有表头和数据")
    header_at = 0
    for index, (_number, cells) in enumerate(records[:_HEADER_SEARCH_ROWS]):
        if score_header_row(cells) >= 2:
            header_at = index
            break
    number, headers = records[header_at]
    while headers and _blank(headers[-1]):
        headers = headers[:-1]
    return RawTable(path, source, number, headers, records[header_at + 1 :])
