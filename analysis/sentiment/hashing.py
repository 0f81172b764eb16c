"""scikit-learn's feature hashing, a whole batch of texts at a time in numpy.

FeatureHasher encodes every feature to UTF-8 and hashes it in a Python-level loop: most of
the trained engine's scoring CPU. Here the features of a batch are spans of one UTF-8 buffer
(a character, a character pair, a word, two words joined by a space) hashed together with
MurmurHash3 (x86, 32 bits, seed 0: scikit-learn's), so the columns and counts are exactly
FeatureHasher's (``alternate_sign=False``) without a Python step per feature.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

Ints = npt.NDArray[np.int64]

_C1 = np.uint32(0xCC9E2D51)
_C2 = np.uint32(0x1B873593)
_TAIL_MASK = np.array([0, 0xFF, 0xFFFF, 0xFFFFFF], dtype=np.uint32)


def _rotl(x: npt.NDArray[np.uint32], r: int) -> npt.NDArray[np.uint32]:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _mix(k: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    return _rotl(k * _C1, 15) * _C2


def murmur3_spans(data: bytes, starts: Ints, lengths: Ints) -> npt.NDArray[np.int32]:
    """Signed MurmurHash3_x86_32 (seed 0) of ``data[start:start + length]`` for every span,
    as ``sklearn.utils.murmurhash3_32(span, positive=False)``."""
    padded = np.frombuffer(data + b"\0\0\0\0", dtype=np.uint8)
    # Little-endian 32-bit words starting at every byte (unaligned, a view: no copy).
    words = np.ndarray((len(data) + 1,), dtype="<u4", buffer=padded, strides=(1,))
    h = np.zeros(len(starts), dtype=np.uint32)
    blocks = lengths >> 2
    todo = np.flatnonzero(blocks > 0)
    k = 0
    while todo.size:  # block k of every span that has one (spans are short: few rounds)
        hk = h[todo] ^ _mix(words[starts[todo] + 4 * k])
        h[todo] = _rotl(hk, 13) * np.uint32(5) + np.uint32(0xE6546B64)
        k += 1
        todo = todo[blocks[todo] > k]
    # The 1-3 bytes after the blocks; a span without them mixes in 0, which changes nothing.
    h ^= _mix(words[starts + 4 * blocks] & _TAIL_MASK[lengths & 3])
    h ^= lengths.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h.view(np.int32)


def hashed_columns(hashes: npt.NDArray[np.int32], n_features: int) -> Ints:
    """FeatureHasher's column of each hash: |h| mod n_features. Its special case for
    h = -2**31, (2**31 - 1 - (n - 1)) mod n, is 2**31 mod n: the same as |h| in 64 bits."""
    return np.abs(hashes.astype(np.int64)) % n_features


def count_matrix(rows: Ints, columns: Ints, n_rows: int, n_features: int) -> csr_matrix:
    """Counts of (row, column) pairs as FeatureHasher returns them: float32, indices sorted
    within each row, duplicates summed."""
    # A stable sort (timsort) is twice as fast as np.unique's here: the keys come in runs
    # already ordered by row.
    keys = np.sort(rows * n_features + columns, kind="stable")
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(keys))
    keys = keys[starts]
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // n_features, minlength=n_rows), out=indptr[1:])
    return csr_matrix(
        (counts.astype(np.float32), (keys % n_features).astype(np.int32), indptr),
        shape=(n_rows, n_features),
    )


def code_points(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def utf8_offsets(points: npt.NDArray[np.uint32]) -> Ints:
    """Byte offset in the UTF-8 encoding of these code points of each one, and the length
    last: character spans to byte spans."""
    sizes = 1 + (points >= 0x80).astype(np.int64) + (points >= 0x800) + (points >= 0x10000)
    offsets = np.zeros(len(points) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return offsets
