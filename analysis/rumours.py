"""Rumours (第二十二、二十三条): claims circulating in posts and comments, and their clarification.

A text that passes on hearsay (网传, 听说, 据说, 是真的吗, 求辟谣 …) is a mention; mentions
sharing most of their key terms are one claim. A claim is clarified when an account of the
unit concerned — the unit whose posts the claim circulates under — or of its parent posts a
text with a clarification cue (辟谣, 不实, 澄清, 情况说明, 通报 …) holding the claim's key
terms. An account of another unit does not clarify it. An unclarified claim with enough
mentions is a ``rumour_unclarified`` finding; :func:`clarified_claims` names those that
monitor may resolve.

STYLE 18 (absence of data is not evidence): when an account that could clarify a claim was
not read (``blind``, from analysis.collection_gaps), govmon cannot know whether it posted a
clarification. Such a claim gets no new finding, and an open one is carried as it was
(:func:`carried_rumour_keys`), neither resolved nor refreshed, as the silence rules are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from analysis.findings import Evidence, Finding, make_key
from analysis.rumour_cues import RumourCues, load_rumour_cues
from analysis.rumour_score import rumour_score
from analysis.segment import Segmenter, load_segmenter
from analysis.topics.settings import RumoursSettings
from analysis.topics.texts import texts_between

RULE = "rumour_unclarified"
ARTICLES = "第二十二、二十三条"  # one citation style (analysis.labels)
CLAIM_CHARS = 120
EXAMPLE_CHARS = 200
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
# A claim found again keeps a previous key when their core terms overlap this much.
SAME_CLAIM_OVERLAP = 0.5


@dataclass(frozen=True)
class RumourClaim:
    key: str  # the finding's dedup key
    claim: str  # the claim as first seen (the sentence around the cue)
    key_terms: tuple[str, ...]  # the claim's terms, most mentioned first
    core_terms: tuple[str, ...]  # the first mention's terms: what the key is made of
    volume: int  # mentions
    authors: int  # distinct people mentioning it
    accounts: tuple[str, ...]  # monitored accounts under whose posts it circulates
    unit: str | None  # the unit concerned
    unit_id: int | None
    first_seen: dt.datetime
    last_seen: dt.datetime
    examples: tuple[Evidence, ...]
    score: float  # cue score of the first mention with the later ones as reactions
    clarified: bool = False
    clarification_url: str = ""
    clarification_at: dt.datetime | None = None
    clarification_text: str = ""
    clarification_account: str = ""
    mention_ids: tuple[str, ...] = field(default=(), repr=False)
    # Keys of the accounts that could clarify it but were not read (only when unclarified):
    # whether it was clarified is then unknown (STYLE 18).
    unread: tuple[str, ...] = ()


@dataclass
class _Mention:
    row: int
    sentence: str
    terms: list[str]


@dataclass
class _Group:
    core: set[str]
    core_terms: list[str]
    mentions: list[_Mention] = field(default_factory=list)


def claim_sentence(text: str, cues: RumourCues) -> str:
    """The sentence holding the first rumour cue, with the next one when it is too short."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    for i, sentence in enumerate(sentences):
        found = cues.rumour.find(sentence)
        if not found:
            continue
        rest = sentence
        for cue in found:
            rest = rest.replace(cue, "")
        if len(re.sub(r"\W", "", rest)) < 6 and i + 1 < len(sentences):
            return f"{sentence}{sentences[i + 1]}"[:CLAIM_CHARS]
        return sentence[:CLAIM_CHARS]
    return text.strip()[:CLAIM_CHARS]


def claim_terms(sentence: str, cues: RumourCues, segmenter: Segmenter, limit: int) -> list[str]:
    """Content terms of a claim sentence without the cue words, in order, distinct."""
    cue_words = set(cues.rumour.terms) | set(cues.clarification.terms) | set(cues.doubt.terms)
    out: list[str] = []
    for term in segmenter.terms(sentence):
        if term in out or any(term in cue for cue in cue_words):
            continue
        out.append(term)
    return out[:limit]


def _overlap(a: set[str], b: set[str]) -> tuple[float, int]:
    shared = len(a & b)
    smaller = min(len(a), len(b))
    return (shared / smaller if smaller else 0.0), shared


def _group(mentions: list[_Mention], threshold: float) -> list[_Group]:
    """Mentions in time order join the first group whose core they overlap enough."""
    groups: list[_Group] = []
    for mention in mentions:
        terms = set(mention.terms)
        best: tuple[float, int] | None = None
        for index, group in enumerate(groups):
            ratio, shared = _overlap(terms, group.core)
            close = ratio >= threshold and shared >= min(2, len(terms), len(group.core))
            if close and (best is None or ratio > best[0]):
                best = (ratio, index)
        if best is None:
            groups.append(_Group(terms, list(mention.terms), [mention]))
        else:
            groups[best[1]].mentions.append(mention)
    return groups


def _unit_chain(unit_id: int | None, units: pd.DataFrame | None, ancestors: bool) -> set[int]:
    """The unit and its parent (or every ancestor up to the 厅) whose accounts may clarify."""
    if unit_id is None:
        return set()
    allowed = {unit_id}
    if units is None or units.empty:
        return allowed
    parents = {
        int(u): (None if pd.isna(p) else int(p))
        for u, p in zip(units["unit_id"], units["parent_id"], strict=False)
    }
    current: int | None = parents.get(unit_id)
    while current is not None and current not in allowed:
        allowed.add(current)
        if not ancestors:
            break
        current = parents.get(current)
    return allowed


def _unread_clarifiers(
    allowed: set[int], keys_by_unit: Mapping[int, Collection[str]], blind: Collection[str]
) -> tuple[str, ...]:
    """The accounts of the units that may clarify a claim which govmon could not read."""
    return tuple(sorted(k for u in allowed for k in keys_by_unit.get(u, ()) if k in blind))


def _keys_by_unit(accounts: pd.DataFrame) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for unit_id, key in zip(accounts["unit_id"], accounts["account_key"], strict=False):
        if not pd.isna(unit_id):
            out.setdefault(int(unit_id), []).append(str(key))
    return out


def claim_key(
    unit_id: int | None, core: Sequence[str], previous: Mapping[str, Sequence[str]]
) -> str:
    """A previous open claim's key when the core terms overlap, else unit + sorted core terms."""
    words = set(core)
    best: tuple[float, str] | None = None
    for key, old in sorted(previous.items()):
        ratio, _shared = _overlap(words, set(old))
        if ratio >= SAME_CLAIM_OVERLAP and (best is None or ratio > best[0]):
            best = (ratio, key)
    if best is not None:
        return best[1]
    return make_key(RULE, unit_id if unit_id is not None else "-", "+".join(sorted(core)[:4]))


def _at(value: object) -> dt.datetime:
    return cast(pd.Timestamp, value).to_pydatetime()


def find_rumours(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    accounts: pd.DataFrame,
    now: dt.datetime,
    settings: RumoursSettings | None = None,
    *,
    units: pd.DataFrame | None = None,
    cues: RumourCues | None = None,
    segmenter: Segmenter | None = None,
    previous: Mapping[str, Sequence[str]] | None = None,
    blind: Collection[str] = frozenset(),
) -> list[RumourClaim]:
    """Claims first seen in the last ``lookback_days`` with enough mentions, largest first.

    ``units`` (columns of ``analysis.frames.UNITS``) lets the parent unit's accounts clarify;
    without it only the unit concerned does. ``previous`` maps the dedup keys of open claims to
    their core terms, so a claim found again keeps its key. ``blind``: keys of the accounts
    govmon could not read; an unclarified claim one of them could have clarified is marked
    ``unread``.
    """
    settings = settings or RumoursSettings()
    cues = cues or load_rumour_cues(settings)
    segmenter = segmenter or load_segmenter()
    start = now - dt.timedelta(days=settings.lookback_days)
    lookback = dt.timedelta(hours=settings.clarification_lookback_hours)
    texts = texts_between(posts, comments, accounts, start - lookback, now)
    if texts.empty:
        return []
    split = pd.Timestamp(start).tz_convert("UTC")
    official = texts["is_official"].astype(bool).to_numpy()
    # Compared as a column: walking a datetime column makes a Timestamp of every text.
    recent = (texts["at"] >= split).to_numpy(dtype=bool)
    strings = texts["text"].tolist()
    mentions: list[_Mention] = []
    for row, (text, is_recent, is_official) in enumerate(
        zip(strings, recent.tolist(), official.tolist(), strict=True)
    ):
        if is_official or not is_recent or not cues.rumour.find(text):
            continue
        sentence = claim_sentence(text, cues)
        terms = claim_terms(sentence, cues, segmenter, settings.max_key_terms)
        if terms:
            mentions.append(_Mention(row, sentence, terms))

    unit_of = {
        a: (None if pd.isna(u) else int(u))
        for a, u in zip(accounts["account_id"], accounts["unit_id"], strict=False)
    }
    unit_names = {
        int(u): str(n)
        for u, n in zip(accounts["unit_id"], accounts["unit"], strict=False)
        if not pd.isna(u)
    }
    if units is not None and not units.empty:
        unit_names.update(
            {int(u): str(n) for u, n in zip(units["unit_id"], units["name"], strict=False)}
        )
    account_keys = dict(zip(accounts["account_id"], accounts["account_key"], strict=False))
    keys_by_unit = _keys_by_unit(accounts) if blind else {}
    clarifiers = [
        row
        for row in np.flatnonzero(official).tolist()
        if cues.clarification.find(str(strings[row]))
    ]

    claims: list[RumourClaim] = []
    for group in _group(mentions, settings.group_threshold):
        rows = [m.row for m in group.mentions]
        chosen = texts.iloc[rows]
        volume = len(rows)
        authors = chosen["author"].nunique()
        if volume < settings.min_volume or authors < settings.min_authors:
            continue
        counted = Counter(t for m in group.mentions for t in m.terms)
        order = {
            t: i for i, t in enumerate(dict.fromkeys(t for m in group.mentions for t in m.terms))
        }
        key_terms = sorted(counted, key=lambda t: (-counted[t], order[t]))[: settings.max_key_terms]
        unit_counts = Counter(unit_of.get(a) for a in chosen["account_id"])
        unit_counts.pop(None, None)
        unit_id = min(unit_counts, key=lambda u: (-unit_counts[u], u)) if unit_counts else None
        first_seen = _at(chosen["at"].iat[0])
        allowed = _unit_chain(unit_id, units, settings.include_ancestor_units)
        needed = min(settings.min_shared_terms, len(key_terms))
        clarification: int | None = None
        not_before = first_seen - lookback
        for row in clarifiers:
            if _at(texts["at"].iat[row]) < not_before:
                continue
            if unit_of.get(texts["account_id"].iat[row]) not in allowed:
                continue
            text = str(texts["text"].iat[row])
            if sum(1 for t in key_terms if t in text) >= needed:
                clarification = row
                break
        examples = tuple(
            Evidence(
                str(chosen["text"].iat[i]).strip()[:EXAMPLE_CHARS],
                str(chosen["url"].iat[i]),
                _at(chosen["at"].iat[i]),
            )
            for i in range(min(3, volume))
        )
        mention_texts = [str(t) for t in chosen["text"]]
        claims.append(
            RumourClaim(
                key=claim_key(unit_id, group.core_terms, previous or {}),
                claim=group.mentions[0].sentence,
                key_terms=tuple(key_terms),
                core_terms=tuple(group.core_terms),
                volume=volume,
                authors=int(authors),
                accounts=tuple(sorted({str(account_keys.get(a, a)) for a in chosen["account_id"]})),
                unit=unit_names.get(unit_id) if unit_id is not None else None,
                unit_id=unit_id,
                first_seen=first_seen,
                last_seen=_at(chosen["at"].iat[-1]),
                examples=examples,
                score=rumour_score(mention_texts[0], mention_texts[1:], cues),
                clarified=clarification is not None,
                clarification_url=""
                if clarification is None
                else str(texts["url"].iat[clarification]),
                clarification_at=None
                if clarification is None
                else _at(texts["at"].iat[clarification]),
                clarification_text=""
                if clarification is None
                else str(texts["text"].iat[clarification])[:EXAMPLE_CHARS],
                clarification_account=""
                if clarification is None
                else str(texts["author"].iat[clarification]),
                mention_ids=tuple(str(i) for i in chosen["text_id"]),
                unread=()
                if clarification is not None
                else _unread_clarifiers(allowed, keys_by_unit, blind),
            )
        )
    claims.sort(key=lambda c: (-c.volume, c.first_seen, c.key))
    return claims


def rumour_findings(claims: Sequence[RumourClaim]) -> list[Finding]:
    """A critical ``rumour_unclarified`` finding for each claim not yet clarified; none for a
    claim whose clarifying accounts could not be read (``unread``: not known to be unclarified)."""
    findings: list[Finding] = []
    for claim in claims:
        if claim.clarified or claim.unread:
            continue
        unit = claim.unit or "相关单位"
        summary = (
            f"传言「{claim.claim}」已被提及 {claim.volume} 次（{claim.authors} 人），"
            f"{unit}尚未发布澄清。请尽快核实，发布权威信息或辟谣（{ARTICLES}）"
        )
        findings.append(
            Finding(
                rule=RULE,
                article=ARTICLES,
                subject_type="rumour",
                subject_key="+".join(sorted(claim.core_terms)),
                dedup_key=claim.key,
                severity="critical",
                summary=summary,
                unit=claim.unit,
                account=claim.accounts[0] if len(claim.accounts) == 1 else None,
                since=claim.first_seen,
                evidence=claim.examples,
                data={
                    "claim": claim.claim,
                    "key_terms": list(claim.key_terms),
                    "core_terms": list(claim.core_terms),
                    "volume": claim.volume,
                    "authors": claim.authors,
                    "accounts": list(claim.accounts),
                    "first_seen": claim.first_seen.isoformat(),
                    "last_seen": claim.last_seen.isoformat(),
                    "score": round(claim.score, 4),
                    "urgent": True,
                },
            )
        )
    return findings


def clarified_claims(claims: Sequence[RumourClaim]) -> list[RumourClaim]:
    """Claims an account of the unit concerned has clarified: their findings can be resolved."""
    return [c for c in claims if c.clarified]


def carried_rumour_keys(
    open_units: Mapping[str, int | None],
    claims: Sequence[RumourClaim],
    accounts: pd.DataFrame,
    units: pd.DataFrame | None,
    settings: RumoursSettings,
    blind: Collection[str],
) -> list[str]:
    """Dedup keys of the open ``rumour_unclarified`` findings (``open_units``: key → unit id)
    to carry as they were (STYLE 18): found again but ``unread``, or not found again while an
    account of the units that may clarify them could not be read (its mentions and its
    clarification may both be unseen). A claim clarified now is never carried."""
    if not blind:
        return []
    found = {c.key: c for c in claims}
    keys_by_unit = _keys_by_unit(accounts)
    carried = []
    for key, unit_id in sorted(open_units.items()):
        claim = found.get(key)
        if claim is not None:
            if claim.unread:
                carried.append(key)
            continue
        allowed = _unit_chain(unit_id, units, settings.include_ancestor_units)
        if _unread_clarifiers(allowed, keys_by_unit, blind):
            carried.append(key)
    return carried
