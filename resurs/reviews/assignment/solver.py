"""Exact assignment by min-cost flow, with certified candidate pruning.

The network (see docs/decisions/reviews-0001-assignment.md):

    application i (supply k) --cost SCALE-q, cap 1--> expert j --cap max_j-min_j--> sink
    expert j has supply -min_j (its lower bound), the sink takes the rest.

With the regional rule each application gets a second node r_i that must pass one unit of flow (a lower bound of
one on the arc i -> r_i, written with supplies: i has k-1, r_i has 1) and every arc to an expert of the
application's own region leaves from r_i, so at least one of the k experts is regional. Everything stays a
min-cost flow, so OR-Tools solves it exactly in integers.

Pruning: the problem is first solved on each application's best ``m`` candidates (plus its best regional ones).
The optimum of the pruned problem is then *certified* for the full candidate set: node potentials are computed
from the residual graph (shortest distances, a vectorised Bellman-Ford), and every left-out arc must have a
non-negative reduced cost. Arcs that fail are added and the problem is solved again (column generation); if the
pruned problem is infeasible, or the certificate does not come quickly, the full candidate set is solved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from resurs.reviews.assignment.problem import SCALE, Pairs, Round

DEFAULT_PRUNE = 40
DEFAULT_PRUNE_REGIONAL = 8
MAX_CERTIFY_ROUNDS = 6
PRUNE_FROM = 500_000  # candidate pairs


class Infeasible(Exception):
    """No assignment satisfies the constraints; ``diagnosis`` says why (see ``diagnosis.diagnose``)."""

    def __init__(self, diagnosis):
        super().__init__(diagnosis.summary if diagnosis is not None else "infeasible")
        self.diagnosis = diagnosis


@dataclass
class Solution:
    """Chosen pairs and how they were found."""

    app: np.ndarray
    expert: np.ndarray
    q: np.ndarray
    objective_units: int
    certified: bool
    full_problem: bool
    arcs: int
    certify_rounds: int
    stats: dict = field(default_factory=dict)

    @property
    def objective(self) -> float:
        return self.objective_units / SCALE

    def per_app_total(self, n_apps: int) -> np.ndarray:
        return np.bincount(self.app, weights=self.q, minlength=n_apps) / SCALE


@dataclass
class _Network:
    n_nodes: int
    sink: int
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    n_pair_arcs: int


def _regional_node(rnd: Round, app: np.ndarray) -> np.ndarray:
    return rnd.n_apps + rnd.n_experts + 1 + app


def _tails(rnd: Round, pairs: Pairs) -> np.ndarray:
    if rnd.require_regional:
        return np.where(rnd.regional_mask(pairs.app, pairs.expert), _regional_node(rnd, pairs.app), pairs.app)
    return pairs.app


def _network(rnd: Round, pairs: Pairs) -> _Network:
    n, e, k = rnd.n_apps, rnd.n_experts, rnd.k
    sink = n + e
    n_nodes = sink + 1 + (n if rnd.require_regional else 0)
    experts = np.arange(e, dtype=np.int64)
    tails = [_tails(rnd, pairs), n + experts]
    heads = [n + pairs.expert, np.full(e, sink, dtype=np.int64)]
    caps = [np.ones(len(pairs), dtype=np.int64), rnd.max_load - rnd.min_load]
    costs = [np.int64(SCALE) - pairs.q, np.zeros(e, dtype=np.int64)]
    supplies = np.zeros(n_nodes, dtype=np.int64)
    supplies[:n] = k
    supplies[n:sink] = -rnd.min_load
    supplies[sink] = -(k * n - int(rnd.min_load.sum()))
    if rnd.require_regional:
        apps = np.arange(n, dtype=np.int64)
        tails.append(apps)
        heads.append(_regional_node(rnd, apps))
        caps.append(np.full(n, k - 1, dtype=np.int64))
        costs.append(np.zeros(n, dtype=np.int64))
        supplies[:n] = k - 1
        supplies[sink + 1 :] = 1
    return _Network(
        n_nodes,
        sink,
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(caps),
        np.concatenate(costs),
        supplies,
        len(pairs),
    )


def _run(net: _Network):
    """Solve with OR-Tools; the flows of all arcs, or None when infeasible."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.caps, net.costs)
    smcf.set_nodes_supplies(np.arange(net.n_nodes), net.supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        return None
    return smcf.flows(arcs)


def potentials(net: _Network, flows: np.ndarray, *, max_rounds: int = 400) -> np.ndarray | None:
    """Node potentials ``d`` with ``cost(u,v) + d[u] - d[v] >= 0`` on every residual arc, or None.

    Shortest distances from a virtual root joined to every node at cost 0, by a Bellman-Ford that relaxes only
    the out-arcs of nodes whose distance changed in the previous sweep (all in NumPy). At an optimum the
    residual graph has no negative cycle, so this converges; ``max_rounds`` bounds the work.
    """
    forward = flows < net.caps
    backward = flows > 0
    tail = np.concatenate((net.tails[forward], net.heads[backward]))
    head = np.concatenate((net.heads[forward], net.tails[backward]))
    weight = np.concatenate((net.costs[forward], -net.costs[backward]))
    order = np.argsort(tail, kind="stable")
    tail, head, weight = tail[order], head[order], weight[order]
    indptr = np.zeros(net.n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=net.n_nodes), out=indptr[1:])
    d = np.zeros(net.n_nodes, dtype=np.int64)
    active = np.arange(net.n_nodes)
    for _ in range(max_rounds):
        starts, counts = indptr[active], indptr[active + 1] - indptr[active]
        total = int(counts.sum())
        if total == 0:
            return d
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        cand = d[tail[offsets]] + weight[offsets]
        target = head[offsets]
        better = cand < d[target]
        if not better.any():
            return d
        target, cand = target[better], cand[better]
        np.minimum.at(d, target, cand)
        active = np.unique(target)
    return None


def _present_fn(rnd: Round, pairs: Pairs):
    keys = np.sort(pairs.app * rnd.n_experts + pairs.expert)

    def present(app, expert):
        k = app * rnd.n_experts + expert
        pos = np.searchsorted(keys, k)
        pos[pos >= keys.size] = 0
        return keys[pos] == k if keys.size else np.zeros(k.shape, dtype=bool)

    return present


def _tail_potential_fn(rnd: Round, d: np.ndarray):
    def tail_potential(app, expert):
        if rnd.require_regional:
            return np.where(rnd.regional_mask(app, expert), d[_regional_node(rnd, app)], d[app])
        return d[app]

    return tail_potential


def _solution(rnd, net, pairs, flows, *, certified, full, rounds, stats) -> Solution:
    chosen = np.flatnonzero(flows[: net.n_pair_arcs] > 0)
    picked = pairs.take(chosen)
    order = np.lexsort((picked.expert, picked.app))
    picked = picked.take(order)
    return Solution(
        app=picked.app,
        expert=picked.expert,
        q=picked.q,
        objective_units=int(picked.q.sum()),
        certified=certified,
        full_problem=full,
        arcs=len(pairs),
        certify_rounds=rounds,
        stats=stats,
    )


def solve(
    rnd: Round,
    *,
    prune: int | None = DEFAULT_PRUNE,
    prune_regional: int = DEFAULT_PRUNE_REGIONAL,
    prune_always: bool = False,
    progress=None,
) -> Solution:
    """The assignment of maximum total affinity; raises ``Infeasible`` (with a diagnosis) when none exists.

    ``prune=None`` solves the full candidate set directly. ``progress(step, message)`` is called between steps.
    """
    from resurs.reviews.assignment.diagnosis import diagnose

    stats: dict = {"timings": {}}
    t0 = time.perf_counter()
    cands = rnd.candidates
    # Pruning pays off only when the candidate set is large against what it keeps; small rounds are solved whole.
    n_candidates = int(cands.count_per_app().sum())
    full = (
        prune is None
        or prune >= rnd.n_experts
        or (prune_always is False and (n_candidates < PRUNE_FROM or n_candidates < 2 * prune * rnd.n_apps))
    )
    if full:
        pairs = cands.all()
    else:
        pairs = cands.top(
            prune,
            regional_mask_fn=rnd.regional_mask if rnd.require_regional else None,
            m_regional=prune_regional,
        )
    stats["timings"]["candidates_s"] = time.perf_counter() - t0
    rounds = 0
    while True:
        if progress:
            progress(rounds, "solving")
        t = time.perf_counter()
        net = _network(rnd, pairs)
        flows = _run(net)
        stats["timings"].setdefault("flow_s", []).append(time.perf_counter() - t)
        if flows is None:
            if full:
                raise Infeasible(diagnose(rnd))
            # A pruned problem may be infeasible when the full one is not (skewed topics): widen to all.
            stats["fallback"] = "pruned problem infeasible"
            pairs, full = cands.all(), True
            continue
        if full:
            return _solution(rnd, net, pairs, flows, certified=True, full=True, rounds=rounds, stats=stats)
        t = time.perf_counter()
        d = potentials(net, flows)
        if d is None:
            stats["fallback"] = "no certificate"
            pairs, full = cands.all(), True
            continue
        n = rnd.n_apps
        missing = cands.violations(
            _tail_potential_fn(rnd, d), d[n : n + rnd.n_experts], _present_fn(rnd, pairs)
        )
        stats["timings"].setdefault("certify_s", []).append(time.perf_counter() - t)
        if len(missing) == 0:
            return _solution(rnd, net, pairs, flows, certified=True, full=False, rounds=rounds, stats=stats)
        rounds += 1
        stats.setdefault("added_arcs", []).append(len(missing))
        if rounds >= MAX_CERTIFY_ROUNDS:
            stats["fallback"] = "too many certification rounds"
            pairs, full = cands.all(), True
        else:
            pairs = Pairs.concat([pairs, missing])


def check(rnd: Round, app: np.ndarray, expert: np.ndarray) -> dict:
    """Every constraint, checked independently of the solver: a dict of counts of violations (all zero = ok)."""
    n, e = rnd.n_apps, rnd.n_experts
    per_app = np.bincount(app, minlength=n)
    per_expert = np.bincount(expert, minlength=e)
    keys = app * e + expert
    allowed = rnd.candidates.all()
    allowed_keys = np.sort(allowed.app * e + allowed.expert)
    pos = np.searchsorted(allowed_keys, keys)
    pos[pos >= allowed_keys.size] = 0
    not_allowed = int((allowed_keys[pos] != keys).sum()) if keys.size else 0
    result = {
        "apps_without_k": int((per_app != rnd.k).sum()),
        "over_max_load": int((per_expert > rnd.max_load).sum()),
        "under_min_load": int((per_expert < rnd.min_load).sum()),
        "duplicate_pairs": int(keys.size - np.unique(keys).size),
        "forbidden_pairs": not_allowed,
        "apps_without_regional": 0,
    }
    if rnd.require_regional:
        regional = np.bincount(app[rnd.regional_mask(app, expert)], minlength=n)
        result["apps_without_regional"] = int((regional == 0).sum())
    result["ok"] = not any(v for v in result.values())
    return result
