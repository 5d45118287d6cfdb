"""Influence metrics on small graphs computed by hand, and agreement with networkx."""

import networkx as nx
import numpy as np
import pytest

from resurs.research.network import (
    PageRankNotConverged,
    graph_from_edges,
    in_degree,
    pagerank,
    percentile_of,
    rank_of,
    weak_components,
)


def test_cycle_has_uniform_pagerank():
    graph = graph_from_edges([0, 1, 2], [1, 2, 0], 3)
    assert pagerank(graph, tol=1e-12) == pytest.approx([1 / 3] * 3)


def test_dangling_node_spreads_rank_uniformly_by_hand():
    # 0 -> 1, node 1 dangling. x0 = 0.075 + 0.425 x1, x0 + x1 = 1  =>  x0 = 0.5 / 1.425
    graph = graph_from_edges([0], [1], 2)
    ranks = pagerank(graph, tol=1e-14)
    assert ranks[0] == pytest.approx(0.5 / 1.425, abs=1e-10)
    assert ranks[1] == pytest.approx(1 - 0.5 / 1.425, abs=1e-10)


def test_star_in_degree_components_and_rank():
    # 1, 2, 3 -> 0 ; 4 -> 5 ; 6 isolated
    graph = graph_from_edges([1, 2, 3, 4, 1], [0, 0, 0, 5, 0], 7)  # a repeated edge is merged
    assert in_degree(graph).tolist() == [3, 0, 0, 0, 0, 1, 0]
    assert in_degree(graph, weighted=True).tolist() == [4, 0, 0, 0, 0, 1, 0]
    count, labels = weak_components(graph)
    assert count == 3
    assert labels[0] == labels[1] == labels[2] == labels[3]
    assert labels[4] == labels[5] != labels[0]
    ranks = pagerank(graph)
    assert rank_of(ranks, 0) == 1
    assert percentile_of(ranks, 0) == 100.0


def test_matches_networkx_on_random_graph():
    rng = np.random.default_rng(7)
    n = 300
    src = rng.integers(0, n, 2000)
    dst = rng.integers(0, n, 2000)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    pairs = np.unique(src * n + dst)
    src, dst = pairs // n, pairs % n
    ours = pagerank(graph_from_edges(src, dst, n), tol=1e-10)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    theirs = nx.pagerank(g, tol=1e-10)
    assert np.abs(ours - np.array([theirs[i] for i in range(n)])).max() < 1e-9


def test_not_converging_is_an_error():
    graph = graph_from_edges([0, 0, 1], [1, 2, 2], 3)
    with pytest.raises(PageRankNotConverged):
        pagerank(graph, alpha=0.99, tol=1e-300, max_iter=2)
