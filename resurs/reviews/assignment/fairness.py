"""The fairness option: raise the worst-served application's total affinity at a bounded cost in total.

Two methods, by round size (``solve_maxmin`` picks):

- *Exact* (rounds of up to ``EXACT_UP_TO_PAIRS`` candidate pairs): max-min as a mixed-integer programme.
- *Tiered targets* (``solve_tiered``, large rounds): a bisection on a target ``T``; for each ``T`` every
  application gets ``k`` nested affinity thresholds ``θ_1 ≥ … ≥ θ_k`` with ``Σ θ ≥ T`` and may take any ``k``
  candidates whose sorted affinities dominate them (its ``t``-th best at least ``θ_t``). That is a flow: an
  application is a chain of ``k`` nodes, tier ``t``'s candidates hang off node ``t`` and the chain arc into node
  ``t`` carries at most ``k - t + 1`` units, so at least ``t`` of the ``k`` experts come from tiers ``1..t``.
  Every feasible flow therefore *guarantees* each application ``≥ T``. The thresholds are chosen where experts
  are cheap: each application's menu is its best ``k`` candidates by ``μ·affinity − price`` for a grid of ``μ``,
  the prices being the experts' dual values in the plain optimum (a crowded topic's experts are dear); for a
  target the application takes the first menu entry (the cheapest) whose sum reaches ``T``, its sorted
  affinities lowered evenly by the surplus are the thresholds. An application that can reach ``T`` with free
  experts thus gives up the scarce ones, and one that needs one scarce expert asks for exactly one.
  Under the regional rule one slot is the regional one: the menu entries contain a regional candidate, and the
  application gets a regional node (supply 1, arcs to its regional candidates above the regional slot's
  threshold) beside the chain of the other ``k - 1`` tiers (see ``_regional_tiered_network``).
  A target also counts as feasible if the *balanced* thresholds route: each application's best ``r_i``
  candidates, ``r_i`` the largest rank at which the ``k`` weakest of them still sum to ``T`` (the earlier
  method, which asks every slot to carry about ``T / k``), on the solver's network. That test is monotone in
  ``T``, so the bisection never ends below the balanced method's.

After the bisection the min-cost flow on the last feasible network maximises the total affinity; if that loses
more than ``max_loss`` of the plain optimum's total, ``T`` is lowered by bisection until it does not.

The bound for large rounds is the *scarcity bound* (``scarcity_bound``, ``best_bound``): for a set of scarce
experts, each application needs at least ``h_i(T)`` of them to reach ``T``, and ``Σ h_i(T)`` cannot exceed their
total maximum load. It is valid for every integer assignment; with no scarce expert it is the best-``k`` bound
(each application's own ``k`` best candidates). On the topic-skewed national round the linear relaxation of
max-min over the 7,000 applications served worst by the plain optimum (itself a relaxation of the round) already
reaches the best-``k`` value, so no linear-relaxation bound over such a subset beats it; the scarcity bound does,
because it counts an application that needs part of a scarce expert as needing a whole one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow

from resurs.reviews.assignment.problem import SCALE, Pairs, Round
from resurs.reviews.assignment.solver import (
    DEFAULT_PRUNE,
    Solution,
    _Network,
    _network,
    _run,
    _solution,
    potentials,
    solve,
)

# --- tiered targets ---------------------------------------------------------------------------------------------

MENU_MU = np.concatenate((np.geomspace(0.02, 50.0, 255), [np.inf]))  # weight of affinity against price


def _expert_prices(rnd: Round, plain: Solution) -> np.ndarray:
    """Each expert's dual value in the plain optimum (affinity units × SCALE): high where a topic is crowded.

    The potentials of a min-cost flow on the best ``DEFAULT_PRUNE`` candidates plus the plain choice; an
    application's chosen experts maximise ``affinity − price``. Zero everywhere if no potentials are found."""
    pairs = Pairs.concat([rnd.candidates.top(DEFAULT_PRUNE), Pairs(plain.app, plain.expert, plain.q)])
    _keys, first = np.unique(pairs.app * rnd.n_experts + pairs.expert, return_index=True)
    pairs = pairs.take(first)
    net = _network(rnd, pairs)
    flows = _run(net)
    d = potentials(net, flows) if flows is not None else None
    if d is None:  # pragma: no cover - the plain round is feasible, so is this one
        return np.zeros(rnd.n_experts, dtype=np.int64)
    expert_d = d[rnd.n_apps : rnd.n_apps + rnd.n_experts]
    return expert_d.max() - expert_d


def _ranked(rnd: Round) -> Pairs:
    """Every candidate pair, grouped by application, best affinity first (ties by expert)."""
    p = rnd.candidates.all()
    key = (p.app * np.int64(SCALE + 1) + (np.int64(SCALE) - p.q)) * np.int64(rnd.n_experts) + p.expert
    return p.take(np.argsort(key))


class _Menu:
    """Each application's menu: for each ``μ`` of ``MENU_MU``, the sorted affinities of its best ``k`` candidates
    by ``μ·q − price`` (the last ``μ`` is infinite: its own best ``k``), consecutive repeats dropped. Cheaper
    entries come first and their sums grow along the menu."""

    def __init__(self, rnd: Round, p: Pairs, price: np.ndarray | None):
        n, k = rnd.n_apps, rnd.k
        self.pairs, self.n, self.k = p, n, k
        counts = np.bincount(p.app, minlength=n)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        rank = np.arange(len(p)) - np.repeat(starts, counts)
        self.best = np.bincount(p.app, weights=p.q * (rank < k), minlength=n).astype(np.int64)  # own best k
        # For the balanced thresholds: sums of k consecutive candidates (best first) of the same application.
        csum = np.concatenate(([0], np.cumsum(p.q)))
        self.window = np.full(len(p), -1, dtype=np.int64)
        ends = np.flatnonzero(rank >= k - 1)
        self.window[ends] = csum[ends + 1] - csum[ends + 1 - k]
        self.priced = price is not None
        self.regional = rnd.regional_mask(p.app, p.expert) if rnd.require_regional else None
        if self.priced:
            self._priced_entries(p, counts, starts, price[p.expert])

    def _priced_entries(self, p: Pairs, counts: np.ndarray, starts: np.ndarray, cost: np.ndarray) -> None:
        n, k = self.n, self.k
        # A candidate with k better ones that cost no more is never in a menu: drop it (unless, under the
        # regional rule, it is regional and no better regional candidate costs as little).
        dominated = np.zeros(len(p), dtype=bool)
        regional_dominated = np.zeros(len(p), dtype=bool)
        cheapest = np.full((n, k), np.iinfo(np.int64).max)  # the k lowest prices among better candidates
        cheapest_regional = np.full(n, np.iinfo(np.int64).max)
        for r in range(int(counts.max()) if n else 0):
            apps = np.flatnonzero(counts > r)
            idx = starts[apps] + r
            dominated[idx] = cheapest[apps, k - 1] <= cost[idx]
            merged = np.sort(np.concatenate([cheapest[apps], cost[idx][:, None]], axis=1), axis=1)
            cheapest[apps] = merged[:, :k]
            if self.regional is not None:
                regional_dominated[idx] = cheapest_regional[apps] <= cost[idx]
                reg = self.regional[idx]
                cheapest_regional[apps[reg]] = np.minimum(cheapest_regional[apps[reg]], cost[idx[reg]])
        if self.regional is not None:
            dominated &= ~self.regional | regional_dominated
        keep = np.flatnonzero(~dominated)
        # The kept candidates as a padded (application × position) matrix, best affinity first.
        app = p.app[keep]
        col = _rank_in_group(app)
        width = int(col.max()) + 1 if keep.size else k
        q_pad = np.full((n, width), -1, dtype=np.int64)
        c_pad = np.zeros((n, width))
        r_pad = np.zeros((n, width), dtype=bool)
        q_pad[app, col] = p.q[keep]
        c_pad[app, col] = cost[keep]
        if self.regional is not None:
            r_pad[app, col] = self.regional[keep]
        entries_app, entries_values = [], []
        rows_per_block = max(1, 2_000_000 // width)
        for first in range(0, n, rows_per_block):
            rows = slice(first, min(n, first + rows_per_block))
            q_blk, c_blk, absent = q_pad[rows], c_pad[rows], q_pad[rows] < 0
            block_apps = np.arange(rows.start, rows.stop)
            previous = None
            for mu in MENU_MU:
                score = q_blk - c_blk / mu if np.isfinite(mu) else q_blk.astype(np.float64)
                score[absent] = -np.inf
                top = np.argpartition(-score, k - 1, axis=1)[:, :k]
                if self.regional is None:
                    values = -np.sort(-np.take_along_axis(q_blk, top, axis=1), axis=1)
                else:
                    values = _regional_selection(q_blk, score, r_pad[rows], top)
                changed = np.ones(len(values), bool) if previous is None else (values != previous).any(axis=1)
                entries_app.append(block_apps[changed])
                entries_values.append(values[changed])
                previous = values
        order = np.argsort(np.concatenate(entries_app), kind="stable")  # by application, μ ascending
        self.entry_app = np.concatenate(entries_app)[order]
        self.entry_values = np.concatenate(entries_values)[order]
        self.entry_sums = self.entry_values.sum(axis=1)

    def thresholds(self, target: int) -> np.ndarray | None:
        """``(n, k)`` thresholds, descending, summing to at least ``target``; None if some application cannot."""
        if not self.priced:
            return None
        reaching = np.flatnonzero(self.entry_sums >= target)
        apps, first = np.unique(
            self.entry_app[reaching], return_index=True
        )  # the cheapest entry that reaches it
        entry = np.full(self.n, -1, dtype=np.int64)
        entry[apps] = reaching[first]
        if (entry < 0).any():
            return None
        surplus = self.entry_sums[entry] - target
        return self.entry_values[entry] - (surplus // self.k)[:, None]

    def balanced(self, target: int) -> Pairs | None:
        """Each application's best ``r_i`` candidates, ``r_i`` the largest rank at which the ``k`` weakest of them
        still sum to ``target`` (any ``k`` of them do); None if some application cannot reach it."""
        ok = self.window >= target  # a prefix of each application's candidates from rank k - 1 on
        last = np.full(self.n, -1, dtype=np.int64)
        np.maximum.at(last, self.pairs.app[ok], np.flatnonzero(ok))
        if (last < 0).any():
            return None
        return self.pairs.take(np.flatnonzero(np.arange(len(self.pairs)) <= last[self.pairs.app]))


def _regional_selection(
    q: np.ndarray, score: np.ndarray, regional: np.ndarray, top: np.ndarray
) -> np.ndarray:
    """Under the regional rule: the best ``k`` by score with at least one regional candidate (else the best
    ``k - 1`` and the best regional one), as ``[regional slot, the others in descending order]``; the regional
    slot is the best regional candidate chosen."""
    rows = np.arange(len(q))[:, None]
    k = top.shape[1]
    top = np.take_along_axis(top, np.argsort(-np.take_along_axis(score, top, axis=1), axis=1), axis=1)
    best_regional = np.where(regional, score, -np.inf).argmax(axis=1)
    lacking = ~regional[rows, top].any(axis=1)
    top[lacking, k - 1] = best_regional[lacking]
    chosen_q = q[rows, top]
    chosen_q_regional = np.where(regional[rows, top], chosen_q, -1)
    slot = chosen_q_regional.argmax(axis=1)
    others = chosen_q.copy()
    others[np.arange(len(q)), slot] = np.iinfo(np.int64).max  # moved to the front below
    others = -np.sort(-others, axis=1)[:, 1:]
    return np.concatenate((chosen_q[np.arange(len(q)), slot][:, None], others), axis=1)


def _rank_in_group(sorted_groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal values (the array is grouped)."""
    m = sorted_groups.size
    first = np.concatenate(([True], sorted_groups[1:] != sorted_groups[:-1])) if m else np.zeros(0, bool)
    return np.arange(m) - np.maximum.accumulate(np.where(first, np.arange(m), 0))


def _assemble(
    rnd: Round, pairs: Pairs, pair_tails: np.ndarray, chain_arcs: list[tuple], supplies: np.ndarray
) -> _Network:
    """The network of both tier shapes: each kept pair an arc of capacity 1 from its tier node to the expert
    (cost: the affinity lost), each expert an arc to the sink for the load above its minimum, then the arcs
    between an application's own nodes (``chain_arcs``: tails, heads, capacities; no cost). The experts' minimum
    loads and the sink's rest are demands."""
    n, e, k = rnd.n_apps, rnd.n_experts, rnd.k
    sink = n + e
    tails = [pair_tails, n + np.arange(e, dtype=np.int64), *(a[0] for a in chain_arcs)]
    heads = [n + pairs.expert, np.full(e, sink, dtype=np.int64), *(a[1] for a in chain_arcs)]
    caps = [np.ones(len(pairs), dtype=np.int64), rnd.max_load - rnd.min_load, *(a[2] for a in chain_arcs)]
    costs = [np.int64(SCALE) - pairs.q, *(np.zeros(t.size, dtype=np.int64) for t in tails[1:])]
    supplies[n:sink] = -rnd.min_load
    supplies[sink] = -(k * n - int(rnd.min_load.sum()))
    return _Network(
        supplies.size,
        sink,
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(caps),
        np.concatenate(costs),
        supplies,
        len(pairs),
    )


def _tiered_network(rnd: Round, pairs: Pairs, theta: np.ndarray) -> tuple[Pairs, _Network]:
    """The flow network of the thresholds ``theta`` (see the module docstring); pair arcs come first."""
    if rnd.require_regional:
        return _regional_tiered_network(rnd, pairs, theta)
    n, e, k = rnd.n_apps, rnd.n_experts, rnd.k
    app_theta = theta[pairs.app]
    kept = pairs.q >= app_theta[:, k - 1]
    pairs, app_theta = pairs.take(np.flatnonzero(kept)), app_theta[kept]
    tier = (pairs.q[:, None] < app_theta).sum(axis=1)  # 0: at least the top threshold
    sink = n + e
    chain = sink + 1 + np.arange(n, dtype=np.int64) * k  # node of tier t of application i: chain[i] + t
    arcs = [(chain + t, chain + t + 1, np.full(n, k - 1 - t, dtype=np.int64)) for t in range(k - 1)]
    supplies = np.zeros(sink + 1 + n * k, dtype=np.int64)
    supplies[chain] = k
    return pairs, _assemble(rnd, pairs, chain[pairs.app] + tier, arcs, supplies)


def _regional_tiered_network(rnd: Round, pairs: Pairs, theta: np.ndarray) -> tuple[Pairs, _Network]:
    """Tiers under the regional rule: ``theta[:, 0]`` is the regional slot's threshold, ``theta[:, 1:]`` the
    others' (descending).

    Each application has a regional node (supply 1) whose arcs go to its regional candidates of at least
    ``theta_r`` (the set R), and a chain of ``k - 1`` tier nodes for the others (supply ``k - 1`` at the top) over
    the remaining candidates. So at least one expert is regional and at least ``theta_r``, and the others dominate
    their thresholds. When ``theta_r`` is at least the others' top threshold, the top of the chain may also send
    its units through the regional node (an expert of R qualifies for any other slot too)."""
    n, e, k = rnd.n_apps, rnd.n_experts, rnd.k
    m = k - 1  # the other slots
    app_theta = theta[pairs.app]
    in_r = rnd.regional_mask(pairs.app, pairs.expert) & (pairs.q >= app_theta[:, 0])
    in_other = ~in_r & (pairs.q >= (app_theta[:, k - 1] if m else np.iinfo(np.int64).max))
    kept = np.flatnonzero(in_r | in_other)
    pairs, app_theta, in_r = pairs.take(kept), app_theta[kept], in_r[kept]
    sink = n + e
    regional_node = sink + 1 + np.arange(n, dtype=np.int64)
    chain = sink + 1 + n + np.arange(n, dtype=np.int64) * max(m, 1)  # tier t of the others: chain[i] + t
    tier = (pairs.q[:, None] < app_theta[:, 1:]).sum(axis=1)
    pair_tails = np.where(in_r, regional_node[pairs.app], chain[pairs.app] + tier)
    arcs = [(chain + t, chain + t + 1, np.full(n, m - 1 - t, dtype=np.int64)) for t in range(m - 1)]
    if m:
        through = np.flatnonzero(theta[:, 0] >= theta[:, 1])
        arcs.append((chain[through], regional_node[through], np.full(through.size, m, dtype=np.int64)))
    supplies = np.zeros(sink + 1 + n + n * max(m, 1), dtype=np.int64)
    supplies[regional_node] = 1
    if m:
        supplies[chain] = m
    return pairs, _assemble(rnd, pairs, pair_tails, arcs, supplies)


def _network_feasible(net: _Network) -> bool:
    """Whether the supplies can be routed: a maximum flow from every supply to every demand (lower bounds are
    already written as supplies) that saturates them all."""
    source, sink = net.n_nodes, net.n_nodes + 1
    supply, demand = np.flatnonzero(net.supplies > 0), np.flatnonzero(net.supplies < 0)
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(
        np.concatenate((net.tails, np.full(supply.size, source), demand)),
        np.concatenate((net.heads, supply, np.full(demand.size, sink))),
        np.concatenate((net.caps, net.supplies[supply], -net.supplies[demand])),
    )
    smf.solve(source, sink)
    return smf.optimal_flow() == int(net.supplies[supply].sum())


# --- the scarcity bound -----------------------------------------------------------------------------------------

# Scarce sets tried by ``best_bound``: experts priced above the largest gaps in price, and above quantiles.
BOUND_GAP_LEVELS = 8
BOUND_QUANTILE_LEVELS = 8


def _best_sums(
    pairs: Pairs, start: np.ndarray, mask: np.ndarray, n: int, k: int, regional: np.ndarray | None = None
) -> np.ndarray:
    """``(n, k + 1)``: the sum of each application's best ``h`` candidates among ``pairs[mask]`` (``pairs``
    grouped by application, best first), for ``h = 0..k``; ``-1`` where it has fewer than ``h``. With a
    ``regional`` mask of the pairs: the best ``h`` that include a regional one (``-1`` for ``h = 0`` or none)."""
    rank = _rank_where(start, mask)  # rank among the masked pairs of the same application
    out = np.full((n, k + 1), -1, dtype=np.int64)
    out[:, 0] = 0
    for h in range(1, k + 1):
        at = np.flatnonzero(mask & (rank == h - 1))
        out[pairs.app[at], h] = out[pairs.app[at], h - 1] + pairs.q[at]
    if regional is None:
        return out
    # The best h include a regional one if one of them is regional; else the best h - 1 and the best regional.
    first = mask & regional & (_rank_where(start, mask & regional) == 0)
    at = np.flatnonzero(first)
    has = np.zeros(n, dtype=bool)
    has[pairs.app[at]] = True
    regional_rank = np.full(n, k + 1, dtype=np.int64)
    best_regional = np.zeros(n, dtype=np.int64)
    regional_rank[pairs.app[at]] = rank[at]
    best_regional[pairs.app[at]] = pairs.q[at]
    with_regional = np.full((n, k + 1), -1, dtype=np.int64)
    for h in range(1, k + 1):
        among = has & (regional_rank < h) & (out[:, h] >= 0)
        after = has & (regional_rank >= h) & (out[:, h - 1] >= 0)
        with_regional[among, h] = out[among, h]
        with_regional[after, h] = out[after, h - 1] + best_regional[after]
    return with_regional


def _group_start(grouped: np.ndarray) -> np.ndarray:
    """The position where each element's group begins (the array is grouped)."""
    first = np.concatenate(([True], grouped[1:] != grouped[:-1])) if grouped.size else np.zeros(0, bool)
    return np.maximum.accumulate(np.where(first, np.arange(grouped.size), 0))


def _rank_where(start: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """For each element, how many masked elements of its group come before it (``start``: its group's start)."""
    before = np.cumsum(mask) - mask  # masked elements before each position
    return before - before[start]


def _combine(best_free: np.ndarray, best_scarce: np.ndarray, k: int) -> np.ndarray:
    """``(n, k + 1)``: the best total with exactly ``h`` scarce experts and ``k - h`` free ones (``-1``: none)."""
    with_h = np.stack([best_free[:, k - h] + best_scarce[:, h] for h in range(k + 1)], axis=1)
    with_h[(best_free[:, ::-1] < 0) | (best_scarce < 0)] = -1
    return with_h


def scarcity_bound(rnd: Round, pairs: Pairs, scarce: np.ndarray, start: np.ndarray | None = None) -> int:
    """An upper bound on the worst-served application's total (units) from one set of scarce experts.

    ``pairs``: every candidate, grouped by application, best first; ``scarce``: a mask of experts. For a target
    ``T`` let ``h_i(T)`` be the fewest scarce experts application ``i`` needs to reach ``T`` (its best ``k − h``
    other candidates plus its best ``h`` scarce ones). In any assignment that serves every application at least
    ``T``, application ``i`` holds at least ``h_i(T)`` scarce experts, so ``Σ_i h_i(T)`` cannot exceed the scarce
    experts' total maximum load. ``h_i`` grows with ``T``; the largest ``T`` that passes is a bound. It holds for
    every integer assignment, whatever else is required of it (minimum loads, the total affinity floor; under
    the regional rule only selections with a regional expert count), and unlike the linear relaxation it counts an application that needs part of a scarce
    expert as needing a whole one. With no scarce expert it is the best-``k`` bound."""
    n, k = rnd.n_apps, rnd.k
    is_scarce = scarce[pairs.expert]
    start = _group_start(pairs.app) if start is None else start
    best_free = _best_sums(pairs, start, ~is_scarce, n, k)
    best_scarce = _best_sums(pairs, start, is_scarce, n, k)
    with_h = _combine(best_free, best_scarce, k)
    if rnd.require_regional:  # the regional expert is among the free or among the scarce ones
        regional = rnd.regional_mask(pairs.app, pairs.expert)
        with_h = np.maximum(
            _combine(_best_sums(pairs, start, ~is_scarce, n, k, regional), best_scarce, k),
            _combine(best_free, _best_sums(pairs, start, is_scarce, n, k, regional), k),
        )
    reach = np.maximum.accumulate(with_h, axis=1)  # the best total with at most h scarce experts
    capacity = int(rnd.max_load[scarce].sum())
    lo, hi = 0, int(reach[:, k].min()) if n else 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if int((reach < mid).sum()) <= capacity:  # Σ_i h_i(mid): the number of h each application cannot use
            lo = mid
        else:
            hi = mid - 1
    return lo


def best_bound(rnd: Round, pairs: Pairs, price: np.ndarray) -> tuple[int, str]:
    """The lowest scarcity bound over a few scarce sets, and its name (``best_k`` if none beats that).

    The sets are experts priced above a level: the levels just below the largest relative gaps in the sorted
    prices (a crowded topic's experts stand apart from the rest) and a few quantiles. Any set gives a valid bound;
    the choice only decides how tight it is."""
    start = _group_start(pairs.app)
    best_k = scarcity_bound(rnd, pairs, np.zeros(rnd.n_experts, dtype=bool), start)
    levels = np.unique(price[price > 0])[::-1]  # distinct positive prices, highest first
    if levels.size == 0:
        return best_k, "best_k"
    below = np.append(levels[1:], 0)  # a set is "above the next lower price"
    by_gap = below[np.argsort(-(levels / np.maximum(below, 1)))[:BOUND_GAP_LEVELS]]
    quantiles = np.quantile(levels, np.linspace(0, 1, BOUND_QUANTILE_LEVELS + 1)[:-1])
    levels = np.unique(np.r_[by_gap, quantiles, 0])
    bound = min(scarcity_bound(rnd, pairs, price > level, start) for level in levels)
    return (bound, "scarce_experts") if bound < best_k else (best_k, "best_k")


@dataclass
class TieredResult:
    solution: Solution
    target: int  # guaranteed to every application (units)
    upper: int  # the bisection's upper end (units): no higher target is feasible
    steps: int


def solve_tiered(
    rnd: Round,
    plain: Solution,
    *,
    max_loss: float = 0.05,
    resolution: int = SCALE // 1000,
    price: np.ndarray | None = None,
    ranked: Pairs | None = None,
    upper: int | None = None,
    priced: bool = True,
) -> TieredResult:
    """Tiered targets (see the module docstring): the plain optimum if no target above its worst is feasible.

    A target is feasible if the priced tiers or, failing them, the balanced ones can be routed; the balanced test
    is monotone in the target, so the bisection never ends below the balanced method's own. With
    ``priced=False`` only the balanced thresholds are used (the earlier method, for comparison)."""
    n = rnd.n_apps
    if priced and price is None:
        price = _expert_prices(rnd, plain)
    menu = _Menu(rnd, _ranked(rnd) if ranked is None else ranked, price if priced else None)

    def network(target: int):
        theta = menu.thresholds(target)
        if theta is not None:
            built = _tiered_network(rnd, menu.pairs, theta)
            if _network_feasible(built[1]):
                return built
        restricted = menu.balanced(target)
        if restricted is not None:
            net = _network(rnd, restricted)
            if _network_feasible(net):
                return restricted, net
        return None

    worst_plain = int(np.bincount(plain.app, weights=plain.q, minlength=n).min())
    upper = (int(menu.best.min()) if n else 0) if upper is None else upper  # no target above is feasible
    lo, hi, found, steps = worst_plain, upper, None, 0
    while hi - lo > resolution:
        mid = (lo + hi + 1) // 2
        steps += 1
        built = network(mid)
        if built is not None:
            lo, found = mid, built
        else:
            hi = mid - 1
    best, target, total = plain, worst_plain, plain.objective_units
    while found is not None:  # lower the target while the total affinity costs more than allowed
        pairs, net = found
        trial = _solution(rnd, net, pairs, _run(net), certified=True, full=True, rounds=0, stats={})
        steps += 1
        if total - trial.objective_units <= max_loss * total:
            best, target = trial, lo
            break
        lo = (worst_plain + lo) // 2
        found = network(lo) if lo - worst_plain > resolution else None
    return TieredResult(best, target, upper, steps)


# --- max-min: the method by round size, and the bound ------------------------------------------------------


@dataclass
class MaxMinResult:
    """The assignment with the highest worst-served application found, and how far the optimum can be above it."""

    solution: Solution
    plain: Solution
    worst_plain: float
    worst: float
    upper_bound: float  # no assignment serves its worst application better
    total_loss: float
    exact: bool  # solved as an integer programme: ``worst`` is the optimum
    wall_s: float
    method: str = "exact"  # "exact" or "tiered" (see the module docstring)
    # "exact" (the optimum), "best_k" (min over applications of its own best k) or "scarce_experts" (the
    # scarcity bound: see ``scarcity_bound``)
    bound_method: str = "exact"

    @property
    def worst_gain(self) -> float:
        return (self.worst - self.worst_plain) / self.worst_plain if self.worst_plain > 0 else 0.0

    @property
    def bound_gain(self) -> float:
        return (self.upper_bound - self.worst_plain) / self.worst_plain if self.worst_plain > 0 else 0.0

    @property
    def gap(self) -> float:
        """How much more the bound allows, relative to the worst-served application reached."""
        return (self.upper_bound - self.worst) / self.worst if self.worst > 0 else float("inf")


EXACT_UP_TO_PAIRS = 4_000  # rounds this small are solved exactly as an integer programme


def _exact(rnd: Round, pairs: Pairs, min_total_units: int | None) -> Pairs | None:
    """Max-min as a mixed-integer programme (HiGHS through SciPy): a 0/1 variable per pair, and ``t``.

    maximise t  subject to  Σ_j x_ij = k,  min_load ≤ Σ_i x_ij ≤ max_load,  Σ_j a_ij x_ij ≥ t,
    at least one regional expert per application under the regional rule, and the total affinity at least
    ``min_total_units``."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, hstack

    m, n = len(pairs), rnd.n_apps
    cols = np.arange(m)
    per_app = csr_matrix((np.ones(m), (pairs.app, cols)), shape=(n, m))
    per_expert = csr_matrix((np.ones(m), (pairs.expert, cols)), shape=(rnd.n_experts, m))
    affinity = csr_matrix((pairs.q / SCALE, (pairs.app, cols)), shape=(n, m))
    constraints = [
        LinearConstraint(hstack([per_app, csr_matrix((n, 1))]), rnd.k, rnd.k),
        LinearConstraint(hstack([per_expert, csr_matrix((rnd.n_experts, 1))]), rnd.min_load, rnd.max_load),
        LinearConstraint(hstack([affinity, csr_matrix(-np.ones((n, 1)))]), 0, np.inf),
    ]
    if rnd.require_regional:  # at least one expert of the application's own region
        regional = rnd.regional_mask(pairs.app, pairs.expert).astype(np.float64)
        per_app_regional = csr_matrix((regional, (pairs.app, cols)), shape=(n, m))
        constraints.append(LinearConstraint(hstack([per_app_regional, csr_matrix((n, 1))]), 1, np.inf))
    if min_total_units is not None:
        constraints.append(LinearConstraint(np.append(pairs.q, 0.0)[None, :], min_total_units, np.inf))
    c = np.zeros(m + 1)
    c[-1] = -1.0
    res = milp(
        c,
        constraints=constraints,
        integrality=np.append(np.ones(m), 0),
        bounds=Bounds(np.zeros(m + 1), np.append(np.ones(m), np.inf)),
    )
    if res.status != 0 or res.x is None:
        return None
    return pairs.take(np.flatnonzero(res.x[:m] > 0.5))


def solve_maxmin(rnd: Round, *, max_loss: float = 0.05, plain: Solution | None = None) -> MaxMinResult:
    """Raise the worst-served application as far as it goes, losing at most ``max_loss`` of the total affinity.

    Rounds of up to ``EXACT_UP_TO_PAIRS`` candidate pairs (a regional call: a few hundred applications) are
    solved exactly as a mixed-integer programme: the result is the optimum and the bound equals it. Larger rounds
    use the tiered targets (``solve_tiered``) and the scarcity bound
    (``best_bound``). (A Lagrangian bound from weighted min-cost flows was tried on the topic-skewed national
    round: in a dozen flows it did not fall below the best-k bound, and the linear relaxation over the
    applications served worst reaches that; see the module docstring.)
    """
    t0 = time.perf_counter()
    plain = plain or solve(rnd)
    n = rnd.n_apps
    pairs = rnd.candidates.all()
    total = plain.objective_units
    worst_plain = float(np.bincount(plain.app, weights=plain.q, minlength=n).min())
    chosen = None
    if len(pairs) <= EXACT_UP_TO_PAIRS:
        chosen = _exact(rnd, pairs, total - int(max_loss * total))
    if chosen is not None:
        best = Solution(chosen.app, chosen.expert, chosen.q, int(chosen.q.sum()), True, True, len(pairs), 0)
        worst = float(np.bincount(best.app, weights=best.q, minlength=n).min())
        upper, method, bound_method = worst, "exact", "exact"
    else:
        price, ranked = _expert_prices(rnd, plain), _ranked(rnd)
        upper, bound_method = best_bound(rnd, ranked, price)
        tiered = solve_tiered(rnd, plain, max_loss=max_loss, price=price, ranked=ranked, upper=upper)
        best, method = tiered.solution, "tiered"
        worst = float(np.bincount(best.app, weights=best.q, minlength=n).min())
    return MaxMinResult(
        solution=best,
        plain=plain,
        worst_plain=worst_plain / SCALE,
        worst=worst / SCALE,
        upper_bound=upper / SCALE,
        total_loss=(total - best.objective_units) / total if total else 0.0,
        exact=chosen is not None,
        wall_s=time.perf_counter() - t0,
        method=method,
        bound_method=bound_method,
    )
