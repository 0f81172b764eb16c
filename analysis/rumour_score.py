"""How much a post and its early reactions look like a rumour: a transparent cue score.

Early doubt and denial in reposts and comments is the strongest signal a monitor can see;
alarm and outrage in the reactions, questions put back to the poster, and a post that urges
spreading add to it, while a post that cites a link leans the other way. Each feature is a
share or a capped count in [0, 1] and the weights are fixed round numbers, so the score is
the same on any deployment and every figure behind it can be shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analysis.rumour_cues import RumourCues

_QUESTION = re.compile(r"[?？]|吗[^\w]|吗$|么[?？]")
_EXCLAIM = re.compile(r"[!！]")
_URL = re.compile(r"https?://")

WEIGHTS = {
    "doubt": 3.0,
    "alarm": 1.0,
    "question": 1.0,
    "spread": 0.5,
    "exclaim": 0.5,
    "hedge": 0.5,
    "link": -0.5,
}
# A share of doubting reactions this large already counts fully: most reactions to a rumour
# are emoticons and reposts without words, so a few doubters are a strong sign.
DOUBT_FULL = 0.25


@dataclass(frozen=True)
class RumourFeatures:
    doubt: float  # share of reactions with a doubt or denial cue (saturating at DOUBT_FULL)
    alarm: float  # share of reactions with an alarm or outrage cue
    question: float  # share of reactions asking a question
    spread: float  # the post's spreading cues, capped at 2, as a fraction
    exclaim: float  # the post's exclamation marks, capped at 3, as a fraction
    hedge: float  # 1 when the post itself passes on hearsay (网传, 据说 …)
    link: float  # 1 when the post cites a link
    doubt_share: float  # the raw share of doubting reactions (the baseline figure)

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in (*WEIGHTS, "doubt_share")}


def _share(texts: Sequence[str], hit: Callable[[str], bool]) -> float:
    if not texts:
        return 0.0
    return sum(1 for t in texts if hit(t)) / len(texts)


def rumour_features(post: str, reactions: Sequence[str], cues: RumourCues) -> RumourFeatures:
    post = post or ""
    texts = [r for r in reactions if r and r.strip()]
    doubt_share = _share(texts, lambda t: bool(cues.doubt.find(t)))
    return RumourFeatures(
        doubt=min(doubt_share / DOUBT_FULL, 1.0),
        alarm=_share(texts, lambda t: bool(cues.alarm.find(t))),
        question=_share(texts, lambda t: bool(_QUESTION.search(t))),
        spread=min(len(cues.spread.find(post)), 2) / 2,
        exclaim=min(len(_EXCLAIM.findall(post)), 3) / 3,
        hedge=1.0 if cues.rumour.find(post) else 0.0,
        link=1.0 if _URL.search(post) else 0.0,
        doubt_share=doubt_share,
    )


def rumour_score(post: str, reactions: Sequence[str], cues: RumourCues) -> float:
    """The cue score of a post and its early reactions, higher is more rumour-like."""
    features = rumour_features(post, reactions, cues).as_dict()
    return sum(weight * features[name] for name, weight in WEIGHTS.items())


def doubt_share_score(post: str, reactions: Sequence[str], cues: RumourCues) -> float:
    """The baseline: the share of reactions holding a doubt or denial word, nothing else."""
    del post
    return rumour_features("", reactions, cues).doubt_share
