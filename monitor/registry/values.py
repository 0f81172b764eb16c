"""Cell values of the 备案登记表: dates, yes/no, e-mail lists, phones, superior accounts.

Each parser takes the raw cell (text from a CSV, or a typed value from an .xlsx) and returns
the parsed value or raises :class:`ValueProblem` with a Chinese explanation of what is
expected; the validator adds the row, the column and the value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

from analysis.platforms import accepted_names, parse_platform


class ValueProblem(ValueError):
    """A cell that cannot be read: what is wrong and, apart, what is expected (Chinese).

    ``shown`` replaces the cell in the message when only a part of it is wrong (one bad
    address in a list) or when the cell must not be echoed (a webhook key).
    """

    def __init__(self, what: str, hint: str = "", shown: str | None = None) -> None:
        super().__init__(what + hint)
        self.what = what
        self.hint = hint
        self.shown = shown


DATE_FORMS = "2026-03-05、2026/3/5、2026.3.5、2026年3月5日"

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATETIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system, leap-year bug included
# Serial numbers outside 1990–2100 are far more likely a typo than a date.
_SERIAL_MIN = (dt.date(1990, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (dt.date(2100, 12, 31) - _EXCEL_EPOCH).days


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious '.0', full-width spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def parse_date(value: object) -> dt.date | None:
    """A date from any of the accepted forms, an Excel date cell or serial number; None if blank."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    text = _DATETIME_TAIL.sub("", text)  # "2026-03-05 00:00:00" exported by some tools
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValueProblem("不存在的日期", f"（应为 {DATE_FORMS} 等）") from None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text))
    raise ValueProblem("无法识别的日期", f"（应为 {DATE_FORMS} 等）")


def _from_serial(serial: float) -> dt.date:
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise ValueProblem("无法识别的日期", f"（应为 {DATE_FORMS} 等，或 Excel 日期）")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


_TRUE = {"是", "y", "yes", "true", "1", "√", "委托"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "不委托"}


def parse_bool(value: object) -> bool | None:
    """是/否, Y/N, true/false (any case), 1/0; None if blank."""
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().casefold()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem("无法识别的是/否", "（应为 是 或 否，也可写 Y/N、true/false）")


_LIST_SPLIT = re.compile(r"[,，;；、\s]+")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")


def parse_emails(value: object) -> list[str]:
    """One or more addresses separated by commas, semicolons, 、 or spaces."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    found: list[str] = []
    bad: list[str] = []
    for part in _LIST_SPLIT.split(text):
        if not part:
            continue
        (found if _EMAIL.match(part) else bad).append(part)
    if bad:
        raise ValueProblem("不是有效的邮箱地址", "（多个地址用逗号或分号分隔）", "、".join(bad))
    return list(dict.fromkeys(found))


_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_PHONE_CHARS = re.compile(r"^[0-9+\-()（）\s,，;；、/转ext.]+$")


def parse_phone(value: object) -> tuple[str, list[str]]:
    """The phone text as written, and the mobile numbers in it (for WeCom @-mentions)."""
    text = cell_text(value)
    if not text:
        return "", []
    if not _PHONE_CHARS.match(unicodedata.normalize("NFKC", text)):
        raise ValueProblem("不是电话号码", "（固定电话或手机，多个用逗号分隔）")
    return text, list(dict.fromkeys(_MOBILE.findall(text.replace("-", "").replace(" ", ""))))


def parse_url(value: object) -> str:
    text = cell_text(value)
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueProblem("不是网址", "（应以 http:// 或 https:// 开头）")
    return text


_WECOM_KEY = re.compile(r"^[0-9A-Za-z-]{16,64}$")


def parse_wecom_webhook(value: object) -> str:
    """The group bot's webhook URL (or wecom://KEY, or the bare key) → a URL or wecom://KEY."""
    text = cell_text(value)
    if not text:
        return ""
    if text.startswith("wecom://"):
        key = text.removeprefix("wecom://").strip("/")
    elif text.startswith(("http://", "https://")):
        keys = parse_qs(urlsplit(text).query).get("key", [])
        key = keys[0] if keys else ""
    else:
        key = text
    if not _WECOM_KEY.match(key):
        raise ValueProblem(
            "不是企业微信群机器人的 Webhook 地址",
            "（应为 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…）",
            mask_webhook(text) if text.startswith(("http", "wecom")) else "***",
        )
    return text if text.startswith(("http://", "https://", "wecom://")) else f"wecom://{key}"


def mask_webhook(value: str) -> str:
    """A webhook shown without its key: the key is a secret."""
    if not value:
        return ""
    if value.startswith("wecom://"):
        return "wecom://***"
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?key=***"


_SUPERIOR_SPLIT = re.compile(r"[;；\n]+")


def parse_superiors(value: object) -> list[str]:
    """'平台:账号ID' entries separated by ；or ; → account keys 'weibo:123'."""
    text = cell_text(value)
    keys: list[str] = []
    for raw in _SUPERIOR_SPLIT.split(text):
        entry = raw.strip()
        if not entry:
            continue
        platform_text, sep, platform_id = entry.replace("：", ":").partition(":")
        if not sep or not platform_id.strip():
            raise ValueProblem("上级账号格式不对", "（应写成 平台:账号ID，多个用分号分隔）", entry)
        code = parse_platform(platform_text)
        if code is None:
            raise ValueProblem(
                "上级账号的平台不认识", f"（可用：{accepted_names()}）", platform_text.strip()
            )
        keys.append(f"{code}:{platform_id.strip()}")
    return list(dict.fromkeys(keys))


def normalise_name(value: object) -> str:
    """A unit or account name: NFKC-normalised (full-width letters, brackets), spaces collapsed."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    return " ".join(text.split())
