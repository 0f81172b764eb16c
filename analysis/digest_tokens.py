"""Text tokens kept for one digest run, so that every scope reuses them.

The system's digest and each unit's look for hot topics among overlapping texts (a unit's texts
are also its parent's and the system's). The featurizer's own store keeps only the most
recently used texts, fewer than a province week holds, so without this every scope would
segment its texts again. The run's featurizer keeps every text of the run, keyed by
the text itself (the frames' own string objects: no hash to compute per scope, no extra key
to hold), and is dropped with the run.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.topics.features import Featurizer, TextTokens


class RunFeaturizer(Featurizer):
    """``base``'s segmenter, word lists and store, with every text of the run kept in front.

    Tokens depend only on the text, so a text seen by one scope is not segmented again for
    another; a text new to the run goes through ``base``'s store."""

    def __init__(self, base: Featurizer) -> None:
        super().__init__(base.segmenter, base.stopwords, store=base.store)
        self._run: dict[str, TextTokens] = {}

    def tokens(self, texts: Sequence[str], keys: Sequence[str] | None = None) -> list[TextTokens]:
        run = self._run
        # The texts new to the run, each once, with their hashes when given.
        missing: dict[str, str] = {}  # text → its hash ("" when not given)
        for i, text in enumerate(texts):
            if text not in run and text not in missing:
                missing[text] = keys[i] if keys is not None else ""
        if missing:
            hashes = None if keys is None else list(missing.values())
            run.update(zip(missing, super().tokens(list(missing), hashes), strict=True))
        return [run[text] for text in texts]
