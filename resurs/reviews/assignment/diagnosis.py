"""Why a round has no assignment: which applications cannot be covered, and why.

Checks, cheapest first: per-expert bounds, total capacity against k·n, applications with fewer than k
non-conflicted candidates, applications without a regional candidate (when required), then a maximum flow:
if it falls short of k·n, its minimum cut names a set of applications whose candidates together cannot take
their k reviews (a violation of Hall's condition) — the smallest honest explanation of a crowded topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import max_flow

from resurs.reviews.assignment.problem import Round

# Reason codes (the service layer translates them).
TOO_FEW_CANDIDATES = "too_few_candidates"
NO_REGIONAL_CANDIDATE = "no_regional_candidate"
CAPACITY = "capacity"
MIN_LOADS = "min_loads"
BAD_BOUNDS = "bad_bounds"
HALL = "hall"


@dataclass
class Diagnosis:
    """The reasons (code, detail dict) and the applications that cannot be covered."""

    reasons: list[dict] = field(default_factory=list)
    uncovered_apps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def feasible(self) -> bool:
        return not self.reasons

    @property
    def summary(self) -> str:
        return "; ".join(r["code"] for r in self.reasons) or "feasible"


def max_flow_of(rnd: Round, pairs=None):
    """Max flow source -> apps (k) -> candidates (1) -> sink (max load); regional rule as in the solver."""
    n, e, k = rnd.n_apps, rnd.n_experts, rnd.k
    pairs = rnd.candidates.all() if pairs is None else pairs
    source, sink = n + e, n + e + 1
    tails = [np.full(n, source), n + np.arange(e)]
    heads = [np.arange(n), np.full(e, sink)]
    caps = [np.full(n, k), rnd.max_load]
    pair_tail = pairs.app
    if rnd.require_regional:
        regional_node = sink + 1 + np.arange(n)
        pair_tail = np.where(rnd.regional_mask(pairs.app, pairs.expert), regional_node[pairs.app], pairs.app)
        caps[0] = np.full(n, k - 1)
        tails += [np.full(n, source), np.arange(n)]
        heads += [regional_node, regional_node]
        caps += [np.ones(n), np.full(n, k - 1)]
    tails.append(pair_tail)
    heads.append(n + pairs.expert)
    caps.append(np.ones(len(pairs)))
    smf = max_flow.SimpleMaxFlow()
    arcs = smf.add_arcs_with_capacity(
        np.concatenate(tails).astype(np.int64),
        np.concatenate(heads).astype(np.int64),
        np.concatenate(caps).astype(np.int64),
    )
    smf.solve(source, sink)
    return smf, arcs, source


def diagnose(rnd: Round) -> Diagnosis:
    """Explain infeasibility (an empty ``reasons`` list means the round is feasible)."""
    n, e, k = rnd.n_apps, rnd.n_experts, rnd.k
    diag = Diagnosis()
    bad = np.flatnonzero(rnd.max_load < rnd.min_load)
    if bad.size:
        diag.reasons.append({"code": BAD_BOUNDS, "experts": bad.tolist()})
    capacity = int(rnd.max_load.sum())
    if capacity < k * n:
        diag.reasons.append({"code": CAPACITY, "capacity": capacity, "needed": k * n})
    if int(rnd.min_load.sum()) > k * n:
        diag.reasons.append({"code": MIN_LOADS, "minimum": int(rnd.min_load.sum()), "needed": k * n})
    counts = rnd.candidates.count_per_app()
    few = np.flatnonzero(counts < k)
    uncovered = set(few.tolist())
    if few.size:
        diag.reasons.append(
            {"code": TOO_FEW_CANDIDATES, "apps": few.tolist(), "candidates": counts[few].tolist()}
        )
    if rnd.require_regional:
        pairs = rnd.candidates.all()
        regional = np.bincount(pairs.app[rnd.regional_mask(pairs.app, pairs.expert)], minlength=n)
        none = np.flatnonzero(regional == 0)
        if none.size:
            diag.reasons.append({"code": NO_REGIONAL_CANDIDATE, "apps": none.tolist()})
            uncovered.update(none.tolist())
    smf, arcs, _source = max_flow_of(rnd)
    flow = smf.optimal_flow()
    if flow < k * n:
        served = np.zeros(n, dtype=np.int64)
        flows = smf.flows(arcs)
        served += flows[:n]
        if rnd.require_regional:
            served += flows[n + e : n + e + n]
        short = np.flatnonzero(served < k)
        side = np.asarray(smf.get_source_side_min_cut())
        hall_apps = side[side < n]
        hall_experts = side[(side >= n) & (side < n + e)] - n
        if hall_apps.size and not (set(hall_apps.tolist()) <= set(few.tolist())):
            diag.reasons.append(
                {
                    "code": HALL,
                    "apps": hall_apps.tolist(),
                    "experts": hall_experts.tolist(),
                    "needed": int(k * hall_apps.size),
                    "capacity": int(rnd.max_load[hall_experts].sum()),
                    "short": int(k * n - flow),
                }
            )
        elif not diag.reasons:
            diag.reasons.append({"code": CAPACITY, "capacity": int(flow), "needed": k * n})
        uncovered.update(short.tolist())
    elif not diag.reasons and int(rnd.min_load.sum()) > 0:
        # The maximum flow covers everyone; only the minimum loads can still make it infeasible.
        from resurs.reviews.assignment.solver import _network, _run

        if _run(_network(rnd, rnd.candidates.all())) is None:
            diag.reasons.append({"code": MIN_LOADS, "minimum": int(rnd.min_load.sum()), "needed": k * n})
    diag.uncovered_apps = np.array(sorted(uncovered), dtype=np.int64)
    return diag
