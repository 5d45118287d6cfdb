"""Influence metrics on a generated sector network: in-degree, PageRank and weak components with scipy.sparse,
against networkx.pagerank on the same graph (issue 9).

A network of 250,000 organisations and 2,500,000 ties whose targets follow a Zipf-like law (a few organisations
are named by very many). Graph construction is timed apart from the metrics for both sides; networkx runs to the
same tolerance, and the two PageRank vectors must match within 1e-6 (``max_abs_diff``).

    python bench/influence.py [--scale small|full]

Progress goes to standard error; the last line of standard output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from resurs.research.network import graph_from_edges, in_degree, pagerank, weak_components

SCALES = {"full": (250_000, 2_500_000), "small": (5_000, 50_000)}
TOL = 1.0e-6
ALPHA = 0.85


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generate(nodes: int, edges: int, seed: int = 20261126) -> tuple[np.ndarray, np.ndarray]:
    """Sources uniform, targets Zipf-like (weight 1/rank^1.1 over a random order of nodes); no self-loops and
    no repeated pairs, so a networkx DiGraph and the sparse matrix hold exactly the same edges."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, nodes + 1) ** 1.1
    weights /= weights.sum()
    order = rng.permutation(nodes)
    pairs = np.empty(0, dtype=np.int64)
    while len(pairs) < edges:
        need = int((edges - len(pairs)) * 1.15) + 1000
        src = rng.integers(0, nodes, need)
        dst = order[rng.choice(nodes, size=need, p=weights)]
        keep = src != dst
        pairs = np.unique(np.concatenate([pairs, src[keep] * nodes + dst[keep]]))
    pairs = rng.permutation(pairs)[:edges]
    return pairs // nodes, pairs % nodes


def ours(src: np.ndarray, dst: np.ndarray, nodes: int) -> dict:
    start = time.perf_counter()
    graph = graph_from_edges(src, dst, nodes)
    degrees = in_degree(graph)
    t0 = time.perf_counter()
    ranks = pagerank(graph, alpha=ALPHA, tol=TOL)
    pagerank_s = time.perf_counter() - t0
    count, _labels = weak_components(graph)
    wall_s = time.perf_counter() - start
    return {
        "ranks": ranks,
        "degrees": degrees,
        "components": count,
        "pagerank_s": pagerank_s,
        "wall_s": wall_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of our metrics (median reported)")
    args = parser.parse_args()
    nodes, edges = SCALES[args.scale]

    log(f"generating {nodes:,} nodes, {edges:,} edges")
    src, dst = generate(nodes, edges)

    import networkx as nx

    t0 = time.perf_counter()
    nx_graph = nx.DiGraph()
    nx_graph.add_nodes_from(range(nodes))
    nx_graph.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    nx_build_s = time.perf_counter() - t0
    log(f"networkx graph built in {nx_build_s:.2f} s")

    # Baseline first, then ours, alternating.
    nx_times, our_runs = [], []
    nx_ranks = None
    for repetition in range(args.repeat):
        if repetition < 2:  # networkx is slow: two runs are enough for a median
            t0 = time.perf_counter()
            result = nx.pagerank(nx_graph, alpha=ALPHA, tol=TOL)
            nx_times.append(time.perf_counter() - t0)
            nx_ranks = result
            log(f"networkx pagerank {nx_times[-1]:.2f} s")
        our_runs.append(ours(src, dst, nodes))
        log(f"ours: pagerank {our_runs[-1]['pagerank_s']:.3f} s, all metrics {our_runs[-1]['wall_s']:.3f} s")

    baseline = np.array([nx_ranks[i] for i in range(nodes)])
    last = our_runs[-1]
    max_abs_diff = float(np.abs(baseline - last["ranks"]).max())
    nx_in = np.array([d for _n, d in sorted(nx_graph.in_degree())])
    degrees_equal = bool(np.array_equal(nx_in, last["degrees"]))
    nx_components = nx.number_weakly_connected_components(nx_graph)

    pagerank_s = statistics.median(r["pagerank_s"] for r in our_runs)
    networkx_pagerank_s = statistics.median(nx_times)
    result = {
        "scale": args.scale,
        "nodes": nodes,
        "edges": int(last["degrees"].sum()),
        "wall_s": round(statistics.median(r["wall_s"] for r in our_runs), 4),
        "pagerank_s": round(pagerank_s, 4),
        "networkx_pagerank_s": round(networkx_pagerank_s, 4),
        "networkx_build_s": round(nx_build_s, 3),
        "speedup": round(networkx_pagerank_s / pagerank_s, 1),
        "max_abs_diff": max_abs_diff,
        "values_match": max_abs_diff <= 1e-6,
        "in_degree_equal": degrees_equal,
        "components": last["components"],
        "components_equal": nx_components == last["components"],
        "repetitions": {"ours": len(our_runs), "networkx": len(nx_times)},
        "tol": TOL,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
