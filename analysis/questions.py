"""Which comments ask the account something (第十六条: answer netizens' questions promptly).

A transparent rule-based classifier over editable cue lists (config/wordlists/question_*.txt),
applied in this order — the first step that decides wins:

1. a comment that opens by @-mentioning (or ``回复@``) someone who is not an official account
   talks to another commenter → not a question to the account;
2. words addressing other commenters (楼上, 大家, 有人知道 …) → not to the account;
3. explicit requests (请问, 想问, 求解答, 同问, 在线等 …) → a question, with or without '?';
4. rhetorical questions, exclamations, musing, reported speech, sarcasm (难道, 凭什么, 不知道,
   问我, 说好的 …; ``^`` cues only at the start, ``>`` cues only after the question, i.e. a
   self-answered question) → not a question;
5. otherwise an interrogative form — '?', an interrogative word (怎么, 什么时候, 哪里, 是否 …),
   a clause-final 吗, or an A-not-A verb (封不封, 有没有) — makes it a question, unless the
   comment ends with an exclamation mark and has no question mark.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis.compliance.wordlists import load_terms, terms_fingerprint
from analysis.rule_settings import QuestionsSettings
from analysis.textmatch import WordMatcher

_MENTION = re.compile(r"^(?:回复)?@(?P<name>[^\s:：,，]+)[\s:：,，]*")
_EMOTICON = re.compile(r"\[[^\[\]]{1,8}\]")
# 吗 (or 么) closing a clause: "还封吗", "能走吗?", "是真的吗,群里说…"
_MA_END = re.compile(r"[吗么][啊呀呢哈]?(?=$|[?!,.;~。，\s])")
# A-not-A: 封不封, 堵不堵, 有没有, 是不是
_A_NOT_A = re.compile(r"(\w)[不没]\1")
_LE_MEI = re.compile(r"了没有?(?=$|[?!,.;~。，\s])")


def normalize(text: str) -> str:
    """NFKC (full-width ？！ → ?!), case-folded, whitespace collapsed, [表情] removed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_EMOTICON.sub("", folded).split())


@dataclass(frozen=True)
class QuestionCues:
    """The cue lists the classifier reads (see config/wordlists/question_*.txt)."""

    interrogatives: tuple[str, ...]
    requests: tuple[str, ...]
    to_others: tuple[str, ...]
    not_asking: tuple[str, ...]
    official_mentions: tuple[str, ...]

    @classmethod
    def load(cls, settings: QuestionsSettings | None = None) -> QuestionCues:
        """The lists named in settings, or the shipped ones."""
        s = settings or QuestionsSettings()
        return cls(
            interrogatives=tuple(load_terms(s.cues_wordlist, "question_cues.txt")),
            requests=tuple(load_terms(s.requests_wordlist, "question_requests.txt")),
            to_others=tuple(load_terms(s.to_others_wordlist, "question_to_others.txt")),
            not_asking=tuple(load_terms(s.not_asking_wordlist, "question_not_asking.txt")),
            official_mentions=tuple(
                load_terms(s.official_mention_wordlist, "official_mentions.txt")
            ),
        )

    def fingerprint(self) -> str:
        return terms_fingerprint(
            list(self.interrogatives),
            list(self.requests),
            list(self.to_others),
            list(self.not_asking),
            list(self.official_mentions),
        )


@dataclass(frozen=True)
class Verdict:
    asks: bool
    reason: str  # Chinese, for reviewers: which step decided


def _norm_terms(terms: Iterable[str]) -> list[str]:
    return [normalize(t) for t in terms if normalize(t)]


class QuestionClassifier:
    def __init__(self, cues: QuestionCues) -> None:
        self.cues = cues
        self.fingerprint = cues.fingerprint()
        self._interrogatives = WordMatcher(_norm_terms(cues.interrogatives))
        self._requests = WordMatcher(_norm_terms(cues.requests))
        self._to_others = WordMatcher(_norm_terms(cues.to_others))
        self._official = WordMatcher(_norm_terms(cues.official_mentions))
        anywhere, opening, after = [], [], []
        for term in cues.not_asking:
            if term.startswith("^"):
                opening.append(normalize(term[1:]))
            elif term.startswith(">"):
                after.append(normalize(term[1:]))
            else:
                anywhere.append(normalize(term))
        self._not_asking = WordMatcher(t for t in anywhere if t)
        self._openers = tuple(t for t in opening if t)
        self._answers = WordMatcher(t for t in after if t)

    @classmethod
    def default(cls) -> QuestionClassifier:
        return cls(QuestionCues.load())

    def explain(self, text: str, account_names: Sequence[str] = ()) -> Verdict:
        t = normalize(text)
        if not t:
            return Verdict(False, "空评论")
        mention = _MENTION.match(t)
        if mention:
            name = mention.group("name")
            to_account = name in self._official or any(
                normalize(a) == name for a in account_names if a
            )
            if not to_account:
                return Verdict(False, f"@{name}：对其他网民说话")
            t = t[mention.end() :]
        if found := self._to_others.find(t):
            return Verdict(False, f"问其他网民（{found[0]}）")
        if found := self._requests.find(t):
            return Verdict(True, f"明确提问（{found[0]}）")
        if found := self._not_asking.find(t):
            return Verdict(False, f"像问非问（{found[0]}）")
        for opener in self._openers:
            if t.startswith(opener):
                return Verdict(False, f"感叹开头（{opener}）")
        first = self._first_question_at(t)
        if first is None:
            return Verdict(False, "没有疑问形式")
        for start, _end, term in self._answers.spans(t):
            if start > first:
                return Verdict(False, f"自问自答（{term}）")
        if t.rstrip("~.。 ").endswith("!") and "?" not in t:
            return Verdict(False, "感叹句")
        return Verdict(True, "疑问句")

    def _first_question_at(self, t: str) -> int | None:
        positions: list[int] = []
        if "?" in t:
            positions.append(t.index("?"))
        spans = self._interrogatives.spans(t)
        if spans:
            positions.append(min(s for s, _e, _t in spans))
        for pattern in (_MA_END, _A_NOT_A, _LE_MEI):
            match = pattern.search(t)
            if match:
                positions.append(match.start())
        return min(positions) if positions else None

    def is_question(self, text: str, account_names: Sequence[str] = ()) -> bool:
        return self.explain(text, account_names).asks

    def classify(self, texts: Iterable[str]) -> list[bool]:
        return [self.explain(t).asks for t in texts]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    tn: int


def score(predicted: Sequence[bool], labels: Sequence[bool]) -> Scores:
    """Precision and recall of ``predicted`` against ``labels`` (True = asks the account)."""
    if len(predicted) != len(labels):
        raise ValueError("predicted and labels differ in length")
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    tn = len(labels) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp, fp, fn, tn)
