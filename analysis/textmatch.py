"""Matching word lists in one pass per text (pyahocorasick), and loading the editable lists.

A word list file has one term per line; blank lines and lines starting with '#' are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import ahocorasick


def read_wordlist(path: Path) -> list[str]:
    terms: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        term = line.strip()
        if term and not term.startswith("#"):
            terms.append(term)
    return terms


class WordMatcher:
    """All terms of a list found in a text, in one pass (Aho–Corasick)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        self.terms = sorted({t for t in terms if t})
        for term in self.terms:
            self._automaton.add_word(term, term)
        if self.terms:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[str]:
        """Distinct terms found in ``text``, in order of first appearance."""
        if not self.terms or not text:
            return []
        seen: dict[str, None] = {}
        for _end, term in self._automaton.iter(text):
            seen.setdefault(term, None)
        return list(seen)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, term) of every occurrence."""
        if not self.terms or not text:
            return []
        return [(end - len(t) + 1, end + 1, t) for end, t in self._automaton.iter(text)]

    def __contains__(self, text: str) -> bool:
        return bool(self.find(text))
