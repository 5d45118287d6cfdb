"""Influence metrics on directed networks of organisations: in-degree, PageRank and connected components.

Pure numpy/scipy (no Django), so the sector view and ``bench/influence.py`` share one implementation. PageRank is
a sparse power iteration written to match ``networkx.pagerank`` exactly (same start vector, same treatment of
dangling nodes, same L1 stopping rule ``sum|x - x_prev| < N * tol``), so the two agree to rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph


class PageRankNotConverged(RuntimeError):
    """The power iteration did not reach the tolerance within ``max_iter`` steps."""


@dataclass(frozen=True)
class Graph:
    """A directed graph on nodes ``0..n-1`` as a CSR adjacency matrix (row = source, column = target)."""

    adjacency: sparse.csr_matrix

    @property
    def n(self) -> int:
        return self.adjacency.shape[0]

    @property
    def edge_count(self) -> int:
        return self.adjacency.nnz


def graph_from_edges(
    sources: np.ndarray, targets: np.ndarray, n: int, weights: np.ndarray | None = None
) -> Graph:
    """Build a graph from parallel arrays of edge ends. Repeated edges are merged (weights summed), as in a
    networkx DiGraph built with weights added up."""
    sources = np.asarray(sources, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    data = (
        np.ones(len(sources), dtype=np.float64) if weights is None else np.asarray(weights, dtype=np.float64)
    )
    matrix = sparse.csr_matrix((data, (sources, targets)), shape=(n, n))
    matrix.sum_duplicates()
    return Graph(matrix)


def in_degree(graph: Graph, *, weighted: bool = False) -> np.ndarray:
    """Number of distinct organisations pointing at each node (or the sum of edge weights)."""
    adjacency = graph.adjacency
    if weighted:
        return np.asarray(adjacency.sum(axis=0)).ravel()
    return np.bincount(adjacency.indices, minlength=graph.n).astype(np.int64)


def pagerank(
    graph: Graph,
    *,
    alpha: float = 0.85,
    tol: float = 1.0e-6,
    max_iter: int = 100,
    weighted: bool = True,
) -> np.ndarray:
    """PageRank by power iteration with uniform teleport; dangling nodes spread their rank uniformly (as
    networkx does when ``dangling`` is None). Raises PageRankNotConverged after ``max_iter`` steps."""
    n = graph.n
    if n == 0:
        return np.zeros(0)
    adjacency = graph.adjacency if weighted else graph.adjacency.astype(bool).astype(np.float64)
    out_weight = np.asarray(adjacency.sum(axis=1)).ravel()
    dangling = out_weight == 0
    scale = np.divide(1.0, out_weight, out=np.zeros_like(out_weight), where=~dangling)
    # x @ A (A row-stochastic) computed as A^T x with A^T stored in CSR for a fast matrix-vector product.
    transition_t = (sparse.diags(scale) @ adjacency).T.tocsr()
    x = np.full(n, 1.0 / n)
    teleport = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        previous = x
        x = alpha * (transition_t @ x + previous[dangling].sum() / n) + (1.0 - alpha) * teleport
        if np.abs(x - previous).sum() < n * tol:
            return x
    raise PageRankNotConverged(f"PageRank did not converge in {max_iter} iterations")


def weak_components(graph: Graph) -> tuple[int, np.ndarray]:
    """Weakly connected components: (count, label of each node)."""
    count, labels = csgraph.connected_components(graph.adjacency, directed=True, connection="weak")
    return int(count), labels


def percentile_of(values: np.ndarray, index: int) -> float:
    """Share of nodes (in %) whose value is at or below the value of ``index`` (100 = top of the sector)."""
    if len(values) == 0:
        return 0.0
    return float(100.0 * np.count_nonzero(values <= values[index]) / len(values))


def rank_of(values: np.ndarray, index: int) -> int:
    """1-based competition rank of ``index`` (1 = highest value)."""
    return int(np.count_nonzero(values > values[index])) + 1
