"""Single-pass clustering with centres kept up to date incrementally.

Texts are taken in order in batches; each joins the most similar centre (the L2-normalised sum
of its cluster's rows, as of the batch's start) when at least ``min_similarity``, else the most
similar new cluster of its own batch, else starts one. A province week has ~10,000 clusters and
~570 batches: renormalising, transposing and comparing every centre at every batch made the pass
quadratic in the number of clusters. Here only the clusters a batch touched are summed and
normalised again, and a batch is compared with a transposed snapshot of the centres, rebuilt
only when the centres changed since it hold a good share of its entries (those are compared
separately, and their columns of the snapshot ignored).

Every number is computed by the same scipy routines and scikit-learn's normalising arithmetic
(analysis/topics/weights.py), on the same rows in the same order, as when all centres were
recomputed at every batch (sum rows keep the entry order scipy's addition gave them, which the
normalisation's float sums follow), so the labels are the same, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from analysis.topics.weights import l2_normalized

SINGLE_PASS_BATCH = 256
# The snapshot of centres is rebuilt once the centres changed since hold this share of its
# entries: past that, comparing a batch with the stale entries costs more than rebuilding.
REBUILD_SHARE = 0.5

_EMPTY_INDICES = np.zeros(0, dtype=np.int32)
_EMPTY_DATA = np.zeros(0, dtype=np.float32)


def _stack(rows: Sequence[tuple[np.ndarray, np.ndarray]], width: int) -> sparse.csr_matrix:
    """The CSR matrix of (indices, data) rows, entries kept in their order."""
    lengths = np.fromiter((len(i) for i, _ in rows), dtype=np.int64, count=len(rows))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    if len(rows):
        indices = np.concatenate([i for i, _ in rows])
        data = np.concatenate([d for _, d in rows])
    else:
        indices, data = _EMPTY_INDICES, _EMPTY_DATA
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), width))


def _out_of_order(width: int) -> sparse.csr_matrix:
    """One row whose entries are out of order (width ≥ 2)."""
    return _stack([(np.array([1, 0], dtype=np.int32), np.ones(2, dtype=np.float32))], width)


def _rows_of(matrix: sparse.csr_matrix) -> list[tuple[np.ndarray, np.ndarray]]:
    ptr = matrix.indptr
    return [
        (matrix.indices[ptr[i] : ptr[i + 1]].copy(), matrix.data[ptr[i] : ptr[i + 1]].copy())
        for i in range(matrix.shape[0])
    ]


def _sorted_rows(matrix: sparse.csr_matrix) -> np.ndarray:
    """Whether each row's indices are strictly increasing (all rows at once)."""
    indptr, indices = matrix.indptr, matrix.indices
    out = np.ones(matrix.shape[0], dtype=bool)
    if len(indices) < 2:
        return out
    # seen[k]: entries 1 … k out of order with the one before them.
    seen = np.zeros(len(indices), dtype=np.int64)
    np.cumsum(indices[1:] <= indices[:-1], out=seen[1:])
    start, end = indptr[:-1], indptr[1:]
    long = end - start >= 2
    out[long] = seen[end[long] - 1] == seen[start[long]]
    return out


class _Centres:
    """Each cluster's sum of rows and its normalised centre, with a transposed snapshot."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.sums: list[tuple[np.ndarray, np.ndarray]] = []
        self.normed: list[tuple[np.ndarray, np.ndarray]] = []
        self.unsorted = 0  # sum rows whose indices are not strictly increasing
        self.sorted: list[bool] = []  # whether each sum row's are
        self.wide = False  # sums in float64 (from the second batch on)
        self.snapshot: sparse.csr_matrix | None = None  # features × clusters, as of `taken`
        self.taken = 0  # clusters the snapshot holds
        self.placed = np.zeros(0, dtype=np.int64)
        self.bounds = np.zeros(1, dtype=np.int64)
        self.stale = np.zeros(0, dtype=bool)  # clusters changed since the snapshot
        self.changed: list[int] = []  # the same, in the order they changed
        self.changed_entries = 0

    def __len__(self) -> int:
        return len(self.sums)

    def add(self, batch: sparse.csr_matrix, clusters: np.ndarray, first: bool) -> None:
        """Add the batch's rows to their clusters (``clusters[p]`` of row p; new ones numbered
        on from len(self))."""
        touched = np.unique(clusters)
        position = np.searchsorted(touched, clusters)
        members = sparse.csr_matrix(
            (np.ones(len(clusters), dtype=np.float32), (position, np.arange(len(clusters)))),
            shape=(len(touched), len(clusters)),
        )
        added = members @ batch
        if first:
            # The first batch's sums are its products as they come (no addition).
            new_rows = added
        else:
            old = [
                self.sums[c] if c < len(self.sums) else (_EMPTY_INDICES, _EMPTY_DATA)
                for c in touched.tolist()
            ]
            # From the second batch on the sums are float64 (as scipy upcast them when
            # stacked with its float64 empty rows).
            before = _stack(old, self.width).astype(np.float64, copy=False)
            # scipy adds canonical matrices (sorted, no duplicate) by merging and others by a
            # scan that orders entries otherwise. All the sums and all the products went one
            # way or the other; so must these rows: a row out of order steers them.
            both_canonical = before.has_canonical_format and added.has_canonical_format
            if self.unsorted and self.width > 1 and both_canonical:
                before = sparse.vstack([before, _out_of_order(self.width)])
                added = sparse.vstack([added, sparse.csr_matrix((1, self.width))])
            new_rows = sparse.csr_matrix(before + added)[: len(touched)]
        new_rows = sparse.csr_matrix(new_rows)
        normed = l2_normalized(new_rows)
        sums, norms = _rows_of(new_rows), _rows_of(normed)
        in_order = _sorted_rows(new_rows).tolist()
        grow = max(0, int(touched[-1]) + 1 - len(self.sums))
        self.sums.extend([(_EMPTY_INDICES, _EMPTY_DATA)] * grow)
        self.normed.extend([(_EMPTY_INDICES, _EMPTY_DATA)] * grow)
        self.sorted.extend([True] * grow)
        self.stale = np.concatenate([self.stale, np.zeros(grow, dtype=bool)])
        newly: list[int] = []
        for c, row, norm, ok in zip(touched.tolist(), sums, norms, in_order, strict=True):
            self.unsorted += int(not ok) - int(not self.sorted[c])
            self.sorted[c] = ok
            self.sums[c] = row
            self.normed[c] = norm
            if not self.stale[c]:
                self.stale[c] = True
                self.changed.append(c)
                newly.append(c)
            self.changed_entries += len(norm[0])
        if not first and not self.wide:
            # Every centre is normalised again in float64 from then on, including those the
            # batch did not touch.
            self.wide = True
            everything = _stack(self.sums, self.width).astype(np.float64, copy=False)
            self.sums = _rows_of(everything)
            self.normed = _rows_of(l2_normalized(everything))
            self._rebuild()
            return
        snapshot_entries = 0 if self.snapshot is None else self.snapshot.nnz
        if self.changed_entries > REBUILD_SHARE * snapshot_entries:
            self._rebuild()
        else:
            self._blank(newly)

    def _rebuild(self) -> None:
        rows = _stack(self.normed, self.width)
        self.snapshot = sparse.csr_matrix(rows.T)
        self.taken = len(self.normed)
        # Where each cluster's entries land in the snapshot, to blank them once it changes.
        entry = sparse.csr_matrix(
            (np.arange(rows.nnz, dtype=np.int64), rows.indices, rows.indptr), shape=rows.shape
        )
        self.placed = np.empty(rows.nnz, dtype=np.int64)
        self.placed[sparse.csr_matrix(entry.T).data] = np.arange(rows.nnz)
        self.bounds = rows.indptr.astype(np.int64)
        self.stale[:] = False
        self.changed = []
        self.changed_entries = 0

    def _blank(self, clusters: list[int]) -> None:
        """Zero the snapshot's entries of clusters that changed: a product then sums to zero,
        which scipy leaves out of the result."""
        if self.snapshot is None:
            return
        held = np.asarray([c for c in clusters if c < self.taken], dtype=np.int64)
        if len(held) == 0:
            return
        lengths = self.bounds[held + 1] - self.bounds[held]
        entries, _ = _entries(self.bounds, held, lengths)
        self.snapshot.data[self.placed[entries]] = 0.0

    def nearest(self, batch: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Each row's most similar centre (the lowest number on ties) and its similarity, as
        ``argmax`` over the dense rows × centres similarities gives them (no similarity is
        negative: a row with none above zero gets centre 0 at zero)."""
        n, k = batch.shape[0], len(self.sums)
        best = np.zeros(n, dtype=np.int64)
        value = np.zeros(n, dtype=np.float64)  # exact for float32 similarities too
        parts: list[tuple[sparse.csr_matrix, np.ndarray | None]] = []
        if self.snapshot is not None:
            parts.append((batch @ self.snapshot, None))
        if self.changed:
            rows = _stack([self.normed[c] for c in self.changed], self.width)
            parts.append((batch @ rows.T, np.asarray(self.changed, dtype=np.int64)))
        for sims, columns in parts:
            counts = np.diff(sims.indptr)
            has = counts > 0
            if not has.any():
                continue
            starts = sims.indptr[:-1][has]
            cluster = sims.indices if columns is None else columns[sims.indices]
            # The highest similarity of each row, then the lowest cluster holding it.
            top = np.zeros(n, dtype=np.float64)
            top[has] = np.maximum.reduceat(sims.data, starts)
            at_top = sims.data == np.repeat(top, counts)
            lowest = np.full(n, k, dtype=np.int64)
            lowest[has] = np.minimum.reduceat(np.where(at_top, cluster, k), starts)
            better = has & ((top > value) | ((top == value) & (lowest < best)))
            best[better], value[better] = lowest[better], top[better]
        return best, value


def _entries(starts: np.ndarray, rows: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    """Positions of the rows' entries, row after row, and the row (0 …) each belongs to."""
    offsets = np.repeat(starts[rows] - np.cumsum(lengths) + lengths, lengths)
    entries = offsets + np.arange(int(lengths.sum()))
    return entries, np.repeat(np.arange(len(rows)), lengths)


def single_pass(
    matrix: sparse.csr_matrix, order: Sequence[int], min_similarity: float
) -> np.ndarray:
    """Each row, in ``order``, joins the most similar centre (≥ ``min_similarity``) or starts one."""
    n = matrix.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    centres = _Centres(matrix.shape[1])
    ordered = [i for i in order if matrix.indptr[i + 1] > matrix.indptr[i]]
    for lo in range(0, len(ordered), SINGLE_PASS_BATCH):
        rows = np.asarray(ordered[lo : lo + SINGLE_PASS_BATCH])
        batch = matrix[rows]
        k = len(centres)
        old_best, old_sim = centres.nearest(batch) if k else (np.zeros(0, np.int64), None)
        within = (batch @ batch.T).toarray()
        seeds = np.empty(len(rows), dtype=np.int64)  # positions that started a new cluster
        n_seeds = 0
        for p, row in enumerate(rows.tolist()):
            best, best_sim = -1, min_similarity
            if old_sim is not None and old_sim[p] >= best_sim:
                best, best_sim = int(old_best[p]), float(old_sim[p])
            if n_seeds:
                # The last seed of the highest similarity, as a scan keeping ties' later one.
                sims = within[p, seeds[:n_seeds]]
                top = sims.max()
                if top >= best_sim:
                    best = k + n_seeds - 1 - int(np.argmax(sims[::-1] == top))
            if best < 0:
                best = k + n_seeds
                seeds[n_seeds] = p
                n_seeds += 1
            labels[row] = best
        centres.add(batch, labels[rows], first=k == 0)
    return labels
