"""The single pass keeps its centres up to date incrementally (analysis/topics/single_pass.py)
and must label every text exactly as recomputing every centre at every batch does."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.preprocessing import normalize

from analysis.topics import single_pass as incremental


def recomputed(matrix: sparse.csr_matrix, min_similarity: float, batch_size: int) -> np.ndarray:
    """The pass as it was: every centre summed, normalised and compared again at each batch."""
    n = matrix.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    sums: sparse.csr_matrix | None = None
    ordered = [i for i in range(n) if matrix.indptr[i + 1] > matrix.indptr[i]]
    for lo in range(0, len(ordered), batch_size):
        rows = np.asarray(ordered[lo : lo + batch_size])
        batch = matrix[rows]
        k = 0 if sums is None else sums.shape[0]
        to_old = (batch @ normalize(sums).T).toarray() if sums is not None else None
        within = (batch @ batch.T).toarray()
        seeds: list[int] = []
        for p, row in enumerate(rows.tolist()):
            best, best_sim = -1, min_similarity
            if to_old is not None:
                j = int(to_old[p].argmax())
                if to_old[p, j] >= best_sim:
                    best, best_sim = j, float(to_old[p, j])
            if seeds:
                sims = within[p, seeds]
                top = sims.max()
                if top >= best_sim:
                    best = k + len(seeds) - 1 - int(np.argmax(sims[::-1] == top))
            if best < 0:
                best = k + len(seeds)
                seeds.append(p)
            labels[row] = best
        members = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (labels[rows], np.arange(len(rows)))),
            shape=(k + len(seeds), len(rows)),
        )
        added = members @ batch
        if sums is None:
            sums = sparse.csr_matrix(added)
        else:
            grown = sparse.vstack([sums, sparse.csr_matrix((len(seeds), sums.shape[1]))])
            sums = sparse.csr_matrix(grown + added)
    return labels


def texts(rng: np.random.Generator, n: int, features: int, shuffled: bool) -> sparse.csr_matrix:
    """L2-normalised rows; ``shuffled``: entries not in column order, as the run's vectors."""
    matrix = sparse.random(
        n, features, density=float(rng.uniform(0.05, 0.4)), format="csr", dtype=np.float32,
        random_state=int(rng.integers(2**31)),
    )  # fmt: skip
    matrix.data = np.abs(matrix.data) + np.float32(0.01)
    if shuffled:
        for i in range(n):
            lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
            order = rng.permutation(hi - lo)
            matrix.indices[lo:hi] = matrix.indices[lo:hi][order]
            matrix.data[lo:hi] = matrix.data[lo:hi][order]
    return sparse.csr_matrix(normalize(matrix))


@pytest.mark.parametrize("seed", range(6))
def test_labels_are_those_of_recomputing_every_centre(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(seed)
    for trial in range(25):
        batch_size = int(rng.integers(1, 8))
        monkeypatch.setattr(incremental, "SINGLE_PASS_BATCH", batch_size)
        # From rebuilding the snapshot at every batch to never after the first.
        monkeypatch.setattr(incremental, "REBUILD_SHARE", float(rng.choice([0.0, 0.25, 1e9])))
        matrix = texts(rng, int(rng.integers(1, 90)), int(rng.integers(1, 25)), trial % 2 == 1)
        similarity = float(rng.choice([0.0, 0.1, 0.3, 0.6]))
        expected = recomputed(matrix, similarity, batch_size)
        got = incremental.single_pass(matrix, range(matrix.shape[0]), similarity)
        assert got.tolist() == expected.tolist(), (seed, trial)


def test_rows_in_order_are_told_apart_all_at_once() -> None:
    """_sorted_rows answers for every row what checking each row's indices one by one does
    (empty and one-entry rows are in order)."""
    rng = np.random.default_rng(7)
    rows = [rng.permutation(8)[: int(rng.integers(0, 6))] for _ in range(300)]
    rows += [np.sort(r) for r in rows]
    lengths = [len(r) for r in rows]
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.concatenate(rows).astype(np.int32)
    matrix = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), 8))
    expected = [bool(len(r) < 2 or (r[1:] > r[:-1]).all()) for r in rows]
    assert incremental._sorted_rows(matrix).tolist() == expected
    assert not all(expected) and any(expected)
