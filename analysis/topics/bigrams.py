"""Chinese character bigrams of texts as integer codes, made for many texts at once.

A topic feature is every pair of adjacent characters in a run of CJK unified ideographs
(U+4E00–U+9FFF). There are 20,992 such characters, so a pair is one number below 2**31:
``(first - 0x4E00) * 20992 + (second - 0x4E00)``. Made with array operations over all texts
of a batch, instead of a Python string per pair (a province window has ~2.2 million pairs,
which cost ~2.2 s as strings and ~0.1 s as codes). A text's codes are kept as the bytes of
little-endian int32s: compact in the token store, and joined with one ``b"".join``.

A code's name, the string scikit-learn would have counted, is ``bigram_name(code)``: features
are numbered alphabetically by name, so the TF-IDF matrix is the one made from strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

FIRST = 0x4E00
SPAN = 0x9FFF - FIRST + 1  # 20,992 characters
# Bigram features are kept apart from words of the same two characters: the word 大桥 and the
# bigram 大桥 inside 大桥头 are different evidence.
BIGRAM_MARK = "\u00b7"
CODE = np.dtype("<i4")


def bigram_codes(texts: Sequence[str]) -> list[bytes]:
    """Each text's bigram codes in order of position (bytes of ``CODE``)."""
    if not texts:
        return []
    # One buffer for the batch, the texts separated by a character that is not in a run.
    # surrogatepass: a text from the internet may hold a lone surrogate, which is no ideograph.
    joined = "\n".join(texts).encode("utf-32-le", "surrogatepass")
    chars = np.frombuffer(joined, dtype="<u4").astype(np.int64) - FIRST
    han = (chars >= 0) & (chars < SPAN)
    at = np.flatnonzero(han[:-1] & han[1:])  # where a pair starts
    codes = (chars[at] * SPAN + chars[at + 1]).astype(CODE)
    # The text each pair is in: texts start one past the end of the previous and its separator.
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum([len(t) + 1 for t in texts[:-1]], out=starts[1:])
    bounds = [*np.searchsorted(at, starts).tolist(), len(at)]
    raw = codes.tobytes()
    width = CODE.itemsize
    return [raw[lo * width : hi * width] for lo, hi in pairwise(bounds)]


def bigram_name(code: int) -> str:
    """The feature a code stands for: the mark and the two characters."""
    first, second = divmod(code, SPAN)
    return BIGRAM_MARK + chr(FIRST + first) + chr(FIRST + second)


def _pair_code(pair: str) -> int | None:
    """The code of two ideographs, or None when ``pair`` is not two ideographs."""
    if len(pair) != 2:
        return None
    first, second = ord(pair[0]) - FIRST, ord(pair[1]) - FIRST
    if 0 <= first < SPAN and 0 <= second < SPAN:
        return first * SPAN + second
    return None


def bigram_code(pair: str) -> int:
    """The code of two ideographs (``bigram_name``'s inverse, without the mark)."""
    code = _pair_code(pair)
    if code is None:
        raise ValueError(f"not two CJK unified ideographs: {pair!r}")
    return code


def bigram_code_of_name(name: str) -> int | None:
    """The code of the bigram ``name`` names, or None when it names none."""
    return _pair_code(name[1:]) if name[:1] == BIGRAM_MARK else None


def codes_of(raw: bytes) -> np.ndarray:
    """A text's codes as an array (a view of ``raw``)."""
    return np.frombuffer(raw, dtype=CODE)
