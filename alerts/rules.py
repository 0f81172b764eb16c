"""The rules alerts know by name: Chinese titles, articles, and which are urgent by default.

A rule named in ``[alerts] rules`` must be listed here, so that a typo is refused instead of
silently configuring nothing. A rule not listed still alerts, under its own id as title.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    title: str
    article: str
    urgent: bool = False


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
    "unanswered_question": RuleInfo("网民提问未回复", "第十六条"),
    "superior_post_not_reposted": RuleInfo("未转发上级账号重要信息", "第十六条"),
    "hot_topic": RuleInfo("热点舆情", "第二十二条"),
    "rumour_unclarified": RuleInfo("谣言未澄清", "第二十二、二十三条", urgent=True),
    "negative_surge": RuleInfo("负面舆情激增", "第二十二、二十三条", urgent=True),
    "commercial_content": RuleInfo("发布商业广告内容", "第二十四条"),
    "harmful_comment": RuleInfo("评论区有害信息", "第二十五条", urgent=True),
}

URGENT_BY_DEFAULT = frozenset(name for name, info in RULES.items() if info.urgent)


def rule_title(rule: str) -> str:
    info = RULES.get(rule)
    return info.title if info else rule
