"""The one table of labels people read: rule → 中文名 and 条款, severity, state, platform.

Every human output (CLI, alert messages, digest, workbook, web console) takes its words from
here, so a rule, severity or platform is never shown as its internal code and is shown the
same way everywhere. Codes stay for machines: JSON output, the database, settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analysis.platforms import platform_label

__all__ = [
    "CLOSURE_LABELS",
    "ROLE_LABELS",
    "RULES",
    "SEVERITY_LABELS",
    "STATE_LABELS",
    "UNSOLVED_CLOSURES",
    "RuleInfo",
    "account_label",
    "account_locator",
    "citation",
    "closure_label",
    "finding_state_label",
    "is_operator_rule",
    "platform_label",
    "role_label",
    "rule_article",
    "rule_title",
    "severity_label",
    "state_label",
]


@dataclass(frozen=True)
class RuleInfo:
    title: str
    article: str  # one citation style: "第六条", "第二十二、二十三条"
    urgent: bool = False
    # Operator rules say govmon could not see; they go to the operator, never to a unit as a
    # compliance fault (STYLE 18: absence of data is not evidence).
    operator: bool = False


RULES: dict[str, RuleInfo] = {
    "filing_overdue": RuleInfo("开通后逾期未备案", "第六条"),
    "roles_missing": RuleInfo("未明确负责人、总编辑或工作人员", "第七条"),
    "duplicate_platform_account": RuleInfo("同一平台重复开设账号", "第八条"),
    "name_unrelated": RuleInfo("账号名称与单位无明显关联", "第八条"),
    "closure_unfiled": RuleInfo("注销后逾期未备案", "第九条"),
    "account_gone": RuleInfo("账号在平台上已不存在", "第九条"),
    "stale_account": RuleInfo("长期未更新", "第十二条"),
    "confidential_marker": RuleInfo("疑似涉密内容", "第十三条", urgent=True),
    "missing_attribution": RuleInfo("转载未注明来源", "第十五条"),
    "unanswered_question": RuleInfo("网民提问未答复", "第十六条"),
    "superior_post_not_reposted": RuleInfo("未转发上级账号重要信息", "第十六条"),
    "hot_topic": RuleInfo("热点舆情", "第二十二条"),
    "rumour_unclarified": RuleInfo("谣言未澄清", "第二十二、二十三条", urgent=True),
    "negative_surge": RuleInfo("负面舆情激增", "第二十二、二十三条", urgent=True),
    "commercial_content": RuleInfo("发布商业广告内容", "第二十四条"),
    "harmful_comment": RuleInfo("评论区有害信息", "第二十五条", urgent=True),
    "collection_failing": RuleInfo("账号采集失败", "第二十二条", operator=True),
    "no_collector": RuleInfo("账号无法采集（缺少订阅地址）", "第二十二条", operator=True),
}

# One set of severity words across findings, alerts, digest and console.
SEVERITY_LABELS: dict[str, str] = {
    "info": "提醒",
    "warning": "预警",
    "overdue": "逾期",
    "critical": "紧急",
}

STATE_LABELS: dict[str, str] = {
    "open": "未解决",
    "acknowledged": "已确认",
    "resolved": "已解决",
    "unseen": "尚未出现",  # analysis.item_state: not yet seen at the moment asked about
    "closed": "已关闭",  # no longer tracked, but not solved: see CLOSURE_LABELS
    "dismissed": "已人工关闭",  # by a person in the web console (monitor/store/dismissals.py)
}

# Why a finding was closed without being solved: by the analysis (``data["closed_as"]``,
# state "closed") or by a person in the web console (state "dismissed"). Never "已解决".
# Closures that end govmon's watch, not the problem: the item still counts as open in the digest.
UNSOLVED_CLOSURES = frozenset({"expired", "aged_out"})
CLOSURE_LABELS: dict[str, str] = {
    "expired": "逾期未答复（已过追踪期）",
    "aged_out": "已超出检查期限，未见删除或修改",
    "deleted": "网民已删除",
    "false_positive": "误报",
    "answered_offline": "已线下答复",
}

ROLE_LABELS: dict[str, str] = {
    "admin": "厅办公室管理员",
    "unit": "单位用户",
    "viewer": "只读用户",
}


def rule_title(rule: str) -> str:
    """The Chinese name of a rule; an unknown rule keeps its code so nothing is hidden."""
    info = RULES.get(rule)
    return info.title if info else rule


def is_operator_rule(rule: str) -> bool:
    """Rules saying govmon could not see (STYLE 18): for the operator, never a unit's fault,
    never a penalty, criticism or compliance problem."""
    info = RULES.get(rule)
    return info is not None and info.operator


def rule_article(rule: str) -> str:
    info = RULES.get(rule)
    return info.article if info else ""


def citation(rule: str) -> str:
    """ "长期未更新（第十二条）": the name and the article a person reads together."""
    info = RULES.get(rule)
    return f"{info.title}（{info.article}）" if info else rule


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def finding_state_label(state: str, data: Mapping[str, object] | None = None) -> str:
    """A finding's state as a person reads it: a closed one says why it closed (it was not
    solved — never "已解决")."""
    closure = (data or {}).get("closed_as")
    if state == "closed" and isinstance(closure, str) and closure in CLOSURE_LABELS:
        return CLOSURE_LABELS[closure]
    return state_label(state)


def closure_label(kind: str) -> str:
    return CLOSURE_LABELS.get(kind, kind)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def account_label(name: str, platform: str) -> str:
    """An account as a person reads it in a list, a table or a message: "江东港航（微博）".
    A unit's accounts on several platforms often share one name; the platform tells them apart.
    A name that already says its platform ("江东公路网站") is shown as it is."""
    label = platform_label(platform)
    return name if label in name else f"{name}（{label}）"


def account_locator(name: str, account_key: str) -> str:
    """An account where a person must find it to act on it (a collection that fails):
    "江东交通（微博 账号ID 7310000001）" — the platform's own id, as the 备案登记表's 账号ID
    column has it, never the internal key "weibo:7310000001"."""
    platform, _, platform_id = account_key.partition(":")
    where = f"{platform_label(platform)} 账号ID {platform_id}" if platform_id else platform
    return f"{name}（{where}）" if name else where
