"""The fairness option: raise the worst-served application's total affinity at a bounded cost in total.

Exact max-min of per-application totals is a linear programme with millions of columns and a fractional
optimum. We keep to flows with a *guarantee*: for a target ``T`` each application keeps only its best ``r_i``
candidates, where ``r_i`` is the largest rank at which the ``k`` weakest of those candidates still add up to
``T``. Any ``k`` experts an application can then receive sum to at least ``T``, so a feasible flow on the
restricted candidates guarantees every application ``≥ T``. A binary search on ``T`` (each step one maximum
flow) finds the largest feasible target, bounded above by ``min_i`` (sum of the application's own ``k`` best
candidates). The min-cost flow on the restricted candidates then maximises total affinity; if that loses more
than ``max_loss`` of the plain optimum's total, ``T`` is lowered by bisection (each step an exact min-cost flow)
until it does not. Applications with many good candidates keep almost all of them, so the restriction bites only
where fairness needs it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from resurs.reviews.assignment.diagnosis import max_flow_of
from resurs.reviews.assignment.problem import SCALE, Pairs, Round, SparseCandidates
from resurs.reviews.assignment.solver import Infeasible, Solution, _network, _run, solve


@dataclass
class FairResult:
    solution: Solution
    plain: Solution
    target: float
    worst_plain: float
    worst_fair: float
    worst_upper_bound: float
    total_loss: float
    steps: int
    wall_s: float

    @property
    def worst_gain(self) -> float:
        return (self.worst_fair - self.worst_plain) / self.worst_plain if self.worst_plain > 0 else 0.0


class _Sorted:
    """Candidate pairs grouped by application, best first, with sums of k consecutive affinities."""

    def __init__(self, rnd: Round):
        p = rnd.candidates.all()
        order = np.argsort(p.app * np.int64(SCALE + 1) + (np.int64(SCALE) - p.q), kind="stable")
        self.pairs = p.take(order)
        n, k = rnd.n_apps, rnd.k
        counts = np.bincount(self.pairs.app, minlength=n)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        self.rank = np.arange(len(self.pairs)) - np.repeat(starts, counts)
        csum = np.concatenate(([0], np.cumsum(self.pairs.q)))
        pos = np.arange(len(self.pairs))
        # window[pos] = q[pos-k+1] + ... + q[pos] within the same application (only for rank >= k-1).
        self.valid = self.rank >= k - 1
        self.window = np.full(len(self.pairs), -1, dtype=np.int64)
        idx = pos[self.valid]
        self.window[idx] = csum[idx + 1] - csum[idx + 1 - k]
        top = (
            self.window[starts + k - 1] if len(self.pairs) and (counts >= k).all() else np.zeros(n, np.int64)
        )
        self.upper = int(top.min()) if n else 0
        self.n, self.k = n, k

    def restricted(self, target: int) -> Pairs | None:
        """Each application's best r_i candidates, or None if some application cannot reach ``target``."""
        ok = self.window >= target
        reach = np.bincount(self.pairs.app[ok], minlength=self.n)
        if (reach == 0).any():
            return None
        last_rank = self.k - 1 + reach - 1
        keep = self.rank <= last_rank[self.pairs.app]
        return self.pairs.take(np.flatnonzero(keep))


def _feasible(rnd: Round, pairs: Pairs) -> bool:
    if int(rnd.min_load.sum()) == 0:
        smf, _arcs, _source = max_flow_of(rnd, pairs)
        return smf.optimal_flow() == rnd.k * rnd.n_apps
    return _run(_network(rnd, pairs)) is not None


def _solve_restricted(rnd: Round, pairs: Pairs) -> Solution:
    cands = SparseCandidates(rnd.n_apps, rnd.n_experts, pairs.app, pairs.expert, q=pairs.q)
    restricted = Round(
        rnd.n_apps,
        rnd.n_experts,
        rnd.k,
        cands,
        rnd.max_load,
        rnd.min_load,
        rnd.app_region,
        rnd.expert_region,
        rnd.require_regional,
    )
    return solve(restricted)


def solve_fair(
    rnd: Round,
    *,
    max_loss: float = 0.05,
    plain: Solution | None = None,
    search_steps: int = 14,
    progress=None,
) -> FairResult:
    """Raise the guaranteed worst-served application's affinity, losing at most ``max_loss`` of the total."""
    t0 = time.perf_counter()
    plain = plain or solve(rnd)
    n = rnd.n_apps
    worst_plain_units = int(np.bincount(plain.app, weights=plain.q, minlength=n).min())
    data = _Sorted(rnd)
    total = plain.objective_units
    best, best_target, steps = plain, worst_plain_units, 0
    lo, hi = worst_plain_units, data.upper  # lo is achieved (by the plain optimum)
    feasible_hi = None
    while hi - lo > max(1, SCALE // 1000) and steps < search_steps:
        mid = (lo + hi + 1) // 2
        steps += 1
        if progress:
            progress(steps, "fairness")
        pairs = data.restricted(mid)
        if pairs is not None and _feasible(rnd, pairs):
            lo, feasible_hi = mid, pairs
        else:
            hi = mid - 1
    if feasible_hi is not None:
        # The largest feasible target; lower it while the total affinity costs more than allowed.
        low_ok, high = worst_plain_units, lo
        candidate_pairs = feasible_hi
        for _ in range(8):
            try:
                trial = _solve_restricted(rnd, candidate_pairs)
            except Infeasible:  # pragma: no cover - a feasible restriction stays feasible
                break
            steps += 1
            if total - trial.objective_units <= max_loss * total:
                best, best_target = trial, high
                break
            high = (low_ok + high) // 2
            if high <= low_ok:
                break
            candidate_pairs = data.restricted(high)
    totals = np.bincount(best.app, weights=best.q, minlength=n)
    return FairResult(
        solution=best,
        plain=plain,
        target=best_target / SCALE,
        worst_plain=worst_plain_units / SCALE,
        worst_fair=float(totals.min()) / SCALE,
        worst_upper_bound=data.upper / SCALE,
        total_loss=(total - best.objective_units) / total if total else 0.0,
        steps=steps,
        wall_s=time.perf_counter() - t0,
    )
