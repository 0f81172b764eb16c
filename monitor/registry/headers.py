"""The columns of the 备案登记表: canonical fields, accepted header variants, header matching.

Forms differ a little from office to office, so each field accepts common synonyms, and a
header cell is normalised (spaces, full-width brackets, a trailing required-mark '*') before
it is matched. What was read as what is reported back to the user.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str  # attribute name in RegistryRow
    header: str  # the canonical Chinese header (the name)
    required: bool = False
    synonyms: tuple[str, ...] = ()
    note: str = ""  # shown as the template's cell comment
    example: str = ""  # the template's sample row
    width: int = 14  # template column width


COLUMNS: tuple[Column, ...] = (
    Column(
        "unit",
        "单位名称",
        True,
        ("开设单位", "主办单位", "服务主体", "单位", "单位全称", "开办单位", "账号主体"),
        "开设账号的单位全称（第六条）。同一单位的多行须写法一致。",
        "江南省高速公路管理局",
        24,
    ),
    Column(
        "parent",
        "上级单位",
        False,
        ("主管单位", "上级主管单位", "上级单位名称"),
        "上级单位全称；厅机关留空。未单独登记的上级单位会自动建立。",
        "江南省交通运输厅",
        20,
    ),
    Column(
        "short_name",
        "单位简称",
        False,
        ("简称",),
        "单位的规范简称，用于核对账号名称与单位的关联（第八条）。",
        "省高速局",
        12,
    ),
    Column(
        "platform",
        "平台",
        True,
        ("平台类型", "服务类型", "新媒体类型", "平台名称", "账号类型", "新媒体平台"),
        "微博、微信公众号、抖音、今日头条（头条）、哔哩哔哩（B站）、快手、微信视频号（视频号）、"
        "企鹅号、网站（RSS），或其英文代码；也可用信息报送系统的写法（微博法人账号、微信公众账号等）。",
        "微博",
        12,
    ),
    Column(
        "name",
        "账号名称",
        True,
        ("账号", "账号名", "账号昵称", "新媒体名称"),
        "平台上显示的账号名称（第八条：应与本单位名称和职责明确关联）。",
        "江南高速",
        18,
    ),
    Column(
        "platform_id",
        "账号ID",
        True,
        ("账号id", "UID", "用户ID", "平台账号ID", "原始ID", "账号编号"),
        "平台上的唯一标识：微博 UID、公众号原始 ID、网站填 RSS 地址等。请设为文本格式。",
        "6012345678",
        16,
    ),
    Column(
        "home_url",
        "主页链接",
        False,
        ("主页地址", "主页", "账号链接", "网址", "链接"),
        "账号主页或网站首页地址，以 http:// 或 https:// 开头。",
        "https://weibo.com/u/6012345678",
        30,
    ),
    Column(
        "feed_url",
        "订阅地址",
        False,
        ("RSS地址", "RSS", "订阅链接", "Feed"),
        "RSS/Atom 订阅地址（网站或 RSSHub 路由），用于采集。",
        "",
        30,
    ),
    Column(
        "opened_on",
        "开通日期",
        True,
        ("开通时间", "开设时间", "注册时间", "开设日期", "注册日期"),
        "注册开通的日期，如 2026-03-05、2026/3/5、2026年3月5日（第六条）。",
        "2026-03-02",
        12,
    ),
    Column(
        "filed_on",
        "备案日期",
        False,
        ("备案时间",),
        "向厅办公室备案的日期；应在开通后 5 个工作日内（第六条）。",
        "2026-03-05",
        12,
    ),
    Column(
        "closed_on",
        "注销日期",
        False,
        ("注销时间", "关闭日期", "关停日期"),
        "账号注销（关闭）的日期；在用账号留空（第九条）。",
        "",
        12,
    ),
    Column(
        "closure_filed_on",
        "注销备案日期",
        False,
        ("注销备案时间",),
        "注销后向厅办公室备案的日期；应在注销后 5 个工作日内（第九条）。",
        "",
        14,
    ),
    Column(
        "head",
        "主要负责人",
        False,
        ("单位主要负责人",),
        "单位主要负责人姓名（第七条）。",
        "王建国",
        12,
    ),
    Column(
        "deputy",
        "分管负责人",
        False,
        ("分管领导", "分管负责同志"),
        "分管新媒体工作的负责人姓名（第七条）。",
        "李卫东",
        12,
    ),
    Column("editor", "总编辑", False, (), "负责审核把关的总编辑姓名（第七条）。", "张敏", 12),
    Column(
        "department",
        "管理部门",
        False,
        ("责任部门", "管理科室", "运维部门"),
        "负责账号运营维护的部门（第七条）。",
        "办公室",
        14,
    ),
    Column(
        "staff",
        "工作人员",
        False,
        ("联系人", "管理人员", "运维人员", "经办人"),
        "负责内容发布的 1–2 名工作人员（第七条），多人用顿号分隔。",
        "赵小燕",
        14,
    ),
    Column(
        "phone",
        "联系电话",
        False,
        ("电话", "手机", "手机号码", "联系方式"),
        "固定电话或手机；手机号用于企业微信机器人 @ 提醒。多个用逗号分隔。",
        "13800000000",
        16,
    ),
    Column(
        "emails",
        "联系邮箱",
        False,
        ("邮箱", "电子邮箱", "Email", "E-mail"),
        "接收提醒与周报的邮箱，可填多个，用逗号或分号分隔。",
        "xinmeiti@example.gov.cn",
        24,
    ),
    Column(
        "wecom_webhook",
        "企业微信机器人",
        False,
        ("企业微信群机器人", "企微机器人", "机器人地址"),
        "企业微信群机器人的 Webhook 地址（含 key），用于推送提醒。",
        "",
        30,
    ),
    Column(
        "entrusted",
        "是否委托运营",
        False,
        ("委托运营",),
        "是/否（备注4）。",
        "否",
        12,
    ),
    Column(
        "operator",
        "实际运营单位",
        False,
        ("运营单位", "代运营单位"),
        "委托运营时填写实际运营单位（备注4）。",
        "",
        18,
    ),
    Column(
        "superiors",
        "上级账号",
        False,
        ("上级账号ID", "需转发的上级账号"),
        "须转发其重要信息的上级账号，写成 平台:账号ID，多个用分号分隔（第十六条）。",
        "微博:5012345678",
        20,
    ),
)

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}

# Columns many forms carry that hold nothing the registry needs: ignored without a warning.
IGNORED_HEADERS = frozenset({"序号", "编号", "备注", "说明"})

_BRACKETED = re.compile(r"\([^()]*\)$")


def normalise_header(text: object) -> str:
    """A header cell as matched: NFKC (full-width → ASCII), no spaces, no '*' marks, casefolded."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text))
    value = "".join(value.split()).strip("*")
    return value.casefold()


def _variants(text: str) -> list[str]:
    # "开通日期(必填)" or "平台(微博/微信…)": try the cell as it is, then without its note.
    base = normalise_header(text)
    stripped = _BRACKETED.sub("", base).strip("*")
    return [base] if stripped == base or not stripped else [base, stripped]


_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.synonyms):
        _LOOKUP[normalise_header(_name)] = _column.key


def match_header(text: object) -> str | None:
    """The field key a header cell names, or None."""
    for variant in _variants(str(text or "")):
        if variant in _LOOKUP:
            return _LOOKUP[variant]
    return None


def is_ignored_header(text: object) -> bool:
    return any(v in IGNORED_HEADERS for v in _variants(str(text or "")))


@dataclass
class HeaderMap:
    """Which column of the file is which field, and what did not fit."""

    columns: dict[int, str] = field(default_factory=dict)  # column index → field key
    headers: dict[str, str] = field(default_factory=dict)  # field key → header as in the file
    unknown: list[str] = field(default_factory=list)  # headers named in a warning
    ignored: list[str] = field(default_factory=list)  # known-useless headers (序号 …)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (key, first, second)

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.headers)

    def missing_required(self) -> list[Column]:
        return [c for c in COLUMNS if c.required and c.key not in self.headers]

    def synonyms_used(self) -> list[tuple[str, str]]:
        """(header as in the file, canonical header) where they differ."""
        return [
            (shown, BY_KEY[key].header)
            for key, shown in self.headers.items()
            if normalise_header(shown) != normalise_header(BY_KEY[key].header)
        ]


# A bare "账号" is the account's name on most forms, but its ID on those of the national
# 政务新媒体信息报送系统, which carry 账号名称 beside it: it takes the first of these fields that no
# other column names.
AMBIGUOUS: dict[str, tuple[str, ...]] = {normalise_header("账号"): ("name", "platform_id")}


def _ambiguous(text: str) -> tuple[str, ...]:
    for variant in _variants(text):
        if variant in AMBIGUOUS:
            return AMBIGUOUS[variant]
    return ()


def map_headers(cells: list[object]) -> HeaderMap:
    result = HeaderMap()
    deferred: list[tuple[int, str, tuple[str, ...]]] = []
    for index, cell in enumerate(cells):
        shown = "" if cell is None else str(cell).strip()
        if not shown:
            continue
        choices = _ambiguous(shown)
        if choices:
            deferred.append((index, shown, choices))
            continue
        key = match_header(shown)
        if key is None:
            (result.ignored if is_ignored_header(shown) else result.unknown).append(shown)
        elif key in result.headers:
            result.duplicates.append((key, result.headers[key], shown))
        else:
            result.columns[index] = key
            result.headers[key] = shown
    for index, shown, choices in deferred:
        key = next((k for k in choices if k not in result.headers), None)
        if key is None:
            result.duplicates.append((choices[0], result.headers[choices[0]], shown))
        else:
            result.columns[index] = key
            result.headers[key] = shown
    # In the order of the file, as the import summary lists them.
    result.columns = dict(sorted(result.columns.items()))
    result.headers = {key: result.headers[key] for key in result.columns.values()}
    return result


def score_header_row(cells: list[object]) -> int:
    """How many known fields a row names: used to find the header row under a title row."""
    return len({k for k in (match_header(c) for c in cells if c not in (None, "")) if k})
